import { consoleApi, registry, usePolled } from '../api.mjs';
import { ErrorLine, State, html, when } from '../ui.mjs';

/** Each platform app's health, consumer lag, outbox backlog and dead letters. */
export function PlatformPage() {
  const apps = usePolled(() => consoleApi('/api/platform/apps'), [], 3000);
  const letters = usePolled(() => registry('/v1/dead-letters?limit=50'), [], 5000);
  const show = (n) => (n === null || n === undefined ? '—' : n);
  return html`<h1>Platform apps</h1>
    <${ErrorLine} error=${apps.error} />
    <section class="card">
      <table data-testid="apps">
        <thead>
          <tr>
            <th>App</th>
            <th>Ready</th>
            <th>Dependencies</th>
            <th>Consumer lag</th>
            <th>Outbox backlog</th>
            <th>Open dead letters</th>
          </tr>
        </thead>
        <tbody>
          ${(apps.data ?? []).map(
            (a) =>
              html`<tr data-app=${a.name}>
                <td>${a.name}</td>
                <td><${State} value=${a.ready ? 'ready' : 'failed'} /></td>
                <td class="muted">
                  ${
                    Object.entries(a.dependencies)
                      .map(([k, v]) => `${k} ${v}`)
                      .join(', ') ||
                    a.error ||
                    ''
                  }
                </td>
                <td>${show(a.consumerLag)}</td>
                <td>${show(a.outboxBacklog)}</td>
                <td>${show(a.openDeadLetters)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <p class="muted">
        Lag and backlog come from each app's /metrics (the console needs METRICS_TOKEN); — when
        unknown.
      </p>
    </section>
    <section class="card">
      <h2>Open dead letters</h2>
      <${ErrorLine} error=${letters.error} />
      ${letters.data && letters.data.items.length === 0 && html`<p class="muted">None.</p>`}
      <table>
        <tbody>
          ${(letters.data?.items ?? []).map(
            (l) =>
              html`<tr>
                <td class="muted"><a href=${`#/dead-letters/${l.id}`}>${when(l.failedAt)}</a></td>
                <td>${l.sourceTopic}</td>
                <td>${l.consumerGroup}</td>
                <td>${l.eventType ?? ''}</td>
                <td>${l.tenantId ?? ''}</td>
                <td class="cause">${l.cause}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <p class="muted">
        Inspect, replay or discard them under <a href="#/dead-letters">Dead letters</a> (or with
        <code>enclave dead-letters …</code>).
      </p>
    </section>`;
}
