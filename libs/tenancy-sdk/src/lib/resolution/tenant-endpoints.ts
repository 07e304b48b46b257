import type { RabbitMqIsolation } from '@enclave/contracts';

/**
 * Where the tenant servers are, as this product reaches them (the platform's own addresses may differ,
 * e.g. inside another network); the product configures one entry per store it uses.
 */
export interface TenantEndpoints {
  readonly postgres?: { readonly host: string; readonly port: number };
  /** Without credentials: `mongodb://host:27017` (options such as `?replicaSet=` are kept). */
  readonly mongodb?: { readonly url: string };
  readonly rabbitmq?: {
    readonly host: string;
    readonly port: number;
    readonly protocol?: 'amqp' | 'amqps';
    /**
     * The product's RabbitMQ isolation level, as its manifest says (default `VHOST`). Only the
     * `VaultTenantResolver` reads it: it has no manifest; the registry's answer carries its own.
     */
    readonly isolation?: RabbitMqIsolation;
  };
}
