import { Command, Option } from 'commander';
import { CliContext, withContext } from '../cli.context';
import { CliError } from '../cli.error';
import { ExitCode } from '../exit-code';
import { integerIn, list } from '../option-parsers';
import { progressBar } from '../output/progress-bar';
import { table } from '../output/table';
import { waitUntil } from '../wait/wait-until';

interface RolloutView {
  readonly id: string;
  readonly product: string;
  readonly targetVersion: string;
  readonly state: 'running' | 'paused' | 'completed' | 'aborted';
  readonly reason: string | null;
  readonly failures: number;
  readonly failureBudget: number;
  readonly counts: Record<'pending' | 'upgrading' | 'done' | 'skipped' | 'failed', number>;
}

const rolloutsPath = (product: string) => `/v1/products/${encodeURIComponent(product)}/rollouts`;
const rolloutPath = (product: string, id: string) =>
  `${rolloutsPath(product)}/${encodeURIComponent(id)}`;

const total = (r: RolloutView) => Object.values(r.counts).reduce((a, b) => a + b, 0);
const settled = (r: RolloutView) => r.counts.done + r.counts.skipped + r.counts.failed;

function describeRollout(r: RolloutView): string {
  const { pending, upgrading, done, skipped, failed } = r.counts;
  return [
    `rollout ${r.id}: ${r.product} → ${r.targetVersion}, ${r.state}${r.reason ? ` (${r.reason})` : ''}`,
    `${progressBar(settled(r), total(r))}  done ${done}, skipped ${skipped}, failed ${failed}, upgrading ${upgrading}, pending ${pending}`,
  ].join('\n');
}

/**
 * Follows a rollout until it is no longer running. A pause (by an operator, or a spent failure
 * budget) waits for a person, so the watch ends there too, and says why with ExitCode.Failed.
 */
async function watch(ctx: CliContext, product: string, id: string, timeoutSeconds: number) {
  const final = await waitUntil(
    `rollout ${id}`,
    () => ctx.registry.get<RolloutView>(rolloutPath(product, id)),
    (r) => r.state !== 'running',
    (r) => ctx.output.live(describeRollout(r).split('\n')),
    { timeoutMs: timeoutSeconds * 1000, intervalMs: 500 },
  );
  if (final.state === 'aborted' || final.state === 'paused')
    throw new CliError(
      ExitCode.Failed,
      `rollout ${id} ${final.state}: ${final.reason ?? 'no reason given'}`,
      final,
    );
  return final;
}

const timeoutOption = () =>
  new Option('--timeout <seconds>', 'how long watching waits')
    .argParser(integerIn(1, 86_400))
    .default(600);

/** `enclave rollouts …`: start (and watch), list, watch, pause, resume, abort. */
export function rolloutCommands(): Command {
  const rollouts = new Command('rollouts').description(
    "bring a product's tenants to a new version",
  );

  rollouts
    .command('start')
    .description('roll a product out to a published version, canary group first')
    .argument('<product>')
    .argument('<version>')
    .option('--canary-count <n>', 'this many tenants go first', integerIn(1, 100))
    .option('--canary <tenantIds>', 'these tenants go first (comma-separated)', list)
    .option('--concurrency <n>', 'tenants upgraded at once', integerIn(1, 256))
    .option(
      '--failure-budget <n>',
      'failures allowed before the rollout pauses itself',
      integerIn(0, 1_000_000),
    )
    .option(
      '--watch',
      'follow it with a progress bar until it completes (exit 0), pauses or aborts (exit 7)',
    )
    .addOption(timeoutOption())
    .action(
      withContext(
        async (
          ctx: CliContext,
          product: string,
          version: string,
          options: {
            canaryCount?: number;
            canary?: string[];
            concurrency?: number;
            failureBudget?: number;
            watch?: boolean;
            timeout: number;
          },
        ) => {
          if (options.canary && options.canaryCount)
            throw new CliError(ExitCode.Usage, '--canary and --canary-count are exclusive');
          const canary = options.canary
            ? { tenants: options.canary }
            : options.canaryCount
              ? { count: options.canaryCount }
              : undefined;
          let rollout = await ctx.registry.post<RolloutView>(rolloutsPath(product), {
            targetVersion: version,
            ...(canary ? { canary } : {}),
            ...(options.concurrency ? { concurrency: options.concurrency } : {}),
            ...(options.failureBudget !== undefined
              ? { failureBudget: options.failureBudget }
              : {}),
          });
          if (options.watch) rollout = await watch(ctx, product, rollout.id, options.timeout);
          ctx.output.result(rollout, describeRollout);
        },
      ),
    );

  rollouts
    .command('list')
    .description("a product's rollouts, newest first")
    .argument('<product>')
    .action(
      withContext(async (ctx: CliContext, product: string) => {
        const found = await ctx.registry.get<RolloutView[]>(rolloutsPath(product));
        ctx.output.result(found, (rows) =>
          table(
            ['ROLLOUT', 'VERSION', 'STATE', 'PROGRESS', 'FAILED'],
            rows.map((r) => [
              r.id,
              r.targetVersion,
              r.state,
              `${settled(r)}/${total(r)}`,
              r.counts.failed,
            ]),
          ),
        );
      }),
    );

  rollouts
    .command('watch')
    .description(
      'follow a rollout with a progress bar until it completes (exit 0), pauses or aborts (exit 7)',
    )
    .argument('<product>')
    .argument('<rolloutId>')
    .addOption(timeoutOption())
    .action(
      withContext(
        async (ctx: CliContext, product: string, id: string, options: { timeout: number }) => {
          ctx.output.result(await watch(ctx, product, id, options.timeout), describeRollout);
        },
      ),
    );

  for (const [action, what] of [
    ['pause', 'pause a running rollout (tenants being upgraded finish)'],
    ['resume', 'resume a paused rollout; its failed tenants are tried again'],
    ['abort', 'abort a rollout; its target does not become current'],
  ] as const)
    rollouts
      .command(action)
      .description(what)
      .argument('<product>')
      .argument('<rolloutId>')
      .action(
        withContext(async (ctx: CliContext, product: string, id: string) => {
          ctx.output.result(
            await ctx.registry.post<RolloutView>(`${rolloutPath(product, id)}/${action}`),
            describeRollout,
          );
        }),
      );

  return rollouts;
}
