import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { TenantAccessEnforcer } from './tenant-access.enforcer';
import { TenantAccessStore } from './tenant-access.store';

/**
 * Ends the sessions opened before a rotation once its grace is over: every `intervalMs` it takes the
 * due cutoffs (rows another replica holds are skipped) and asks the server to end those sessions.
 * Cutoffs live in the database, so a restart inside the grace still ends them.
 */
@Injectable()
export class SessionCutoffSweeper implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SessionCutoffSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(TenantAccessStore) private readonly store: TenantAccessStore,
    @Inject(TenantAccessEnforcer) private readonly enforcer: TenantAccessEnforcer,
  ) {}

  /** Sweeps once: the number of cutoffs whose sessions were ended. */
  sweep(now = new Date()): Promise<number> {
    return this.store.sweepDue(now, async ({ login, cutoff }) => {
      try {
        await this.enforcer.endSessionsOpenedBefore(login, cutoff);
        this.logger.log(
          `rotation grace over for ${login.tenantId}/${login.product}: sessions opened before ${cutoff.toISOString()} ended`,
        );
      } catch (error) {
        this.logger.warn(
          `ending sessions of ${login.tenantId}/${login.product} opened before ${cutoff.toISOString()} failed, retrying: ${(error as Error).message}`,
        );
        throw error;
      }
    });
  }

  onModuleInit(): void {
    const grace = this.store.rotationGraceSeconds;
    if (grace === undefined) return;
    // Often enough that a session outlives the grace by at most about a quarter of it (1-5 s).
    const intervalMs = Math.min(5_000, Math.max(1_000, (grace * 1000) / 4));
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .catch((error: unknown) =>
          this.logger.warn(`session cutoff sweep failed: ${(error as Error).message}`),
        )
        .finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
