// Coverage per task (which vehicles pass, passes per week, lane estimate) — shown when the
// server offers a coverage endpoint; otherwise a clear "not available" state.
import { findRoute, get } from '../api.js';
import { clear, field, h } from '../dom.js';
import { renderValue } from '../generic.js';
import { t } from '../i18n.js';

export async function renderCoverage(main) {
  main.append(h('h1', {}, t('coverage.title')));
  const route = findRoute('GET', 'coverage');
  if (!route) {
    main.append(h('p', { class: 'unavailable', id: 'coverage-unavailable' }, t('common.not_available')));
    return null;
  }
  const out = h('div', { id: 'coverage' });
  if (!route.includes('{')) {
    try {
      out.append(renderValue(await get(route)));
    } catch (e) {
      out.append(h('p', { class: 'error' }, e.message));
    }
    main.append(out);
    return null;
  }
  const tasks = (await get('/api/v1/tasks?limit=1000')).tasks;
  const sel = h('select', {}, tasks.map((x) => h('option', { value: x.id }, x.title)));
  const load = async () => {
    clear(out);
    if (!sel.value) return;
    try {
      out.append(renderValue(await get(route.replace(/\{[^}]+\}/, encodeURIComponent(sel.value)))));
    } catch (e) {
      out.append(h('p', { class: 'error' }, e.message));
    }
  };
  sel.addEventListener('change', load);
  main.append(h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() }, field('task', t('findings.task'), sel)), out);
  await load();
  return null;
}
