import { KafkaSasl, TestInfra, expectEventually } from '@enclave/testing';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '../../..');

/**
 * A Kafka of a test's own, started by scripts/infra-up.sh under a profile of its own (its ports
 * from the test's port slot, +7 and +8), so the test can kill and restart it without touching the
 * broker every other suite shares. MongoDB, PostgreSQL and RabbitMQ stay the test profile's.
 */
export class PrivateKafka {
  readonly profile = `e2e-kafka-${randomBytes(3).toString('hex')}`;
  readonly brokers: string[];
  /** Its super-user (infra-up makes it with this password when it formats the storage). */
  readonly sasl: KafkaSasl = {
    mechanism: 'scram-sha-512',
    username: 'admin',
    password: randomBytes(24).toString('hex'),
  };
  private readonly env: NodeJS.ProcessEnv;

  constructor(infra: TestInfra, basePort: number) {
    const port = basePort + 7;
    this.brokers = [`127.0.0.1:${port}`];
    this.env = {
      ...process.env,
      INFRA_PROFILE: this.profile,
      INFRA_KAFKA_PORT: String(port),
      INFRA_KAFKA_CONTROLLER_PORT: String(basePort + 8),
      // Required by the script for any profile; unused, since MONGO_URL points at the running one.
      INFRA_MONGO_PORT: String(basePort + 9),
      KAFKA_BROKERS: this.brokers.join(','),
      INFRA_KAFKA_ADMIN_PASSWORD: this.sasl.password,
      MONGO_URL: infra.mongoUrl,
      PG_ADMIN_URL: infra.pgAdminUrl,
      RABBITMQ_URL: infra.rabbitmqUrl,
      RABBITMQ_MGMT_URL: infra.rabbitmqMgmtUrl,
    };
  }

  /** Starts it (again, on the same data after a kill), returning once it accepts connections. */
  async start(): Promise<void> {
    await run('bash', ['scripts/infra-up.sh'], { cwd: REPO_ROOT, env: this.env });
  }

  /** SIGKILL, as a crash: no controlled shutdown, the next start recovers its logs. */
  async kill(): Promise<void> {
    const pidFile = path.join(REPO_ROOT, '.cache/infra', this.profile, 'kafka.pid');
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    await expectEventually(() => expect(isAlive(pid)).toBe(false), { timeoutMs: 10_000 });
  }

  /** Stops it and deletes its data. */
  async remove(): Promise<void> {
    await run('bash', ['scripts/infra-down.sh'], {
      cwd: REPO_ROOT,
      env: { ...this.env, INFRA_WIPE: '1' },
    });
    fs.rmSync(path.join(REPO_ROOT, '.cache/infra', this.profile), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
