// The purpose an inspector states before an image opens (privacy invariant 5: every view is
// audited with its purpose). Asked once in this tab, shown beside the images with a way to
// change it, and sent with every image request, where the server records it.
import { h, uid } from './dom.js';
import { t } from './i18n.js';

const KEY = 'tilsyn.purpose';
const PRESETS = ['finding_review', 'complaint', 'case_follow_up', 'recognition_check'];

export function statedPurpose() {
  return sessionStorage.getItem(KEY) || '';
}

export function forgetPurpose() {
  sessionStorage.removeItem(KEY);
}

// The form that asks; `onStated(purpose)` runs once a purpose of 3–500 characters is given.
function purposeForm(onStated) {
  const name = uid('purpose');
  const other = h('input', { type: 'text', id: `${name}-other`, minlength: 3, maxlength: 500, placeholder: t('purpose.other_hint'), 'aria-label': t('purpose.other') });
  const choice = (value, label) => h('label', { class: 'check' }, h('input', { type: 'radio', name, value, required: true }), label);
  const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { class: 'card purpose-form', id: 'purpose-form' },
    h('h2', {}, t('purpose.title')),
    h('p', { class: 'hint' }, t('purpose.why')),
    h('fieldset', {}, h('legend', {}, t('purpose.legend')), PRESETS.map((p) => choice(t(`purpose.${p}`), t(`purpose.${p}`))), choice('', t('purpose.other')), other),
    error,
    h('button', { type: 'submit' }, t('purpose.open')),
  );
  other.addEventListener('focus', () => {
    form.querySelector(`input[name="${name}"][value=""]`).checked = true;
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const picked = form.querySelector(`input[name="${name}"]:checked`);
    const purpose = (picked && picked.value ? picked.value : other.value).trim();
    if (purpose.length < 3) {
      error.textContent = t('purpose.too_short');
      error.hidden = false;
      other.focus();
      return;
    }
    sessionStorage.setItem(KEY, purpose.slice(0, 500));
    onStated(purpose);
  });
  return form;
}

// The stated purpose, asking in `holder` first when none is stated in this tab.
export function askPurpose(holder) {
  const known = statedPurpose();
  if (known) return Promise.resolve(known);
  return new Promise((resolve) => {
    const form = purposeForm((p) => {
      form.remove();
      resolve(p);
    });
    holder.append(form);
    form.querySelector('input').focus();
  });
}

// "Purpose: finding review · change": changing forgets it and runs `onChange` (a re-render).
export function purposeLine(onChange) {
  const button = h('button', { type: 'button', class: 'text-button', id: 'purpose-change' }, t('purpose.change'));
  button.addEventListener('click', () => {
    forgetPurpose();
    onChange();
  });
  return h('p', { class: 'purpose-line hint', id: 'purpose-line' }, `${t('purpose.stated')}: `, h('q', {}, statedPurpose()), ' · ', button);
}
