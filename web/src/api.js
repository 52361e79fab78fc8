// The API client: bearer token from the session, JSON in and out, errors as ApiError carrying
// the server's {code, message, field}. Which optional endpoints exist is learned once from
// /api/v1/openapi.json, so the UI never probes a missing route (and never logs a 404).
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || '';
    this.field = e.field || '';
  }
}

const TOKEN_KEY = 'tilsyn.token';
export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  },
  set token(v) {
    if (v) sessionStorage.setItem(TOKEN_KEY, v);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
  me: null,
};

export async function api(method, path, body, { token } = {}) {
  const headers = { Accept: 'application/json' };
  const t = token ?? session.token;
  if (t) headers.Authorization = `Bearer ${t}`;
  const init = { method, headers };
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
  const res = await fetch(path, { headers: { Authorization: `Bearer ${session.token}` } });
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
