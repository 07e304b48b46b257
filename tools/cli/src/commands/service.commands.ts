import { Command, Option } from 'commander';
import type { LimitsView, RegistrationView } from '../api/registration.view';
import { CliContext, withContext } from '../cli.context';
import { CliError } from '../cli.error';
import { ExitCode } from '../exit-code';
import { integerIn, wholeNumber } from '../option-parsers';
import { table } from '../output/table';
import { stageLines } from '../wait/stage-lines';
import { waitUntil } from '../wait/wait-until';

interface WaitFlags {
  readonly wait?: boolean;
  readonly timeout: number;
}

const servicesPath = (tenantId: string) => `/v1/tenants/${encodeURIComponent(tenantId)}/services`;
const servicePath = (tenantId: string, product: string) =>
  `${servicesPath(tenantId)}/${encodeURIComponent(product)}`;

function describeRegistration(r: RegistrationView): string {
  const head = table(
    ['TENANT', 'PRODUCT', 'MODE', 'VERSION', 'STATE', 'RETRIES'],
    [[r.tenantId, r.product, r.isolationMode, r.productVersion, r.state, r.retries]],
  );
  const stages = table(
    ['STAGE', 'STATUS', 'MS', 'REASON'],
    r.conditions.map((c) => [c.stage, c.status, c.durationMs, c.reason]),
  );
  const rotation = r.rotation
    ? `\nrotation ${r.rotation.rotationId}: ${r.rotation.state}${r.rotation.reason ? ` (${r.rotation.reason})` : ''}`
    : '';
  const limits = r.limits
    ? `\nlimits (revision ${r.limitsRevision}): ${describeLimits(r.limits)}`
    : '';
  return `${head}\n\n${stages}${rotation}${limits}`;
}

function describeLimits(limits: LimitsView): string {
  const parts = [
    limits.postgres?.connectionLimit !== undefined &&
      `postgres connections ${limits.postgres.connectionLimit}`,
    limits.postgres?.statementTimeoutMs !== undefined &&
      `statement timeout ${limits.postgres.statementTimeoutMs} ms`,
    limits.rabbitmq?.maxConnections !== undefined &&
      `rabbitmq connections ${limits.rabbitmq.maxConnections}`,
    limits.rabbitmq?.maxQueues !== undefined && `rabbitmq queues ${limits.rabbitmq.maxQueues}`,
  ].filter(Boolean);
  return parts.join(', ') || 'defaults';
}

interface LimitFlags {
  readonly pgConnectionLimit?: number;
  readonly pgStatementTimeoutMs?: number;
  readonly rabbitmqMaxConnections?: number;
  readonly rabbitmqMaxQueues?: number;
}

/** The limit options; their bounds are the admin API's (it refuses a value out of them, exit 3). */
const limitOptions = (command: Command) =>
  command
    .option('--pg-connection-limit <n>', "the PostgreSQL role's connection limit", wholeNumber)
    .option('--pg-statement-timeout-ms <n>', "the PostgreSQL role's statement timeout", wholeNumber)
    .option('--rabbitmq-max-connections <n>', "the vhost's max-connections", wholeNumber)
    .option('--rabbitmq-max-queues <n>', "the vhost's max-queues", wholeNumber);

/** The limits the flags name; undefined when they name none. */
function limitsOf(flags: LimitFlags): LimitsView | undefined {
  const postgres = {
    ...(flags.pgConnectionLimit !== undefined && { connectionLimit: flags.pgConnectionLimit }),
    ...(flags.pgStatementTimeoutMs !== undefined && {
      statementTimeoutMs: flags.pgStatementTimeoutMs,
    }),
  };
  const rabbitmq = {
    ...(flags.rabbitmqMaxConnections !== undefined && {
      maxConnections: flags.rabbitmqMaxConnections,
    }),
    ...(flags.rabbitmqMaxQueues !== undefined && { maxQueues: flags.rabbitmqMaxQueues }),
  };
  const limits = {
    ...(Object.keys(postgres).length > 0 && { postgres }),
    ...(Object.keys(rabbitmq).length > 0 && { rabbitmq }),
  };
  return Object.keys(limits).length > 0 ? limits : undefined;
}

const waitOptions = (command: Command, what: string) =>
  command
    .option('--wait', `wait until ${what}, showing each stage as it completes`)
    .addOption(
      new Option('--timeout <seconds>', 'how long --wait waits')
        .argParser(integerIn(1, 86_400))
        .default(120),
    );

/**
 * Polls the registration until `outcome` names how it ended (null while it has not), shows the
 * stages live, and turns a failed outcome into ExitCode.Failed with the causes.
 */
async function follow(
  ctx: CliContext,
  tenantId: string,
  product: string,
  timeoutSeconds: number,
  outcome: (r: RegistrationView) => 'ok' | 'failed' | null,
): Promise<RegistrationView> {
  const final = await waitUntil(
    `${tenantId}/${product}`,
    () => ctx.registry.get<RegistrationView>(servicePath(tenantId, product)),
    (r) => outcome(r) !== null,
    (r) => ctx.output.live(stageLines(r)),
    { timeoutMs: timeoutSeconds * 1000 },
  );
  if (outcome(final) === 'failed') {
    const causes = [
      ...final.conditions
        .filter((c) => c.status === 'failed')
        .map((c) => `${c.stage}: ${c.reason}`),
      ...(final.rotation?.state === 'failed' ? [`rotation: ${final.rotation.reason}`] : []),
    ];
    throw new CliError(
      ExitCode.Failed,
      `${tenantId}/${product} failed: ${causes.join('; ') || final.state}`,
      final,
    );
  }
  return final;
}

