/** Events each app handled, by event type: `enclave_events_handled_total`, outcome `handled`. */
export type EventCounts = Record<string, Record<string, number>>;

/** Per app: events handled per registration in a window, in total and by type. */
export type EventsPerRegistration = Record<
  string,
  { total: number; by_type: Record<string, number> }
>;

const SAMPLE = /^enclave_events_handled_total\{([^}]*)\}\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** The `handled` events of one app's Prometheus text, by type (duplicates and retries left out). */
export function parseEventsHandled(text: string): Record<string, number> {
  const byType: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const sample = SAMPLE.exec(line);
    if (!sample) continue;
    const labels = Object.fromEntries([...sample[1].matchAll(LABEL)].map((m) => [m[1], m[2]]));
    if (labels.outcome !== 'handled' || !labels.type) continue;
    byType[labels.type] = (byType[labels.type] ?? 0) + Number(sample[2]);
  }
  return byType;
}

/** What each app handled between two scrapes, divided by the registrations of the window. */
export function eventsPerRegistration(
  before: EventCounts,
  after: EventCounts,
  registrations: number,
): EventsPerRegistration {
  const result: EventsPerRegistration = {};
  for (const [app, types] of Object.entries(after)) {
    const by_type: Record<string, number> = {};
    let total = 0;
    for (const [type, count] of Object.entries(types)) {
      const delta = count - (before[app]?.[type] ?? 0);
      if (delta <= 0) continue;
      by_type[type] = round2(delta / registrations);
      total += delta;
    }
    result[app] = { total: round2(total / registrations), by_type };
  }
  return result;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Scrapes every app's /metrics with the scraper's token. */
export async function scrapeEventCounts(
  apps: ReadonlyMap<string, { base: string }>,
  token: string,
): Promise<EventCounts> {
  const counts: EventCounts = {};
  for (const [app, { base }] of apps) {
    const response = await fetch(`${base}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`${app} /metrics: ${response.status}`);
    counts[app] = parseEventsHandled(await response.text());
  }
  return counts;
}
