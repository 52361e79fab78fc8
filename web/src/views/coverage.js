// Coverage per task (GET /api/v1/tasks/{id}/coverage, from the last `tilsyn coverage` run):
// history period, the site's passes per week / vehicles / typical speed / lane estimate, a 24-bin
// time-of-day chart, a table of the vehicles passing (passes, per week, days, speed, lane with
// confidence, hour sparkline, whether the planner offers them the job), and the "no history:
// offered to all vehicles" state. A clear "not available" state when the server lacks the route.
// Above it, the dashboard of sites nobody visits.
import { findRoute, get } from '../api.js';
import { clear, field, fmtTime, h, pct } from '../dom.js';
import { hourChart } from '../charts.js';
import { getLang, t, tf } from '../i18n.js';

function num(v, digits = 1) {
  if (v === null || v === undefined) return '—';
  return Number(v).toLocaleString(getLang() === 'da' ? 'da-DK' : 'en-GB', { maximumFractionDigits: digits });
}
const hh = (x) => String(x).padStart(2, '0');
const kmh = (v) => (v === null || v === undefined ? '—' : tf('coverage.kmh', { v: num(v, 0) }));

function laneBadge(lane) {
  const l = (lane && lane.lane) || 'unknown';
  return h('span', { class: `badge lane-${l}`, 'data-lane': l }, t(`lane.${l}`));
}

function hoursChart(profile, opts = {}) {
  const bins = profile || [];
  let peak = 0;
  bins.forEach((n, i) => {
    if (n > (bins[peak] || 0)) peak = i;
  });
  return hourChart(tf('coverage.hours_label', { hour: hh(peak), n: bins[peak] || 0 }), bins, {
    barText: (hr, n) => tf('coverage.hour_bar', { from: hh(hr), to: hh((hr + 1) % 24 || 24), n }),
    ...opts,
  });
}

function tile(id, label, value, extra) {
  return h('div', { class: 'tile', id }, h('span', { class: 'tile-value' }, value), h('span', { class: 'tile-label' }, label), extra || null);
}

function render(out, cov, names) {
  const nameOf = (v) => (names.has(v) ? `${names.get(v)} (${v})` : v);
  const rep = cov.report;
  if (rep) {
    out.append(
      h('p', { class: 'hint', id: 'coverage-period' }, `${t('coverage.period')}: `,
        tf('coverage.period_value', { days: num(rep.period_days, 0), first: rep.first_day || '—', last: rep.last_day || '—', vehicles: num(rep.vehicles, 0), fixes: num(rep.fixes, 0), tz: rep.time_zone || 'UTC' })),
    );
  }
  const planner = cov.planner || {};
  const offered = Array.isArray(planner.offered_to) ? planner.offered_to : null;
  const site = cov.site;
  const vehicles = (site && site.vehicles) || [];
  if (!cov.computed || !vehicles.length) {
    const why = !rep ? t('coverage.no_report') : !cov.computed ? t('coverage.not_computed') : t('coverage.no_passes');
    out.append(h('div', { class: 'coverage-state', id: 'coverage-none', role: 'status' }, h('p', {}, why), h('p', {}, h('strong', {}, t('coverage.offered_all')))));
    return;
  }
  out.append(
    h('div', { class: 'tiles', id: 'coverage-summary' },
      tile('cov-passes', t('coverage.passes'), num(site.passes, 0)),
      tile('cov-per-week', t('coverage.per_week'), num(site.passes_per_week)),
      tile('cov-vehicles', t('coverage.vehicle_count'), num(site.vehicle_count ?? vehicles.length, 0)),
      tile('cov-speed', t('coverage.speed'), kmh(site.median_speed_kmh)),
      tile('cov-lane', t('coverage.lane'), laneBadge(site.lane), h('span', { class: 'tile-label' }, `${t('coverage.confidence')} ${pct(site.lane && site.lane.confidence)}`)),
    ),
    h('p', { id: 'coverage-offered' }, offered ? tf('coverage.offered_to', { k: planner.top_k ?? offered.length, list: offered.map(nameOf).join(', ') }) : t('coverage.offered_all')),
  );
  const cols = [
    ['vehicle', 'coverage.col_vehicle', false],
    ['passes', 'coverage.col_passes', true],
    ['passes_per_week', 'coverage.col_per_week', true],
    ['days_with_pass', 'coverage.col_days', true],
    ['median_speed_kmh', 'coverage.col_speed', true],
    ['lane', 'coverage.col_lane', false],
    ['confidence', 'coverage.col_confidence', true],
    ['hours', 'coverage.col_hours', false],
    ['offered', 'coverage.col_offered', false],
  ];
  const table = h(
    'table',
    { id: 'coverage-vehicles' },
    h('caption', {}, t('coverage.vehicles')),
    h('thead', {}, h('tr', {}, cols.map(([c, k, n]) => h('th', { scope: 'col', class: n ? 'num' : null }, t(k))))),
    h('tbody', {}, vehicles.map((v) => {
      const cells = {
        vehicle: h('strong', {}, nameOf(v.vehicle)),
        passes: num(v.passes, 0),
        passes_per_week: num(v.passes_per_week),
        days_with_pass: num(v.days_with_pass, 0),
        median_speed_kmh: kmh(v.median_speed_kmh),
        lane: laneBadge(v.lane),
        confidence: pct(v.lane && v.lane.confidence),
        hours: hoursChart(v.hour_profile, { small: true }),
        offered: offered ? (offered.includes(v.vehicle) ? t('common.yes') : t('common.no')) : t('common.yes'),
      };
      return h('tr', { 'data-vehicle': v.vehicle }, cols.map(([c, , n]) => h('td', { 'data-col': c, class: n ? 'num' : null }, cells[c])));
    })),
  );
  out.append(
    h('div', { class: 'coverage-layout' },
      h('div', { class: 'card' }, table),
      h('figure', { class: 'card' }, h('figcaption', {}, t('coverage.hours')), hoursChart(site.hour_profile, { id: 'coverage-hours' }))),
  );
}

