import { ConfigDefinition } from '@enclave/service-kit';
import fs from 'node:fs';
import path from 'node:path';
import { isProductAppReadme } from '../../scripts/docs/generate-asyncapi';

const appsDir = path.resolve(__dirname, '../../apps');

/** Every app documents its stage and every variable its config validates, so READMEs cannot drift. */
describe.each(fs.readdirSync(appsDir))('apps/%s', (app) => {
  const readme = fs.readFileSync(path.join(appsDir, app, 'README.md'), 'utf8');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const configModule = require(path.join(appsDir, app, 'src/config', `${app}.config.ts`));
  const definition = Object.values(configModule).find(
    (v) => v instanceof ConfigDefinition,
  ) as ConfigDefinition;

  it('has a README naming its stage and topics (or saying it is a product), and health endpoints', () => {
    if (isProductAppReadme(readme)) {
      // A product built on the platform (apps/sample-ledger): no stage, no platform topics.
      expect(readme).not.toMatch(/\*\*Stage owned:\*\*/);
    } else {
      expect(readme).toMatch(/\*\*Stage owned:\*\*/);
      expect(readme).toMatch(/Consumes/);
      expect(readme).toMatch(/Produces/);
    }
    expect(readme).toMatch(/\/health\/ready/);
  });

  it('documents every environment variable it validates, secrets flagged', () => {
    expect(definition).toBeDefined();
    for (const [name, variable] of Object.entries(definition.variables)) {
      const row = readme
        .split('\n')
        .map((line) => line.split('|').map((cell) => cell.trim()))
        .find((cells) => cells[1] === `\`${name}\``);
      expect(row).toBeDefined();
      expect(row![row!.length - 2]).toBe(variable.secret ? 'yes' : '');
    }
  });
});
