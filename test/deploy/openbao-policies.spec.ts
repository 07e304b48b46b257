/**
 * docker-compose gives OpenBao a policy per app instead of one root token: the one-shot
 * openbao-init service (deploy/openbao/init.sh) writes deploy/openbao/policies/<app>.hcl as policy
 * <app> and creates the token <APP>_VAULT_TOKEN with it; each app's VAULT_TOKEN is that token.
 *
 * No OpenBao server or image is reachable here, so nothing of this is run: this spec checks the
 * files against the code instead. Each policy must grant exactly what the app's code does with the
 * vault (support/secret-access.reader: which paths it reads, writes or destroys), each app must get
 * its own token and only its own, and an app that never touches the vault gets no token at all.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import platformApps from '../../scripts/platform-apps.json';
import { Env, composeFile } from './support/compose-file.reader';
import {
  Capability,
  VaultAccess,
  appVaultAccess,
  areaOf,
  directAccess,
  secretStoreHolders,
} from './support/secret-access.reader';

const ROOT = path.resolve(__dirname, '../..');
const POLICIES = path.join(ROOT, 'deploy/openbao/policies');
const INIT_SCRIPT = path.join(ROOT, 'deploy/openbao/init.sh');
const { loadCompose, environmentOf, resolvedEnv, dependsOn } = composeFile;

const tokenVariable = (app: string) => `${app.toUpperCase().replace(/-/g, '_')}_VAULT_TOKEN`;

/** An HCL policy of `path "…" { capabilities = [...] }` blocks, and nothing else. */
function parsePolicy(text: string): VaultAccess {
  const withoutComments = text.replace(/#.*$/gm, '');
  const block = /path\s+"([^"]+)"\s*\{\s*capabilities\s*=\s*\[([^\]]*)\]\s*\}/g;
  const policy: VaultAccess = new Map();
  for (const [, at, list] of withoutComments.matchAll(block)) {
    if (policy.has(at)) throw new Error(`path ${at} twice`);
    const caps = [...list.matchAll(/"([a-z]+)"/g)].map((m) => m[1] as Capability);
    policy.set(at, new Set(caps));
  }
  const rest = withoutComments.replace(block, '').trim();
  if (rest !== '') throw new Error(`not a path block: ${rest.slice(0, 80)}`);
  return policy;
}

const plain = (access: VaultAccess) =>
  Object.fromEntries([...access].sort().map(([at, caps]) => [at, [...caps].sort()]));

