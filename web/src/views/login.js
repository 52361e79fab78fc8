// Log in with a bearer token (issued by `tilsyn admin create-token`); the role comes from
// GET /api/v1/me.
import { h } from '../dom.js';
import { t } from '../i18n.js';

export function renderLogin(main, { onLogin }) {
  const token = h('input', {
    id: 'login-token',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    spellcheck: 'false',
  });
  const error = h('p', { class: 'field-error', id: 'login-error', role: 'alert', hidden: true });
  token.setAttribute('aria-describedby', 'login-error');
  const form = h(
    'form',
    { class: 'card login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, t('login.title')),
    h('p', {}, t('login.intro')),
    h('div', { class: 'field' }, h('label', { for: 'login-token' }, t('login.token')), token, error),
    h('button', { type: 'submit' }, t('login.submit')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    try {
      await onLogin(token.value.trim());
    } catch (e) {
      error.textContent = e.status === 401 ? t('login.bad_token') : e.message;
      error.hidden = false;
      token.setAttribute('aria-invalid', 'true');
      token.focus();
    }
  });
  main.append(form);
  token.focus();
}
