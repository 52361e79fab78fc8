// Who did what with one image (the audit trail filtered by its observation id): views, exports,
// deletions, erasures — for the DPO's retention queue and the finding page.
import { get } from '../api.js';
import { fmtTime, h } from '../dom.js';
import { auditAction, t } from '../i18n.js';

export async function imageAuditList(observationId) {
  try {
    const res = await get(`/api/v1/audit?object_id=${encodeURIComponent(observationId)}&limit=1000`);
    const events = (res.events || []).filter((e) => e.object_id === observationId);
    if (!events.length) return h('p', { class: 'empty' }, t('finding.audit_none'));
    return h(
      'ul',
      { class: 'plain image-audit' },
      events.map((e) => h('li', { class: 'audit-entry' }, `${fmtTime(e.at)} · ${e.user} (${t(`role.${e.role}`)}) · ${auditAction(e.action)}${e.purpose ? ` · ${e.purpose}` : ''}`)),
    );
  } catch (e) {
    return h('p', { class: 'error' }, e.message);
  }
}
