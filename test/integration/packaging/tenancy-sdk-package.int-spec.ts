/**
 * The tenancy SDK as a product gets it from npm. `scripts/pack-sdk.mjs` packs @enclave/contracts
 * and @enclave/tenancy-sdk into dist/packages/*.tgz, which are installed into an empty directory
 * outside the repository (npm fetches the peer dependencies: NestJS, pg, mongodb, amqplib, kafkajs,
 * rxjs). Then a CommonJS script loads the SDK with require(), and tsc type-checks a TypeScript
 * consumer (skipLibCheck off) under node16 (`exports`) and node10 (`main`/`types`) resolution.
 * No servers are involved.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../../..');
const PACKAGES_DIR = path.join(ROOT, 'dist/packages');
const TSC = require.resolve('typescript/bin/tsc');
const ROOT_VERSION: string = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'),
).version;

const MAIN_EXPORTS = [
  'TenancyModule',
  'TenantTokenVerifier',
  'PlatformTenantResolver',
  'TenantConnectionManager',
  'TenantLifecycleListener',
];

interface Packed {
  readonly tarball: string;
  /** Entries of the tarball, without npm's leading `package/`. */
  readonly entries: string[];
  /** Where the tarball was extracted. */
  readonly dir: string;
  readonly manifest: {
    name: string;
    version: string;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
}

