// Privacy officer's view: the processing record, the retention queue (evidence kept and when it
// is due for deletion), legal holds, and the audit log with a verify button. Endpoints that the
// server does not offer are shown as "not available"; the retention queue and legal holds are
// computed from tasks and findings (their retention settings) when no endpoint lists them.
import { get, has, post } from '../api.js';
import { clear, fmtTime, h } from '../dom.js';
import { renderValue } from '../generic.js';
import { t } from '../i18n.js';
import { firstArray } from './findings.js';

function card(id, titleKey, ...kids) {
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, t(titleKey)), ...kids);
}
const unavailable = () => h('p', { class: 'unavailable' }, t('common.not_available'));

export async function renderPrivacy(main) {
  main.append(h('h1', {}, t('privacy.title')));
  const [tasks, findings, summary] = await Promise.all([
    get('/api/v1/tasks?limit=1000').then((r) => r.tasks).catch(() => []),
    get('/api/v1/assessments?outcome=finding&limit=1000').then((r) => r.assessments).catch(() => []),
    get('/api/v1/summary').catch(() => null),
  ]);

  // Processing record.
  const record = card('processing-record', 'privacy.record');
  if (has('GET', '/api/v1/processing-record')) {
    try {
      record.append(renderValue(await get('/api/v1/processing-record')));
    } catch (e) {
      record.append(h('p', { class: 'error' }, e.message));
    }
  } else {
    record.append(unavailable());
  }
  if (summary && summary.images) {
    record.append(h('p', { id: 'images-summary' }, `${t('services.images_kept')}: ${summary.images.kept} · ${t('services.images_deleted')}: ${summary.images.deleted}`));
  }

  // Retention queue: an endpoint when there is one, else findings + the task's evidence_days.
  const queue = card('retention-queue', 'privacy.retention');
  if (has('GET', '/api/v1/retention')) {
    // Every kept image (findings, references, documentation, inconclusive ones under review,
    // uploads not yet assessed), the soonest deadline first, with why it is kept.
    try {
      const { images } = await get('/api/v1/retention?limit=500');
      queue.append(h('p', { class: 'hint' }, t('privacy.retention_queue_hint')));
      if (!images.length) queue.append(h('p', { class: 'empty' }, t('privacy.retention_none')));
      else
        queue.append(
          h(
            'table',
            { id: 'retention-table' },
            h('thead', {}, h('tr', {}, ['findings.task', 'finding.captured', 'privacy.reason', 'privacy.due'].map((k) => h('th', { scope: 'col' }, t(k))))),
            h(
              'tbody',
              {},
              images.map((r) =>
                h(
                  'tr',
                  { 'data-observation-id': r.observation_id, 'data-reason': r.reason },
                  h('td', {}, h('a', { href: `#/tasks/${r.task_id}` }, r.task_title)),
                  h('td', {}, fmtTime(r.captured_at)),
                  h('td', {}, t(`retention_reason.${r.reason}`)),
                  h('td', {}, r.legal_hold ? t('privacy.held') : fmtTime(r.delete_after)),
                ),
              ),
            ),
          ),
        );
    } catch (e) {
      queue.append(h('p', { class: 'error' }, e.message));
    }
  } else {
    const byId = Object.fromEntries(tasks.map((x) => [x.id, x]));
    const rows = findings
      .map((a) => {
        const task = byId[a.task_id];
        const days = task && task.retention ? task.retention.evidence_days : null;
        const hold = !!(task && task.retention && task.retention.legal_hold);
        const due = days ? new Date(new Date(a.created_at).getTime() + days * 86400e3).toISOString() : null;
        return { a, task, due, hold };
      })
      .sort((x, y) => (x.due || '').localeCompare(y.due || ''));
    queue.append(h('p', { class: 'hint' }, t('privacy.retention_hint')));
    if (!rows.length) queue.append(h('p', { class: 'empty' }, t('privacy.retention_none')));
    else
      queue.append(
        h(
          'table',
          {},
          h('thead', {}, h('tr', {}, ['findings.task', 'findings.when', 'privacy.due', 'privacy.hold'].map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', {}, rows.map((r) => h('tr', {}, h('td', {}, r.task ? r.task.title : r.a.task_id), h('td', {}, fmtTime(r.a.created_at)), h('td', {}, r.hold ? t('privacy.held') : fmtTime(r.due)), h('td', {}, r.hold ? t('common.yes') : t('common.no'))))),
        ),
      );
  }

  // Legal holds.
  const holds = card('legal-holds', 'privacy.holds');
  const held = tasks.filter((x) => x.retention && x.retention.legal_hold);
  holds.append(held.length ? h('ul', { class: 'plain' }, held.map((x) => h('li', {}, h('a', { href: `#/tasks/${x.id}` }, x.title), ` · ${t(`status.${x.status}`)}`))) : h('p', { class: 'empty' }, t('privacy.holds_none')));

  // Audit log + verify.
  const audit = card('audit-log', 'privacy.audit');
  if (has('GET', '/api/v1/audit')) {
    const verifyOut = h('p', { id: 'verify-result', 'aria-live': 'polite' });
    if (has('POST', '/api/v1/audit/verify')) {
      audit.append(
        h(
          'div',
          { class: 'buttons' },
          h(
            'button',
            {
              type: 'button',
              id: 'verify-audit',
              onclick: async () => {
                verifyOut.textContent = t('privacy.verifying');
                try {
                  const r = await post('/api/v1/audit/verify');
                  const ok = r && r.ok === true;
                  verifyOut.className = ok ? 'ok' : 'error';
                  const detail = ok ? `${t('privacy.checked')}: ${r.checked}` : `${t('privacy.first_bad')}: ${r.first_bad_seq} · ${r.reason || ''}`;
                  verifyOut.textContent = `${ok ? t('privacy.verify_ok') : t('privacy.verify_bad')} (${detail})`;
                } catch (e) {
                  verifyOut.className = 'error';
                  verifyOut.textContent = e.message;
                }
              },
            },
            t('privacy.verify'),
          ),
          verifyOut,
        ),
      );
    }
    const list = h('div', { id: 'audit-entries' });
    audit.append(list);
    try {
      const events = firstArray(await get('/api/v1/audit?limit=1000'));
      clear(list);
      if (!events.length) list.append(h('p', { class: 'empty' }, t('privacy.audit_none')));
      else
        list.append(
          h(
            'table',
            {},
            h('thead', {}, h('tr', {}, ['seq', 'at', 'user', 'role', 'action', 'object_type', 'object_id', 'purpose'].map((k) => h('th', { scope: 'col' }, t(`audit.${k}`))))),
            h('tbody', {}, events.slice().reverse().map((e) => h('tr', {}, h('td', {}, String(e.seq ?? '')), h('td', {}, fmtTime(e.at)), h('td', {}, e.user || ''), h('td', {}, e.role || ''), h('td', {}, e.action || ''), h('td', {}, e.object_type || ''), h('td', { class: 'mono' }, e.object_id || ''), h('td', {}, e.purpose || '')))),
          ),
        );
    } catch (e) {
      list.append(h('p', { class: 'error' }, e.message));
    }
  } else {
    audit.append(unavailable());
  }

  main.append(record, h('div', { class: 'privacy-grid' }, queue, holds), audit);
  return null;
}
