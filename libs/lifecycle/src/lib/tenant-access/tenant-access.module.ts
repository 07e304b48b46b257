import { serviceSchemaOf } from '@enclave/service-kit';
import { DynamicModule, Inject, Module, OnModuleInit, Provider, Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChangeTenantAccessUseCase } from './change-tenant-access.use-case';
import { SessionCutoffSweeper } from './session-cutoff.sweeper';
import { TenantAccessEnforcer } from './tenant-access.enforcer';
import { TenantAccessStore } from './tenant-access.store';
import { TenantStatusChangedHandler } from './tenant-status-changed.handler';

export interface TenantAccessOptions {
  /** What the stage does on its server; its dependencies come from the app's global module. */
  readonly enforcer: Type<TenantAccessEnforcer>;
  /** Set: old sessions end this long after a rotation (a sweeper runs). */
  readonly rotationGraceSeconds?: number;
}

/**
 * For a stage that makes tenant logins: its tenant-access tables, TenantStatusChanged enforced on
 * its server, and (with a grace) the sweeper that ends sessions opened before a rotation.
 */
@Module({})
export class TenantAccessModule implements OnModuleInit {
  constructor(@Inject(TenantAccessStore) private readonly store: TenantAccessStore) {}

  static forService(service: string, options: TenantAccessOptions): DynamicModule {
    const providers: Provider[] = [
      {
        provide: TenantAccessStore,
        inject: [DataSource],
        useFactory: (dataSource: DataSource) =>
          new TenantAccessStore(dataSource, serviceSchemaOf(service), options.rotationGraceSeconds),
      },
      options.enforcer,
      { provide: TenantAccessEnforcer, useExisting: options.enforcer },
      ChangeTenantAccessUseCase,
      SessionCutoffSweeper,
    ];
    return {
      module: TenantAccessModule,
      controllers: [TenantStatusChangedHandler],
      providers,
      exports: [TenantAccessStore, SessionCutoffSweeper],
    };
  }

  // Before any consumer starts: a provisioning or a status change must find its tables.
  onModuleInit(): Promise<void> {
    return this.store.ensureTables();
  }
}
