import { TenantContext } from '@enclave/tenancy-sdk';
import { Inject, Injectable } from '@nestjs/common';
import { ChannelModel, ConfirmChannel } from 'amqplib';
import { SampleLedgerConfig } from '../config/sample-ledger.config';
import { SAMPLE_LEDGER_CONFIG } from '../config/sample-ledger-config.token';
import { LedgerProduct } from '../ledger/ledger-product';

/** The `transaction.created` message, as the tenant's consumers read it from `ledger.transactions`. */
export interface TransactionCreatedMessage {
  readonly id: string;
  readonly type: 'transaction.created';
  readonly tenantId: string;
  readonly description: string;
  readonly entries: readonly { readonly accountAlias: string; readonly amount: string }[];
  readonly createdAt: string;
}

/** Where one request publishes, on the AMQP lease it took. */
export interface TransactionEventSink {
  publish(message: TransactionCreatedMessage): Promise<void>;
}

/**
 * Publishes transaction events to the `ledger.events` exchange of the current tenant's vhost, with
 * publisher confirms. One confirm channel per tenant connection, opened on first use and forgotten
 * when it closes (the SDK replaces connections that are invalidated or closed by the broker).
 */
@Injectable()
export class TransactionEventsPublisher {
  private readonly channels = new WeakMap<ChannelModel, Promise<ConfirmChannel>>();
  private readonly enabled: boolean;
  /** Single-tenant mode has no platform that declared the topology: the app declares its exchange. */
  private readonly declareExchange: boolean;

  constructor(
    @Inject(TenantContext) private readonly tenant: TenantContext,
    @Inject(SAMPLE_LEDGER_CONFIG) config: SampleLedgerConfig,
  ) {
    this.enabled = config.MULTI_TENANT_ENABLED || config.SINGLE_TENANT_AMQP_URL !== undefined;
    this.declareExchange = !config.MULTI_TENANT_ENABLED;
  }

  /**
   * Takes the tenant's AMQP lease for the current request (released with the request), or null when
   * this deployment has no broker (single-tenant mode without SINGLE_TENANT_AMQP_URL).
   */
  async open(): Promise<TransactionEventSink | null> {
    if (!this.enabled) return null;
    const { connection } = await this.tenant.rabbitmq();
    return { publish: (message) => this.publish(connection, message) };
  }

  private async publish(
    connection: ChannelModel,
    message: TransactionCreatedMessage,
  ): Promise<void> {
    const channel = await this.channelOf(connection);
    await new Promise<void>((resolve, reject) =>
      channel.publish(
        LedgerProduct.eventsExchange,
        LedgerProduct.transactionCreatedRoutingKey,
        Buffer.from(JSON.stringify(message)),
        {
          contentType: 'application/json',
          persistent: true,
          messageId: message.id,
          type: message.type,
        },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  }

  private channelOf(connection: ChannelModel): Promise<ConfirmChannel> {
    let channel = this.channels.get(connection);
    if (channel === undefined) {
      const opening = connection.createConfirmChannel().then(async (created) => {
        // A channel error (say, a missing exchange) closes the channel: the next publish opens another.
        created.on('error', () => undefined);
        created.once('close', () => this.forget(connection, opening));
        if (this.declareExchange) {
          await created.assertExchange(LedgerProduct.eventsExchange, 'topic', { durable: true });
        }
        return created;
      });
      opening.catch(() => this.forget(connection, opening));
      this.channels.set(connection, opening);
      channel = opening;
    }
    return channel;
  }

  private forget(connection: ChannelModel, channel: Promise<ConfirmChannel>): void {
    if (this.channels.get(connection) === channel) this.channels.delete(connection);
  }
}
