/** The figures of a run that the findings read. */
export interface RolloutFigures {
  readonly n: number;
  readonly ratio: number;
  readonly rollout: {
    readonly seconds: number;
    readonly counts: { readonly done: number };
    readonly cpu_ms: Record<string, number>;
    readonly cpu_ms_per_tenant: number;
    readonly machine_busy_percent: number;
    readonly timeline: { readonly p50_ms: Record<string, number> };
  };
  readonly noop_rollout: { readonly seconds: number };
  readonly script: {
    readonly seconds: number;
    readonly schemas: number;
    readonly connection_per_schema: {
      readonly per_schema_ms: { readonly p50: number };
      readonly seconds_for_all: number;
    };
    readonly per_schema_ms: { readonly p50: number };
  };
  readonly idle: { readonly cpu_ms_per_s: Record<string, number> };
  readonly machine: { readonly cores: number };
}

const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
const r1 = (n: number) => Math.round(n * 10) / 10;

/**
 * What a run's figures say, in sentences for the result's `notes`: the targets, whether the
 * machine's CPU bounds the rollout, which segment of a tenant's path dominates, and what the
 * script pays per schema. Derived from the figures only, so a re-run says it for its own.
 */
export function rolloutFindings(f: RolloutFigures): string[] {
  const { rollout: r, script } = f;
  const done = Math.max(1, r.counts.done);
  const idleMsPerS = Object.values(f.idle.cpu_ms_per_s).reduce((a, b) => a + b, 0);
  // cpu_ms counts everything these processes used meanwhile, their cost at rest included.
  const cpuBoundSeconds = (f.n * r.cpu_ms_per_tenant) / (f.machine.cores * 1_000);
  const fitsIn20 = (20 * f.machine.cores * 1_000) / f.n;
  const top = Object.entries(r.cpu_ms)
    .slice(0, 6)
    .map(([k, v]) => `${k} ${r1(v / done)}`)
    .join(', ');
  const [slowest, slowestMs] = Object.entries(r.timeline.p50_ms).sort((a, b) => b[1] - a[1])[0];
  const newBackendMs = script.connection_per_schema.per_schema_ms.p50 - script.per_schema_ms.p50;
  return [
    f.n === 1000
      ? `Targets: rollout ${r.seconds} s, ≤ 20 s ${met(r.seconds <= 20)}; ratio to the script ${f.ratio}, ≤ 0.25 ${met(f.ratio <= 0.25)}; ` +
        `every tenant at the target ${f.noop_rollout.seconds} s, ≤ 2 s ${met(f.noop_rollout.seconds <= 2)}.`
      : `Targets are for 1,000 tenants; this run has ${f.n}: rollout ${r.seconds} s, ratio to the script ${f.ratio} (≤ 0.25 ${met(f.ratio <= 0.25)}), ` +
        `every tenant at the target ${f.noop_rollout.seconds} s.`,
    `CPU: the machine was ${r.machine_busy_percent} % busy during the rollout; the platform's processes and servers used ${r.cpu_ms_per_tenant} ms of CPU per tenant ` +
      `(ms per tenant: ${top}; this includes their cost at rest, ${Math.round(idleMsPerS)} ms/s). At this cost ${f.n} tenants need at least ` +
      `${r1(cpuBoundSeconds)} s of ${f.machine.cores} fully available cores; 20 s would need ≤ ${r1(fitsIn20)} ms per tenant.`,
    `Per tenant (p50), the longest segment is ${slowest}: ${slowestMs} ms of ${Object.values(r.timeline.p50_ms).reduce((a, b) => a + b, 0)} ms. ` +
      `The registry records one report at a time (each locks the rollout row): ${done} in ${r.seconds} s is one every ${r1((r.seconds * 1_000) / done)} ms.`,
    `The script: ${script.per_schema_ms.p50} ms per schema (p50) on one connection, ${script.connection_per_schema.per_schema_ms.p50} ms with a new connection per schema ` +
      `(${script.connection_per_schema.seconds_for_all} s for all, ratio ${r1(r.seconds / script.connection_per_schema.seconds_for_all)}): a new connection (connect and close) costs ~${r1(newBackendMs)} ms here, ` +
      'which the migration-runner pays for every tenant (it logs in as the tenant’s role).',
  ];
}
