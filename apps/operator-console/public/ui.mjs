import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);

export const State = ({ value }) =>
  html`<span class=${`state state-${value}`} data-state=${value}>${value}</span>`;

export const seconds = (ms) => (ms == null ? '—' : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);

export const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

/** The cause of a failed registration: the reason of its failed stage(s). */
export const causeOf = (registration) =>
  (registration.conditions ?? [])
    .filter((c) => c.status === 'failed')
    .map((c) => `${c.stage}: ${c.reason ?? 'failed'}`)
    .join('; ');

export const StageBadges = ({ conditions }) =>
  html`<span class="stages">
    ${(conditions ?? []).map(
      (c) =>
        html`<span class=${`state state-${c.status}`} title=${c.reason ?? ''}>${c.stage}</span>`,
    )}
  </span>`;

export const ErrorLine = ({ error }) =>
  error ? html`<p class="error" role="alert">${error.message}</p>` : null;

/**
 * Keyset paging: `cursors` is the stack of `after` cursors of the pages seen (the first is null),
 * `next` the cursor the registry gave for the page after this one (none on the last page).
 */
export const Pager = ({ cursors, setCursors, next, children }) =>
  html`<div class="pager">
    <button
      class="secondary"
      disabled=${cursors.length < 2}
      onClick=${() => setCursors(cursors.slice(0, -1))}
    >
      Previous
    </button>
    <button class="secondary" disabled=${!next} onClick=${() => setCursors([...cursors, next])}>
      Next
    </button>
    ${children}
  </div>`;
