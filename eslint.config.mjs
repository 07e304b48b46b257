import nx from '@nx/eslint-plugin';
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * Who may depend on whom, by Nx tag. Stage apps (type:app) never see the product SDK: only a
 * product (type:product, the sample ledger) builds on it. No app sees the example products
 * (type:examples): manifests reach the stages as data (ProductVersionPublished), never as code.
 */
const depConstraints = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:runtime'],
  },
  {
    sourceTag: 'type:product',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:runtime', 'type:sdk'],
  },
  { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: ['type:contracts', 'type:runtime'] },
  { sourceTag: 'type:examples', onlyDependOnLibsWithTags: ['type:contracts'] },
  // Operator tools (the CLI) talk to the platform over its public API only.
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:contracts', 'type:runtime'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:examples', 'type:runtime', 'type:testing'],
  },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
];

const moduleBoundaries = (constraints) => ({
  enforceBuildableLibDependency: false,
  banTransitiveDependencies: false,
  allow: [],
  depConstraints: constraints,
});

export default [
  {
    ignores: ['**/node_modules', '**/dist', '**/.cache', '**/.nx', '**/coverage', 'bench/results'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  ...nx.configs['flat/base'],
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Tags bound who uses what. The rule also rejects any import of an app, and any relative or
      // absolute path into another project, so apps never import apps and libs never import apps.
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries(depConstraints)],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@enclave/*/*'],
              message: 'Import libs through their root entry point only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Unit specs next to the code may use the testing lib (expectEventually and the like) and the
    // example products as fixtures; neither is shipped, since specs are in no build or package.
    files: ['**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        moduleBoundaries(
          depConstraints.map((c) =>
            c.sourceTag.startsWith('type:')
              ? {
                  ...c,
                  onlyDependOnLibsWithTags: [
                    ...c.onlyDependOnLibsWithTags,
                    'type:testing',
                    'type:examples',
                  ],
                }
              : c,
          ),
        ),
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
  {
    // The operator console's page: ES modules run by the browser, not Node.
    files: ['apps/operator-console/public/**/*.mjs'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        fetch: 'readonly',
        URLSearchParams: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
  },
  prettier,
];
