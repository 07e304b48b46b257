import fs from 'node:fs';
import path from 'node:path';

/** A Kafka SASL login, as kafkajs takes it. */
export interface KafkaSasl {
  readonly mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain';
  readonly username: string;
  readonly password: string;
}

export interface TestInfra {
  readonly kafkaBrokers: string[];
  /** The profile's Kafka super-user (infra-up makes one per profile); unset: a broker without SASL. */
  readonly kafkaSasl?: KafkaSasl;
  readonly pgAdminUrl: string;
  /**
   * A superuser URL of the profile's private PostgreSQL that requires scram-sha-256 for every login
   * (the machine's server trusts 127.0.0.1): where a wrong password is refused by the server itself.
   */
  readonly pgScramAdminUrl?: string;
  readonly mongoUrl: string;
  readonly mongoServerKind: string;
  /** The profile's MongoDB cannot enforce users, and the mongo-provisioner is told to accept that. */
  readonly mongoAllowUnauthenticatedTenants: boolean;
  readonly rabbitmqUrl: string;
  readonly rabbitmqMgmtUrl: string;
  readonly vaultAddr?: string;
}

const REPO_ROOT = path.resolve(__dirname, '../../../..');

/**
 * Where the real servers are: the environment (e.g. pointed at the docker-compose stack) or what
 * `scripts/infra-up.sh` wrote for the profile (INFRA_PROFILE, default `test`). A missing server is an error, never a skip.
 */
export function testInfra(): TestInfra {
  const envFile = path.join(REPO_ROOT, `.cache/infra/${process.env.INFRA_PROFILE || 'test'}/env`);
  const fromFile: Record<string, string> = {};
  if (fs.existsSync(envFile)) {
    for (const line of fs.readFileSync(envFile, 'utf8').split('\n')) {
      const match = /^export (\w+)=(.*)$/.exec(line.trim());
      if (match) fromFile[match[1]] = match[2];
    }
  }
  const read = (name: string): string => {
    const value = process.env[name] || fromFile[name];
    if (!value) {
      throw new Error(
        `${name} is not set and ${envFile} does not provide it: run the tests with \`npm test\` ` +
          '(it starts the servers) or start them with `INFRA_PROFILE=test bash scripts/infra-up.sh`.',
      );
    }
    return value;
  };
  const optional = (name: string): string | undefined =>
    process.env[name] || fromFile[name] || undefined;
  const saslUser = optional('KAFKA_SASL_USERNAME');
  return {
    kafkaBrokers: read('KAFKA_BROKERS').split(','),
    kafkaSasl: saslUser
      ? {
          mechanism: (optional('KAFKA_SASL_MECHANISM') ??
            'scram-sha-512') as KafkaSasl['mechanism'],
          username: saslUser,
          password: read('KAFKA_SASL_PASSWORD'),
        }
      : undefined,
    pgAdminUrl: read('PG_ADMIN_URL'),
    pgScramAdminUrl: process.env.PG_SCRAM_ADMIN_URL || fromFile.PG_SCRAM_ADMIN_URL || undefined,
    mongoUrl: read('MONGO_URL'),
    mongoServerKind: process.env.MONGO_SERVER_KIND || fromFile.MONGO_SERVER_KIND || 'external',
    mongoAllowUnauthenticatedTenants:
      (process.env.MONGO_ALLOW_UNAUTHENTICATED_TENANTS ||
        fromFile.MONGO_ALLOW_UNAUTHENTICATED_TENANTS) === 'true',
    rabbitmqUrl: read('RABBITMQ_URL'),
    rabbitmqMgmtUrl: read('RABBITMQ_MGMT_URL'),
    vaultAddr: process.env.VAULT_ADDR || undefined,
  };
}

/** The variables a platform app reads to reach the profile's Kafka (brokers and SASL login). */
export function kafkaEnv(
  infra: Pick<TestInfra, 'kafkaBrokers' | 'kafkaSasl'>,
  sasl: KafkaSasl | undefined = infra.kafkaSasl,
): Record<string, string> {
  return {
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    ...(sasl
      ? {
          KAFKA_SASL_MECHANISM: sasl.mechanism,
          KAFKA_SASL_USERNAME: sasl.username,
          KAFKA_SASL_PASSWORD: sasl.password,
        }
      : {}),
  };
}
