// Task list with filters (status, kind, unit) and the status changes per row.
import { get, post } from '../api.js';
import { clear, field, fmtTime, h } from '../dom.js';
import { t } from '../i18n.js';

// The current tasks (draft, active, paused) by default; the archive holds completed and
// cancelled ones.
const STATUSES = ['current', 'archived', 'draft', 'active', 'paused', 'completed', 'cancelled'];
const KINDS = ['presence', 'absence', 'count', 'condition', 'text', 'before_after', 'permit_check'];

function select(name, values, prefix, current) {
  return h(
    'select',
    { name },
    h('option', { value: '' }, t('common.all')),
    values.map((v) => h('option', { value: v, selected: v === current ? true : null }, t(`${prefix}.${v}`))),
  );
}

export async function renderTasks(main, _params, ctx) {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const status = select('status', STATUSES, 'status', q.has('status') ? q.get('status') : 'current');
  const kind = select('kind', KINDS, 'kind', q.get('kind') || '');
  const unit = h('input', { name: 'unit', type: 'text', value: q.get('unit') || '' });
  const filters = h(
    'form',
    { class: 'filters', 'aria-label': t('tasks.filters') },
    field('status', t('tasks.status'), status),
    field('kind', t('tasks.kind'), kind),
    field('unit', t('tasks.unit'), unit),
    h('button', { type: 'submit' }, t('common.filter')),
  );
  const table = h('div', { id: 'task-table' });
  main.append(
    h(
      'div',
      { class: 'title-row' },
      h('h1', {}, t('tasks.title')),
      ctx.canEdit ? h('a', { class: 'button', href: '#/tasks/new' }, t('tasks.new')) : null,
    ),
    filters,
    table,
  );

  async function load() {
    const p = new URLSearchParams();
    if (status.value) p.set('status', status.value);
    if (kind.value) p.set('kind', kind.value);
    if (unit.value.trim()) p.set('unit', unit.value.trim());
    clear(table);
    let list;
    try {
      list = (await get(`/api/v1/tasks?${p}`)).tasks;
    } catch (e) {
      table.append(h('p', { class: 'error', role: 'alert' }, e.message));
      return;
    }
    if (!list.length) {
      table.append(h('p', { class: 'empty' }, t('tasks.none')));
      return;
    }
    // Sites nobody visits: a line above the table, and a badge with the reason on each row.
    const overdue = list.filter((x) => x.visit && x.visit.overdue);
    if (overdue.length) {
      table.append(h('p', { class: 'warning', id: 'overdue-summary', role: 'status' }, `${t('tasks.overdue_summary')}: ${overdue.length}`));
    }
    const rows = list.map((task) =>
      h(
        'tr',
        { 'data-task-id': task.id },
        h(
          'td',
          {},
          h('a', { href: `#/tasks/${task.id}` }, task.title),
          task.visit && task.visit.overdue ? h('span', { class: 'badge overdue', title: task.visit.reason, 'data-reason': task.visit.reason_code }, ` ${t('tasks.overdue')}: ${t(`visit.${task.visit.reason_code}`)}`) : null,
        ),
        h('td', {}, task.unit || '—'),
        h('td', {}, t(`kind.${task.kind}`)),
        h('td', {}, h('span', { class: `badge status-${task.status}` }, t(`status.${task.status}`))),
        h('td', {}, t(`area.${task.area.type}`)),
        h('td', {}, fmtTime(task.schedule && task.schedule.valid_to)),
        h('td', { class: 'actions' }, ctx.canEdit ? actionsFor(task) : null),
      ),
    );
    table.append(
      h(
        'table',
        {},
        h('caption', { class: 'sr-only' }, t('tasks.title')),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['tasks.col_title', 'tasks.unit', 'tasks.kind', 'tasks.status', 'tasks.area', 'tasks.valid_to', 'tasks.col_actions'].map((k) =>
              h('th', { scope: 'col' }, t(k)),
            ),
          ),
        ),
        h('tbody', {}, rows),
      ),
    );
  }

  function actionsFor(task) {
    const btn = (verb) =>
      h(
        'button',
        {
          type: 'button',
          class: 'small',
          'aria-label': `${t(`tasks.${verb}`)}: ${task.title}`,
          onclick: async () => {
            try {
              await post(`/api/v1/tasks/${task.id}/${verb}`);
              ctx.toast(t(`tasks.done_${verb}`));
            } catch (e) {
              ctx.toast(e.message, 'error');
            }
            load();
          },
        },
        t(`tasks.${verb}`),
      );
    const out = [];
    if (task.status === 'draft' || task.status === 'paused') out.push(btn('activate'));
    if (task.status === 'active') out.push(btn('pause'));
    if (task.status === 'active' || task.status === 'paused') out.push(btn('complete'));
    if (['draft', 'active', 'paused'].includes(task.status)) out.push(btn('cancel'));
    return out;
  }

  filters.addEventListener('submit', (ev) => {
    ev.preventDefault();
    load();
  });
  await load();
}
