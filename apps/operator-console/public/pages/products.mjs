import { registry, usePolled } from '../api.mjs';
import { ErrorLine, html } from '../ui.mjs';

/** Every product of the catalog, each a link to its dashboard. */
export function ProductsPage() {
  const { data, error } = usePolled(() => registry('/v1/products'), [], 5000);
  return html`<h1>Products</h1>
    <${ErrorLine} error=${error} />
    <section class="card">
      <table>
        <thead>
          <tr>
            <th>Product</th>
            <th>Current version</th>
            <th>Default isolation</th>
            <th>Resources</th>
            <th>Versions</th>
          </tr>
        </thead>
        <tbody>
          ${(data ?? []).map(
            (p) =>
              html`<tr>
                <td><a href=${`#/products/${p.name}`}>${p.name}</a></td>
                <td>${p.version}</td>
                <td>${p.defaultIsolationMode}</td>
                <td>${p.resources.join(', ')}</td>
                <td>${p.versions}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
}
