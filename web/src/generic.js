// Renders JSON of an endpoint whose exact shape this UI does not hard-code (processing record,
// coverage): objects as definition lists, arrays of objects as tables, numbers localised.
import { h } from './dom.js';

function scalar(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return v.toLocaleString(document.documentElement.lang === 'da' ? 'da-DK' : 'en-GB', { maximumFractionDigits: 3 });
  if (typeof v === 'boolean') return v ? '✓' : '✗';
  return String(v);
}

export function renderValue(v, depth = 0) {
  if (Array.isArray(v)) {
    if (!v.length) return h('span', { class: 'empty' }, '—');
    if (v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
      const keys = [...new Set(v.flatMap((x) => Object.keys(x)))];
      // Records with nested objects or many fields read better as one block each.
      const nested = v.some((x) => Object.values(x).some((y) => y && typeof y === 'object'));
      if (nested || keys.length > 6) {
        return h('div', { class: 'records' }, v.map((x) => h('div', { class: 'record' }, renderValue(x, depth + 1))));
      }
      return h(
        'table',
        { class: 'generic' },
        h('thead', {}, h('tr', {}, keys.map((k) => h('th', { scope: 'col' }, k.replace(/_/g, ' '))))),
        h('tbody', {}, v.map((x) => h('tr', {}, keys.map((k) => h('td', {}, typeof x[k] === 'object' && x[k] !== null ? renderValue(x[k], depth + 1) : scalar(x[k])))))),
      );
    }
    return h('span', {}, v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : scalar(x))).join(', '));
  }
  if (v && typeof v === 'object') {
    if (depth > 3) return h('code', {}, JSON.stringify(v));
    return h('dl', { class: 'facts generic' }, Object.entries(v).flatMap(([k, x]) => [h('dt', {}, k.replace(/_/g, ' ')), h('dd', {}, typeof x === 'object' && x !== null ? renderValue(x, depth + 1) : scalar(x))]));
  }
  return h('span', {}, scalar(v));
}
