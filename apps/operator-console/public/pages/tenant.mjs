import { useState } from 'preact/hooks';
import { registry, usePolled } from '../api.mjs';
import { ErrorLine, State, causeOf, html, seconds, when } from '../ui.mjs';

/** One tenant: its services with each stage's timeline, and its audit history. */
export function TenantPage({ tenantId }) {
  const tenant = usePolled(() => registry(`/v1/tenants/${tenantId}`), [tenantId]);
  const history = usePolled(
    () => registry(`/v1/tenants/${tenantId}/history?limit=200`),
    [tenantId],
    3000,
  );
  const t = tenant.data;
  return html`<h1>Tenant ${tenantId}</h1>
    <${ErrorLine} error=${tenant.error} />
    ${t && html`<p class="muted">${t.displayName} · <${State} value=${t.status} /> · created ${when(t.createdAt)}</p>`}
    ${(t?.services ?? []).map((s) => html`<${Service} service=${s} refresh=${tenant.refresh} />`)}
    ${t && t.services.length === 0 && html`<p class="muted">No service registered.</p>`}
    <section class="card">
      <h2>Audit history</h2>
      <${ErrorLine} error=${history.error} />
      <table data-testid="history">
        <thead>
          <tr>
            <th>When</th>
            <th>What</th>
            <th>Product</th>
            <th>Stage</th>
            <th>Why</th>
            <th>Who</th>
          </tr>
        </thead>
        <tbody>
          ${(history.data?.items ?? []).map(
            (e) =>
              html`<tr>
                <td class="muted">${when(e.occurredAt)}</td>
                <td>${e.kind}</td>
                <td>${e.product ?? ''}</td>
                <td>${e.stage ?? ''}</td>
                <td class="cause">${e.reason ?? ''}</td>
                <td class="muted">${e.actor ?? e.producer}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
}

function Service({ service: s, refresh }) {
  const [error, setError] = useState(null);
  const longest = Math.max(1, ...(s.conditions ?? []).map((c) => c.durationMs ?? 0));
  const retry = () =>
    registry(`/v1/tenants/${s.tenantId}/services/${s.product}/retry`, 'POST').then(
      refresh,
      setError,
    );
  return html`<section class="card" data-product=${s.product}>
    <h2><a href=${`#/products/${s.product}`}>${s.product}</a> <${State} value=${s.state} /></h2>
    <p class="muted">
      ${s.isolationMode} · version ${s.productVersion} · registered ${when(s.createdAt)} · retries
      ${s.retries}
    </p>
    ${
      s.state === 'failed' &&
      html`<p class="cause" data-testid="cause">${causeOf(s)}</p>
        <button onClick=${retry}>Retry</button>`
    }
    <${ErrorLine} error=${error} />
    <table data-testid="timeline">
      <thead>
        <tr>
          <th>Stage</th>
          <th>Status</th>
          <th>Done after</th>
          <th style="width:40%">Timeline (from registration)</th>
          <th>Reason</th>
        </tr>
      </thead>
      <tbody>
        ${(s.conditions ?? []).map(
          (c) =>
            html`<tr data-stage=${c.stage}>
              <td>${c.stage}</td>
              <td><${State} value=${c.status} /></td>
              <td>${seconds(c.durationMs)}</td>
              <td>
                <div
                  class=${`timeline-bar ${c.status}`}
                  style=${`width:${c.durationMs == null ? 2 : Math.max(2, (100 * c.durationMs) / longest)}%`}
                ></div>
              </td>
              <td class="cause">${c.reason ?? ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
