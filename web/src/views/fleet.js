// Fleet: each vehicle's state from its newest heartbeat (GET /api/v1/vehicles): last fix and its
// accuracy, camera, outbox depth and oldest age, settings and software version, clock offset —
// with a warning when a vehicle is silent, has no fix, a failing camera or a growing outbox, or
// could not apply the settings. Admins also see and change the agent settings that travel with
// the job sync (GET/PUT /api/v1/agent-config). Refreshes every 30 s.
import { api, fieldMessage, get } from '../api.js';
import { fmtTime, h } from '../dom.js';
import { t, tf } from '../i18n.js';

const REFRESH_MS = 30_000;

function ago(iso) {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (s < 120) return tf('fleet.seconds_ago', { n: s });
  if (s < 7200) return tf('fleet.minutes_ago', { n: Math.round(s / 60) });
  return tf('fleet.hours_ago', { n: Math.round(s / 3600) });
}

function duration(seconds) {
  if (!seconds) return '—';
  if (seconds < 120) return tf('fleet.seconds', { n: Math.round(seconds) });
  if (seconds < 7200) return tf('fleet.minutes', { n: Math.round(seconds / 60) });
  return tf('fleet.hours', { n: Math.round(seconds / 3600) });
}

function row(v) {
  const f = v.fleet || { warnings: ['silent'], heartbeat: null };
  const hb = f.heartbeat;
  const warnings = f.warnings || [];
  const state = warnings.length
    ? h('ul', { class: 'warnings' }, warnings.map((w) => h('li', { 'data-warning': w }, t(`fleet.warn_${w}`))))
    : h('span', { class: 'ok' }, t('fleet.ok'));
  const fix = hb && hb.fix ? `${hb.fix.lat.toFixed(5)}, ${hb.fix.lon.toFixed(5)}${hb.fix.accuracy_m !== undefined ? ` ± ${Math.round(hb.fix.accuracy_m)} m` : ''} · ${ago(hb.fix.time)}` : '—';
  const cells = [
    h('th', { scope: 'row' }, v.name),
    h('td', { 'data-col': 'state' }, state),
    h('td', { 'data-col': 'seen', title: fmtTime(f.received_at) }, ago(f.received_at)),
    h('td', { 'data-col': 'fix' }, fix),
    h('td', { 'data-col': 'camera' }, hb ? t(`fleet.camera_${hb.camera}`) : '—'),
    h('td', { 'data-col': 'outbox' }, hb ? `${hb.outbox.depth} · ${duration(hb.outbox.oldest_age_s)}${hb.outbox.dropped ? ` · ${tf('fleet.dropped', { n: hb.outbox.dropped })}` : ''}` : '—'),
    h('td', { 'data-col': 'config' }, hb ? String(hb.config_version) : '—'),
    h('td', { 'data-col': 'software' }, hb ? hb.software_version : '—'),
    h('td', { 'data-col': 'clock' }, hb && hb.clock_offset_ms !== null && hb.clock_offset_ms !== undefined ? `${hb.clock_offset_ms} ms` : '—'),
  ];
  return h('tr', { 'data-vehicle': v.id, class: warnings.length ? 'warn' : null, 'data-warnings': warnings.join(' ') }, cells);
}

function renderTable(list) {
  if (!list.length) return h('p', { class: 'empty' }, t('fleet.none'));
  const cols = ['vehicle', 'state', 'seen', 'fix', 'camera', 'outbox', 'config', 'software', 'clock'];
  return h(
    'table',
    { id: 'fleet' },
    h('caption', {}, t('fleet.caption')),
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(`fleet.col_${c}`))))),
    h('tbody', {}, list.map(row)),
  );
}

function renderSettings(ctx) {
  const box = h('section', { class: 'card', id: 'agent-settings' }, h('h2', {}, t('fleet.settings_title')));
  const status = h('p', { class: 'hint', id: 'agent-settings-version' });
  const text = h('textarea', { id: 'agent-settings-json', rows: 8, spellcheck: 'false', 'aria-label': t('fleet.settings_title') });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const show = (doc) => {
    text.value = JSON.stringify(doc.settings || {}, null, 2);
    status.textContent = doc.version ? tf('fleet.settings_version', { version: doc.version, who: doc.created_by, when: fmtTime(doc.created_at) }) : t('fleet.settings_none');
  };
  const save = h('button', { type: 'submit' }, t('fleet.settings_save'));
  const form = h('form', {}, h('p', { class: 'hint' }, t('fleet.settings_hint')), text, error, save);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    let settings;
    try {
      settings = JSON.parse(text.value || '{}');
    } catch {
      error.textContent = t('fleet.settings_bad_json');
      error.hidden = false;
      return;
    }
    try {
      show(await api('PUT', '/api/v1/agent-config', { settings }));
      ctx.toast(t('fleet.settings_saved'));
    } catch (err) {
      error.textContent = fieldMessage(err);
      error.hidden = false;
    }
  });
  box.append(status, form);
  get('/api/v1/agent-config').then(show, (err) => {
    status.textContent = err.message;
  });
  return box;
}

export async function renderFleet(main, _params, ctx) {
  main.append(h('h1', {}, t('fleet.title')));
  const holder = h('div', { id: 'fleet-holder' });
  main.append(holder);
  const load = async () => {
    try {
      const { vehicles } = await get('/api/v1/vehicles');
      holder.replaceChildren(renderTable(vehicles));
    } catch (e) {
      holder.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message));
    }
  };
  await load();
  if (ctx.role === 'admin') main.append(renderSettings(ctx));
  const timer = setInterval(load, REFRESH_MS);
  return () => clearInterval(timer);
}
