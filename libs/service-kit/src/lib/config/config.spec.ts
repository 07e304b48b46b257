import { z } from 'zod';
import { commonConfig } from './common-config';
import { ConfigDefinition } from './config-definition';
import { ConfigValidationError } from './config-validation.error';

const definition = commonConfig.extend({
  API_TOKEN: { schema: z.string().min(32), description: 'Operator token.', secret: true },
});

const valid = {
  HTTP_PORT: '7100',
  DATABASE_URL: 'postgres://enclave:hunter2@127.0.0.1:5432/enclave',
  KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.1:19094',
  API_TOKEN: 'x'.repeat(40),
};

describe('ConfigDefinition', () => {
  it('parses and defaults variables', () => {
    const config = definition.load(valid);
    expect(config.HTTP_PORT).toBe(7100);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:19092', '127.0.0.1:19094']);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.HTTP_HOST).toBe('127.0.0.1');
  });

  it('lists every problem at once, with descriptions, and never echoes a secret', () => {
    let error: unknown;
    try {
      definition.load({
        ...valid,
        HTTP_PORT: 'eighty',
        KAFKA_BROKERS: undefined,
        API_TOKEN: 'short-secret',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const { problems, message } = error as ConfigValidationError;
    expect(problems).toHaveLength(3);
    expect(message).toMatch(/HTTP_PORT .*Port of the HTTP server/);
    expect(message).toMatch(/KAFKA_BROKERS is required/);
    expect(message).toMatch(/API_TOKEN .*\(secret\)/);
    expect(message).not.toContain('short-secret');
  });

  it("takes Kafka's SASL login only whole (user and password), and never echoes the password", () => {
    expect(definition.load(valid).KAFKA_SASL_USERNAME).toBeUndefined();
    const login = definition.load({
      ...valid,
      KAFKA_SASL_USERNAME: 'enclave-postgres-provisioner',
      KAFKA_SASL_PASSWORD: 'kafka-pass-0123456789',
    });
    expect(login.KAFKA_SASL_MECHANISM).toBe('scram-sha-512');
    expect(definition.summarize(login).KAFKA_SASL_PASSWORD).toBe('[secret]');
    expect(() => definition.load({ ...valid, KAFKA_SASL_USERNAME: 'enclave-x' })).toThrow(
      /KAFKA_SASL_PASSWORD is required with KAFKA_SASL_USERNAME/,
    );
    let message = '';
    try {
      definition.load({ ...valid, KAFKA_SASL_PASSWORD: 'kafka-pass-0123456789' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/KAFKA_SASL_USERNAME is required with KAFKA_SASL_PASSWORD/);
    expect(message).not.toContain('kafka-pass-0123456789');
    expect(() =>
      definition.load({
        ...valid,
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: 'enclave-dev-only',
      }),
    ).toThrow(/KAFKA_SASL_PASSWORD is a published example value/);
  });

  it('refuses a published example value in a secret, bare or as a URL password, unless allowed', () => {
    const withExamples = {
      ...valid,
      DATABASE_URL: 'postgres://enclave:enclave-dev-only@127.0.0.1:5432/enclave',
      METRICS_TOKEN: 'enclave-dev-metrics-token',
    };
    expect(() => definition.load(withExamples)).toThrow(ConfigValidationError);
    try {
      definition.load(withExamples);
    } catch (e) {
      const { problems, message } = e as ConfigValidationError;
      expect(problems).toEqual([
        expect.stringMatching(/^DATABASE_URL is a published example value \(secret\)/),
        expect.stringMatching(/^METRICS_TOKEN is a published example value \(secret\)/),
      ]);
      expect(message).toContain('ENCLAVE_ALLOW_EXAMPLE_SECRETS=true');
      expect(message).not.toContain('enclave-dev-only');
      expect(message).not.toContain('enclave-dev-metrics-token');
    }
    const allowed = definition.load({ ...withExamples, ENCLAVE_ALLOW_EXAMPLE_SECRETS: 'true' });
    expect(allowed.METRICS_TOKEN).toBe('enclave-dev-metrics-token');
    // Anything but exactly `true` keeps the check on.
    expect(() =>
      definition.load({ ...withExamples, ENCLAVE_ALLOW_EXAMPLE_SECRETS: 'yes' }),
    ).toThrow(/ENCLAVE_ALLOW_EXAMPLE_SECRETS/);
  });

  it('treats an empty variable as missing', () => {
    expect(() => definition.load({ ...valid, DATABASE_URL: '' })).toThrow(
      /DATABASE_URL is required/,
    );
  });

  it('masks secrets in the start-up summary and documents them', () => {
    const summary = definition.summarize(definition.load(valid));
    expect(summary.DATABASE_URL).toBe('[secret]');
    expect(summary.API_TOKEN).toBe('[secret]');
    expect(JSON.stringify(summary)).not.toContain('hunter2');
    expect(definition.describe()).toMatch(/\| `API_TOKEN` \| Operator token\. \| yes \|/);
  });

  it('rejects a malformed broker list', () => {
    expect(() =>
      new ConfigDefinition(commonConfig.variables).load({ ...valid, KAFKA_BROKERS: 'nohost' }),
    ).toThrow(/host:port/);
  });
});
