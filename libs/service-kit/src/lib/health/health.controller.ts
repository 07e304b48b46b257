import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { READINESS_PROBES, ReadinessProbe } from './readiness-probe';
import { SERVICE_NAME } from '../bootstrap/service-name.token';
import { Public } from '../auth/public.decorator';

const PROBE_TIMEOUT_MS = 2_000;

// Orchestrators and load balancers probe without credentials: the only public routes.
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_PROBES) private readonly probes: ReadinessProbe[],
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  /** Liveness: the process answers. Orchestrators restart it when this fails. */
  @Get()
  @HealthCheck()
  live() {
    return this.health.check([
      async () => this.indicators.check(this.service).up({ pid: process.pid }),
    ]);
  }

  /** Readiness: one indicator per dependency; 503 with the failing ones named when any is down. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(
      this.probes.map((probe) => async () => {
        const session = this.indicators.check(probe.name);
        try {
          const details = await withTimeout(probe.check(), PROBE_TIMEOUT_MS, probe.name);
          return session.up(details ?? {});
        } catch (error) {
          return session.down({ message: (error as Error).message });
        }
      }),
    );
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
