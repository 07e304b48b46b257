import { Migration, ProductManifest } from '@enclave/contracts';
import { exampleProducts } from '@enclave/product-catalog';

export const BENCH_PRODUCT = 'bench-pg';

/**
 * The migration each later version appends: one new table and one index. `step` 1 is 1.1.0's
 * (version 11); a concurrency sweep publishes 1.2.0, 1.3.0, … with steps 2, 3, ….
 */
export function addedMigration(step: number): Migration {
  const table = step === 1 ? 'statements' : `statements_${step}`;
  return {
    version: 10 + step,
    name: `create-${table.replace(/_/g, '-')}`,
    sql: `CREATE TABLE ${table} (id uuid PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts (id), period_start date NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX ${table}_account_idx ON ${table} (account_id, period_start);`,
  };
}

/**
 * A bench-only product: PostgreSQL only, SCHEMA mode, the ledger's ten migrations at 1.0.0, and
 * `steps` more migrations (one table and one index each) at 1.<steps>.0.
 */
export function benchPgManifest(steps = 0): ProductManifest {
  const ledger = exampleProducts.get('ledger')!;
  return {
    name: BENCH_PRODUCT,
    version: `1.${steps}.0`,
    defaultIsolationMode: 'SCHEMA',
    resources: {
      postgres: {
        migrations: [
          ...structuredClone(ledger.resources.postgres!.migrations),
          ...Array.from({ length: steps }, (_, i) => addedMigration(i + 1)),
        ],
      },
    },
  };
}
