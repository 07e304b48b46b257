import { useState } from 'preact/hooks';
import { registry, usePolled } from '../api.mjs';
import { ErrorLine, Pager, State, html, when } from '../ui.mjs';

const PAGE = 100;

/** Why the consumer gave up: the error's name and its message. */
const causeLine = (l) => `${l.error ? `${l.error}: ` : ''}${l.cause}`;

/**
 * Dead letters per topic with their cause (the registry's `GET /v1/dead-letters`, filtered and
 * paged by it); each one opens in full, where it is replayed or discarded.
 */
export function DeadLettersPage() {
  const [filter, setFilter] = useState({ status: 'open', topic: '', tenantId: '' });
  const [cursors, setCursors] = useState([null]);
  const after = cursors[cursors.length - 1];
  const query = new URLSearchParams({ limit: String(PAGE) });
  for (const [k, v] of Object.entries(filter)) if (v) query.set(k, v);
  if (after) query.set('after', after);
  const path = `/v1/dead-letters?${query}`;
  const { data, error } = usePolled(() => registry(path), [path], 2000);
  const change = (key) => (event) => {
    setFilter({ ...filter, [key]: event.target.value.trim() });
    setCursors([null]);
  };
  // One table per topic, in the order the registry gave (oldest first).
  const byTopic = new Map();
  for (const letter of data?.items ?? []) {
    if (!byTopic.has(letter.sourceTopic)) byTopic.set(letter.sourceTopic, []);
    byTopic.get(letter.sourceTopic).push(letter);
  }
  return html`<h1>Dead letters</h1>
    <section class="card">
      <form class="inline" onSubmit=${(e) => e.preventDefault()} aria-label="dead-letter-filter">
        <label
          >Status
          <select name="status" onChange=${change('status')}>
            ${['open', 'replayed', 'discarded'].map((s) => html`<option>${s}</option>`)}
          </select>
        </label>
        <label
          >Topic
          <input name="topic" placeholder="enclave.tenant.created" onInput=${change('topic')}
        /></label>
        <label>Tenant id <input name="tenantId" onInput=${change('tenantId')} /></label>
      </form>
      <${ErrorLine} error=${error} />
      ${data && data.items.length === 0 && html`<p class="muted" data-testid="no-letters">None.</p>`}
    </section>
    ${[...byTopic].map(
      ([topic, letters]) =>
        html`<section class="card" data-topic=${topic}>
          <h2>${topic} <span class="muted">(${letters.length})</span></h2>
          <table data-testid="dead-letters">
            <thead>
              <tr>
                <th>Failed</th>
                <th>Consumer group</th>
                <th>Event</th>
                <th>Tenant</th>
                <th>Status</th>
                <th>Cause</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${letters.map(
                (l) =>
                  html`<tr data-letter=${l.id} data-tenant=${l.tenantId ?? ''}>
                    <td class="muted">${when(l.failedAt)}</td>
                    <td>${l.consumerGroup}</td>
                    <td>${l.eventType ?? '—'}</td>
                    <td>
                      ${l.tenantId ? html`<a href=${`#/tenants/${l.tenantId}`}>${l.tenantId}</a>` : '—'}
                    </td>
                    <td><${State} value=${l.status} /></td>
                    <td class="cause">${causeLine(l)}</td>
                    <td><a href=${`#/dead-letters/${l.id}`}>Inspect</a></td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </section>`,
    )}
    <${Pager} cursors=${cursors} setCursors=${setCursors} next=${data?.next} />`;
}

/** What became of a decided letter, by whom and why (one string: htm trims the spaces around values). */
const decision = (l) =>
  `${l.status} ${when(l.resolution.at)} by ${
    l.resolution.by ? `${l.resolution.by.kind}:${l.resolution.by.name}` : 'unknown'
  }: ${l.resolution.reason}`;

/**
 * One dead letter in full (cause, origin, headers, the event), and the operator's decision on it:
 * replay once the cause is fixed, or discard. Both need a reason, which the registry audits.
 */
export function DeadLetterPage({ id }) {
  const letter = usePolled(() => registry(`/v1/dead-letters/${id}`), [id], 3000);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const decide = (action) => async (event) => {
    event.preventDefault();
    const reason = event.target.form.reason.value.trim();
    setError(null);
    setBusy(true);
    try {
      await registry(`/v1/dead-letters/${id}/${action}`, 'POST', { reason });
      await letter.refresh();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const l = letter.data;
  return html`<h1>Dead letter</h1>
    <p><a href="#/dead-letters">← all dead letters</a></p>
    <${ErrorLine} error=${letter.error} />
    ${
      l &&
      html`<section class="card" data-testid="dead-letter" data-status=${l.status}>
          <h2>${l.eventType ?? 'unreadable event'} <${State} value=${l.status} /></h2>
          <table>
            <tbody>
              <tr>
                <th>Cause</th>
                <td class="cause" data-testid="letter-cause">${causeLine(l)}</td>
              </tr>
              <tr>
                <th>Topic</th>
                <td>
                  ${l.sourceTopic} (partition ${l.source.partition}, offset ${l.source.offset})
                </td>
              </tr>
              <tr>
                <th>Consumer group</th>
                <td>${l.consumerGroup}</td>
              </tr>
              <tr>
                <th>Tenant</th>
                <td>${l.tenantId ?? '—'}</td>
              </tr>
              <tr>
                <th>Event id</th>
                <td>${l.eventId ?? '—'}</td>
              </tr>
              <tr>
                <th>Failed</th>
                <td>${when(l.failedAt)} after ${l.attempts} attempt(s)</td>
              </tr>
              ${
                l.resolution &&
                html`<tr data-testid="resolution">
                  <th>Decided</th>
                  <td>${decision(l)}</td>
                </tr>`
              }
            </tbody>
          </table>
          ${
            l.status === 'open' &&
            html`<form class="inline" aria-label="decide" onSubmit=${(e) => e.preventDefault()}>
              <label
                >Reason (audited) <input name="reason" required maxlength="500" size="40"
              /></label>
              <button type="submit" disabled=${busy} onClick=${decide('replay')}>Replay</button>
              <button class="secondary" disabled=${busy} onClick=${decide('discard')}>
                Discard
              </button>
            </form>`
          }
          <${ErrorLine} error=${error} />
        </section>
        <section class="card">
          <h2>Event</h2>
          <p class="muted">key ${l.key ?? '—'}</p>
          <pre data-testid="envelope">${JSON.stringify(l.envelope ?? l.raw, null, 2)}</pre>
          <h2>Headers</h2>
          <pre>${JSON.stringify(l.headers, null, 2)}</pre>
        </section>`
    }`;
}
