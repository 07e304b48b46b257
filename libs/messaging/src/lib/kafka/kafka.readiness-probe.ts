import { ReadinessProbe } from '@enclave/service-kit';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';
import { KAFKA } from '../messaging.tokens';

@Injectable()
export class KafkaReadinessProbe implements ReadinessProbe, OnModuleDestroy {
  readonly name = 'kafka';
  private admin?: Promise<Admin>;

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  async check() {
    // One admin connection reused across checks; dropped and rebuilt after a failure.
    this.admin ??= this.connect();
    try {
      const cluster = await (await this.admin).describeCluster();
      return { brokers: cluster.brokers.length };
    } catch (error) {
      const stale = this.admin;
      this.admin = undefined;
      void stale.then((a) => a.disconnect()).catch(() => undefined);
      throw error;
    }
  }

  async onModuleDestroy() {
    await (await this.admin?.catch(() => undefined))?.disconnect();
  }

  private async connect(): Promise<Admin> {
    const admin = this.kafka.admin();
    await admin.connect();
    return admin;
  }
}
