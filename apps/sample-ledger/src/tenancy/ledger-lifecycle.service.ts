import {
  CredentialsRotated,
  ServiceFailed,
  ServiceReady,
  TenantStatusChanged,
} from '@enclave/contracts';
import { TenantConnectionManager, TenantLifecycleListener } from '@enclave/tenancy-sdk';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { SampleLedgerConfig } from '../config/sample-ledger.config';
import { SAMPLE_LEDGER_CONFIG } from '../config/sample-ledger-config.token';
import { LedgerProduct } from '../ledger/ledger-product';

export type LifecycleState = 'disabled' | 'starting' | 'listening' | 'stopped';

/**
 * The platform's tenant lifecycle, as this product sees it (multi-tenant mode only). Suspension,
 * resumption and credential rotation invalidate the tenant's connections (the SDK's listener does
 * it for the TenantConnectionManager): the next request resolves again, and a suspended tenant gets
 * 403. ServiceReady and ServiceFailed of the ledger are logged.
 */
@Injectable()
export class LedgerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LedgerLifecycle.name);
  private listener?: TenantLifecycleListener;
  private current: LifecycleState = 'disabled';
  private listeningSince?: Date;

  constructor(
    @Inject(SAMPLE_LEDGER_CONFIG) private readonly config: SampleLedgerConfig,
    @Inject(TenantConnectionManager) private readonly connections: TenantConnectionManager,
  ) {}

  get state(): LifecycleState {
    return this.current;
  }

  get since(): Date | undefined {
    return this.listeningSince;
  }

  // Awaited, so HTTP opens only once suspensions can reach this process: an instance that could not
  // hear of a suspension must not serve tenants at all.
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.MULTI_TENANT_ENABLED) {
      this.logger.log('single-tenant mode: no tenant lifecycle (no Kafka, no registry)');
      return;
    }
    this.current = 'starting';
    const listener = new TenantLifecycleListener({
      brokers: this.config.KAFKA_BROKERS!,
      sasl: this.config.KAFKA_SASL_USERNAME
        ? {
            mechanism: this.config.KAFKA_SASL_MECHANISM,
            username: this.config.KAFKA_SASL_USERNAME,
            password: this.config.KAFKA_SASL_PASSWORD!,
          }
        : undefined,
      topicPrefix: this.config.KAFKA_TOPIC_PREFIX,
      product: LedgerProduct.name,
      connections: this.connections,
      onError: (error, topic) =>
        this.logger.error({ topic, error: error.message }, 'lifecycle event not handled'),
    })
      .on(ServiceReady, ({ tenantId, product, schemaVersion }) =>
        this.logger.log(
          { tenantId, product, schemaVersion },
          `ServiceReady: tenant ${tenantId} can be served by ${product}`,
        ),
      )
      .on(ServiceFailed, ({ tenantId, product, stage, reason }) =>
        this.logger.warn(
          { tenantId, product, stage, reason },
          `ServiceFailed: tenant ${tenantId} cannot be served by ${product}`,
        ),
      )
      .on(TenantStatusChanged, ({ tenantId, status, revision }) =>
        this.logger.log(
          { tenantId, status, revision },
          `tenant ${tenantId} is now ${status}: its connections were dropped`,
        ),
      )
      .on(CredentialsRotated, ({ tenantId, product, rotationId }) =>
        this.logger.log(
          { tenantId, product, rotationId },
          `credentials of tenant ${tenantId} rotated: it reconnects with the new ones`,
        ),
      );
    await listener.start();
    this.listener = listener;
    this.current = 'listening';
    this.listeningSince = new Date();
    this.logger.log(
      { brokers: this.config.KAFKA_BROKERS, topicPrefix: this.config.KAFKA_TOPIC_PREFIX },
      'listening to the tenant lifecycle',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.stop();
    this.listener = undefined;
    if (this.current !== 'disabled') this.current = 'stopped';
  }
}