async function run(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(command, args, {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 150_000,
    });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`);
  }
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const CONSUMER_TS = `
import { ServiceReady, tenantIdSchema, type IsolationMode } from '@enclave/contracts';
import {
  InMemoryRegistrationDirectory,
  PlatformTenantResolver,
  TenancyModule,
  TenantConnectionManager,
  TenantLifecycleListener,
  TenantTokenVerifier,
  VaultTenantResolver,
  type TenancyModuleOptions,
  type TenantConnectionInfo,
} from '@enclave/tenancy-sdk';

// The SDK's types come from the same @enclave/contracts the product imports.
const fromContracts: IsolationMode = 'SCHEMA';
const fromSdk: TenantConnectionInfo['isolationMode'] = fromContracts;
export const roundTrip: IsolationMode = fromSdk;
export const tenantId: string = tenantIdSchema.parse('acme');

const listener = new TenantLifecycleListener({ brokers: ['kafka:9092'], product: 'ledger' });
listener.on(ServiceReady, (payload) => {
  const id: string = payload.tenantId;
  // @ts-expect-error the payload is typed by @enclave/contracts, not \`any\`
  const notANumber: number = payload.tenantId;
  void id;
  void notANumber;
});

export const platform = new PlatformTenantResolver({
  url: 'https://registry.example',
  token: 'product-token',
  endpoints: { postgres: { host: 'pg', port: 5432 } },
});
export const vault = new VaultTenantResolver({
  directory: new InMemoryRegistrationDirectory(),
  // @ts-expect-error the SecretStore port shipped in the SDK is a real type: a string is no store
  secrets: 'not a secret store',
  endpoints: {},
});
export const product: TenancyModuleOptions['product'] = 'ledger';
export const classes = [TenancyModule, TenantConnectionManager, TenantTokenVerifier] as const;
`;

const CONSUMER_CJS = `
const sdk = require('@enclave/tenancy-sdk');
const contracts = require('@enclave/contracts');
const sdkDir = require('node:path').dirname(require.resolve('@enclave/tenancy-sdk'));
console.log(JSON.stringify({
  sdkPath: require.resolve('@enclave/tenancy-sdk'),
  // One copy of the contracts: the SDK's require('@enclave/contracts') is the product's.
  contractsSeenBySdk: require.resolve('@enclave/contracts', { paths: [sdkDir] }),
  contractsPath: require.resolve('@enclave/contracts'),
  exports: Object.fromEntries(${JSON.stringify(MAIN_EXPORTS)}.map((name) => [name, typeof sdk[name]])),
  forRoot: typeof sdk.TenancyModule.forRoot,
  tenantIdSchema: typeof contracts.tenantIdSchema.parse,
}));
`;

describe('@enclave/tenancy-sdk packaged for npm', () => {
  let consumerDir: string;
  let contracts: Packed;
  let sdk: Packed;

  beforeAll(async () => {
    await run(process.execPath, ['scripts/pack-sdk.mjs'], ROOT);
    consumerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'enclave-sdk-consumer-'));

    // Copied out at once, so a concurrent `npm run build` (which empties dist/) cannot pull them away.
    const unpack = async (file: string): Promise<Packed> => {
      const tarball = path.join(consumerDir, file);
      fs.copyFileSync(path.join(PACKAGES_DIR, file), tarball);
      const dir = path.join(consumerDir, 'unpacked', file.replace(/\.tgz$/, ''));
      fs.mkdirSync(dir, { recursive: true });
      await run('tar', ['-xzf', tarball, '-C', dir], consumerDir);
      const listing = await run('tar', ['-tzf', tarball], consumerDir);
      const entries = listing
        .split('\n')
        .filter(Boolean)
        .map((entry) => entry.replace(/^package\//, ''));
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package/package.json'), 'utf8'));
      return { tarball, entries, dir: path.join(dir, 'package'), manifest };
    };
    contracts = await unpack(`enclave-contracts-${ROOT_VERSION}.tgz`);
    sdk = await unpack(`enclave-tenancy-sdk-${ROOT_VERSION}.tgz`);

    fs.writeFileSync(
      path.join(consumerDir, 'package.json'),
      JSON.stringify({ name: 'sdk-consumer', version: '0.0.0', private: true }),
    );
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        contracts.tarball,
        sdk.tarball,
        '@types/node@^20.19.0',
      ],
      consumerDir,
    );
  }, 180_000);

  afterAll(() => {
    if (consumerDir) fs.rmSync(consumerDir, { recursive: true, force: true });
  });

  it('publishes both packages at the root version, the SDK depending on that exact contracts version', () => {
    expect(contracts.manifest).toMatchObject({ name: '@enclave/contracts', version: ROOT_VERSION });
    expect(sdk.manifest).toMatchObject({ name: '@enclave/tenancy-sdk', version: ROOT_VERSION });
    expect(sdk.manifest.dependencies).toMatchObject({ '@enclave/contracts': ROOT_VERSION });
    // The store drivers are loaded when the SDK is required, so they are required peers.
    expect(Object.keys(sdk.manifest.peerDependencies ?? {}).sort()).toEqual(
      ['@nestjs/common', '@nestjs/core', 'amqplib', 'kafkajs', 'mongodb', 'pg', 'rxjs'].sort(),
    );
  });

  it('ships compiled JavaScript and declarations only: no specs, test fakes, sources or stray maps', () => {
    for (const { entries } of [contracts, sdk]) {
      expect(entries).toEqual(
        expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']),
      );
      expect(entries.filter((entry) => /\.spec\.|-spec\./.test(entry))).toEqual([]);
      expect(entries.filter((entry) => /(^|\/)(testing|test|__tests__)\//.test(entry))).toEqual([]);
      expect(entries.filter((entry) => /fake/i.test(entry))).toEqual([]);
      expect(entries.filter((entry) => /\.ts$/.test(entry) && !/\.d\.ts$/.test(entry))).toEqual([]);
      expect(entries.filter((entry) => !/^(package\.json|README\.md|dist\/)/.test(entry))).toEqual(
        [],
      );
    }
    // Source maps, if any are ever shipped, must point at files inside the package.
    for (const { dir, entries } of [contracts, sdk]) {
      for (const entry of entries.filter((name) => /\.(js|d\.ts)$/.test(name))) {
        const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(
          fs.readFileSync(path.join(dir, entry), 'utf8'),
        )?.[1];
        if (url && !url.startsWith('data:')) {
          expect(entries).toContain(path.posix.join(path.posix.dirname(entry), url));
        }
      }
      for (const map of entries.filter((name) => name.endsWith('.map'))) {
        const { sources = [], sourceRoot = '' } = JSON.parse(
          fs.readFileSync(path.join(dir, map), 'utf8'),
        );
        for (const source of sources as string[]) {
          const target = path.resolve(path.dirname(path.join(dir, map)), sourceRoot, source);
          expect(target.startsWith(`${dir}${path.sep}`)).toBe(true);
        }
      }
    }
  });

  it('imports the other workspace package by its package name, never by a path into its source', () => {
    const files = filesUnder(path.join(sdk.dir, 'dist')).filter((file) =>
      /\.(js|d\.ts)$/.test(file),
    );
    const sources = files.map((file) => [file, fs.readFileSync(file, 'utf8')] as const);
    expect(sources.some(([, text]) => text.includes('require("@enclave/contracts")'))).toBe(true);
    for (const [file, text] of sources) {
      for (const [, specifier] of text.matchAll(/(?:require\(|from |import\()['"]([^'"]+)['"]/g)) {
        expect(specifier).not.toMatch(/libs\/|\/src\/|^@enclave\/secret-store/);
        if (specifier.startsWith('.')) {
          const target = path.resolve(path.dirname(file), specifier);
          expect(target.startsWith(`${sdk.dir}${path.sep}`)).toBe(true);
        }
      }
    }
  });

  it('loads with require() in a CommonJS consumer and exposes the main exports', async () => {
    fs.writeFileSync(path.join(consumerDir, 'check.cjs'), CONSUMER_CJS);
    const result = JSON.parse(await run(process.execPath, ['check.cjs'], consumerDir));
    const installed = fs.realpathSync(path.join(consumerDir, 'node_modules'));

    expect(result.sdkPath.startsWith(installed)).toBe(true);
    expect(result.contractsPath.startsWith(installed)).toBe(true);
    expect(result.contractsSeenBySdk).toBe(result.contractsPath);
    expect(result.exports).toEqual(
      Object.fromEntries(MAIN_EXPORTS.map((name) => [name, 'function'])),
    );
    expect(result.forRoot).toBe('function');
    expect(result.tenantIdSchema).toBe('function');
  });

  it.each(['node16', 'node10'])(
    'type-checks a TypeScript consumer from the declarations (%s resolution, skipLibCheck off)',
    async (resolution) => {
      fs.writeFileSync(path.join(consumerDir, 'consumer.ts'), CONSUMER_TS);
      const tsconfig = `tsconfig.${resolution}.json`;
      fs.writeFileSync(
        path.join(consumerDir, tsconfig),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            target: 'ES2022',
            module: resolution === 'node16' ? 'node16' : 'commonjs',
            moduleResolution: resolution,
            types: ['node'],
          },
          files: ['consumer.ts'],
        }),
      );
      await run(process.execPath, [TSC, '-p', tsconfig], consumerDir);
    },
    60_000,
  );
});
