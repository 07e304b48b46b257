import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReadinessProbe } from '../health/readiness-probe';

@Injectable()
export class PostgresReadinessProbe implements ReadinessProbe {
  readonly name = 'postgres';

  constructor(private readonly dataSource: DataSource) {}

  async check() {
    await this.dataSource.query('SELECT 1');
  }
}
