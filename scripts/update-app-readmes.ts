// Rewrites the "## Environment" table of every app README from the app's config definition, so the
// docs say exactly what start-up validates (test/docs/app-readmes.spec.ts fails when they drift).
// Run: npm run docs:env
import { ConfigDefinition } from '@enclave/service-kit';
import fs from 'node:fs';
import path from 'node:path';

const appsDir = path.resolve(__dirname, '../apps');
for (const app of fs.readdirSync(appsDir)) {
  const readmePath = path.join(appsDir, app, 'README.md');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(path.join(appsDir, app, 'src/config', `${app}.config.ts`));
  const definition = Object.values(exported).find(
    (v) => v instanceof ConfigDefinition,
  ) as ConfigDefinition;
  const readme = fs.readFileSync(readmePath, 'utf8');
  const start = readme.indexOf('## Environment');
  if (start < 0) throw new Error(`${readmePath} has no "## Environment" section`);
  const table = ['| variable | meaning | secret |', '|---|---|---|', definition.describe()].join(
    '\n',
  );
  const intro =
    'Validated at start-up: a missing or malformed variable stops the process with every problem listed.';
  fs.writeFileSync(readmePath, `${readme.slice(0, start)}## Environment\n\n${intro}\n\n${table}\n`);
  console.log(`updated ${path.relative(process.cwd(), readmePath)}`);
}
