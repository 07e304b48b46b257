// Compiles apps/, libs/ and tools/ to dist/ with swc (seconds, not minutes, on two cores). Type checking is
// `npm run typecheck`; this step only transpiles, keeping decorator metadata for NestJS DI.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const swc = require('@swc/core');
const { root, swcOptions } = require('./swc-options.cjs');

const outDir = path.join(root, 'dist');
const sources = ['apps', 'libs', 'tools'];
// Entry points run as commands (package.json `bin`): executable, like an installed bin.
const executables = new Set(['tools/cli/src/main.ts']);
const skip = /(\.spec\.ts|\.d\.ts)$/;

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.name.endsWith('.ts') && !skip.test(entry.name)) yield full;
  }
}

const options = swcOptions();
const started = Date.now();
fs.rmSync(outDir, { recursive: true, force: true });
let count = 0;
await Promise.all(
  sources.flatMap((src) =>
    [...walk(path.join(root, src))].map(async (file) => {
      const out = path.join(outDir, path.relative(root, file)).replace(/\.ts$/, '.js');
      const result = await swc.transformFile(file, {
        ...options,
        filename: file,
        sourceFileName: path.relative(path.dirname(out), file),
      });
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, `${result.code}\n//# sourceMappingURL=${path.basename(out)}.map\n`);
      if (result.map) fs.writeFileSync(`${out}.map`, result.map);
      if (executables.has(path.relative(root, file))) fs.chmodSync(out, 0o755);
      count += 1;
    }),
  ),
);
// The operator console's page is plain ES modules: copied as they are, next to its compiled server.
fs.cpSync(
  path.join(root, 'apps/operator-console/public'),
  path.join(outDir, 'apps/operator-console/public'),
  {
    recursive: true,
  },
);
// The apps' list, which the postgres-roles tool reads next to its compiled self (the image has no scripts/).
fs.mkdirSync(path.join(outDir, 'scripts'), { recursive: true });
fs.copyFileSync(
  path.join(root, 'scripts/platform-apps.json'),
  path.join(outDir, 'scripts/platform-apps.json'),
);
console.log(`build: ${count} files → dist/ in ${Date.now() - started} ms`);
