// Entry point: session, role-aware navigation, hash routing (#/tasks, #/findings/ID, …) and the
// language switch. Each view renders into <main> and may return a cleanup function (timers, maps).
import 'leaflet/dist/leaflet.css';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';
import './style.css';

import { api, loadCapabilities, loadUiConfig, session } from './api.js';
import { clear, h } from './dom.js';
import { getLang, setLang, t } from './i18n.js';
import { forgetPurpose } from './purpose.js';
import { renderLogin } from './views/login.js';
import { renderTasks } from './views/tasks.js';
import { renderTaskEditor } from './views/task_editor.js';
import { renderLiveMap } from './views/live_map.js';
import { renderFindings, renderFinding } from './views/findings.js';
import { renderServices } from './views/services.js';
import { renderCoverage } from './views/coverage.js';
import { renderPrivacy } from './views/privacy.js';
import { renderSubjectRequests } from './views/subject_requests.js';
import { renderEvaluation } from './views/evaluation.js';
import { renderFleet } from './views/fleet.js';

const ALL = ['admin', 'inspector', 'dpo'];
const EDITORS = ['admin', 'inspector'];
// Navigation entries: hash, label key, roles that see it.
const NAV = [
  ['#/tasks', 'nav.tasks', ALL],
  ['#/map', 'nav.map', EDITORS],
  ['#/findings', 'nav.findings', ALL],
  ['#/services', 'nav.services', ALL],
  ['#/evaluation', 'nav.evaluation', ALL],
  ['#/coverage', 'nav.coverage', EDITORS],
  ['#/fleet', 'nav.fleet', EDITORS],
  ['#/privacy', 'nav.privacy', ['admin', 'dpo']],
  ['#/subject-requests', 'nav.subject_requests', ['admin', 'dpo']],
];

