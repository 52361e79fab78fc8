// An assessment's reason in the reader's language: the sentence for its code (reason.<code> in
// the catalogue) filled with its parameters, decimals written the language's way. Assessments
// without a known code (stored before the codes) keep the server's English sentence.
import { fmtNumber } from './dom.js';
import { STRINGS, t, tf } from './i18n.js';

const DECIMAL = /^-?\d+\.(\d+)$/;

function localized(params) {
  const out = {};
  for (const [k, v] of Object.entries(params || {})) {
    const m = typeof v === 'string' ? v.match(DECIMAL) : null;
    out[k] = m ? fmtNumber(Number(v), m[1].length) : v;
  }
  return out;
}

export function reasonText(a) {
  const key = `reason.${a.reason_code}`;
  if (!a.reason_code || !(key in STRINGS.en)) return a.reason || '';
  const p = localized(a.reason_params);
  if (p.area) p.area = t(`reason.area_${p.area}`);
  // Permit checks: what was seen (a detector's count or a change against the empty site) and
  // the permit's name with its holder.
  if (a.reason_code.startsWith('permit_')) {
    p.seen = 'n' in p ? tf('reason.seen_found', p) : tf(p.region ? 'reason.seen_change_region' : 'reason.seen_change', p);
    if (p.permit) p.permit_name = p.holder ? `${p.permit} (${p.holder})` : p.permit;
  }
  return tf(key, p);
}