describe('OpenBao: a policy and a token per app (docker-compose)', () => {
  const { services } = loadCompose(path.join(ROOT, 'docker-compose.yml'));
  const apps = [...platformApps.map((app) => app.name), 'operator-console'];
  const init = services['openbao-init'];
  const overrides: Env = Object.fromEntries(
    apps.map((app) => [tokenVariable(app), `override-${app}-token-0123456789`]),
  );

  it('reads what the code does with the vault (the reader finds calls, their paths and operations)', () => {
    expect(areaOf("registryOrderPath(tenantId, product, 'offboarding')")).toBe(
      'registry/offboarding',
    );
    expect(areaOf('tenantStatusOrderPath(tenantId)')).toBe('registry/tenant-status');
    expect(areaOf('names.secretPath(resource)')).toBe('tenants');
    const access = directAccess(`
      await this.secrets.find(registryOrderPath(t, p, 'rotation'));
      await this.secrets.putIfLatest(path, { a: '1' }, 3);
      await this.secrets.revoke(names.secretPath(resource));`);
    expect(plain(access)).toEqual({
      'secret/data/registry/rotation/*': ['read'],
      'secret/data/tenants/*': ['create', 'update'],
      'secret/metadata/tenants/*': ['delete'],
    });
  });

  it('holds the code to what the reader assumes: one name for the store, two kinds of vault path', () => {
    const holders = secretStoreHolders();
    expect(holders.length).toBeGreaterThan(5);
    expect(holders.filter((h) => h.name !== 'secrets')).toEqual([]);
    // Vault paths are built only by the contracts' helpers (tenants/… and registry/…).
    const literals: string[] = [];
    for (const dir of ['apps', 'libs']) {
      for (const entry of fs.readdirSync(path.join(ROOT, dir), { recursive: true })) {
        const file = path.join(ROOT, dir, String(entry));
        if (!/\.ts$/.test(file) || /\.spec\.ts$/.test(file) || !fs.statSync(file).isFile())
          continue;
        if (/libs\/contracts\/src\/lib\/identifiers\//.test(file)) continue;
        const code = fs
          .readFileSync(file, 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\/\/.*$/gm, '');
        if (/['`](tenants|registry)\//.test(code)) literals.push(path.relative(ROOT, file));
      }
    }
    expect(literals).toEqual([]);
  });

  it('has a policy file for exactly the apps whose code uses the vault', () => {
    const files = fs
      .readdirSync(POLICIES)
      .filter((f) => f.endsWith('.hcl'))
      .map((f) => f.replace(/\.hcl$/, ''))
      .sort();
    const users = apps.filter((app) => appVaultAccess(app).size > 0).sort();
    expect(files).toEqual(users);
    // The console holds no secret; every platform app touches the vault somehow.
    expect(users).not.toContain('operator-console');
    expect(users.length).toBe(platformApps.length);
  });

  describe.each(platformApps.map((app) => app.name))('%s', (app) => {
    const access = appVaultAccess(app);
    const file = path.join(POLICIES, `${app}.hcl`);

    it('grants exactly what its code reads, writes and destroys', () => {
      expect(plain(parsePolicy(fs.readFileSync(file, 'utf8')))).toEqual(plain(access));
    });

    it('only reads, unless its code writes', () => {
      const writes = [...access.values()].some((caps) => caps.has('create') || caps.has('delete'));
      const policy = parsePolicy(fs.readFileSync(file, 'utf8'));
      if (!writes) {
        for (const caps of policy.values()) expect([...caps]).toEqual(['read']);
      }
      // No policy lists, sudo, or reaches beyond the KV mount's data and metadata.
      for (const [at, caps] of policy) {
        expect(at).toMatch(/^secret\/(data|metadata)\/(tenants|registry\/[a-z-]+)\/\*$/);
        expect(
          [...caps].filter((c) => !['read', 'create', 'update', 'delete'].includes(c)),
        ).toEqual([]);
      }
    });

    it('gets its own token, made with its policy, and never the root token', () => {
      const service = services[app];
      for (const vars of [{}, overrides]) {
        const env = resolvedEnv(service, vars);
        const made = resolvedEnv(init, vars);
        expect(env.VAULT_TOKEN).toBe(made[tokenVariable(app)]);
        expect(env.VAULT_TOKEN).not.toBe(made.BAO_TOKEN);
        // No other app holds the same token.
        for (const other of platformApps.map((a) => a.name).filter((a) => a !== app)) {
          expect(resolvedEnv(services[other], vars).VAULT_TOKEN).not.toBe(env.VAULT_TOKEN);
        }
      }
      expect(dependsOn(service)['openbao-init']?.condition).toBe('service_completed_successfully');
    });
  });

  it('gives the console no vault token and no vault address', () => {
    const env = environmentOf(services['operator-console']);
    expect(Object.keys(env).filter((k) => /VAULT|BAO|SECRET_STORE/.test(k))).toEqual([]);
  });

  it('runs openbao-init once, after OpenBao, with the root token and every app token, and the script in reach', () => {
    expect(init.image).toBe(services.openbao.image);
    expect(init.restart).toBe('no');
    expect(dependsOn(init).openbao?.condition).toBe('service_healthy');
    expect(init.volumes).toContain('./deploy/openbao:/openbao:ro');
    expect(init.entrypoint).toEqual(['/bin/sh', '/openbao/init.sh']);
    const env = environmentOf(init);
    expect(env.BAO_ADDR).toBe('http://openbao:8200');
    expect(resolvedEnv(init, {}).BAO_TOKEN).toBe(
      resolvedEnv(services.openbao, {}).BAO_DEV_ROOT_TOKEN_ID,
    );
    expect(
      Object.keys(env)
        .filter((k) => k.endsWith('_VAULT_TOKEN'))
        .sort(),
    ).toEqual(platformApps.map((app) => tokenVariable(app.name)).sort());
    // Only the init service holds the root token.
    const holders = Object.entries(services)
      .filter(([, s]) =>
        Object.values(environmentOf(s)).some((v) => /\$\{OPENBAO_ROOT_TOKEN[:}]/.test(v)),
      )
      .map(([name]) => name)
      .sort();
    expect(holders).toEqual(['openbao', 'openbao-init']);
  });

  it('init.sh, run against a stand-in `bao`, writes each policy file as the policy of its name and makes the token compose gives that app, with that policy only', () => {
    // A `bao` that records its arguments: no token exists yet, everything else succeeds.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'enclave-openbao-init-'));
    const calls = path.join(bin, 'calls');
    fs.writeFileSync(
      path.join(bin, 'bao'),
      `#!/bin/sh\necho "$*" >> "${calls}"\n[ "$1 $2" = "token lookup" ] && exit 2\nexit 0\n`,
      { mode: 0o755 },
    );
    try {
      const env = resolvedEnv(init, overrides);
      const output = execFileSync('sh', [INIT_SCRIPT], {
        env: { PATH: `${bin}:/usr/bin:/bin`, ...env },
        encoding: 'utf8',
      });
      const recorded = fs.readFileSync(calls, 'utf8').trim().split('\n');
      const expected = platformApps
        .map((a) => a.name)
        .sort()
        .flatMap((app) => [
          `policy write ${app} ${path.join(path.dirname(INIT_SCRIPT), 'policies', `${app}.hcl`)}`,
          `token lookup ${env[tokenVariable(app)]}`,
          `token create -id=${env[tokenVariable(app)]} -policy=${app} -orphan -ttl=768h -display-name=${app}`,
        ]);
      expect(recorded.map((c) => c.replace(/\/\.\//g, '/'))).toEqual(expected);
      // Each app's token is what its service is given, and no token value is printed.
      for (const app of platformApps.map((a) => a.name)) {
        expect(env[tokenVariable(app)]).toBe(resolvedEnv(services[app], overrides).VAULT_TOKEN);
        expect(output).not.toContain(env[tokenVariable(app)]);
      }
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  it('init.sh refuses to run without an app token, creating nothing', () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'enclave-openbao-init-'));
    fs.writeFileSync(path.join(bin, 'bao'), `#!/bin/sh\necho "$*" >> "${bin}/calls"\n`, {
      mode: 0o755,
    });
    try {
      const env = { ...resolvedEnv(init, overrides) };
      delete env[tokenVariable('tenant-registry')];
      expect(() =>
        execFileSync('sh', [INIT_SCRIPT], {
          env: { PATH: `${bin}:/usr/bin:/bin`, ...env },
          stdio: 'pipe',
        }),
      ).toThrow(/TENANT_REGISTRY_VAULT_TOKEN is not set/);
      const calls = fs.existsSync(path.join(bin, 'calls'))
        ? fs.readFileSync(path.join(bin, 'calls'), 'utf8')
        : '';
      expect(calls).not.toMatch(/token create -id=\S+ -policy=tenant-registry/);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
