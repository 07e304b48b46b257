import { platformEventCatalog } from '@enclave/contracts';
import {
  KafkaReadinessProbe,
  MessagingModule,
  MessagingOptions,
  messagingOptionsFrom,
} from '@enclave/messaging';
import {
  SecretStoreConfig,
  SecretStoreModule,
  SecretStoreReadinessProbe,
} from '@enclave/secret-store';
import {
  CommonConfig,
  HealthModule,
  PostgresReadinessProbe,
  ReadinessProbe,
  ServiceKitModule,
} from '@enclave/service-kit';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { MixedList } from 'typeorm';
import { ProductCatalogModule } from './product-catalog/product-catalog.module';

export interface StageRuntimeOptions {
  readonly service: string;
  readonly config: CommonConfig & SecretStoreConfig;
  /** The app's own schema migrations. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations?: MixedList<Function>;
  /** Settings of its consumers and relay beyond what the config says (batching, retries). */
  readonly messaging?: Partial<MessagingOptions>;
  /** Readiness of what this stage drives, besides its database, Kafka and the vault. */
  readonly probes?: Type<ReadinessProbe>[];
  /** The stage reads product manifests: it keeps its own catalog (ProductVersionPublished). */
  readonly productCatalog?: boolean;
}

/**
 * What every stage app runs on, wired one way: JSON logs and its database schema, the vault, Kafka
 * with its outbox and consumers, health and readiness, and, where it reads manifests, its catalog.
 */
@Module({})
export class StageRuntimeModule {
  static forStage(options: StageRuntimeOptions): DynamicModule {
    const { service, config } = options;
    const catalog = options.productCatalog ? [ProductCatalogModule.forService(service)] : [];
    return {
      module: StageRuntimeModule,
      imports: [
        ServiceKitModule.forRoot({ service, config, migrations: options.migrations }),
        SecretStoreModule.forRoot(config),
        MessagingModule.forRoot(
          messagingOptionsFrom(service, config, platformEventCatalog, options.messaging),
        ),
        ...catalog,
        HealthModule.forRoot([
          PostgresReadinessProbe,
          KafkaReadinessProbe,
          SecretStoreReadinessProbe,
          ...(options.probes ?? []),
        ]),
      ],
      exports: catalog,
    };
  }
}
