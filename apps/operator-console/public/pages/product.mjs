import { useState } from 'preact/hooks';
import { registry, consoleApi, usePolled } from '../api.mjs';
import { ErrorLine, Pager, StageBadges, State, causeOf, html, when } from '../ui.mjs';

const PAGE = 25;

/** One product's dashboard: its tenants (filtered, paged by the registry), failures, versions, rollouts. */
export function ProductPage({ product }) {
  return html`<h1>Product ${product}</h1>
    <${RegisterForm} product=${product} />
    <${Registrations} product=${product} />
    <${Failures} product=${product} />
    <div class="grid">
      <${ProvisioningTimes} product=${product} />
      <${Fleet} product=${product} />
    </div>`;
}

function RegisterForm({ product }) {
  const [error, setError] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    const form = event.target;
    const id = form.tenantId.value.trim();
    try {
      // Creating the tenant is idempotent: an existing one with the same name is fine.
      await registry('/v1/tenants', 'POST', { id, displayName: form.displayName.value || id });
      const body = form.isolationMode.value
        ? { product, isolationMode: form.isolationMode.value }
        : { product };
      await registry(`/v1/tenants/${id}/services`, 'POST', body);
      window.location.hash = `#/tenants/${id}`;
    } catch (e) {
      setError(e);
    }
  };
  return html`<section class="card">
    <h2>Register a tenant for ${product}</h2>
    <form class="inline" onSubmit=${submit} aria-label="register">
      <label>Tenant id <input name="tenantId" required pattern="[a-z][a-z0-9-]{2,31}" /></label>
      <label>Display name <input name="displayName" /></label>
      <label
        >Isolation
        <select name="isolationMode">
          <option value="">product default</option>
          <option>SCHEMA</option>
          <option>DATABASE</option>
        </select>
      </label>
      <button type="submit">Register</button>
    </form>
    <${ErrorLine} error=${error} />
  </section>`;
}

