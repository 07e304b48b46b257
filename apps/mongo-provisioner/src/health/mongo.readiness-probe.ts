import { ReadinessProbe } from '@enclave/service-kit';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { MongoClient } from 'mongodb';
import { APP_CONFIG } from '../config/app-config.token';
import { MongoProvisionerConfig } from '../config/mongo-provisioner.config';

@Injectable()
export class MongoReadinessProbe implements ReadinessProbe, OnModuleDestroy {
  readonly name = 'mongodb';
  private readonly client: MongoClient;

  constructor(@Inject(APP_CONFIG) config: MongoProvisionerConfig) {
    this.client = new MongoClient(config.MONGO_URL, { serverSelectionTimeoutMS: 1_500 });
  }

  async check() {
    await this.client.db('admin').command({ ping: 1 });
  }

  async onModuleDestroy() {
    await this.client.close();
  }
}
