// The API client: JSON in and out, errors as ApiError carrying the server's {code, message,
// field}. Two kinds of session: a bearer token (pasted at login, kept in sessionStorage) or a
// person's password login, whose HttpOnly cookie the browser sends by itself; a cookie session's
// changes (any method but GET/HEAD) carry its CSRF token, which comes with the login answer and
// again from GET /api/v1/me (kept in memory only). Which optional endpoints exist is learned
// once from /api/v1/openapi.json, so the UI never probes a missing route (and never logs a 404).
import { STRINGS, getLang, t, tf } from './i18n.js';
import { danishDetail } from './server_text.js';

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(errorText(status, e));
    this.status = status;
    this.code = e.code || '';
    this.field = e.field || '';
    this.detail = e.message || '';
  }
}

// An error with the field it names, for a form's error line (the field is in the message
// already outside English).
export function fieldMessage(e) {
  return e.field && getLang() === 'en' ? `${e.field}: ${e.message}` : e.message;
}

// An error in the page's language. The server's code (what kind of problem) and field (where)
// are stable and said in the reader's words; its sentence follows as the detail, in Danish when
// server_text.js knows it, else in English. In English the server's sentence alone.
function errorText(status, e) {
  if (getLang() === 'en') return e.message || `HTTP ${status}`;
  const detail = (e.message && danishDetail(e.message)) || e.message || `HTTP ${status}`;
  const key = `error.${e.code}`;
  const kind = e.code && key in STRINGS.en ? t(key) : `HTTP ${status}`;
  const where = e.field ? ` ${tf('error.in_field', { field: e.field })}` : '';
  return `${kind}${where}: ${detail}`;
}

const TOKEN_KEY = 'tilsyn.token';
// Set at a password login and cleared at logout or when /me refuses: it only says that a cookie
// may be worth checking at start-up (so a visitor without one never gets a 401 logged). In
// localStorage because the cookie outlives the tab (Max-Age), not the credential itself.
const COOKIE_FLAG_KEY = 'tilsyn.session';
export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  },
  set token(v) {
    if (v) sessionStorage.setItem(TOKEN_KEY, v);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
  get cookie() {
    return localStorage.getItem(COOKIE_FLAG_KEY) === 'cookie';
  },
  set cookie(v) {
    if (v) localStorage.setItem(COOKIE_FLAG_KEY, 'cookie');
    else localStorage.removeItem(COOKIE_FLAG_KEY);
  },
  csrf: '',
  me: null,
};

// Authorization for a token session, else the CSRF token of a cookie session on changes.
function authHeaders(method, token) {
  const t = token ?? session.token;
  if (t) return { Authorization: `Bearer ${t}` };
  if (method !== 'GET' && method !== 'HEAD' && session.csrf) return { 'X-CSRF-Token': session.csrf };
  return {};
}

export async function api(method, path, body, { token } = {}) {
  const headers = { Accept: 'application/json', ...authHeaders(method, token) };
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

export const get = (p) => api('GET', p);
export const post = (p, b) => api('POST', p, b ?? {});
export const put = (p, b) => api('PUT', p, b);

// Binary GET (an image) → object URL.
export async function getBlobUrl(path) {
  const res = await fetch(path, { headers: authHeaders('GET'), credentials: 'same-origin' });
  if (!res.ok) {
    let json = null;
    try {
      json = await res.json();
    } catch {
      json = null;
    }
    throw new ApiError(res.status, json);
  }
  return URL.createObjectURL(await res.blob());
}

// Binary POST (a zip answer) → Blob; errors as ApiError.
export async function postForBlob(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', ...authHeaders('POST') },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
  return res.blob();
}

let routes = null;
// Set of "METHOD /pattern" from the OpenAPI document.
export async function loadCapabilities() {
  if (routes) return routes;
  routes = new Set();
  try {
    const doc = await api('GET', '/api/v1/openapi.json', undefined, { token: '' });
    for (const [path, item] of Object.entries(doc.paths || {})) {
      for (const m of Object.keys(item)) routes.add(`${m.toUpperCase()} ${path}`);
    }
  } catch {
    // Without the document every optional view says "not available".
  }
  return routes;
}
export function has(method, pattern) {
  return !!routes && routes.has(`${method} ${pattern}`);
}
// The first route whose path contains `needle` (e.g. "coverage"), or null.
export function findRoute(method, needle) {
  if (!routes) return null;
  for (const r of routes) {
    const [m, p] = r.split(' ');
    if (m === method && p.includes(needle)) return p;
  }
  return null;
}

let uiConfig = null;
export async function loadUiConfig() {
  if (uiConfig) return uiConfig;
  try {
    uiConfig = await api('GET', '/ui-config.json', undefined, { token: '' });
  } catch {
    uiConfig = { tile_url: '' };
  }
  return uiConfig;
}
