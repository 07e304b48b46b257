import { DynamicModule, Module, Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { READINESS_PROBES, ReadinessProbe } from './readiness-probe';

/** `/health` (liveness) and `/health/ready` (one indicator per dependency). */
@Module({})
export class HealthModule {
  static forRoot(probes: Type<ReadinessProbe>[]): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        ...probes,
        {
          provide: READINESS_PROBES,
          useFactory: (...all: ReadinessProbe[]) => all,
          inject: probes,
        },
      ],
    };
  }
}
