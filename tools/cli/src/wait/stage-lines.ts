import type { RegistrationView } from '../api/registration.view';

const MARK = { pending: '…', done: '✓', failed: '✗' } as const;

/** One line per stage, then the state: what `--wait` shows while a registration moves. */
export function stageLines(registration: RegistrationView): string[] {
  const width = Math.max(0, ...registration.conditions.map((c) => c.stage.length));
  return [
    ...registration.conditions.map((c) => {
      const took = c.durationMs === null ? '' : ` ${c.durationMs} ms`;
      const why = c.reason ? `  ${c.reason}` : '';
      return `  ${MARK[c.status] ?? '?'} ${c.stage.padEnd(width)}  ${c.status}${took}${why}`;
    }),
    `  ${registration.tenantId}/${registration.product}: ${registration.state}`,
  ];
}
