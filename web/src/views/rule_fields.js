// The rule section of the task editor: the fields each task kind's rule reads on the server
// (src/tasks/task_json.cc ParseRule), shown for that kind only, and read back as exactly the
// rule the server stores for it, so saving a task never drops or changes its rule.
import { field, h } from '../dom.js';
import { t } from '../i18n.js';

export const KINDS = ['presence', 'absence', 'count', 'condition', 'text', 'before_after', 'permit_check'];

// The target label a kind's recognizer reports; such tasks must name it (the server refuses
// them otherwise).
export const IMPLIED_TARGET = { text: 'text', before_after: 'change', permit_check: 'change' };

// Which rule fields each kind's rule reads (src/tasks/rules.cc); the others keep the server's
// defaults.
const USES = {
  min_count: ['count'],
  max_count: ['count'],
  min_box_height_px: ['count'],
  expected_text: ['text'],
  min_similarity: ['text'],
  change_threshold: [],
  permit_distance_m: ['permit_check'],
  permit_kind: ['permit_check'],
};

// Tasks that compare each image with the site's reference image (src/tasks/task.cc
// ComparesWithReference): they read change_threshold and the region of interest.
export function comparesWithReference(kind, label) {
  return kind === 'before_after' || kind === 'permit_check' || (kind === 'condition' && label === 'change');
}
function uses(k, kind, label) {
  return k === 'change_threshold' ? comparesWithReference(kind, label) : USES[k].includes(kind);
}

const num = (attrs, value) => h('input', { type: 'number', ...attrs, value: value ?? '' });

// Returns { section children, read(kind, label), show(kind, label) } for the rule `rule` (a
// stored task's rule or {}); `label` is the task's first target label.
export function ruleFields(rule = {}) {
  const controls = {
    min_count: num({ min: 0, step: 1 }, rule.min_count ?? 0),
    max_count: num({ min: 0, step: 1 }, rule.max_count),
    min_box_height_px: num({ min: 0, max: 10000, step: 1 }, rule.min_box_height_px ?? 0),
    expected_text: h('input', { type: 'text', maxlength: 200, value: rule.expected_text || '' }),
    min_similarity: num({ min: 0.01, max: 1, step: 0.01 }, rule.min_similarity ?? 0.8),
    change_threshold: num({ min: 0, max: 0.99, step: 0.01 }, rule.change_threshold ?? 0.05),
    permit_distance_m: num({ min: 0, max: 1000, step: 1 }, rule.permit_distance_m ?? 40),
    permit_kind: h('input', { type: 'text', maxlength: 50, value: rule.permit_kind || '', placeholder: t('editor.permit_kind_any') }),
  };
  const labels = {
    min_count: 'editor.min_count',
    max_count: 'editor.max_count',
    min_box_height_px: 'editor.min_box',
    expected_text: 'editor.expected_text',
    min_similarity: 'editor.min_similarity',
    change_threshold: 'editor.change_threshold',
    permit_distance_m: 'editor.permit_distance',
    permit_kind: 'editor.permit_kind',
  };
  const wrappers = Object.fromEntries(
    Object.entries(controls).map(([k, c]) => [k, field(`rule.${k}`, t(labels[k]), c, t(`${labels[k]}_hint`))]),
  );
  const pct = (v) => (v === undefined ? '' : Math.round(v * 1000) / 10);
  const roi = Object.fromEntries(
    ['x', 'y', 'w', 'h'].map((k) => [k, num({ min: 0, max: 100, step: 0.1, 'aria-label': t(`editor.roi_${k}`), placeholder: t(`editor.roi_${k}`) }, pct(rule.roi?.[k]))]),
  );
  const roiControl = h('div', { class: 'inline roi', id: 'rule-roi' }, Object.values(roi));
  const roiWrapper = field('rule.roi', t('editor.roi'), roiControl, t('editor.roi_hint'));
  const hint = h('p', { class: 'hint', id: 'rule-hint' });
  const children = [hint, h('div', { class: 'grid' }, [...Object.values(wrappers), roiWrapper])];

  function show(kind, label) {
    for (const [k, w] of Object.entries(wrappers)) w.hidden = !uses(k, kind, label);
    roiWrapper.hidden = !comparesWithReference(kind, label);
    hint.textContent = t(`editor.rule_hint_${kind}`);
  }

  // The rule for `kind`: only its fields, numbers as numbers, optional ones left out when empty.
  function read(kind, label) {
    const out = {};
    for (const [k, c] of Object.entries(controls)) {
      if (!uses(k, kind, label)) continue;
      const v = c.value.trim();
      if (c.type === 'number') {
        if (v !== '') out[k] = Number(v);
      } else if (v !== '' || k === 'expected_text') {
        out[k] = v;
      }
    }
    // The region only when all four are given (empty = the whole view).
    const values = Object.entries(roi).map(([k, c]) => [k, c.value.trim()]);
    if (comparesWithReference(kind, label) && values.every(([, v]) => v !== '')) {
      out.roi = Object.fromEntries(values.map(([k, v]) => [k, Math.round(Number(v) * 10) / 1000]));
    }
    return out;
  }
  return { children, show, read };
}
