import { Command, Option } from 'commander';
import type { RegistrationView } from '../api/registration.view';
import { CliContext, withContext } from '../cli.context';
import { integerIn, keyValue } from '../option-parsers';
import { table } from '../output/table';
import { tenantOffboardingLines } from '../wait/tenant-offboarding-lines';
import { waitUntil } from '../wait/wait-until';

interface TenantView {
  readonly id: string;
  readonly displayName: string;
  readonly status: string;
  readonly statusReason: string | null;
  readonly offboardReason?: string | null;
  readonly createdAt: string;
  readonly services?: readonly RegistrationView[];
}

const tenantPath = (id: string) => `/v1/tenants/${encodeURIComponent(id)}`;

function describeTenant(t: TenantView): string {
  const head = table(
    ['TENANT', 'NAME', 'STATUS', 'REASON'],
    [[t.id, t.displayName, t.status, t.offboardReason ?? t.statusReason]],
  );
  if (!t.services) return head;
  const services = t.services.length
    ? table(
        ['PRODUCT', 'MODE', 'VERSION', 'STATE'],
        t.services.map((s) => [s.product, s.isolationMode, s.productVersion, s.state]),
      )
    : 'no services registered';
  return `${head}\n\n${services}`;
}

/** `enclave tenants …`: create, list, show, suspend, resume, offboard. */
export function tenantCommands(): Command {
  const tenants = new Command('tenants').description('create, list and steer tenants');

  tenants
    .command('create')
    .description('create a tenant (idempotent: the same tenant twice creates one)')
    .argument('<tenantId>', 'the tenant id (the tenantId claim of its JWTs)')
    .requiredOption('--name <displayName>', 'a display name')
    .option('--meta <key=value>', 'metadata entry, repeatable', keyValue)
    .action(
      withContext(
        async (
          ctx: CliContext,
          id: string,
          options: { name: string; meta?: Record<string, string> },
        ) => {
          const tenant = await ctx.registry.post<TenantView>('/v1/tenants', {
            id,
            displayName: options.name,
            ...(options.meta ? { metadata: options.meta } : {}),
          });
          ctx.output.result(tenant, describeTenant);
        },
      ),
    );

  tenants
    .command('list')
    .description('list tenants in id order')
    .option('--after <tenantId>', 'start after this tenant id (the last one of the previous page)')
    .option('--limit <n>', 'page size, 1-500', integerIn(1, 500), 100)
    .action(
      withContext(async (ctx: CliContext, options: { after?: string; limit: number }) => {
        const query = new URLSearchParams({ limit: String(options.limit) });
        if (options.after) query.set('after', options.after);
        const list = await ctx.registry.get<TenantView[]>(`/v1/tenants?${query}`);
        ctx.output.result(list, (rows) =>
          table(
            ['TENANT', 'NAME', 'STATUS', 'CREATED'],
            rows.map((t) => [t.id, t.displayName, t.status, t.createdAt]),
          ),
        );
      }),
    );

  tenants
    .command('show')
    .description('a tenant and its services')
    .argument('<tenantId>')
    .action(
      withContext(async (ctx: CliContext, id: string) => {
        ctx.output.result(await ctx.registry.get<TenantView>(tenantPath(id)), describeTenant);
      }),
    );

  tenants
    .command('suspend')
    .description('suspend a tenant: its products stop resolving it')
    .argument('<tenantId>')
    .requiredOption('--reason <text>', 'why, for the audit trail')
    .action(
      withContext(async (ctx: CliContext, id: string, options: { reason: string }) => {
        const tenant = await ctx.registry.post<TenantView>(`${tenantPath(id)}/suspend`, {
          reason: options.reason,
        });
        ctx.output.result(tenant, describeTenant);
      }),
    );

  tenants
    .command('resume')
    .description('resume a suspended tenant')
    .argument('<tenantId>')
    .action(
      withContext(async (ctx: CliContext, id: string) => {
        ctx.output.result(
          await ctx.registry.post<TenantView>(`${tenantPath(id)}/resume`),
          describeTenant,
        );
      }),
    );

  tenants
    .command('offboard')
    .description(
      'offboard a whole tenant: every registration, then the tenant (kept as deleted; idempotent)',
    )
    .argument('<tenantId>')
    .option('--reason <text>', 'why, for the audit trail')
    .option('--wait', 'wait until every registration is released and the tenant is deleted')
    .addOption(
      new Option('--timeout <seconds>', 'how long --wait waits')
        .argParser(integerIn(1, 86_400))
        .default(300),
    )
    .action(
      withContext(
        async (
          ctx: CliContext,
          id: string,
          options: { reason?: string; wait?: boolean; timeout: number },
        ) => {
          let tenant = await ctx.registry.post<TenantView>(
            `${tenantPath(id)}/offboard`,
            options.reason ? { reason: options.reason } : {},
          );
          if (options.wait)
            tenant = await waitUntil(
              id,
              () => ctx.registry.get<TenantView>(tenantPath(id)),
              (t) => t.status === 'deleted',
              (t) => ctx.output.live(tenantOffboardingLines(t)),
              { timeoutMs: options.timeout * 1000 },
            );
          ctx.output.result(tenant, describeTenant);
        },
      ),
    );

  return tenants;
}