const ROUTES = [
  [/^#\/tasks\/new$/, (m) => renderTaskEditor, EDITORS],
  [/^#\/tasks\/([\w-]+)$/, (m) => renderTaskEditor, ALL],
  [/^#\/tasks$/, () => renderTasks, ALL],
  [/^#\/map$/, () => renderLiveMap, EDITORS],
  [/^#\/findings\/([\w-]+)$/, () => renderFinding, EDITORS],
  [/^#\/findings$/, () => renderFindings, ALL],
  [/^#\/services$/, () => renderServices, ALL],
  [/^#\/evaluation$/, () => renderEvaluation, ALL],
  [/^#\/coverage$/, () => renderCoverage, EDITORS],
  [/^#\/fleet$/, () => renderFleet, EDITORS],
  [/^#\/privacy$/, () => renderPrivacy, ['admin', 'dpo']],
  [/^#\/subject-requests$/, () => renderSubjectRequests, ['admin', 'dpo']],
];

let cleanup = null;

export function toast(msg, kind = 'info') {
  const el = document.getElementById('toast');
  el.textContent = msg;
  el.className = `show ${kind}`;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    el.className = '';
  }, 4000);
}

function homeFor(role) {
  return role === 'dpo' ? '#/privacy' : '#/tasks';
}

function renderChrome() {
  document.documentElement.lang = getLang();
  document.title = t('app.title');
  document.querySelector('.skip').textContent = t('app.skip');
  const nav = clear(document.getElementById('nav'));
  const langBtn = document.getElementById('lang');
  langBtn.textContent = getLang() === 'da' ? 'English' : 'Dansk';
  langBtn.setAttribute('aria-label', t('app.switch_language'));
  langBtn.lang = getLang() === 'da' ? 'en' : 'da';
  const logout = document.getElementById('logout');
  const who = document.getElementById('who');
  if (!session.me) {
    logout.hidden = true;
    who.textContent = '';
    return;
  }
  logout.hidden = false;
  logout.textContent = t('app.logout');
  who.textContent = `${session.me.subject} · ${t(`role.${session.me.role}`)}`;
  const here = location.hash || '';
  const ul = h('ul');
  for (const [href, key, roles] of NAV) {
    if (!roles.includes(session.me.role)) continue;
    const current = here === href || here.startsWith(`${href}/`);
    ul.append(h('li', {}, h('a', { href, 'aria-current': current ? 'page' : null }, t(key))));
  }
  nav.append(ul);
}

async function route() {
  if (cleanup) {
    try {
      cleanup();
    } catch {
      /* a view's cleanup must not block navigation */
    }
    cleanup = null;
  }
  // Each render gets its own container: a slower, older render that is still awaiting data
  // then fills a detached element instead of doubling the page.
  const main = h('div', { class: 'view' });
  clear(document.getElementById('main')).append(main);
  if (!session.me) {
    renderChrome();
    renderLogin(main, { onLogin, onPasswordLogin });
    return;
  }
  let hash = location.hash || '';
  if (!hash || hash === '#/' || hash === '#/login') {
    location.replace(homeFor(session.me.role));
    return;
  }
  renderChrome();
  for (const [re, view, roles] of ROUTES) {
    const m = hash.match(re);
    if (!m) continue;
    if (!roles.includes(session.me.role)) {
      main.append(h('h1', {}, t('app.forbidden_title')), h('p', {}, t('app.forbidden')));
      return;
    }
    const ctx = { role: session.me.role, canEdit: EDITORS.includes(session.me.role), toast };
    cleanup = (await view(m)(main, m.slice(1), ctx)) || null;
    return;
  }
  main.append(h('h1', {}, t('app.not_found')));
}

async function enter(me) {
  session.me = me;
  const home = homeFor(me.role);
  if (location.hash === home) await route();
  else location.hash = home; // hashchange renders it
}

// A bearer token: checked with /me before it is kept.
async function onLogin(token) {
  const me = await api('GET', '/api/v1/me', undefined, { token });
  session.token = token;
  await enter(me);
}

// A person's name and password: the server sets the session cookie (HttpOnly) and answers with
// the CSRF token that the session's changes carry.
async function onPasswordLogin(name, password) {
  const login = await api('POST', '/api/v1/login', { name, password }, { token: '' });
  session.token = '';
  session.csrf = login.csrf_token || '';
  const me = await api('GET', '/api/v1/me');
  session.csrf = me.csrf_token || session.csrf;
  session.cookie = true;
  await enter(me);
}

// Ends this tab's session: a cookie session on the server too (the token of a token session
// stays valid until it expires or is revoked; the tab just forgets it).
async function logout() {
  // The view stops first (maps, timers): nothing it still asks for goes out without a session.
  if (cleanup) {
    try {
      cleanup();
    } catch {
      /* a view's cleanup must not block logging out */
    }
    cleanup = null;
  }
  if (session.token) {
    session.token = '';
  } else if (session.cookie) {
    try {
      await api('POST', '/api/v1/logout');
    } catch {
      // Already ended (expired or logged out elsewhere): nothing left to end.
    }
    session.cookie = false;
    session.csrf = '';
  }
  session.me = null;
  // The next person in this tab states their own purpose.
  forgetPurpose();
  location.hash = '#/login';
}

async function start() {
  document.getElementById('lang').addEventListener('click', () => {
    setLang(getLang() === 'da' ? 'en' : 'da');
    document.getElementById('toast').className = '';
    route();
  });
  document.getElementById('logout').addEventListener('click', logout);
  window.addEventListener('hashchange', route);
  await Promise.all([loadCapabilities(), loadUiConfig()]);
  if (session.token) {
    try {
      session.me = await api('GET', '/api/v1/me');
    } catch {
      session.token = '';
    }
  } else if (session.cookie) {
    // A password login of this browser: its cookie may still be valid (a reload, a new tab).
    // Only then is /me asked, so a first visit never has a refused request in its console.
    try {
      const me = await api('GET', '/api/v1/me');
      session.csrf = me.csrf_token || '';
      session.me = me;
    } catch {
      session.cookie = false;
    }
  }
  await route();
}

start();
