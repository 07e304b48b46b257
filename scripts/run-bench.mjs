// Runs one benchmark file (TypeScript) against the test-profile servers, starting them if needed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = process.argv[2];
const env = { ...process.env, INFRA_PROFILE: process.env.INFRA_PROFILE ?? 'test' };
const up = spawnSync('bash', [path.join(root, 'scripts/infra-up.sh')], { stdio: 'inherit', env });
if (up.status !== 0) process.exit(up.status ?? 1);
const run = spawnSync(process.execPath, ['-r', '@swc-node/register', path.resolve(root, file)], {
  stdio: 'inherit',
  cwd: root,
  env: { ...env, SWC_NODE_PROJECT: path.join(root, 'tsconfig.json') },
});
process.exit(run.status ?? 1);