function Registrations({ product }) {
  const [filter, setFilter] = useState({ state: '', isolationMode: '', tenant: '' });
  const [cursors, setCursors] = useState([null]);
  const after = cursors[cursors.length - 1];
  const query = new URLSearchParams({ limit: String(PAGE) });
  for (const [k, v] of Object.entries(filter)) if (v) query.set(k, v);
  if (after) query.set('after', after);
  const path = `/v1/products/${product}/registrations?${query}`;
  const { data, error } = usePolled(() => registry(path), [path]);
  const change = (key) => (event) => {
    setFilter({ ...filter, [key]: event.target.value.trim() });
    setCursors([null]);
  };
  return html`<section class="card">
    <h2>Tenants registered for ${product}</h2>
    <form class="inline" onSubmit=${(e) => e.preventDefault()} aria-label="filter">
      <label
        >State
        <select name="state" onChange=${change('state')}>
          <option value="">any</option>
          ${['provisioning', 'ready', 'failed', 'deprovisioning', 'deleted'].map((s) => html`<option>${s}</option>`)}
        </select>
      </label>
      <label
        >Isolation
        <select name="isolationMode" onChange=${change('isolationMode')}>
          <option value="">any</option>
          <option>SCHEMA</option>
          <option>DATABASE</option>
        </select>
      </label>
      <label>Tenant id starts with <input name="tenant" onInput=${change('tenant')} /></label>
    </form>
    <${ErrorLine} error=${error} />
    <table data-testid="registrations">
      <thead>
        <tr>
          <th>Tenant</th>
          <th>State</th>
          <th>Isolation</th>
          <th>Version</th>
          <th>Stages</th>
          <th>Updated</th>
        </tr>
      </thead>
      <tbody>
        ${(data?.items ?? []).map(
          (r) =>
            html`<tr data-tenant=${r.tenantId}>
              <td><a href=${`#/tenants/${r.tenantId}`}>${r.tenantId}</a></td>
              <td><${State} value=${r.state} /></td>
              <td>${r.isolationMode}</td>
              <td>${r.productVersion}</td>
              <td><${StageBadges} conditions=${r.conditions} /></td>
              <td class="muted">${when(r.updatedAt)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <${Pager} cursors=${cursors} setCursors=${setCursors} next=${data?.next}>
      <span class="muted" data-testid="total"
        >${data ? `${data.total} matching · page ${cursors.length}` : '…'}</span
      >
    <//>
  </section>`;
}

function Failures({ product }) {
  const path = `/v1/products/${product}/registrations?state=failed&limit=20`;
  const { data, error, refresh } = usePolled(() => registry(path), [path]);
  const [retryError, setRetryError] = useState(null);
  const retry = async (tenantId) => {
    setRetryError(null);
    try {
      await registry(`/v1/tenants/${tenantId}/services/${product}/retry`, 'POST');
      await refresh();
    } catch (e) {
      setRetryError(e);
    }
  };
  return html`<section class="card" data-testid="failures">
    <h2>Failures ${data ? `(${data.total})` : ''}</h2>
    <${ErrorLine} error=${error || retryError} />
    ${data && data.total === 0 && html`<p class="muted">No failed registration.</p>`}
    <table>
      <tbody>
        ${(data?.items ?? []).map(
          (r) =>
            html`<tr data-tenant=${r.tenantId}>
              <td><a href=${`#/tenants/${r.tenantId}`}>${r.tenantId}</a></td>
              <td class="cause">${causeOf(r)}</td>
              <td class="muted">retried ${r.retries}×</td>
              <td><button onClick=${() => retry(r.tenantId)}>Retry</button></td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

function ProvisioningTimes({ product }) {
  const { data } = usePolled(
    () => consoleApi(`/api/platform/provisioning-times/${product}`),
    [product],
    5000,
  );
  if (data === null)
    return html`<section class="card">
      <h2>Provisioning times</h2>
      <p class="muted">Needs METRICS_TOKEN.</p>
    </section>`;
  const buckets = data?.buckets ?? [];
  // Cumulative Prometheus buckets to counts per bucket.
  const counts = buckets.map((b, i) => ({ le: b.le, n: b.count - (i ? buckets[i - 1].count : 0) }));
  const max = Math.max(1, ...counts.map((c) => c.n));
  return html`<section class="card" data-testid="provisioning-times">
    <h2>Provisioning times (registration → Ready)</h2>
    <p class="muted">
      ${data ? `${data.count} since the aggregator started, mean ${data.count ? (data.sumSeconds / data.count).toFixed(2) : '—'} s` : '…'}
    </p>
    <div class="histogram">
      ${counts.map((c) => html`<div title=${`${c.n} ≤ ${c.le} s`} style=${`height:${(100 * c.n) / max}%`}></div>`)}
    </div>
    <div class="histogram-labels">${counts.map((c) => html`<span>≤${c.le}</span>`)}</div>
  </section>`;
}

function Fleet({ product }) {
  const { data, error, refresh } = usePolled(
    () => registry(`/v1/products/${product}/fleet`),
    [product],
  );
  const [startError, setStartError] = useState(null);
  const start = async (event) => {
    event.preventDefault();
    setStartError(null);
    try {
      await registry(`/v1/products/${product}/rollouts`, 'POST', {
        targetVersion: event.target.targetVersion.value.trim(),
      });
      await refresh();
    } catch (e) {
      setStartError(e);
    }
  };
  const steer = (id, command) =>
    registry(`/v1/products/${product}/rollouts/${id}/${command}`, 'POST').then(
      refresh,
      setStartError,
    );
  return html`<section class="card" data-testid="fleet">
    <h2>Versions</h2>
    <${ErrorLine} error=${error} />
    <p class="muted">Current version: <strong>${data?.current ?? '…'}</strong></p>
    <table>
      <thead>
        <tr>
          <th>Version</th>
          <th>Ready tenants</th>
        </tr>
      </thead>
      <tbody>
        ${Object.entries(data?.tenantsAtVersion ?? {}).map(
          ([v, n]) =>
            html`<tr data-version=${v}>
              <td>${v}</td>
              <td>${n}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Rollouts</h2>
    <form class="inline" onSubmit=${start} aria-label="rollout">
      <label>Target version <input name="targetVersion" required /></label>
      <button type="submit">Start rollout</button>
    </form>
    <${ErrorLine} error=${startError} />
    <table data-testid="rollouts">
      <tbody>
        ${(data?.rollouts ?? []).map((r) => html`<${RolloutRow} rollout=${r} steer=${steer} />`)}
      </tbody>
    </table>
  </section>`;
}

function RolloutRow({ rollout, steer }) {
  const counts = rollout.counts ?? {};
  const total = Object.values(counts).reduce((a, b) => a + b, 0) || 1;
  const finished = (counts.done ?? 0) + (counts.skipped ?? 0);
  const part = (key) =>
    html`<span class=${key} style=${`width:${(100 * (counts[key] ?? 0)) / total}%`}></span>`;
  return html`<tr data-rollout=${rollout.id}>
    <td>→ ${rollout.targetVersion}</td>
    <td><${State} value=${rollout.state} /></td>
    <td>
      <div class="bar" title=${JSON.stringify(counts)}>
        ${part('done')}${part('skipped')}${part('upgrading')}${part('failed')}
      </div>
      <span class="muted" data-testid="rollout-progress"
        >${finished}/${total} done${counts.failed ? `, ${counts.failed} failed` : ''}</span
      >
    </td>
    <td>
      ${rollout.state === 'running' && html`<button class="secondary" onClick=${() => steer(rollout.id, 'pause')}>Pause</button>`}
      ${rollout.state === 'paused' && html`<button class="secondary" onClick=${() => steer(rollout.id, 'resume')}>Resume</button>`}
    </td>
  </tr>`;
}
