import { Client } from 'pg';

/** The same server and login as `serverUrl`, in another database. */
export function pgUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `work` on a fresh connection to `database` on that server, and always closes it. */
export async function withPgClient<T>(
  serverUrl: string,
  database: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: pgUrlFor(serverUrl, database) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
