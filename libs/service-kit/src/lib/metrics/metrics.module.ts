import { DynamicModule, Module } from '@nestjs/common';
import { collectDefaultMetrics } from 'prom-client';
import { OperatorToken } from '../auth/operator-token';
import { METRICS_TOKEN, MetricsController } from './metrics.controller';
import { metricsRegistry } from './metrics.registry';

let defaultsCollected = false;

/** Prometheus metrics of the process (Node's own and the platform's), served at `/metrics`. */
@Module({})
export class MetricsModule {
  static forRoot(options: { service: string; token?: string }): DynamicModule {
    metricsRegistry.setDefaultLabels({ service: options.service });
    if (!defaultsCollected) {
      collectDefaultMetrics({ register: metricsRegistry });
      defaultsCollected = true;
    }
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [
        {
          provide: METRICS_TOKEN,
          useValue: options.token ? new OperatorToken(options.token) : null,
        },
      ],
    };
  }
}
