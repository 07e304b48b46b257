import { useState } from 'preact/hooks';
import { consoleApi } from '../api.mjs';
import { html } from '../ui.mjs';

/** The operator logs in with a token the registry issued (or the bootstrap one). */
export function LoginPage({ onLoggedIn }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await consoleApi('/session', 'POST', { token: event.target.token.value });
      onLoggedIn();
    } catch (e) {
      setError(e.status === 401 ? 'The registry refused this token.' : e.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="card login">
    <h1>Enclave operator console</h1>
    <form onSubmit=${submit}>
      <label
        >Operator token <input name="token" type="password" autocomplete="off" required
      /></label>
      <p><button type="submit" disabled=${busy}>Log in</button></p>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </form>
  </section>`;
}
