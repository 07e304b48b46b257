import 'reflect-metadata';
import {
  TenantConnectionInfo,
  TenantConnectionManager,
  TenantResolver,
  TenantTokenVerifier,
  VaultTenantResolver,
} from '@enclave/tenancy-sdk';
import { testInfra } from '@enclave/testing';
import { SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { BenchRole, BenchTenant, BenchWorld } from './bench-world';
import {
  ServerConnectionSampler,
  SocketCounter,
  exposeGc,
  machine,
  mb,
  p50p99,
  percentile,
  round2,
} from './measure';

/**
 * The tenancy SDK against the real PostgreSQL, in two parts.
 *
 * 1. Latency, JWT → connection, interleaved with plain-pg baselines in the same run:
 *    - cold: a freshly signed HS256 token → TenantTokenVerifier → TenantConnectionManager.postgres()
 *      for a tenant never seen (VaultTenantResolver: InMemoryRegistrationDirectory + the
 *      EmbeddedSecretStore in PostgreSQL; a new PinnedPool, a new connection) → SELECT
 *      current_schema() (checked against the tenant's schema) → release. Baseline: new pg.Client
 *      with the same connection parameters → connect → same query → end.
 *    - warm: the client's token again (remembered verification) → checkout from the tenant's cached
 *      pool → same query → release; also with a new token per request (full signature check).
 *      Baseline: checkout → same query → release on a pre-connected pg.Pool.
 * 2. Scale: BENCH_TENANTS distinct tenants (default 10,000), each with a burst of two concurrent
 *    requests, BENCH_CONCURRENCY tenants at a time, through one manager capped at BENCH_MAX_POOLS
 *    pools and BENCH_MAX_CONNECTIONS connections; caps checked from the manager's stats, a client-side
 *    socket count and pg_stat_activity; memory sampled (after a full GC) every 1,000 tenants.
 *
 * The server: BENCH_PG_URL (`npm run bench:tenancy` sets it to the private cluster of
 * scripts/bench-postgres.sh, max_connections 450), else the infra PostgreSQL (PG_ADMIN_URL). On
 * this machine the latter is shared by the dev and test profiles, with max_connections = 100. The
 * caps default to the issue's scale, 200 pools and 300 connections (with 2-connection pools the
 * connection cap binds first, at 150 pools). The run refuses to start when the server lacks the
 * room (on the shared server use BENCH_MAX_POOLS=24 BENCH_MAX_CONNECTIONS=48). Last output line:
 * one JSON object, also written to bench/results/tenancy-sdk.json when every check passes.
 */
const TENANTS = intEnv('BENCH_TENANTS', 10_000);
const COLD_N = intEnv('BENCH_COLD_N', 300);
const POOL_SIZE = intEnv('BENCH_POOL_SIZE', 2);
const MAX_POOLS = intEnv('BENCH_MAX_POOLS', 200);
const MAX_CONNECTIONS = intEnv('BENCH_MAX_CONNECTIONS', 300);
const CONCURRENCY = intEnv('BENCH_CONCURRENCY', 8);
const WARMUP_ROUNDS = 20;
const WARM_PER_ROUND = 10;
const WARM_TENANTS = 4;
const BURST = 2;
const SAMPLE_EVERY = 1_000;
const VAULT_POOL = 8;
/** heapUsed at the end may be at most this multiple of heapUsed at 2,000 tenants. */
const HEAP_GROWTH_LIMIT = 1.5;
const QUERY = 'SELECT current_schema() AS schema';
const ISSUER = 'https://id.bench.enclave.local';

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

const log = (line: string) => console.log(`[tenancy-bench] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The real resolver, timed: how long each cold resolve took, and how many there were. */
class TimedResolver implements TenantResolver {
  calls = 0;
  lastMs = 0;

  constructor(
    private readonly inner: TenantResolver,
    private readonly onResolved?: (info: TenantConnectionInfo) => void,
  ) {}

  async resolve(tenantId: string, product: string): Promise<TenantConnectionInfo> {
    this.calls++;
    const t0 = performance.now();
    try {
      const info = await this.inner.resolve(tenantId, product);
      this.onResolved?.(info);
      return info;
    } finally {
      this.lastMs = performance.now() - t0;
    }
  }
}

/** Waits until the manager holds exactly `open` pools and none is still closing. */
async function settle(manager: TenantConnectionManager, open: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const stats = manager.stats().postgres;
    if (stats && stats.closing === 0 && stats.reservedEntries === open) return;
    if (Date.now() > deadline) throw new Error(`pools did not settle: ${JSON.stringify(stats)}`);
    await sleep(1);
  }
}

let cleanup: (() => Promise<void>) | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`[tenancy-bench] ${signal}: dropping the bench database and roles`);
    void (cleanup?.() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const startMachine = machine();
  // The private bench cluster when BENCH_PG_URL is set (npm run bench:tenancy), else the infra one.
  const source = process.env.BENCH_PG_URL ? 'BENCH_PG_URL' : 'PG_ADMIN_URL';
  const adminUrl = process.env.BENCH_PG_URL || testInfra().pgAdminUrl;
  const world = new BenchWorld(adminUrl);
  log(`machine: ${startMachine.text}`);

  // The caps must fit in what the (shared) server still has, or the run would measure refusals.
  const server = await world.admin('postgres', async (admin) => {
    const { rows } = await admin.query<{
      max: number;
      reserved: number;
      used: number;
      version: string;
    }>(
      `SELECT current_setting('max_connections')::int AS max,
              current_setting('superuser_reserved_connections')::int AS reserved,
              (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS used,
              current_setting('server_version') AS version`,
    );
    return rows[0];
  });
  const room = server.max - server.reserved - server.used;
  const need = MAX_CONNECTIONS + VAULT_POOL + 4;
  log(
    `PostgreSQL ${server.version} at ${world.host}:${world.port} (${source}): max_connections ${server.max}, ` +
      `${server.used} client backends in use, room for ${room}; this run needs ${need}`,
  );
  if (room < need) {
    throw new Error(
      `PostgreSQL at ${world.host}:${world.port} has room for ${room} more connections, the run ` +
        `needs ${need}: lower BENCH_MAX_POOLS and BENCH_MAX_CONNECTIONS, or use a server with room ` +
        `(npm run bench:tenancy starts the private one, scripts/bench-postgres.sh; its ` +
        `max_connections is BENCH_PG_MAX_CONNECTIONS, applied when it starts)`,
    );
  }
  log(
    `caps: poolSize ${POOL_SIZE}, maxPools ${MAX_POOLS}, maxConnections ${MAX_CONNECTIONS}; ` +
      `${TENANTS} tenants, ${CONCURRENCY} at a time, ${BURST} requests each; ${COLD_N} cold samples`,
  );

  const closers: Array<() => Promise<unknown>> = [];
  let cleaning: Promise<void> | undefined;
  cleanup = () =>
    (cleaning ??= (async () => {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      await world.drop();
    })());

  try {
    // --- the world --------------------------------------------------------------------------------
    let t = performance.now();
    await world.create(VAULT_POOL);
    const latencyTenants = Array.from({ length: WARM_TENANTS + WARMUP_ROUNDS + COLD_N }, (_, i) =>
      world.tenant(`lat${i}-${world.run}`, world.roles.latency),
    );
    const scaleTenants = Array.from({ length: TENANTS }, (_, i) =>
      world.tenant(`s${i}-${world.run}`, world.roles.scale),
    );
    await world.addTenants([...latencyTenants, ...scaleTenants], VAULT_POOL);
    log(
      `set up database ${world.database}, 2 login roles, ${latencyTenants.length + scaleTenants.length} ` +
        `tenant schemas and vault entries in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    const secret = randomBytes(32);
    const verifier = new TenantTokenVerifier({ issuer: ISSUER, audience: world.product, secret });
    // A jti per token, so two tokens for one tenant within a second are different bytes.
    const sign = (tenantId: string) =>
      new SignJWT({ tenantId })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setAudience(world.product)
        .setIssuedAt()
        .setExpirationTime('15m')
        .setJti(randomBytes(8).toString('hex'))
        .sign(secret);
    const vault = new VaultTenantResolver({
      directory: world.directory,
      secrets: world.secrets,
      endpoints: { postgres: { host: world.host, port: world.port } },
    });

    /** One request through the SDK: verify → checkout → query (schema checked) → release. */
    const sdkRequest = async (
      manager: TenantConnectionManager,
      token: string,
      tenant: BenchTenant,
      onCheckout?: () => void,
    ) => {
      const t0 = performance.now();
      const { tenantId } = await verifier.verifyAuthorization(`Bearer ${token}`);
      const verifyMs = performance.now() - t0;
      const client = await manager.postgres(tenantId);
      onCheckout?.();
      try {
        const { rows } = await client.query<{ schema: string }>(QUERY);
        if (rows[0]?.schema !== tenant.schema) {
          throw new Error(
            `${tenantId}: current_schema() is ${rows[0]?.schema}, not ${tenant.schema}`,
          );
        }
      } finally {
        client.release();
      }
      return { ms: performance.now() - t0, verifyMs };
    };
    const connection = (role: BenchRole, tenant: BenchTenant, applicationName: string) => ({
      host: world.host,
      port: world.port,
      database: world.database,
      user: role.name,
      password: role.password,
      application_name: applicationName,
      options: `-c search_path="${tenant.schema}"`,
    });
    const checkSchema = (schema: string | undefined, tenant: BenchTenant) => {
      if (schema !== tenant.schema) throw new Error(`baseline: ${schema} is not ${tenant.schema}`);
    };

    // --- 1. latency: cold and warm, interleaved with their baselines --------------------------------
    const latencyTimed = new TimedResolver(vault);
    const latencyManager = new TenantConnectionManager({
      product: world.product,
      multiTenant: true,
      resolver: latencyTimed,
      postgres: {
        poolSize: POOL_SIZE,
        maxPools: WARM_TENANTS + 4,
        maxConnections: (WARM_TENANTS + 4) * POOL_SIZE,
        applicationName: `bench-tsdk-latency-${world.run}`,
      },
    });
    closers.push(() => latencyManager.close(2_000));
    const warmTenants = latencyTenants.slice(0, WARM_TENANTS);
    const coldTenants = latencyTenants.slice(WARM_TENANTS);
    const warmTokens = await Promise.all(warmTenants.map((w) => sign(w.tenantId)));
    const baselinePools = warmTenants.map(
      (w) =>
        new Pool({
          ...connection(world.roles.latency, w, `bench-tsdk-baseline-${world.run}`),
          max: POOL_SIZE,
        }),
    );
    closers.push(() => Promise.all(baselinePools.map((p) => p.end())));
    for (let i = 0; i < WARM_TENANTS; i++) {
      await sdkRequest(latencyManager, warmTokens[i], warmTenants[i]);
      await baselinePools[i].query(QUERY);
    }

    const sdkCold = async (tenant: BenchTenant) => {
      const token = await sign(tenant.tenantId);
      const calls = latencyTimed.calls;
      const { ms, verifyMs } = await sdkRequest(latencyManager, token, tenant);
      if (latencyTimed.calls !== calls + 1) throw new Error('a cold request did not resolve once');
      const resolveMs = latencyTimed.lastMs;
      // Outside the timing: retire the pool so the next cold tenant finds the same room.
      latencyManager.invalidate(tenant.tenantId);
      await settle(latencyManager, WARM_TENANTS);
      return { ms, verifyMs, resolveMs };
    };
    const baselineCold = async (tenant: BenchTenant) => {
      const t0 = performance.now();
      const client = new Client(
        connection(world.roles.latency, tenant, `bench-tsdk-baseline-${world.run}`),
      );
      let beforeEnd = 0;
      await client.connect();
      try {
        checkSchema((await client.query<{ schema: string }>(QUERY)).rows[0]?.schema, tenant);
      } finally {
        beforeEnd = performance.now();
        await client.end();
      }
      return { ms: performance.now() - t0, withoutEndMs: beforeEnd - t0 };
    };
    const baselineWarm = async (i: number) => {
      const t0 = performance.now();
      const client = await baselinePools[i].connect();
      try {
        checkSchema(
          (await client.query<{ schema: string }>(QUERY)).rows[0]?.schema,
          warmTenants[i],
        );
      } finally {
        client.release();
      }
      return performance.now() - t0;
    };

    const cold = {
      sdk: [] as number[],
      base: [] as number[],
      baseWithoutEnd: [] as number[],
      verify: [] as number[],
    };
    const coldResolve: number[] = [];
    const coldRest: number[] = [];
    const warm = { sdk: [] as number[], base: [] as number[], fresh: [] as number[] };
    t = performance.now();
    for (let round = 0; round < WARMUP_ROUNDS + COLD_N; round++) {
      const keep = round >= WARMUP_ROUNDS;
      const tenant = coldTenants[round];
      // Alternate which side goes first, so neither always runs right after the other's work.
      const sdkFirst = round % 2 === 0;
      const baseFirst = sdkFirst ? undefined : await baselineCold(tenant);
      const s = await sdkCold(tenant);
      const b = baseFirst ?? (await baselineCold(tenant));
      if (keep) {
        cold.sdk.push(s.ms);
        cold.base.push(b.ms);
        cold.baseWithoutEnd.push(b.withoutEndMs);
        cold.verify.push(s.verifyMs);
        coldResolve.push(s.resolveMs);
        coldRest.push(s.ms - s.verifyMs - s.resolveMs);
      }
      for (let k = 0; k < WARM_PER_ROUND; k++) {
        const i = (round * WARM_PER_ROUND + k) % WARM_TENANTS;
        const freshToken = await sign(warmTenants[i].tenantId);
        const order = (round + k) % 3;
        let sdkMs = 0;
        let baseMs = 0;
        let freshMs = 0;
        for (let step = 0; step < 3; step++) {
          const which = (step + order) % 3;
          if (which === 0)
            sdkMs = (await sdkRequest(latencyManager, warmTokens[i], warmTenants[i])).ms;
          else if (which === 1) baseMs = await baselineWarm(i);
          else freshMs = (await sdkRequest(latencyManager, freshToken, warmTenants[i])).ms;
        }
        if (keep) {
          warm.sdk.push(sdkMs);
          warm.base.push(baseMs);
          warm.fresh.push(freshMs);
        }
      }
      if ((round + 1) % 100 === 0) {
        log(
          `latency: ${round + 1}/${WARMUP_ROUNDS + COLD_N} rounds; so far cold p50 ` +
            `${percentile(cold.sdk, 50)?.toFixed(2)} ms (baseline ${percentile(cold.base, 50)?.toFixed(2)}), ` +
            `warm p50 ${percentile(warm.sdk, 50)?.toFixed(3)} ms (baseline ${percentile(warm.base, 50)?.toFixed(3)})`,
        );
      }
    }
    const latencySeconds = (performance.now() - t) / 1000;
    await latencyManager.close(2_000);
    await Promise.all(baselinePools.map((p) => p.end()));
    closers.length = 0;
    log(`latency done in ${latencySeconds.toFixed(1)} s`);

    // --- 2. scale: 10,000 tenants under the caps ----------------------------------------------------
    const gc = exposeGc();
    const memory: Array<{ tenants: number; rss_mb: number; heap_used_mb: number }> = [];
    const measureMemory = (tenants: number) => {
      gc();
      gc();
      const usage = process.memoryUsage();
      return { tenants, rss_mb: mb(usage.rss), heap_used_mb: mb(usage.heapUsed) };
    };
    const sampleMemory = (tenants: number) => {
      const sample = measureMemory(tenants);
      memory.push(sample);
      return sample;
    };
    // Room wait: from a tenant's resolve to its pool's first connection being made, i.e. the time
    // its load spent in the cache's queue for room under the caps (pool construction is synchronous).
    const resolvedAt = new Map<string, number>();
    const roomWaitMs: number[] = [];
    const scaleTimed = new TimedResolver(vault, (info) => {
      if (info.postgres) resolvedAt.set(info.postgres.schema, performance.now());
    });
    const sockets = new SocketCounter((config) => {
      const options = typeof config === 'object' ? config.options : undefined;
      const schema = /search_path="([^"]+)"/.exec(options ?? '')?.[1] ?? '';
      const resolved = resolvedAt.get(schema);
      if (resolved === undefined) return;
      resolvedAt.delete(schema);
      roomWaitMs.push(performance.now() - resolved);
    });
    const scaleManager = new TenantConnectionManager({
      product: world.product,
      multiTenant: true,
      resolver: scaleTimed,
      postgres: {
        poolSize: POOL_SIZE,
        maxPools: MAX_POOLS,
        maxConnections: MAX_CONNECTIONS,
        applicationName: `bench-tsdk-scale-${world.run}`,
        Client: sockets.clientClass(),
      },
    });
    closers.push(() => scaleManager.close(2_000));
    const sampler = new ServerConnectionSampler(adminUrl, world.roles.scale.name);
    await sampler.start(100);
    closers.push(() => sampler.stop());
    const peak = { pools: 0, openPools: 0, reservedConnections: 0, closing: 0, waiting: 0 };
    const track = () => {
      const s = scaleManager.stats().postgres;
      if (!s) return;
      peak.pools = Math.max(peak.pools, s.reservedEntries);
      peak.openPools = Math.max(peak.openPools, s.entries);
      peak.reservedConnections = Math.max(peak.reservedConnections, s.reservedWeight);
      peak.closing = Math.max(peak.closing, s.closing);
      peak.waiting = Math.max(peak.waiting, s.waiting);
    };
    const tracker = setInterval(track, 5);
    closers.push(async () => clearInterval(tracker));

    sampleMemory(0);
    const requestMs: number[] = [];
    const errors: string[] = [];
    let samplingMs = 0;
    const scaleStart = performance.now();
    for (let start = 0; start < TENANTS; start += SAMPLE_EVERY) {
      const end = Math.min(TENANTS, start + SAMPLE_EVERY);
      let next = start;
      const worker = async () => {
        while (next < end && errors.length < 20) {
          const tenant = scaleTenants[next++];
          const token = await sign(tenant.tenantId);
          const burst = await Promise.allSettled(
            Array.from({ length: BURST }, () => sdkRequest(scaleManager, token, tenant, track)),
          );
          for (const r of burst) {
            if (r.status === 'fulfilled') requestMs.push(r.value.ms);
            else errors.push(String((r.reason as Error)?.message ?? r.reason));
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      if (errors.length >= 20)
        throw new Error(`scale: requests failing: ${errors.slice(0, 3).join('; ')}`);
      const t1 = performance.now();
      track();
      const m = sampleMemory(end);
      samplingMs += performance.now() - t1;
      const s = scaleManager.stats().postgres;
      log(
        `scale: ${end}/${TENANTS} tenants in ${((performance.now() - scaleStart) / 1000).toFixed(1)} s; ` +
          `pools ${s?.reservedEntries} (peak ${peak.pools}/${MAX_POOLS}), client sockets ${sockets.live} ` +
          `(peak ${sockets.peak}/${MAX_CONNECTIONS}), server peak ${sampler.peak}; ` +
          `rss ${m.rss_mb} MiB, heapUsed ${m.heap_used_mb} MiB`,
      );
    }
    const scaleSeconds = (performance.now() - scaleStart - samplingMs) / 1000;
    clearInterval(tracker);
    track();
    const serverAtEnd = await world.backendsOf(world.roles.scale);
    const clientAtEnd = sockets.live;
    const statsAtEnd = scaleManager.stats().postgres;
    await sampler.stop();
    await scaleManager.close(5_000);
    closers.length = 0;
    let serverAfterClose = await world.backendsOf(world.roles.scale);
    for (let i = 0; i < 40 && serverAfterClose > 0; i++) {
      await sleep(50); // a backend leaves pg_stat_activity as it exits, just after its socket closes
      serverAfterClose = await world.backendsOf(world.roles.scale);
    }
    const afterClose = measureMemory(TENANTS);
    log(
      `scale done: ${scaleTimed.calls} resolves, ${sockets.opened} connections opened; at the end ` +
        `${statsAtEnd?.reservedEntries} pools, ${clientAtEnd} client sockets, ${serverAtEnd} server ` +
        `backends; after close ${sockets.live} sockets, ${serverAfterClose} backends; ` +
        `heapUsed after close ${afterClose.heap_used_mb} MiB`,
    );

    // --- figures ------------------------------------------------------------------------------------
    const at2k = memory.find((m) => m.tenants >= Math.min(2_000, TENANTS)) ?? memory[1];
    const last = memory[memory.length - 1];
    const heapGrowth = round2(last.heap_used_mb / at2k.heap_used_mb);
    const scaleRequests = p50p99(requestMs);
    const checks = {
      pools_within_cap: peak.pools <= MAX_POOLS,
      reserved_connections_within_cap: peak.reservedConnections <= MAX_CONNECTIONS,
      client_sockets_within_cap: sockets.peak <= MAX_CONNECTIONS,
      server_connections_within_cap:
        sampler.peak <= MAX_CONNECTIONS && serverAtEnd <= MAX_CONNECTIONS,
      all_closed_after_close: sockets.live === 0 && serverAfterClose === 0,
      one_resolve_per_tenant: scaleTimed.calls === TENANTS,
      no_errors: errors.length === 0 && requestMs.length === TENANTS * BURST,
      heap_bounded: heapGrowth <= HEAP_GROWTH_LIMIT,
    };
    const endMachine = machine();
    const ratio = (a: number[], b: number[]) => round2(percentile(a, 50) / percentile(b, 50));
    const result = {
      bench: 'tenancy-sdk',
      cold: {
        n: cold.sdk.length,
        ...p50p99(cold.sdk),
        baseline_p50_ms: round2(percentile(cold.base, 50)),
        baseline_p99_ms: round2(percentile(cold.base, 99)),
        ratio_p50: ratio(cold.sdk, cold.base),
        baseline_without_end_p50_ms: round2(percentile(cold.baseWithoutEnd, 50)),
        ratio_p50_vs_baseline_without_end: ratio(cold.sdk, cold.baseWithoutEnd),
        breakdown_p50_ms: {
          verify: round2(percentile(cold.verify, 50)),
          resolve: round2(percentile(coldResolve, 50)),
          pool_connect_query_release: round2(percentile(coldRest, 50)),
        },
      },
      warm: {
        n: warm.sdk.length,
        ...p50p99(warm.sdk),
        baseline_p50_ms: round2(percentile(warm.base, 50)),
        baseline_p99_ms: round2(percentile(warm.base, 99)),
        ratio_p50: ratio(warm.sdk, warm.base),
      },
      warm_new_token: {
        n: warm.fresh.length,
        ...p50p99(warm.fresh),
        ratio_p50: ratio(warm.fresh, warm.base),
      },
      scale: {
        tenants: TENANTS,
        concurrency: CONCURRENCY,
        requests_per_tenant: BURST,
        pool_size: POOL_SIZE,
        max_pools: MAX_POOLS,
        max_connections: MAX_CONNECTIONS,
        seconds: round2(scaleSeconds),
        tenants_per_s: Math.round(TENANTS / scaleSeconds),
        request_p50_ms: scaleRequests.p50_ms,
        request_p99_ms: scaleRequests.p99_ms,
        resolves: scaleTimed.calls,
        connections_opened: sockets.opened,
        errors: errors.length,
        peak_pools: peak.pools,
        peak_open_pools: peak.openPools,
        peak_reserved_connections: peak.reservedConnections,
        peak_client_sockets: sockets.peak,
        peak_server_connections: sampler.peak,
        server_samples: sampler.samples,
        server_connections_at_end: serverAtEnd,
        server_connections_after_close: serverAfterClose,
        peak_waiting: peak.waiting,
        peak_closing: peak.closing,
        room_wait_p50_ms: round2(percentile(roomWaitMs, 50)),
        room_wait_p99_ms: round2(percentile(roomWaitMs, 99)),
        socket_close_p50_ms: round2(percentile(sockets.closeMs, 50)),
        memory,
        heap_after_close_mb: afterClose.heap_used_mb,
        heap_growth_2k_to_end: heapGrowth,
      },
      checks,
      server: `PostgreSQL ${server.version}, max_connections ${server.max}, ${world.host}:${world.port} (${source})`,
      machine: startMachine.text,
      loadavg: { start: startMachine.loadavg, end: endMachine.loadavg },
      at: new Date().toISOString(),
    };
    const failed = Object.entries(checks).filter(([, ok]) => !ok);
    await cleanup();
    const leftovers = await world.admin('postgres', async (admin) => {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM pg_roles WHERE rolname LIKE $1)
              + (SELECT count(*) FROM pg_database WHERE datname = $2) AS n`,
        [`bench_tsdk_${world.run}_%`, world.database],
      );
      return Number(rows[0].n);
    });
    log(`cleanup: database and roles dropped (${leftovers} left)`);
    if (failed.length === 0 && leftovers === 0) {
      const file = path.join(__dirname, '../results/tenancy-sdk.json');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      log(`all checks passed; written to bench/results/tenancy-sdk.json`);
    } else {
      log(`FAILED checks: ${failed.map(([name]) => name).join(', ') || `leftovers ${leftovers}`}`);
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return failed.length === 0 && leftovers === 0 ? 0 : 1;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
