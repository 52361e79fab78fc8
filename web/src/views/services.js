// Services dashboard: per recognition service and label the share of good-enough answers, the
// latency (p50/p95) and the precision from inspectors' feedback, as a table and SVG bar charts,
// plus the pipeline counts from /api/v1/summary.
import { get } from '../api.js';
import { barChart } from '../charts.js';
import { h, pct } from '../dom.js';
import { t } from '../i18n.js';

export async function renderServices(main) {
  main.append(h('h1', {}, t('services.title')));
  let services;
  let summary = null;
  try {
    [services, summary] = await Promise.all([get('/api/v1/stats/services').then((r) => r.services), get('/api/v1/summary').catch(() => null)]);
  } catch (e) {
    main.append(h('p', { class: 'error', role: 'alert' }, e.message));
    return null;
  }
  if (summary) {
    const tile = (key, value, id) => h('div', { class: 'tile', id }, h('span', { class: 'tile-value' }, String(value)), h('span', { class: 'tile-label' }, t(key)));
    const o = summary.observations || {};
    const a = summary.assessments || {};
    const im = summary.images || {};
    main.append(
      h(
        'div',
        { class: 'tiles', id: 'summary' },
        tile('services.observations', Object.values(o).reduce((x, y) => x + y, 0), 'tile-observations'),
        tile('outcome.finding', a.finding || 0, 'tile-findings'),
        tile('outcome.ok', a.ok || 0, 'tile-ok'),
        tile('outcome.inconclusive', a.inconclusive || 0, 'tile-inconclusive'),
        tile('services.images_kept', im.kept || 0, 'tile-kept'),
        tile('services.images_deleted', im.deleted || 0, 'tile-deleted'),
      ),
    );
  }
  if (!services.length) {
    main.append(h('p', { class: 'empty' }, t('services.none')));
    return null;
  }
  const name = (s) => `${s.service} · ${s.label}`;
  const maxMs = Math.max(1, ...services.map((s) => s.p95_ms || 0));
  main.append(
    h(
      'div',
      { class: 'charts' },
      h('figure', { class: 'card' }, h('figcaption', {}, t('services.chart_success')), barChart(t('services.chart_success'), services.map((s) => ({ label: name(s), value: s.good_enough_rate, text: pct(s.good_enough_rate) })), { id: 'chart-success' })),
      h('figure', { class: 'card' }, h('figcaption', {}, t('services.chart_latency')), barChart(t('services.chart_latency'), services.map((s) => ({ label: name(s), value: s.p95_ms, text: `${Math.round(s.p50_ms)} / ${Math.round(s.p95_ms)} ms` })), { max: maxMs, colour: '#c77700', id: 'chart-latency' })),
      h('figure', { class: 'card' }, h('figcaption', {}, t('services.chart_precision')), barChart(t('services.chart_precision'), services.map((s) => ({ label: name(s), value: s.precision ?? 0, text: s.precision === null || s.precision === undefined ? t('services.no_feedback') : pct(s.precision) })), { colour: '#1b7f3b', id: 'chart-precision' })),
    ),
  );
  const cols = ['service', 'label', 'calls', 'good_enough_rate', 'errors', 'fallbacks', 'p50_ms', 'p95_ms', 'feedback_correct', 'feedback_wrong', 'precision'];
  main.append(
    h(
      'table',
      { id: 'service-stats' },
      h('caption', {}, t('services.table')),
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(`services.col_${c}`))))),
      h(
        'tbody',
        {},
        services.map((s) =>
          h(
            'tr',
            { 'data-service': s.service, 'data-label': s.label },
            cols.map((c) => {
              let v = s[c];
              if (c === 'good_enough_rate' || c === 'precision') v = pct(v);
              else if (c.endsWith('_ms')) v = `${Math.round(v)}`;
              return h('td', { 'data-col': c }, String(v));
            }),
          ),
        ),
      ),
    ),
  );
  return null;
}
