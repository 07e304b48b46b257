import { TenantLifecycleListener } from '@enclave/tenancy-sdk';
import { recordExercised, testInfra, testKafka } from '@enclave/testing';
import { randomBytes } from 'node:crypto';

/** The listener against the real broker, where the platform's topics do not exist. */
describe('TenantLifecycleListener', () => {
  const infra = testInfra();

  it('refuses to start, saying why, when the platform has not created its feed (it never creates it)', async () => {
    const prefix = `absent-${randomBytes(4).toString('hex')}.`;
    const listener = new TenantLifecycleListener({
      brokers: infra.kafkaBrokers,
      sasl: infra.kafkaSasl,
      product: 'ledger',
      topicPrefix: prefix,
      connections: { invalidate: () => undefined },
    });
    const error = await listener.start().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(
      new RegExp(
        `${prefix.replace('.', '\\.')}enclave\\.products\\.ledger\\.lifecycle.*Is the platform running`,
      ),
    );
    await listener.stop(); // nothing left to stop: no throw
    const admin = testKafka(infra.kafkaBrokers).admin();
    await admin.connect();
    try {
      expect((await admin.listTopics()).filter((t) => t.startsWith(prefix))).toEqual([]);
    } finally {
      await admin.disconnect();
    }
    recordExercised('Kafka', `${infra.kafkaBrokers.join(',')} (tenancy SDK lifecycle listener)`);
  }, 60_000);
});
