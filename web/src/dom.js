// Tiny DOM helpers: h() builds elements, so views never assemble HTML strings (no injection).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'text') el.textContent = v;
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) if (c) el.append(c);
  return el;
}

let seq = 0;
export function uid(prefix = 'f') {
  seq += 1;
  return `${prefix}-${seq}`;
}

// A labelled form control: <div class="field" data-field=NAME><label>…</label>CONTROL</div>.
export function field(name, label, control, hint) {
  if (!control.id) control.id = uid(name.replace(/[^a-z0-9]/gi, '-'));
  control.dataset.field = name;
  return h(
    'div',
    { class: 'field', 'data-field': name },
    h('label', { for: control.id }, label),
    control,
    hint ? h('small', { class: 'hint' }, hint) : null,
  );
}

export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(document.documentElement.lang === 'da' ? 'da-DK' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'medium',
  });
}

// A number in the page's language: "1,234.5", Danish "1.234,5".
export function fmtNumber(x, digits = 1) {
  const loc = document.documentElement.lang === 'da' ? 'da-DK' : 'en-GB';
  return Number(x || 0).toLocaleString(loc, { maximumFractionDigits: digits });
}

// A share as a percentage in the page's language: "83.3 %", Danish "83,3 %".
export function pct(x) {
  if (x === null || x === undefined) return '—';
  return `${fmtNumber(Math.round(x * 1000) / 10)} %`;
}
