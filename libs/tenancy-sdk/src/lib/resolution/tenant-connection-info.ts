import { IsolationMode, RabbitMqIsolation } from '@enclave/contracts';

export type TenantState = 'ready' | 'provisioning' | 'failed' | 'suspended';

export interface PostgresConnectionInfo {
  readonly host: string;
  readonly port: number;
  /** DATABASE mode: the tenant's own database; SCHEMA mode: the product's shared database. */
  readonly database: string;
  /** The schema every connection is pinned to (`public` in DATABASE mode). */
  readonly schema: string;
  readonly username: string;
  readonly password: string;
  /** Vault version of the credential, to tell a rotated credential from the one in use. */
  readonly secretVersion: number;
}

export interface MongoConnectionInfo {
  /** Server address without credentials, e.g. `mongodb://db1:27017,db2:27017/?replicaSet=rs0`. */
  readonly url: string;
  readonly database: string;
  readonly username: string;
  readonly password: string;
  readonly secretVersion: number;
}

export interface RabbitConnectionInfo {
  readonly protocol: 'amqp' | 'amqps';
  readonly host: string;
  readonly port: number;
  readonly vhost: string;
  /** `VHOST`: the tenant's own vhost; `SHARED_VHOST`: its product's, shared by its tenants. */
  readonly isolation?: RabbitMqIsolation;
  /**
   * Put in front of every exchange and queue name the product uses: `t.<tenant>.` in a shared
   * vhost (the broker refuses the tenant any other name), empty in its own vhost.
   */
  readonly prefix?: string;
  readonly username: string;
  readonly password: string;
  readonly secretVersion: number;
}

/** What a product needs to reach one tenant's resources; only resources the product uses are set. */
export interface TenantConnectionInfo {
  readonly tenantId: string;
  readonly product: string;
  readonly isolationMode: IsolationMode;
  readonly state: TenantState;
  readonly postgres?: PostgresConnectionInfo;
  readonly mongodb?: MongoConnectionInfo;
  readonly rabbitmq?: RabbitConnectionInfo;
}
