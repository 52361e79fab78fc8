// The pilot's evaluation (GET /api/v1/evaluation): per period and department, each figure with
// how it is computed; the same as CSV or JSON for the pilot's report.
import { ApiError, get, getBlobUrl } from '../api.js';
import { field, fmtNumber, h, pct } from '../dom.js';
import { t, tf } from '../i18n.js';

const day = (d) => d.toISOString().slice(0, 10);

function fmtValue(f) {
  if (f.value === null || f.value === undefined) return '—';
  if (f.unit === 'ratio') return pct(f.value);
  if (f.unit === 'hours') return tf('eval.hours', { n: fmtNumber(f.value) });
  if (f.unit === 'km') return `${fmtNumber(f.value)} km`;
  return fmtNumber(f.value, 0);
}

function unitCard(u) {
  const title = u.unit === '*' ? t('eval.all_units') : u.unit || t('eval.no_unit');
  return h(
    'section',
    { class: 'card', 'data-unit': u.unit },
    h('h2', {}, title),
    h(
      'table',
      { class: 'evaluation' },
      h('thead', {}, h('tr', {}, ['eval.figure', 'eval.value', 'eval.how'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h(
        'tbody',
        {},
        u.figures.map((f) => {
          const how = `eval_how.${f.key}`;
          return h('tr', { 'data-figure': f.key }, h('th', { scope: 'row' }, t(`eval_fig.${f.key}`)), h('td', { class: 'num' }, fmtValue(f)), h('td', { class: 'hint' }, t(how) === how ? f.how : t(how)));
        }),
      ),
    ),
  );
}

export async function renderEvaluation(main) {
  main.append(h('h1', {}, t('eval.title')), h('p', { class: 'hint' }, t('eval.hint')));
  const now = new Date();
  const from = h('input', { type: 'date', value: day(new Date(now.getTime() - 30 * 86400e3)) });
  const to = h('input', { type: 'date', value: day(new Date(now.getTime() + 86400e3)) });
  const unit = h('input', { type: 'text', autocomplete: 'off' });
  const depot = h('input', { type: 'text', autocomplete: 'off', placeholder: '55.6761,12.5683' });
  const csv = h('button', { type: 'button', class: 'secondary', id: 'eval-csv' }, t('eval.csv'));
  const json = h('button', { type: 'button', class: 'secondary', id: 'eval-json' }, t('eval.json'));
  const form = h(
    'form',
    { class: 'filters', id: 'eval-filters' },
    field('from', t('eval.from'), from),
    field('to', t('eval.to'), to),
    field('unit', t('eval.unit'), unit),
    field('depot', t('eval.depot'), depot),
    h('button', { type: 'submit' }, t('eval.show')),
    csv,
    json,
  );
  const out = h('div', { id: 'evaluation', 'aria-live': 'polite' });
  main.append(form, out);
  const query = () => {
    const q = new URLSearchParams();
    if (from.value) q.set('from', from.value);
    if (to.value) q.set('to', to.value);
    if (unit.value.trim()) q.set('unit', unit.value.trim());
    if (depot.value.trim()) q.set('depot', depot.value.trim().replace(/\s+/g, ''));
    return q.toString();
  };
  const show = async () => {
    out.replaceChildren();
    for (const el of [from, to, depot]) el.removeAttribute('aria-invalid');
    try {
      const r = await get(`/api/v1/evaluation?${query()}`);
      out.append(...r.units.map(unitCard));
    } catch (e) {
      const bad = e instanceof ApiError && { from, to, depot }[e.field];
      if (bad) bad.setAttribute('aria-invalid', 'true');
      out.append(h('p', { class: 'error', role: 'alert' }, e.message));
    }
  };
  const download = async (ext) => {
    const url = await getBlobUrl(`/api/v1/evaluation${ext === 'csv' ? '.csv' : ''}?${query()}`);
    const link = h('a', { href: url, download: `evaluation-${from.value}-${to.value}.${ext}` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    show();
  });
  csv.addEventListener('click', () => download('csv'));
  json.addEventListener('click', () => download('json'));
  await show();
  return null;
}
