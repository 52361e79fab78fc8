// Privacy officer's view: the processing record, the retention queue (evidence kept and when it
// is due for deletion), legal holds, and the audit log with a verify button. Endpoints that the
// server does not offer are shown as "not available"; the retention queue and legal holds are
// computed from tasks and findings (their retention settings) when no endpoint lists them.
import { get, has, post } from '../api.js';
import { clear, field, fmtTime, h } from '../dom.js';
import { AUDIT_ACTIONS, auditAction, objectType, t, tf } from '../i18n.js';
import { imageAuditList } from './image_audit.js';
import { renderRecordInto } from './processing_record.js';

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

  // Processing record (Art. 30): the system's figures and the DPO's stated facts.
  const record = card('processing-record', 'privacy.record');
  if (has('GET', '/api/v1/processing-record')) await renderRecordInto(record);
  else record.append(unavailable());
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
            'div',
            { class: 'table-wrap' },
            h(
            'table',
            { id: 'retention-table' },
            h('thead', {}, h('tr', {}, ['findings.task', 'finding.captured', 'privacy.reason', 'privacy.due', 'privacy.viewed_by'].map((k) => h('th', { scope: 'col' }, t(k))))),
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
                  h('td', { class: 'views' }, viewsButton(r.observation_id)),
                ),
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
    if (has('POST', '/api/v1/audit/verify')) audit.append(verifyButton());
    audit.append(await auditLog());
  } else {
    audit.append(unavailable());
  }

  main.append(record, h('div', { class: 'privacy-grid' }, queue, holds), audit);
  return null;
}

// A button that shows, in its place, who opened the image and for what (the audit trail).
function viewsButton(observationId) {
  const b = h('button', { type: 'button', class: 'small secondary', 'data-views': observationId }, t('privacy.show_views'));
  b.addEventListener('click', async () => {
    b.replaceWith(await imageAuditList(observationId));
  });
  return b;
}

function verifyButton() {
  const verifyOut = h('p', { id: 'verify-result', 'aria-live': 'polite' });
  const onclick = async () => {
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
  };
  return h('div', { class: 'buttons' }, h('button', { type: 'button', id: 'verify-audit', onclick }, t('privacy.verify')), verifyOut);
}

// Where an audit entry's object lives in the UI, if anywhere.
function objectLink(e) {
  const id = e.object_id || '';
  if (e.object_type === 'task' && id) return h('a', { href: `#/tasks/${id}` }, id);
  if (e.object_type === 'assessment' && id) return h('a', { href: `#/findings/${id}` }, id);
  return id;
}

// RFC 4180 CSV of the shown entries; a text starting with = + - @ gets an apostrophe so a
// spreadsheet shows it instead of running it.
function auditCsv(events) {
  const cell = (v) => {
    let s = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (/^[=+\-@]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const cols = ['seq', 'at', 'user', 'role', 'action', 'object_type', 'object_id', 'purpose', 'details', 'hash'];
  return [cols.join(','), ...events.map((e) => cols.map((c) => cell(e[c])).join(','))].join('\r\n') + '\r\n';
}

// The audit log: filters (action, user, object, period), the newest 1000 first, links to the
// objects, and the shown entries as CSV.
async function auditLog() {
  const wrap = h('div', { id: 'audit-entries' });
  const action = h('input', { type: 'text', id: 'audit-action', list: 'audit-actions', autocomplete: 'off' });
  const known = h('datalist', { id: 'audit-actions' }, AUDIT_ACTIONS.map((a) => h('option', { value: a }, auditAction(a))));
  const user = h('input', { type: 'text', id: 'audit-user', autocomplete: 'off' });
  const object = h('input', { type: 'text', id: 'audit-object', autocomplete: 'off' });
  const from = h('input', { type: 'date', id: 'audit-from' });
  const to = h('input', { type: 'date', id: 'audit-to' });
  const csv = h('button', { type: 'button', class: 'secondary', id: 'audit-csv' }, t('audit.export_csv'));
  const form = h(
    'form',
    { class: 'filters', id: 'audit-filters' },
    field('action', t('audit.filter_action'), action),
    known,
    field('user', t('audit.filter_user'), user),
    field('object_id', t('audit.filter_object'), object),
    field('from', t('subject.from'), from),
    field('to', t('subject.to'), to),
    h('button', { type: 'submit', class: 'small' }, t('common.filter')),
    csv,
  );
  let shown = [];
  const load = async () => {
    const q = new URLSearchParams({ order: 'newest', limit: '1000' });
    if (action.value.trim()) q.set('action', action.value.trim());
    if (user.value.trim()) q.set('user', user.value.trim());
    if (object.value.trim()) q.set('object_id', object.value.trim());
    if (from.value) q.set('from', new Date(`${from.value}T00:00:00`).toISOString());
    if (to.value) q.set('to', new Date(new Date(`${to.value}T00:00:00`).getTime() + 86400e3).toISOString());
    clear(wrap);
    try {
      shown = (await get(`/api/v1/audit?${q}`)).events || [];
      if (!shown.length) {
        wrap.append(h('p', { class: 'empty' }, t('privacy.audit_none')));
        return;
      }
      wrap.append(
        h('p', { class: 'hint' }, tf('audit.shown', { n: shown.length })),
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            {},
            h('thead', {}, h('tr', {}, ['seq', 'at', 'user', 'role', 'action', 'object_type', 'object_id', 'purpose'].map((k) => h('th', { scope: 'col' }, t(`audit.${k}`))))),
            h('tbody', {}, shown.map((e) => h('tr', { 'data-action': e.action }, h('td', {}, String(e.seq ?? '')), h('td', {}, fmtTime(e.at)), h('td', {}, e.user || ''), h('td', {}, e.role ? t(`role.${e.role}`) : ''), h('td', { title: e.action }, auditAction(e.action || '')), h('td', {}, objectType(e.object_type || '')), h('td', { class: 'mono' }, objectLink(e)), h('td', {}, e.purpose || '')))),
          ),
        ),
      );
    } catch (e) {
      wrap.append(h('p', { class: 'error' }, e.message));
    }
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    load();
  });
  csv.addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([auditCsv(shown)], { type: 'text/csv' }));
    const link = h('a', { href: url, download: 'audit.csv' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  });
  await load();
  return h('div', {}, form, wrap);
}

