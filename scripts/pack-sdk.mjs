// Packs the tenancy SDK for npm: dist/packages/<name>/ (CommonJS + .d.ts, compiled by tsc from each
// lib's tsconfig.lib.json) and dist/packages/<scope>-<name>-<version>.tgz (npm pack).
//
// Two packages are published, at the root package.json's version:
// - @enclave/contracts: products import it themselves (ServiceReady, tenantIdSchema, …), so it is one
//   package the SDK depends on, never a second copy inside the SDK. tsc resolves the SDK's
//   `@enclave/contracts` to the contracts package built just before, so the SDK's output keeps the
//   specifier `@enclave/contracts` and never compiles contracts' source into itself.
// - @enclave/tenancy-sdk: the SDK needs only two interfaces of @enclave/secret-store (SecretStore,
//   StoredSecret: types, no runtime code), whose package would drag @enclave/service-kit, node-vault
//   and typeorm along. That one port file is compiled into the SDK (dist/vendor/secret-store/) and the
//   SDK's declarations point there.
//
// The output is checked before it is packed: every bare import is a Node built-in or a declared
// dependency / peer dependency, every relative import stays inside its package, and versions agree.
import { execFileSync } from 'node:child_process';
import { builtinModules, createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = path.join(root, 'dist/packages');
const tsc = require.resolve('typescript/bin/tsc');
const rootVersion = readJson(path.join(root, 'package.json')).version;

/** In build order: a package's workspace dependencies come before it. */
const packages = [
  { name: 'contracts', tsconfigs: ['tsconfig.lib.json'] },
  {
    name: 'tenancy-sdk',
    // The vendored port first: tsconfig.lib.json resolves @enclave/secret-store to its declarations.
    tsconfigs: ['tsconfig.vendor.json', 'tsconfig.lib.json'],
    vendored: { '@enclave/secret-store': 'dist/vendor/secret-store/secret-store' },
  },
];

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else yield full;
  }
}

const emitted = (dir) => [...walk(dir)].filter((file) => /\.(js|d\.ts)$/.test(file));

/** Module specifiers of a .js (require) or .d.ts (import/export from, import()) file. */
function specifiers(source) {
  const found = [];
  const patterns = [
    /\brequire\(\s*(['"])([^'"]+)\1\s*\)/g,
    /\bfrom\s+(['"])([^'"]+)\1/g,
    /\bimport\(\s*(['"])([^'"]+)\1\s*\)/g,
    /^\s*import\s+(['"])([^'"]+)\1/gm,
  ];
  for (const pattern of patterns)
    for (const match of source.matchAll(pattern)) found.push(match[2]);
  return found;
}

const packageOf = (specifier) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];

const builtins = new Set(builtinModules);

function rewriteVendored(pkgDir, vendored) {
  for (const [alias, target] of Object.entries(vendored ?? {})) {
    const quoted = new RegExp(`(['"])${alias.replace(/[/.]/g, '\\$&')}\\1`, 'g');
    for (const file of emitted(path.join(pkgDir, 'dist'))) {
      const source = fs.readFileSync(file, 'utf8');
      if (!quoted.test(source)) continue;
      let relative = path.relative(path.dirname(file), path.join(pkgDir, target));
      if (!relative.startsWith('.')) relative = `./${relative}`;
      fs.writeFileSync(
        file,
        source.replace(quoted, (_, quote) => `${quote}${relative}${quote}`),
      );
    }
  }
}

function check(pkgDir, manifest, versions) {
  const problems = [];
  const declared = { ...manifest.dependencies, ...manifest.peerDependencies };
  const used = new Set();
  for (const file of emitted(pkgDir)) {
    const where = path.relative(outRoot, file);
    for (const specifier of specifiers(fs.readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        const target = path.resolve(path.dirname(file), specifier);
        if (!target.startsWith(`${pkgDir}${path.sep}`)) {
          problems.push(`${where}: '${specifier}' leaves the package`);
        } else if (
          !['', '.js', '.d.ts', '/index.js', '/index.d.ts'].some((ext) =>
            fs.existsSync(`${target}${ext}`),
          )
        ) {
          problems.push(`${where}: '${specifier}' does not exist in the package`);
        }
        continue;
      }
      if (specifier.startsWith('node:') || builtins.has(specifier)) continue;
      const name = packageOf(specifier);
      used.add(name);
      if (!(name in declared))
        problems.push(`${where}: '${specifier}' is not a declared dependency`);
    }
  }
  for (const name of Object.keys(declared)) {
    const typesFor = name.startsWith('@types/') ? name.slice('@types/'.length) : undefined;
    if (!used.has(name) && !(typesFor && used.has(typesFor))) {
      problems.push(`${manifest.name}: declares '${name}' but its output never imports it`);
    }
  }
  if (manifest.version !== rootVersion) {
    problems.push(
      `${manifest.name}: version ${manifest.version}, root package.json ${rootVersion}`,
    );
  }
  for (const [name, range] of Object.entries(declared)) {
    if (name in versions && range !== versions[name]) {
      problems.push(`${manifest.name}: '${name}' must be exactly ${versions[name]}, not ${range}`);
    }
  }
  for (const entry of [manifest.main, manifest.types, ...Object.values(manifest.exports['.'])]) {
    if (!fs.existsSync(path.join(pkgDir, entry))) problems.push(`${manifest.name}: no ${entry}`);
  }
  return problems;
}

const started = Date.now();
fs.rmSync(outRoot, { recursive: true, force: true });
fs.mkdirSync(outRoot, { recursive: true });

const versions = {}; // workspace packages built so far: name → version
const tarballs = [];
for (const { name, tsconfigs, vendored } of packages) {
  const libDir = path.join(root, 'libs', name);
  const pkgDir = path.join(outRoot, name);
  const manifest = readJson(path.join(libDir, 'package.json'));
  for (const tsconfig of tsconfigs) {
    execFileSync(process.execPath, [tsc, '-p', path.join(libDir, tsconfig)], {
      cwd: root,
      stdio: 'inherit',
    });
  }
  rewriteVendored(pkgDir, vendored);
  fs.copyFileSync(path.join(libDir, 'package.json'), path.join(pkgDir, 'package.json'));
  fs.copyFileSync(path.join(libDir, 'README.md'), path.join(pkgDir, 'README.md'));

  const problems = check(pkgDir, manifest, versions);
  if (problems.length > 0) {
    console.error(`pack-sdk: ${manifest.name} is not publishable:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  versions[manifest.name] = manifest.version;

  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', outRoot], {
      cwd: pkgDir,
      encoding: 'utf8',
    }),
  );
  tarballs.push(path.join(outRoot, packed.filename));
  console.log(`pack-sdk: ${manifest.name}@${manifest.version} — ${packed.entryCount} files`);
}
for (const tarball of tarballs) console.log(path.relative(root, tarball));
console.log(`pack-sdk: ${tarballs.length} packages → dist/packages/ in ${Date.now() - started} ms`);
