// The console's shell: a hash router over its pages, with login in front of all of them.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { consoleApi } from './api.mjs';
import { html } from './ui.mjs';
import { DeadLetterPage, DeadLettersPage } from './pages/dead-letters.mjs';
import { LoginPage } from './pages/login.mjs';
import { PlatformPage } from './pages/platform.mjs';
import { ProductPage } from './pages/product.mjs';
import { ProductsPage } from './pages/products.mjs';
import { TenantPage } from './pages/tenant.mjs';

const routes = [
  [/^#\/products\/([a-z0-9-]+)$/, ([product]) => html`<${ProductPage} product=${product} />`],
  [/^#\/tenants\/([a-z0-9-]+)$/, ([tenantId]) => html`<${TenantPage} tenantId=${tenantId} />`],
  [/^#\/platform$/, () => html`<${PlatformPage} />`],
  [/^#\/dead-letters$/, () => html`<${DeadLettersPage} />`],
  [/^#\/dead-letters\/([0-9a-f-]+)$/, ([id]) => html`<${DeadLetterPage} id=${id} />`],
  [/^.*$/, () => html`<${ProductsPage} />`],
];

function useHash() {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

function App() {
  const hash = useHash();
  const [loggedIn, setLoggedIn] = useState(undefined);
  useEffect(() => {
    consoleApi('/session').then((s) => setLoggedIn(s.loggedIn));
  }, [hash === '#/login']);
  if (loggedIn === undefined) return null;
  if (!loggedIn || hash === '#/login')
    return html`<${LoginPage}
      onLoggedIn=${() => {
        setLoggedIn(true);
        window.location.hash = '#/products';
      }}
    />`;
  const logout = async () => {
    await consoleApi('/session', 'DELETE');
    setLoggedIn(false);
  };
  const [pattern, page] = routes.find(([p]) => p.test(hash));
  return html`<header>
      <span class="brand">Enclave</span>
      <a href="#/products">Products</a>
      <a href="#/platform">Platform apps</a>
      <a href="#/dead-letters">Dead letters</a>
      <span class="spacer"></span>
      <button onClick=${logout}>Log out</button>
    </header>
    <main>${page(pattern.exec(hash).slice(1))}</main>`;
}

render(html`<${App} />`, document.getElementById('app'));
