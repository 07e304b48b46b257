import { serviceSchemaOf } from '@enclave/service-kit';
import { DynamicModule, Inject, Module, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RegistrationLimitsStore } from './registration-limits.store';

/** For a stage that applies registrations' resource limits: its `registration_limits` table. */
@Module({})
export class RegistrationLimitsModule implements OnModuleInit {
  constructor(@Inject(RegistrationLimitsStore) private readonly store: RegistrationLimitsStore) {}

  static forService(service: string): DynamicModule {
    return {
      module: RegistrationLimitsModule,
      providers: [
        {
          provide: RegistrationLimitsStore,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) =>
            new RegistrationLimitsStore(dataSource, serviceSchemaOf(service)),
        },
      ],
      exports: [RegistrationLimitsStore],
    };
  }

  // Before any consumer starts: a provisioning or a limits change must find its table.
  onModuleInit(): Promise<void> {
    return this.store.ensureTables();
  }
}
