import { Command, Option } from 'commander';
import { CliContext, withContext } from '../cli.context';
import { integerIn } from '../option-parsers';
import { table } from '../output/table';

interface DeadLetterSummary {
  readonly id: string;
  readonly status: 'open' | 'replayed' | 'discarded';
  readonly sourceTopic: string;
  readonly consumerGroup: string;
  readonly eventId: string | null;
  readonly eventType: string | null;
  readonly tenantId: string | null;
  readonly error: string;
  readonly cause: string;
  readonly attempts: number;
  readonly failedAt: string;
  readonly resolution: {
    readonly at: string;
    readonly by: { readonly kind: string; readonly name: string } | null;
    readonly reason: string;
  } | null;
}

interface DeadLetterDetail extends DeadLetterSummary {
  readonly source: { readonly partition: number; readonly offset: string };
  readonly key: string | null;
  readonly headers: Record<string, string>;
  readonly envelope: unknown;
  readonly raw?: string | null;
}

interface DeadLetterPage {
  readonly items: readonly DeadLetterSummary[];
  readonly next: string | null;
}

const letterPath = (id: string) => `/v1/dead-letters/${encodeURIComponent(id)}`;

const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

function resolutionLine(letter: DeadLetterSummary): string | null {
  const r = letter.resolution;
  return r ? `${letter.status} at ${r.at} by ${r.by?.name ?? 'unknown'}: ${r.reason}` : null;
}

/** The list as a table: one line per letter, its cause cut to fit. */
export function describeDeadLetters(page: DeadLetterPage): string {
  if (page.items.length === 0) return 'no dead letters';
  const rows = table(
    ['ID', 'TOPIC', 'GROUP', 'TENANT', 'EVENT', 'FAILED', 'CAUSE'],
    page.items.map((l) => [
      l.id,
      l.sourceTopic,
      l.consumerGroup,
      l.tenantId,
      l.eventType,
      l.failedAt,
      clip(l.cause, 80),
    ]),
  );
  return page.next ? `${rows}\n\nmore: --after ${page.next}` : rows;
}

/** One letter: what failed where and why, what became of it, and the event itself. */
export function describeDeadLetter(letter: DeadLetterDetail): string {
  const fields: [string, unknown][] = [
    ['id', letter.id],
    ['status', letter.status],
    [
      'topic',
      `${letter.sourceTopic} (partition ${letter.source.partition}, offset ${letter.source.offset})`,
    ],
    ['group', letter.consumerGroup],
    ['event', letter.eventType && `${letter.eventType} ${letter.eventId}`],
    ['tenant', letter.tenantId],
    ['failed', `${letter.failedAt} after ${letter.attempts} attempt(s)`],
    ['cause', `${letter.error}: ${letter.cause}`],
    ['decision', resolutionLine(letter)],
  ];
  const width = Math.max(...fields.map(([name]) => name.length));
  const head = fields
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([name, value]) => `${name.padEnd(width)}  ${String(value)}`)
    .join('\n');
  const body =
    letter.envelope !== null ? JSON.stringify(letter.envelope, null, 2) : (letter.raw ?? '(empty)');
  return `${head}\n\n${body}`;
}

function describeDecision(letter: DeadLetterSummary): string {
  return `dead letter ${letter.id}: ${resolutionLine(letter)}`;
}

/** `enclave dead-letters …`: list, show, replay, discard. */
export function deadLetterCommands(): Command {
  const letters = new Command('dead-letters').description(
    'events a consumer gave up on: list them with their cause, inspect, replay after a fix, discard',
  );

  letters
    .command('list')
    .description('dead letters, oldest first (open ones unless --status says otherwise)')
    .option('--topic <topic>', 'only this topic (logical name, e.g. enclave.tenant.created)')
    .option('--tenant <tenantId>', "only this tenant's events")
    .addOption(
      new Option('--status <status>', 'which ones')
        .choices(['open', 'replayed', 'discarded'])
        .default('open'),
    )
    .option('--after <cursor>', 'the next page: the cursor the previous one printed')
    .option('--limit <n>', 'page size, 1-500', integerIn(1, 500), 100)
    .action(
      withContext(
        async (
          ctx: CliContext,
          options: {
            topic?: string;
            tenant?: string;
            status: string;
            after?: string;
            limit: number;
          },
        ) => {
          const query = new URLSearchParams({
            status: options.status,
            limit: String(options.limit),
          });
          if (options.topic) query.set('topic', options.topic);
          if (options.tenant) query.set('tenantId', options.tenant);
          if (options.after) query.set('after', options.after);
          const page = await ctx.registry.get<DeadLetterPage>(`/v1/dead-letters?${query}`);
          ctx.output.result(page, describeDeadLetters);
        },
      ),
    );

  letters
    .command('show')
    .description('one dead letter: its cause, origin and the full event')
    .argument('<id>', 'the dead letter id (from list)')
    .action(
      withContext(async (ctx: CliContext, id: string) => {
        ctx.output.result(
          await ctx.registry.get<DeadLetterDetail>(letterPath(id)),
          describeDeadLetter,
        );
      }),
    );

  for (const [name, description] of [
    [
      'replay',
      'put the event back on its topic for the consumer group that gave up on it (after fixing the cause)',
    ],
    ['discard', 'drop the event for good; it leaves the open list'],
  ] as const) {
    letters
      .command(name)
      .description(`${description}; once per letter (exit 5 when already decided)`)
      .argument('<id>', 'the dead letter id (from list)')
      .requiredOption('--reason <text>', 'why, for the audit trail')
      .action(
        withContext(async (ctx: CliContext, id: string, options: { reason: string }) => {
          const letter = await ctx.registry.post<DeadLetterSummary>(`${letterPath(id)}/${name}`, {
            reason: options.reason,
          });
          ctx.output.result(letter, describeDecision);
        }),
      );
  }

  return letters;
}
