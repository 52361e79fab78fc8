// Teach a new object: an inspector draws labelled boxes on a kept (anonymized) image and saves
// them (PUT /api/v1/observations/{id}/annotations). Drag on the image to draw; the label field
// applies to the next box; each box is listed with its pixels and a remove button, so the set can
// also be checked and corrected with the keyboard. `tilsyn dataset export` turns the saved boxes
// into training data (docs/teach.md).
import { fieldMessage, get, put } from '../api.js';
import { clear, field, h, svg } from '../dom.js';
import { t } from '../i18n.js';

const LABEL_RE = /^[a-z][a-z0-9_]{0,39}$/;

export async function labelSection(observationId, imageUrl, width, height, ctx) {
  const sec = h('section', { class: 'card', id: 'teach', 'aria-labelledby': 'teach-title' }, h('h2', { id: 'teach-title' }, t('teach.title')), h('p', { class: 'hint' }, t('teach.hint')));
  let boxes = [];
  let complete = [];
  try {
    const saved = await get(`/api/v1/observations/${observationId}/annotations`);
    boxes = saved.boxes.map(({ label, x, y, w, h: hh }) => ({ label, x, y, w, h: hh }));
    complete = saved.complete_for || [];
  } catch (e) {
    sec.append(h('p', { class: 'error' }, e.message));
    return sec;
  }
  const label = h('input', { type: 'text', maxlength: 40, value: boxes.length ? boxes[boxes.length - 1].label : '', placeholder: 'container', pattern: LABEL_RE.source });
  const status = h('p', { class: 'hint', 'aria-live': 'polite', id: 'teach-status' });
  // At most 70 % of the window's height, so the whole image can be drawn on without scrolling.
  const canvas = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'boxes teach-canvas', id: 'teach-canvas', role: 'img', 'aria-label': t('teach.canvas_label'), style: `width: min(100%, ${Math.round((70 * width) / height)}vh); height: auto;` });
  canvas.append(svg('image', { href: imageUrl, x: 0, y: 0, width, height }));
  const layer = svg('g', {});
  canvas.append(layer);
  const list = h('ol', { class: 'plain', id: 'teach-boxes' });
  const saveBtn = h('button', { type: 'button', id: 'teach-save' }, t('teach.save'));
  // The labels every object of which is boxed here: with none boxed, the image is a negative
  // (it shows the trainer what is not one). Empty = the boxes' own labels.
  const completeFor = h('input', { type: 'text', id: 'teach-complete', value: complete.join(', '), placeholder: 'bench, bin' });

  function redraw() {
    clear(layer);
    clear(list);
    boxes.forEach((b, i) => {
      layer.append(svg('rect', { x: b.x, y: b.y, width: b.w, height: b.h, class: 'teach-box' }), svg('text', { x: b.x + 2, y: Math.max(12, b.y - 4), class: 'det-label', text: b.label }));
      list.append(h('li', { 'data-box': i }, `${b.label}: ${b.x}, ${b.y} · ${b.w} × ${b.h} px `, h('button', { type: 'button', class: 'small secondary', onclick: () => { boxes.splice(i, 1); redraw(); } }, t('teach.remove'))));
    });
    if (!boxes.length) list.append(h('li', { class: 'empty' }, t('teach.none')));
  }

  // Pointer position in image pixels.
  function at(ev) {
    const r = canvas.getBoundingClientRect();
    const x = ((ev.clientX - r.left) / r.width) * width;
    const y = ((ev.clientY - r.top) / r.height) * height;
    return [Math.max(0, Math.min(width, x)), Math.max(0, Math.min(height, y))];
  }
  let start = null;
  let ghost = null;
  canvas.addEventListener('pointerdown', (ev) => {
    if (!LABEL_RE.test(label.value.trim())) {
      status.textContent = t('teach.need_label');
      label.focus();
      return;
    }
    start = at(ev);
    ghost = svg('rect', { x: start[0], y: start[1], width: 0, height: 0, class: 'teach-box drawing' });
    layer.append(ghost);
    canvas.setPointerCapture?.(ev.pointerId);
    ev.preventDefault();
  });
  canvas.addEventListener('pointermove', (ev) => {
    if (!start) return;
    const [x, y] = at(ev);
    ghost.setAttribute('x', Math.min(x, start[0]));
    ghost.setAttribute('y', Math.min(y, start[1]));
    ghost.setAttribute('width', Math.abs(x - start[0]));
    ghost.setAttribute('height', Math.abs(y - start[1]));
  });
  canvas.addEventListener('pointerup', (ev) => {
    if (!start) return;
    const [x, y] = at(ev);
    const b = { label: label.value.trim(), x: Math.round(Math.min(x, start[0])), y: Math.round(Math.min(y, start[1])) };
    b.w = Math.min(width - b.x, Math.round(Math.abs(x - start[0])));
    b.h = Math.min(height - b.y, Math.round(Math.abs(y - start[1])));
    start = null;
    if (b.w >= 2 && b.h >= 2) {
      boxes.push(b);
      status.textContent = t('teach.drawn');
    }
    redraw();
  });

  saveBtn.addEventListener('click', async () => {
    saveBtn.disabled = true;
    try {
      const body = { boxes };
      const named = completeFor.value.split(',').map((x) => x.trim()).filter(Boolean);
      if (named.length) body.complete_for = [...new Set([...named, ...boxes.map((b) => b.label)])];
      const saved = await put(`/api/v1/observations/${observationId}/annotations`, body);
      boxes = saved.boxes.map(({ label: l, x, y, w, h: hh }) => ({ label: l, x, y, w, h: hh }));
      completeFor.value = saved.complete_for.join(', ');
      redraw();
      ctx.toast(t('teach.saved'));
      status.textContent = t('teach.saved');
    } catch (e) {
      status.textContent = fieldMessage(e);
    } finally {
      saveBtn.disabled = false;
    }
  });
  redraw();
  sec.append(field('teach_label', t('teach.label'), label, t('teach.label_hint')), h('figure', { class: 'evidence' }, canvas), status, list, field('teach_complete', t('teach.complete'), completeFor, t('teach.complete_hint')), saveBtn);
  return sec;
}
