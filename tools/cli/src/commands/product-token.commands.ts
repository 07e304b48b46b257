import { Command } from 'commander';
import { CliContext, withContext } from '../cli.context';
import { CliError } from '../cli.error';
import { ExitCode } from '../exit-code';
import { duration } from '../option-parsers';
import { table } from '../output/table';

interface TokenView {
  readonly id: string;
  readonly product: string;
  readonly name: string | null;
  readonly state: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
}

const YEAR = 365 * 86_400;

const tokensPath = (product: string) => `/v1/products/${encodeURIComponent(product)}/tokens`;

/** `enclave products tokens …`: the API tokens a product's deployments present to the registry. */
export function productTokenCommands(): Command {
  const tokens = new Command('tokens').description("a product's API tokens");

  tokens
    .command('issue')
    .description('issue an API token for a deployment of the product; it is shown this once')
    .argument('<product>')
    .option(
      '--ttl <duration>',
      'how long it is good for (e.g. 30d, 12h; at most 365d)',
      duration(YEAR),
    )
    .option('--name <name>', 'who holds it, shown in the list')
    .action(
      withContext(
        async (ctx: CliContext, product: string, options: { ttl?: number; name?: string }) => {
          const issued = await ctx.registry.post<TokenView & { token: string }>(
            tokensPath(product),
            {
              ...(options.ttl === undefined ? {} : { ttlSeconds: options.ttl }),
              ...(options.name === undefined ? {} : { name: options.name }),
            },
          );
          ctx.output.result(issued, (t) =>
            [
              `issued token ${t.id} for ${t.product}, good until ${t.expiresAt}`,
              'The token is shown this once; the platform keeps only its hash:',
              t.token,
            ].join('\n'),
          );
        },
      ),
    );

  tokens
    .command('list')
    .description("the product's tokens, newest first (never their secrets)")
    .argument('<product>')
    .action(
      withContext(async (ctx: CliContext, product: string) => {
        const list = await ctx.registry.get<TokenView[]>(tokensPath(product));
        ctx.output.result(list, (rows) =>
          table(
            ['ID', 'NAME', 'STATE', 'CREATED', 'EXPIRES', 'REVOKED'],
            rows.map((t) => [t.id, t.name, t.state, t.createdAt, t.expiresAt, t.revokedAt]),
          ),
        );
      }),
    );

  tokens
    .command('revoke')
    .description('revoke one token (refused from the next request on), or with --all every one')
    .argument('<product>')
    .argument('[tokenId]')
    .option('--all', "revoke every token of the product (other products' are untouched)")
    .action(
      withContext(
        async (
          ctx: CliContext,
          product: string,
          tokenId: string | undefined,
          options: { all?: boolean },
        ) => {
          if (!!tokenId === !!options.all)
            throw new CliError(ExitCode.Usage, 'name one token id, or --all (not both)');
          if (options.all) {
            const done = await ctx.registry.post<{ revoked: number }>(
              `${tokensPath(product)}/revoke`,
            );
            ctx.output.result(done, (d) => `revoked ${d.revoked} token(s) of ${product}`);
            return;
          }
          const revoked = await ctx.registry.post<TokenView>(
            `${tokensPath(product)}/${encodeURIComponent(tokenId!)}/revoke`,
          );
          ctx.output.result(
            revoked,
            (t) => `revoked token ${t.id} of ${t.product} at ${t.revokedAt}`,
          );
        },
      ),
    );

  return tokens;
}
