// Runs one benchmark file (TypeScript) against the test-profile servers, starting them if needed.
//
//   node scripts/run-bench.mjs [--bench-postgres] <file.bench.ts>
//
// --bench-postgres: the benchmark needs only PostgreSQL, with more connections than the machine's
// shared server has. Start (or reuse) the private cluster (scripts/bench-postgres.sh) and pass its URL
// as BENCH_PG_URL; the infra servers are not started. A BENCH_PG_URL already set is used as it is.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const benchPostgres = args.includes('--bench-postgres');
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: node scripts/run-bench.mjs [--bench-postgres] <file.bench.ts>');
  process.exit(2);
}
const env = { ...process.env, INFRA_PROFILE: process.env.INFRA_PROFILE ?? 'test' };

if (benchPostgres) {
  if (!env.BENCH_PG_URL) {
    const up = spawnSync('bash', [path.join(root, 'scripts/bench-postgres.sh')], {
      stdio: 'inherit',
      env,
    });
    if (up.status !== 0) process.exit(up.status ?? 1);
    const envFile = path.join(root, '.cache/bench-postgres/env');
    const match = /^export BENCH_PG_URL=(\S+)$/m.exec(fs.readFileSync(envFile, 'utf8'));
    if (!match) {
      console.error(`${envFile} does not set BENCH_PG_URL`);
      process.exit(1);
    }
    env.BENCH_PG_URL = match[1];
  }
} else {
  const up = spawnSync('bash', [path.join(root, 'scripts/infra-up.sh')], { stdio: 'inherit', env });
  if (up.status !== 0) process.exit(up.status ?? 1);
}

const run = spawnSync(process.execPath, ['-r', '@swc-node/register', path.resolve(root, file)], {
  stdio: 'inherit',
  cwd: root,
  env: { ...env, SWC_NODE_PROJECT: path.join(root, 'tsconfig.json') },
});
process.exit(run.status ?? 1);
