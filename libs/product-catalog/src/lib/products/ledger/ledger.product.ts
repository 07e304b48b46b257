/**
 * A ledger product using all three resources: ten tables, Mongo metadata collections and a RabbitMQ
 * topology for its transaction events. Isolated per schema by default.
 */
export const ledgerProduct = {
  name: 'ledger',
  version: '1.0.0',
  defaultIsolationMode: 'SCHEMA',
  resources: {
    postgres: {
      migrations: [
        {
          version: 1,
          name: 'create-organizations',
          sql: `CREATE TABLE organizations (id uuid PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());`,
        },
        {
          version: 2,
          name: 'create-ledgers',
          sql: `CREATE TABLE ledgers (id uuid PRIMARY KEY, organization_id uuid NOT NULL REFERENCES organizations (id), name text NOT NULL);`,
        },
        {
          version: 3,
          name: 'create-assets',
          sql: `CREATE TABLE assets (code text PRIMARY KEY, scale smallint NOT NULL CHECK (scale BETWEEN 0 AND 18));`,
        },
        {
          version: 4,
          name: 'create-accounts',
          sql: `CREATE TABLE accounts (id uuid PRIMARY KEY, ledger_id uuid NOT NULL REFERENCES ledgers (id), asset_code text NOT NULL REFERENCES assets (code), alias text NOT NULL UNIQUE);`,
        },
        {
          version: 5,
          name: 'create-balances',
          sql: `CREATE TABLE balances (account_id uuid PRIMARY KEY REFERENCES accounts (id), available numeric(38, 0) NOT NULL DEFAULT 0, version bigint NOT NULL DEFAULT 0);`,
        },
        {
          version: 6,
          name: 'create-transactions',
          sql: `CREATE TABLE transactions (id uuid PRIMARY KEY, ledger_id uuid NOT NULL REFERENCES ledgers (id), description text, created_at timestamptz NOT NULL DEFAULT now());
                CREATE INDEX transactions_ledger_idx ON transactions (ledger_id, created_at);`,
        },
        {
          version: 7,
          name: 'create-entries',
          sql: `CREATE TABLE entries (id bigserial PRIMARY KEY, transaction_id uuid NOT NULL REFERENCES transactions (id), account_id uuid NOT NULL REFERENCES accounts (id), amount numeric(38, 0) NOT NULL);
                CREATE INDEX entries_account_idx ON entries (account_id);`,
        },
        {
          version: 8,
          name: 'create-rules',
          sql: `CREATE TABLE rules (id uuid PRIMARY KEY, ledger_id uuid NOT NULL REFERENCES ledgers (id), expression text NOT NULL);`,
        },
        {
          version: 9,
          name: 'create-limits',
          sql: `CREATE TABLE limits (id uuid PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts (id), max_amount numeric(38, 0) NOT NULL);`,
        },
        {
          version: 10,
          name: 'create-audit-log',
          sql: `CREATE TABLE audit_log (id bigserial PRIMARY KEY, entity text NOT NULL, entity_id text NOT NULL, action text NOT NULL, at timestamptz NOT NULL DEFAULT now());`,
        },
      ],
    },
    mongodb: {
      collections: [
        {
          name: 'metadata',
          indexes: [{ name: 'entity_unique', key: { entityType: 1, entityId: 1 }, unique: true }],
        },
        { name: 'attachments', indexes: [{ name: 'by_transaction', key: { transactionId: 1 } }] },
      ],
    },
    rabbitmq: {
      limits: { maxConnections: 50, maxQueues: 100 },
      exchanges: [
        { name: 'ledger.events', type: 'topic' },
        { name: 'ledger.dlx', type: 'fanout' },
      ],
      queues: [
        { name: 'ledger.transactions', deadLetterExchange: 'ledger.dlx' },
        { name: 'ledger.balances', deadLetterExchange: 'ledger.dlx' },
        { name: 'ledger.dead-letters' },
      ],
      bindings: [
        { exchange: 'ledger.events', queue: 'ledger.transactions', routingKey: 'transaction.*' },
        { exchange: 'ledger.events', queue: 'ledger.balances', routingKey: 'balance.*' },
        { exchange: 'ledger.dlx', queue: 'ledger.dead-letters', routingKey: '' },
      ],
    },
  },
};
