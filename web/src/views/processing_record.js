// The processing record (GDPR Art. 30) as the DPO reads it: per purpose (task kind) what the
// system knows — activity, images kept and deleted, retention, anonymization, the services that
// received images, refused captures — beside the facts only the DPO can state (controller, legal
// basis, recipients, processors, transfers), which are edited here and kept in versions by the
// server. "Download as a document" saves the record as one self-contained HTML file.
import { fieldMessage, get, has, put } from '../api.js';
import { clear, field, fmtNumber, fmtTime, h } from '../dom.js';
import { getLang, t, tf } from '../i18n.js';

const TOP = ['controller', 'controller_contact', 'dpo_contact', 'transfers', 'security_measures'];
const PER_PURPOSE = ['legal_basis', 'data_subjects', 'data_categories', 'recipients', 'processors'];

const stated = (v) => (v ? h('span', { class: 'stated' }, v) : h('em', { class: 'not-stated' }, t('record.not_stated')));
const counts = (m) => {
  const entries = Object.entries(m || {});
  return entries.length ? entries.map(([k, n]) => `${k}: ${fmtNumber(n, 0)}`).join(', ') : t('record.none');
};
const facts = (pairs) => h('dl', { class: 'facts' }, pairs.map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)]));

function purposeSection(p, f) {
  const pf = (f.purposes && f.purposes[p.purpose]) || {};
  return h(
    'section',
    { class: 'purpose', 'data-purpose': p.purpose },
    h('h3', {}, p.purpose === 'unknown' ? p.purpose : t(`kind.${p.purpose}`)),
    facts([
      ['record.legal_basis', stated(pf.legal_basis)],
      ['record.data_subjects', stated(pf.data_subjects)],
      ['record.data_categories', stated(pf.data_categories)],
      ['record.recipients', stated(pf.recipients)],
      ['record.processors', stated(pf.processors)],
      ['record.services', counts(p.services)],
      ['record.retention', `${tf('record.images', { kept: fmtNumber(p.images.kept, 0), deleted: fmtNumber(p.images.deleted, 0) })}; ${tf('record.retention_days', { mean: fmtNumber(p.retention.mean_days), max: fmtNumber(p.retention.max_days) })}`],
      ['record.anonymized', `${counts(p.anonymized.vehicle)} / ${counts(p.anonymized.server)}`],
      ['record.refusals', counts(p.refusals)],
      ['record.system', tf('record.activity', { tasks: fmtNumber(p.tasks, 0), observations: fmtNumber(p.observations, 0) })],
    ]),
  );
}

// The edit form: every stated fact of the controller and of the purposes the record lists.
function editForm(rec, onSaved, onCancel) {
  const f = rec.facts;
  const inputs = [];
  const area = (path, value) => {
    const el = h('textarea', { rows: 2, maxlength: 4000 });
    el.value = value || '';
    inputs.push([path, el]);
    return el;
  };
  const purposes = rec.purposes.filter((p) => p.purpose !== 'unknown');
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { id: 'record-form' },
    h('h3', {}, t('record.general')),
    TOP.map((k) => field(k, t(`record.${k}`), area([k], f[k]))),
    purposes.map((p) => [h('h3', {}, t(`kind.${p.purpose}`)), PER_PURPOSE.map((k) => field(`${p.purpose}.${k}`, t(`record.${k}`), area(['purposes', p.purpose, k], (f.purposes[p.purpose] || {})[k])))]),
    error,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', id: 'record-save' }, t('record.save')), h('button', { type: 'button', class: 'secondary', onclick: onCancel }, t('record.cancel'))),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { purposes: {} };
    for (const [path, el] of inputs) {
      if (path.length === 1) body[path[0]] = el.value.trim();
      else (body.purposes[path[1]] ??= {})[path[2]] = el.value.trim();
    }
    try {
      await put('/api/v1/processing-record/facts', body);
      onSaved();
    } catch (e) {
      error.textContent = fieldMessage(e);
      error.hidden = false;
    }
  });
  return form;
}

// One self-contained HTML file of the record as shown (no scripts, no buttons).
function downloadDocument(content) {
  const copy = content.cloneNode(true);
  for (const el of copy.querySelectorAll('button, form, .buttons')) el.remove();
  const date = new Date().toISOString().slice(0, 10);
  const css = 'body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#1d2733}dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:600;color:#5a6878}dd{margin:0}h3{margin-top:1.5rem;border-bottom:1px solid #d5dbe3}em{color:#a32020}';
  const doc = `<!doctype html>\n<html lang="${getLang()}"><head><meta charset="utf-8"><title>${t('privacy.record')} ${date}</title><style>${css}</style></head><body><h1>${t('privacy.record')}</h1><p>${fmtTime(new Date().toISOString())}</p>${copy.innerHTML}</body></html>\n`;
  const url = URL.createObjectURL(new Blob([doc], { type: 'text/html' }));
  const link = h('a', { href: url, download: `processing-record-${date}.html` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// The facts that are still the design's own text (facts_defaulted) in the page's language: the
// server's wording is English; once the DPO saves them, their words are stored as stated.
function localizedFacts(rec) {
  const f = structuredClone(rec.facts || { purposes: {} });
  if (getLang() === 'en') return f;
  for (const path of rec.facts_defaulted || []) {
    const parts = path.split('.');
    const text = t(`record.default_${parts[parts.length - 1]}`);
    if (parts.length === 1) f[parts[0]] = text;
    else if (f.purposes && f.purposes[parts[1]]) f.purposes[parts[1]][parts[2]] = text;
  }
  return f;
}

export async function renderRecordInto(card) {
  const body = h('div', { id: 'record-body' });
  card.append(body);
  const show = async (notice) => {
    clear(body);
    let rec;
    try {
      rec = await get('/api/v1/processing-record');
    } catch (e) {
      body.append(h('p', { class: 'error' }, e.message));
      return;
    }
    rec.facts = localizedFacts(rec);
    const f = rec.facts;
    const content = h(
      'div',
      { id: 'record-content' },
      h('p', { class: 'hint', id: 'record-version' }, rec.facts_version ? tf('record.stated_by', { by: rec.facts_updated_by, at: fmtTime(rec.facts_updated_at), version: rec.facts_version }) : t('record.never_stated')),
      h('h3', {}, t('record.general')),
      facts(TOP.map((k) => [`record.${k}`, stated(f[k])])),
      rec.location_data
        ? [
            h('h3', {}, t('privacy.location')),
            h('dl', { class: 'facts', id: 'location-retention' }, h('dt', {}, t('privacy.location_obs')), h('dd', {}, String(rec.location_data.observation_location_days)), h('dt', {}, t('privacy.location_gps')), h('dd', {}, String(rec.location_data.gps_history_days))),
          ]
        : null,
      rec.purposes.length ? rec.purposes.map((p) => purposeSection(p, f)) : h('p', { class: 'empty' }, t('record.no_purposes')),
    );
    const buttons = h('div', { class: 'buttons' });
    if (has('PUT', '/api/v1/processing-record/facts')) {
      buttons.append(
        h('button', { type: 'button', id: 'record-edit', onclick: () => {
          clear(body);
          body.append(editForm(rec, () => show(t('record.saved')), () => show()));
        } }, t('record.edit')),
      );
    }
    buttons.append(h('button', { type: 'button', class: 'secondary', id: 'record-download', onclick: () => downloadDocument(content) }, t('record.download')));
    if (notice) body.append(h('p', { class: 'ok', role: 'status', id: 'record-saved' }, notice));
    body.append(buttons, content);
  };
  await show();
}