// Sites nobody visits (the tasks whose `visit.overdue` is set): each overdue task with since when its
// visit is due, its last observation and the likely reason; "Show" selects its coverage below.
function unvisited(overdue, select) {
  const box = h('section', { class: 'card table-wrap', id: 'unvisited', 'aria-labelledby': 'unvisited-title' }, h('h2', { id: 'unvisited-title' }, `${t('coverage.unvisited')}: ${overdue.length}`));
  if (!overdue.length) {
    box.append(h('p', { class: 'empty' }, t('coverage.unvisited_none')));
    return box;
  }
  box.append(
    h('table', {},
      h('thead', {}, h('tr', {}, ['coverage.task', 'coverage.due_since', 'coverage.last_observation', 'coverage.why', 'tasks.col_actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, overdue.map((x) => h('tr', { 'data-task-id': x.id },
        h('td', {}, h('a', { href: `#/tasks/${x.id}` }, x.title)),
        h('td', {}, fmtTime(x.visit.due_since)),
        h('td', {}, x.visit.last_observation_at ? fmtTime(x.visit.last_observation_at) : t('coverage.never')),
        h('td', { title: x.visit.reason, 'data-reason': x.visit.reason_code }, t(`visit.${x.visit.reason_code}`)),
        h('td', {}, h('button', { type: 'button', class: 'small secondary', onclick: () => select(x.id) }, t('coverage.show'))),
      )))),
  );
  return box;
}

export async function renderCoverage(main) {
  main.append(h('h1', {}, t('coverage.title')));
  const route = findRoute('GET', '/coverage');
  if (!route || !route.includes('{')) {
    main.append(h('p', { class: 'unavailable', id: 'coverage-unavailable' }, t('common.not_available')));
    return null;
  }
  main.append(h('p', { class: 'hint' }, t('coverage.intro')));
  const [tasks, vehicles] = await Promise.all([
    get('/api/v1/tasks?limit=1000').then((r) => r.tasks),
    get('/api/v1/vehicles').then((r) => r.vehicles).catch(() => []),
  ]);
  // Each task in the list carries its visit status already.
  const overdue = tasks.filter((x) => x.visit && x.visit.overdue);
  const names = new Map(vehicles.map((v) => [v.id, v.name]));
  const first = tasks.find((x) => x.status === 'active') || tasks[0];
  const sel = h('select', {}, tasks.map((x) => h('option', { value: x.id, selected: first && x.id === first.id }, `${x.title} · ${t(`status.${x.status}`)}`)));
  const out = h('div', { id: 'coverage', 'aria-live': 'polite' });
  let seq = 0;
  const load = async () => {
    const mine = ++seq;
    if (!sel.value) {
      clear(out);
      return;
    }
    try {
      const cov = await get(route.replace(/\{[^}]+\}/, encodeURIComponent(sel.value)));
      if (mine !== seq) return;
      clear(out);
      render(out, cov, names);
    } catch (e) {
      if (mine !== seq) return;
      clear(out);
      out.append(h('p', { class: 'error' }, e.message));
    }
  };
  sel.addEventListener('change', load);
  main.append(unvisited(overdue, (id) => {
    sel.value = id;
    load();
  }));
  main.append(h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() }, field('task', t('coverage.task'), sel)), out);
  await load();
  return null;
}