const provisioned = (r: RegistrationView) =>
  r.state === 'ready' ? 'ok' : r.state === 'failed' ? 'failed' : null;

/** `enclave services …`: register, status, rotate, limits, retry, offboard (most with `--wait`). */
export function serviceCommands(): Command {
  const services = new Command('services').description("a tenant's products (registrations)");

  waitOptions(
    limitOptions(
      services
        .command('register')
        .description('register a product for a tenant; provisioning starts at once (idempotent)')
        .argument('<tenantId>')
        .argument('<product>')
        .addOption(new Option('--mode <mode>', 'isolation mode').choices(['DATABASE', 'SCHEMA'])),
    ),
    'it is ready (exit 0) or failed (exit 7)',
  ).action(
    withContext(
      async (
        ctx: CliContext,
        tenantId: string,
        product: string,
        options: WaitFlags & LimitFlags & { mode?: string },
      ) => {
        const limits = limitsOf(options);
        let registration = await ctx.registry.post<RegistrationView>(servicesPath(tenantId), {
          product,
          ...(options.mode ? { isolationMode: options.mode } : {}),
          ...(limits ? { limits } : {}),
        });
        if (options.wait)
          registration = await follow(ctx, tenantId, product, options.timeout, provisioned);
        ctx.output.result(registration, describeRegistration);
      },
    ),
  );

  services
    .command('status')
    .description("a tenant's registrations, or one with its stages")
    .argument('<tenantId>')
    .argument('[product]')
    .action(
      withContext(async (ctx: CliContext, tenantId: string, product?: string) => {
        if (product) {
          ctx.output.result(
            await ctx.registry.get<RegistrationView>(servicePath(tenantId, product)),
            describeRegistration,
          );
          return;
        }
        const list = await ctx.registry.get<RegistrationView[]>(servicesPath(tenantId));
        ctx.output.result(list, (rows) =>
          table(
            ['PRODUCT', 'MODE', 'VERSION', 'STATE', 'PENDING', 'FAILED'],
            rows.map((r) => [
              r.product,
              r.isolationMode,
              r.productVersion,
              r.state,
              r.conditions
                .filter((c) => c.status === 'pending')
                .map((c) => c.stage)
                .join(','),
              r.conditions
                .filter((c) => c.status === 'failed')
                .map((c) => c.stage)
                .join(','),
            ]),
          ),
        );
      }),
    );

  waitOptions(
    services
      .command('rotate')
      .description("rotate a ready registration's credentials")
      .argument('<tenantId>')
      .argument('<product>'),
    'every resource applied the new credentials',
  ).action(
    withContext(async (ctx: CliContext, tenantId: string, product: string, options: WaitFlags) => {
      const { rotationId } = await ctx.registry.post<{ rotationId: string }>(
        `${servicePath(tenantId, product)}/credentials/rotate`,
      );
      if (!options.wait) {
        ctx.output.result({ rotationId }, () => `rotation ${rotationId} requested`);
        return;
      }
      const final = await follow(ctx, tenantId, product, options.timeout, (r) =>
        r.rotation?.rotationId !== rotationId || r.rotation.state === 'requested'
          ? null
          : r.rotation.state === 'done'
            ? 'ok'
            : 'failed',
      );
      ctx.output.result(final, describeRegistration);
    }),
  );

  limitOptions(
    services
      .command('limits')
      .description(
        "set a ready registration's resource limits, whole: a limit not given is back to its default",
      )
      .argument('<tenantId>')
      .argument('<product>')
      .option('--defaults', 'every limit back to its default'),
  ).action(
    withContext(
      async (
        ctx: CliContext,
        tenantId: string,
        product: string,
        options: LimitFlags & { defaults?: boolean },
      ) => {
        const limits = limitsOf(options);
        // No flag at all would reset every limit: that takes saying so.
        if (!limits && !options.defaults)
          throw new CliError(ExitCode.Usage, 'name at least one limit, or --defaults');
        if (limits && options.defaults)
          throw new CliError(ExitCode.Usage, '--defaults takes no limit with it');
        const registration = await ctx.registry.put<RegistrationView>(
          `${servicePath(tenantId, product)}/limits`,
          limits ?? {},
        );
        ctx.output.result(registration, describeRegistration);
      },
    ),
  );

  waitOptions(
    services
      .command('retry')
      .description('provision a failed registration again')
      .argument('<tenantId>')
      .argument('<product>'),
    'it is ready (exit 0) or failed again (exit 7)',
  ).action(
    withContext(async (ctx: CliContext, tenantId: string, product: string, options: WaitFlags) => {
      let registration = await ctx.registry.post<RegistrationView>(
        `${servicePath(tenantId, product)}/retry`,
      );
      if (options.wait)
        registration = await follow(ctx, tenantId, product, options.timeout, provisioned);
      ctx.output.result(registration, describeRegistration);
    }),
  );

  waitOptions(
    services
      .command('offboard')
      .description('offboard a registration: its resources, logins and secrets are deleted')
      .argument('<tenantId>')
      .argument('<product>'),
    'every stage released it',
  ).action(
    withContext(async (ctx: CliContext, tenantId: string, product: string, options: WaitFlags) => {
      let registration = await ctx.registry.delete<RegistrationView>(
        servicePath(tenantId, product),
      );
      if (options.wait)
        registration = await follow(ctx, tenantId, product, options.timeout, (r) =>
          r.state === 'deleted' ? 'ok' : null,
        );
      ctx.output.result(registration, describeRegistration);
    }),
  );

  return services;
}
