/** A tracing product: PostgreSQL only, isolated per database by default. */
export const tracerProduct = {
  name: 'tracer',
  version: '1.0.0',
  defaultIsolationMode: 'DATABASE',
  resources: {
    postgres: {
      migrations: [
        {
          version: 1,
          name: 'create-traces',
          sql: `CREATE TABLE traces (
                  id uuid PRIMARY KEY,
                  name text NOT NULL,
                  started_at timestamptz NOT NULL DEFAULT now(),
                  duration_ms integer NOT NULL CHECK (duration_ms >= 0)
                );
                CREATE INDEX traces_started_at_idx ON traces (started_at);`,
        },
        {
          version: 2,
          name: 'create-spans',
          sql: `CREATE TABLE spans (
                  id uuid PRIMARY KEY,
                  trace_id uuid NOT NULL REFERENCES traces (id) ON DELETE CASCADE,
                  name text NOT NULL,
                  attributes jsonb NOT NULL DEFAULT '{}'
                );`,
        },
      ],
    },
  },
};
