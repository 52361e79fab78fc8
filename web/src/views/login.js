// Log in: a person with name and password (an account from `tilsyn admin create-user` or
// /api/v1/users; the session is an HttpOnly cookie), or anyone with a bearer token (issued by
// `tilsyn admin create-token`). The role comes from GET /api/v1/me either way.
import { h } from '../dom.js';
import { t } from '../i18n.js';

// A labelled input.
function field(id, label, input) {
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}

// Runs `action` on submit; a refusal shows `message(e)` under the form and marks `inputs`.
function onSubmit(form, error, inputs, action, message) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    for (const i of inputs) i.removeAttribute('aria-invalid');
    try {
      await action();
    } catch (e) {
      error.textContent = message(e);
      error.hidden = false;
      for (const i of inputs) i.setAttribute('aria-invalid', 'true');
      inputs[inputs.length - 1].focus();
    }
  });
}

export function renderLogin(main, { onLogin, onPasswordLogin }) {
  // Name and password: the usual way in.
  const name = h('input', { type: 'text', autocomplete: 'username', required: true, spellcheck: 'false', autocapitalize: 'none' });
  const password = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'field-error', id: 'login-error', role: 'alert', hidden: true });
  for (const i of [name, password]) i.setAttribute('aria-describedby', 'login-error');
  const form = h(
    'form',
    { class: 'login-password' },
    field('login-name', t('login.name'), name),
    field('login-password', t('login.password'), password),
    error,
    h('button', { type: 'submit' }, t('login.submit')),
  );
  onSubmit(
    form,
    error,
    [password],
    () => onPasswordLogin(name.value.trim(), password.value),
    // 429 (locked after repeated failures) and others: the server's own words.
    (e) => (e.status === 401 ? t('login.bad_password') : e.message),
  );

  // An access token: for service accounts and anyone without an account.
  const token = h('input', { type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
  const tokenError = h('p', { class: 'field-error', id: 'login-token-error', role: 'alert', hidden: true });
  token.setAttribute('aria-describedby', 'login-token-error');
  const tokenForm = h(
    'form',
    { class: 'login-token' },
    h('h2', { id: 'login-token-title' }, t('login.token_title')),
    h('p', {}, t('login.token_intro')),
    field('login-token', t('login.token'), token),
    tokenError,
    h('button', { type: 'submit', class: 'secondary' }, t('login.token_submit')),
  );
  onSubmit(
    tokenForm,
    tokenError,
    [token],
    () => onLogin(token.value.trim()),
    (e) => (e.status === 401 ? t('login.bad_token') : e.message),
  );

  main.append(h('section', { class: 'card login', 'aria-labelledby': 'login-title' }, h('h1', { id: 'login-title' }, t('login.title')), h('p', {}, t('login.intro')), form, tokenForm));
  name.focus();
}
