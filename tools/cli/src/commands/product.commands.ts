import { Command } from 'commander';
import fs from 'node:fs';
import { CliContext, withContext } from '../cli.context';
import { CliError } from '../cli.error';
import { ExitCode } from '../exit-code';
import { table } from '../output/table';
import { productTokenCommands } from './product-token.commands';

interface ProductView {
  readonly name: string;
  readonly version: string;
  readonly defaultIsolationMode: string;
  readonly resources: readonly string[];
  readonly schemaVersion: number;
  readonly versions: number;
}

const productPath = (product: string) => `/v1/products/${encodeURIComponent(product)}`;

function readManifest(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(ExitCode.Usage, `cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(ExitCode.Usage, `${file} is not JSON: ${(error as Error).message}`);
  }
}

/** `enclave products …`: the catalog, publishing a version, and the products' API tokens. */
export function productCommands(): Command {
  const products = new Command('products').description('the product catalog');

  products
    .command('list')
    .description('products tenants can be registered for, at their current version')
    .action(
      withContext(async (ctx: CliContext) => {
        const list = await ctx.registry.get<ProductView[]>('/v1/products');
        ctx.output.result(list, (rows) =>
          table(
            ['PRODUCT', 'VERSION', 'DEFAULT MODE', 'RESOURCES', 'SCHEMA', 'VERSIONS'],
            rows.map((p) => [
              p.name,
              p.version,
              p.defaultIsolationMode,
              p.resources.join(','),
              p.schemaVersion,
              p.versions,
            ]),
          ),
        );
      }),
    );

  products
    .command('versions')
    .description("a product's published versions")
    .argument('<product>')
    .action(
      withContext(async (ctx: CliContext, product: string) => {
        const found = await ctx.registry.get<{
          current: string;
          versions: { version: string; schemaVersion: number; publishedAt: string }[];
        }>(`${productPath(product)}/versions`);
        ctx.output.result(found, ({ current, versions }) =>
          table(
            ['VERSION', 'SCHEMA', 'PUBLISHED', 'CURRENT'],
            versions.map((v) => [
              v.version,
              v.schemaVersion,
              v.publishedAt,
              v.version === current ? 'yes' : '',
            ]),
          ),
        );
      }),
    );

  products
    .command('publish')
    .description('publish a product version from its manifest (idempotent for the same manifest)')
    .argument('<product>')
    .argument('<version>')
    .requiredOption('--manifest <file>', 'the version manifest (JSON)')
    .action(
      withContext(
        async (
          ctx: CliContext,
          product: string,
          version: string,
          options: { manifest: string },
        ) => {
          const published = await ctx.registry.put<{
            product: string;
            version: string;
            schemaVersion: number;
          }>(
            `${productPath(product)}/versions/${encodeURIComponent(version)}`,
            readManifest(options.manifest),
          );
          ctx.output.result(
            published,
            (p) => `published ${p.product}@${p.version} (schema ${p.schemaVersion})`,
          );
        },
      ),
    );

  products.addCommand(productTokenCommands());

  return products;
}
