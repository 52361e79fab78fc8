// Task editor: area drawn on the map (point + radius, polygon, corridor) or typed as GeoJSON,
// targets and thresholds, schedule (validity, weekly windows), rule, actions per outcome and
// retention. Validation is the server's: an error {"field": "schedule.valid_to"} is shown at
// the control whose data-field is the longest prefix of that path, and nothing is saved.
import { get, post, put } from '../api.js';
import { clear, field, fmtTime, h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { COPENHAGEN, L, STATUS_COLOURS, areaLayer, attachNetwork, createMap, disposeMap } from '../map.js';
import { IMPLIED_TARGET, KINDS, ruleFields } from './rule_fields.js';

const OUTCOMES = ['ok', 'finding', 'inconclusive'];
// What may trigger an action: an outcome, or a site not seen within revisit_days (not for a
// contractor, who is told of findings only).
const TRIGGERS = [...OUTCOMES, 'unvisited'];

function isoToLocal(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
function localToIso(v) {
  if (!v) return '';
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : d.toISOString().replace('.000Z', 'Z');
}

function defaults() {
  const now = Date.now();
  return {
    title: '',
    unit: '',
    kind: 'presence',
    data_class: 'internal',
    targets: [{ label: 'person', min_confidence: 0.6 }],
    area: null,
    schedule: {
      valid_from: new Date(now - 3600e3).toISOString(),
      valid_to: new Date(now + 30 * 86400e3).toISOString(),
      time_zone: 'Europe/Copenhagen',
      min_interval_s: 60,
      windows: [],
    },
    rule: { min_count: 0, min_box_height_px: 0 },
    actions: [{ type: 'log', on: ['ok', 'finding', 'inconclusive'] }],
    retention: { evidence_days: 30, keep_non_findings: false, legal_hold: false },
  };
}

const num = (attrs = {}) => h('input', { type: 'number', ...attrs });
const optNum = (v) => (v === '' || v === null || v === undefined ? undefined : Number(v));

export async function renderTaskEditor(main, params, ctx) {
  const id = params[0];
  let task = defaults();
  if (id) {
    try {
      task = await get(`/api/v1/tasks/${id}`);
    } catch (e) {
      main.append(h('p', { class: 'error', role: 'alert' }, e.message));
      return null;
    }
  }
  const readOnly = !ctx.canEdit || ['cancelled', 'completed'].includes(task.status);
  let area = task.area;

  // ---- general
  const title = h('input', { type: 'text', value: task.title, required: true, maxlength: 200 });
  const unit = h('input', { type: 'text', value: task.unit || '' });
  const kind = h(
    'select',
    {},
    KINDS.map((k) => h('option', { value: k, selected: task.kind === k ? true : null }, t(`kind.${k}`))),
  );
  const dataClass = h(
    'select',
    {},
    ['local', 'internal', 'external'].map((k) =>
      h('option', { value: k, selected: (task.data_class || 'internal') === k ? true : null }, t(`data_class.${k}`)),
    ),
  );

  // ---- area
  const mapEl = h('div', { class: 'map editor-map', id: 'editor-map', role: 'application', 'aria-label': t('editor.map_label') });
  const areaText = h('textarea', { rows: 4, spellcheck: 'false', class: 'mono' });
  const radius = num({ min: 1, step: 1, value: area && area.type === 'Point' ? area.radius_m : 30 });
  const buffer = num({ min: 1, step: 1, value: area && area.type === 'LineString' ? area.buffer_m : 15 });
  const heading = num({ min: 0, max: 360, step: 1, value: task.heading_deg ?? '' });
  const headingTol = num({ min: 1, max: 180, step: 1, value: task.heading_tolerance_deg ?? '' });
  const maxSpeed = num({ min: 1, step: 1, value: task.max_speed_kmh ?? '' });
  const drawStatus = h('p', { class: 'hint', 'aria-live': 'polite', id: 'draw-status' });

  // ---- targets
  const targetList = h('div', { class: 'rows', 'data-field': 'targets', id: 'targets' });
  const datalistId = uid('labels');
  // Only labels a configured recognition service serves (GET /api/v1/capabilities); the server
  // refuses any other label by name.
  let served = [];
  try {
    served = (await get('/api/v1/capabilities')).labels || [];
  } catch {
    // An older server without the endpoint: no suggestions.
  }
  // Each label with its services and, where measured, their AP on our test split.
  const describe = (c) =>
    c.services
      .map((s) => (s.quality && s.quality.ap50 !== undefined ? `${s.name} AP ${s.quality.ap50}` : s.name))
      .join(', ');
  const datalist = h('datalist', { id: datalistId }, served.map((c) => h('option', { value: c.label, label: describe(c) })));
  function addTarget(tg = { label: '', min_confidence: 0.6 }) {
    const i = rowCount(targetList);
    const label = h('input', { type: 'text', value: tg.label, list: datalistId });
    const conf = num({ min: 0.01, max: 1, step: 0.01, value: tg.min_confidence ?? 0.6 });
    const row = h(
      'fieldset',
      { class: 'row target' },
      h('legend', { class: 'sr-only' }, `${t('editor.target')} ${i + 1}`),
      field(`targets[${i}].label`, t('editor.label'), label),
      field(`targets[${i}].min_confidence`, t('editor.min_confidence'), conf),
      readOnly
        ? null
        : h('button', { type: 'button', class: 'small secondary', onclick: () => { row.remove(); renumber(targetList, 'targets'); } }, t('editor.remove_target')),
    );
    row._read = () => ({ label: label.value.trim(), min_confidence: Number(conf.value) });
    targetList.append(row);
  }
  (task.targets || []).forEach((tg) => addTarget(tg));

  // ---- schedule
  const sch = task.schedule || {};
  const validFrom = h('input', { type: 'datetime-local', value: isoToLocal(sch.valid_from) });
  const validTo = h('input', { type: 'datetime-local', value: isoToLocal(sch.valid_to) });
  const tz = h('input', { type: 'text', value: sch.time_zone || 'Europe/Copenhagen' });
  const minInterval = num({ min: 0, step: 1, value: sch.min_interval_s ?? 0 });
  const revisit = num({ min: 1, max: 365, step: 1, value: task.revisit_days ?? '' });
  const windowList = h('div', { class: 'rows', 'data-field': 'schedule.windows', id: 'windows' });
  function addWindow(w = { weekday: 0, start: '07:00', end: '18:00' }) {
    const i = rowCount(windowList);
    const day = h('select', {}, [0, 1, 2, 3, 4, 5, 6].map((d) => h('option', { value: d, selected: Number(w.weekday) === d ? true : null }, t(`weekday.${d}`))));
    const start = h('input', { type: 'time', value: w.start });
    const end = h('input', { type: 'time', value: w.end });
    const row = h(
      'fieldset',
      { class: 'row window' },
      h('legend', { class: 'sr-only' }, `${t('editor.window')} ${i + 1}`),
      field(`schedule.windows[${i}].weekday`, t('editor.weekday'), day),
      field(`schedule.windows[${i}].start`, t('editor.start'), start),
      field(`schedule.windows[${i}].end`, t('editor.end'), end),
      readOnly ? null : h('button', { type: 'button', class: 'small secondary', onclick: () => { row.remove(); renumber(windowList, 'schedule.windows'); } }, t('editor.remove_window')),
    );
    row._read = () => ({ weekday: Number(day.value), start: start.value, end: end.value });
    windowList.append(row);
  }
  (sch.windows || []).forEach((w) => addWindow(w));

  // ---- rule: the fields of the chosen kind. Kinds whose recognizer reports a fixed label
  // (text, change) get that target when it is missing.
  const rule = ruleFields(task.rule || {});
  const firstLabel = () => listRows(targetList)[0]?._read().label;
  rule.show(task.kind, (task.targets || [])[0]?.label);
  // A condition task with the target "change" compares with the reference: its fields follow.
  targetList.addEventListener('input', () => rule.show(kind.value, firstLabel()));
  kind.addEventListener('change', () => {
    rule.show(kind.value, firstLabel());
    const implied = IMPLIED_TARGET[kind.value];
    if (!implied) return;
    const rows = listRows(targetList);
    if (rows.some((r) => r._read().label === implied)) return;
    for (const r of rows) r.remove();
    addTarget({ label: implied, min_confidence: 0.5 });
  });

  // ---- actions
  const actionList = h('div', { class: 'rows', 'data-field': 'actions', id: 'actions' });
  function addAction(a = { type: 'log', on: ['finding'] }) {
    const i = rowCount(actionList);
    const type = h('select', {}, ['log', 'webhook', 'email', 'open311', 'contractor'].map((k) => h('option', { value: k, selected: a.type === k ? true : null }, t(`action.${k}`))));
    const to = h('input', { type: 'text', value: (a.to || []).join(', '), placeholder: 'inspektor@kk.dk, …' });
    const language = h('select', {}, ['da', 'en'].map((k) => h('option', { value: k, selected: (a.language || 'da') === k ? true : null }, t(`email_language.${k}`))));
    const emailFields = h('div', { class: 'inline' }, field(`actions[${i}].to`, t('editor.email_to'), to, t('editor.email_to_hint')), field(`actions[${i}].language`, t('editor.email_language'), language));
    const url = h('input', { type: 'url', value: a.url || '', placeholder: 'https://…' });
    const secret = h('input', { type: 'password', value: '', autocomplete: 'off', placeholder: a.type === 'webhook' && a.url ? t('editor.secret_kept') : '' });
    const serviceCode = h('input', { type: 'text', value: a.service_code || '', maxlength: 100 });
    const apiKey = h('input', { type: 'password', value: '', autocomplete: 'off', placeholder: a.has_api_key ? t('editor.secret_kept') : '' });
    const jurisdiction = h('input', { type: 'text', value: a.jurisdiction_id || '' });
    const open311Fields = h('div', { class: 'inline' }, field(`actions[${i}].service_code`, t('editor.service_code'), serviceCode), field(`actions[${i}].api_key`, t('editor.api_key'), apiKey), field(`actions[${i}].jurisdiction_id`, t('editor.jurisdiction'), jurisdiction));
    const contractorNote = h('p', { class: 'hint' }, t('editor.contractor_action_hint'));
    const format = h('select', {}, ['cloudevents', 'plain'].map((k) => h('option', { value: k, selected: (a.format || 'cloudevents') === k ? true : null }, t(`webhook_format.${k}`))));
    const boxes = TRIGGERS.map((o) => {
      const cb = h('input', { type: 'checkbox', id: uid('on'), checked: (a.on || []).includes(o) });
      cb.dataset.outcome = o;
      return cb;
    });
    const boxLabels = boxes.map((cb) => h('label', { class: 'check', for: cb.id }, cb, t(`outcome.${cb.dataset.outcome}`)));
    const urlField = field(`actions[${i}].url`, t('editor.url'), url);
    const webhookFields = h('div', { class: 'inline' }, field(`actions[${i}].secret`, t('editor.secret'), secret), field(`actions[${i}].format`, t('editor.webhook_format'), format));
    const sync = () => {
      urlField.hidden = type.value !== 'webhook' && type.value !== 'open311';
      webhookFields.hidden = type.value !== 'webhook';
      emailFields.hidden = type.value !== 'email';
      open311Fields.hidden = type.value !== 'open311';
      contractorNote.hidden = type.value !== 'contractor';
      const u = TRIGGERS.indexOf('unvisited');
      boxLabels[u].hidden = type.value === 'contractor';
      if (type.value === 'contractor') boxes[u].checked = false;
    };
    type.addEventListener('change', sync);
    sync();
    const row = h(
      'fieldset',
      { class: 'row action' },
      h('legend', { class: 'sr-only' }, `${t('editor.action')} ${i + 1}`),
      field(`actions[${i}].type`, t('editor.action_type'), type),
      h(
        'fieldset',
        { class: 'outcomes', 'data-field': `actions[${i}].on` },
        h('legend', {}, t('editor.on_outcomes')),
        boxLabels,
      ),
      urlField,
      webhookFields,
      emailFields,
      open311Fields,
      contractorNote,
      readOnly ? null : h('button', { type: 'button', class: 'small secondary', onclick: () => { row.remove(); renumber(actionList, 'actions'); } }, t('editor.remove_action')),
    );
    row._read = () => {
      const out = { type: type.value, on: boxes.filter((b) => b.checked).map((b) => b.dataset.outcome) };
      if (type.value === 'webhook') {
        out.url = url.value.trim();
        if (secret.value) out.secret = secret.value;
        out.format = format.value;
      }
      if (type.value === 'email') {
        out.to = to.value.split(/[,;\s]+/).map((x) => x.trim()).filter(Boolean);
        out.language = language.value;
      }
      if (type.value === 'open311') {
        out.url = url.value.trim();
        out.service_code = serviceCode.value.trim();
        if (apiKey.value) out.api_key = apiKey.value;
        if (jurisdiction.value.trim()) out.jurisdiction_id = jurisdiction.value.trim();
      }
      return out;
    };
    actionList.append(row);
  }
  (task.actions || []).forEach((a) => addAction(a));

  // ---- contractor (who must put a finding right; used by contractor actions)
  const con = task.contractor || {};
  const conName = h('input', { type: 'text', value: con.name || '', maxlength: 200 });
  const conEmail = h('input', { type: 'email', value: con.email || '' });
  const conDays = num({ min: 1, max: 365, step: 1, value: con.deadline_days ?? 14 });
  const conLang = h('select', {}, ['da', 'en'].map((k) => h('option', { value: k, selected: (con.language || 'da') === k ? true : null }, t(`email_language.${k}`))));

  // ---- retention
  const ret = task.retention || {};
  const evidenceDays = num({ min: 1, max: 3650, step: 1, value: ret.evidence_days ?? 30 });
  const keepNon = h('input', { type: 'checkbox', checked: !!ret.keep_non_findings });
  const legalHold = h('input', { type: 'checkbox', checked: !!ret.legal_hold });
  const inconclusiveDays = num({ min: 0, max: 90, step: 1, value: ret.inconclusive_days ?? 7 });

  const formError = h('div', { class: 'form-error', role: 'alert', id: 'form-error', hidden: true });
  const saveBtn = h('button', { type: 'submit', id: 'save-task' }, t('editor.save'));
  const activateBtn =
    id && ctx.canEdit && ['draft', 'paused'].includes(task.status)
      ? h('button', { type: 'button', id: 'activate-task', class: 'secondary' }, t('tasks.activate'))
      : null;

  const section = (key, ...kids) => h('section', { class: 'card', 'aria-labelledby': `sec-${key}` }, h('h2', { id: `sec-${key}` }, t(`editor.sec_${key}`)), ...kids);
  const drawBtn = (mode, key) => h('button', { type: 'button', class: 'small', 'data-draw': mode, onclick: () => startDraw(mode) }, t(key));

  const form = h(
    'form',
    { class: 'editor', novalidate: true, 'aria-labelledby': 'editor-title' },
    h(
      'div',
      { class: 'title-row' },
      h('h1', { id: 'editor-title' }, id ? t('editor.edit_title') : t('editor.new_title')),
      id ? h('span', { class: `badge status-${task.status}`, id: 'task-status' }, t(`status.${task.status}`)) : null,
    ),
    formError,
    section(
      'general',
      h('div', { class: 'grid' }, field('title', t('editor.title'), title), field('unit', t('tasks.unit'), unit), field('kind', t('tasks.kind'), kind), field('data_class', t('editor.data_class'), dataClass)),
    ),
    section(
      'area',
      readOnly
        ? null
        : h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': t('editor.draw_tools') }, drawBtn('Circle', 'editor.draw_point'), drawBtn('Polygon', 'editor.draw_polygon'), drawBtn('Line', 'editor.draw_corridor')),
      drawStatus,
      mapEl,
      h('div', { class: 'grid' }, field('area.radius_m', t('editor.radius'), radius), field('area.buffer_m', t('editor.buffer'), buffer)),
      field('area', t('editor.area_geojson'), areaText, t('editor.area_hint')),
      h('div', { class: 'grid' }, field('heading_deg', t('editor.heading'), heading), field('heading_tolerance_deg', t('editor.heading_tol'), headingTol), field('max_speed_kmh', t('editor.max_speed'), maxSpeed)),
    ),
    section('targets', datalist, targetList, readOnly ? null : h('button', { type: 'button', class: 'small secondary', id: 'add-target', onclick: () => addTarget() }, t('editor.add_target')), readOnly ? null : unservedUses()),
    section(
      'schedule',
      h('div', { class: 'grid' }, field('schedule.valid_from', t('editor.valid_from'), validFrom), field('schedule.valid_to', t('editor.valid_to'), validTo), field('schedule.time_zone', t('editor.time_zone'), tz), field('schedule.min_interval_s', t('editor.min_interval'), minInterval), field('revisit_days', t('editor.revisit_days'), revisit, t('editor.revisit_hint'))),
      h('h3', {}, t('editor.windows')),
      h('p', { class: 'hint' }, t('editor.windows_hint')),
      windowList,
      readOnly ? null : h('button', { type: 'button', class: 'small secondary', id: 'add-window', onclick: () => addWindow() }, t('editor.add_window')),
    ),
    section('rule', ...rule.children),
    section('contractor', h('p', { class: 'hint' }, t('editor.contractor_hint')), h('div', { class: 'grid' }, field('contractor.name', t('editor.contractor_name'), conName), field('contractor.email', t('editor.contractor_email'), conEmail), field('contractor.deadline_days', t('editor.contractor_days'), conDays), field('contractor.language', t('editor.email_language'), conLang))),
    section('actions', actionList, readOnly ? null : h('button', { type: 'button', class: 'small secondary', id: 'add-action', onclick: () => addAction() }, t('editor.add_action'))),
    section(
      'retention',
      h(
        'div',
        { class: 'grid' },
        field('retention.evidence_days', t('editor.evidence_days'), evidenceDays),
        field('retention.inconclusive_days', t('editor.inconclusive_days'), inconclusiveDays, t('editor.inconclusive_days_hint')),
        h('div', { class: 'field check', 'data-field': 'retention.keep_non_findings' }, h('label', {}, keepNon, t('editor.keep_non_findings'))),
        h('div', { class: 'field check', 'data-field': 'retention.legal_hold' }, h('label', {}, legalHold, t('editor.legal_hold'))),
      ),
    ),
    readOnly ? h('p', { class: 'hint' }, t('editor.read_only')) : h('div', { class: 'buttons' }, saveBtn, activateBtn, h('a', { href: '#/tasks', class: 'button secondary' }, t('common.back'))),
  );
  if (readOnly) for (const el of form.querySelectorAll('input, select, textarea')) el.disabled = true;
  main.append(form);

  // ---- map and drawing
  const map = await createMap(mapEl, { center: COPENHAGEN, zoom: 16 });
  // Offline the imported street network is the base map; the other tasks and the vehicles are
  // drawn for context (not editable, not snapped to).
  const stopNetwork = attachNetwork(map, { search: true });
  const context = L.featureGroup().addTo(map);
  Promise.all([get('/api/v1/tasks?limit=1000').then((r) => r.tasks), get('/api/v1/vehicles').then((r) => r.vehicles).catch(() => [])])
    .then(([others, vehicles]) => {
      for (const other of others) {
        if (other.id === task.id) continue;
        const layer = areaLayer(other.area, { color: '#6b7480', weight: 1, dashArray: '4 4', fillOpacity: 0.06, pmIgnore: true, className: 'context-task' });
        if (layer) context.addLayer(layer.bindTooltip(other.title));
      }
      for (const v of vehicles) {
        const p = v.last_position;
        if (p) context.addLayer(L.circleMarker([p.lat, p.lon], { radius: 6, color: '#fff', weight: 2, fillColor: '#6a1b9a', fillOpacity: 1, pmIgnore: true, className: 'context-vehicle' }).bindTooltip(v.name));
      }
    })
    .catch(() => {});
  let shape = null;
  // A drawn circle, polygon or corridor stays editable: drag its vertices, centre or radius
  // handle; a polygon may not cross itself.
  function areaFromShape() {
    if (area.type === 'Point') {
      const c = shape.getLatLng();
      area = { ...area, coordinates: [round(c.lng), round(c.lat)], radius_m: Math.max(1, Math.round(shape.getRadius())) };
      radius.value = area.radius_m;
    } else if (area.type === 'Polygon') {
      const ring = shape.getLatLngs()[0].map((p) => [round(p.lng), round(p.lat)]);
      ring.push(ring[0]);
      area = { ...area, coordinates: [ring] };
    } else if (area.type === 'LineString') {
      area = { ...area, coordinates: shape.corridor.line.getLatLngs().map((p) => [round(p.lng), round(p.lat)]) };
      shape.corridor.redraw(area.buffer_m);
    }
    areaText.value = JSON.stringify(area);
    drawStatus.textContent = t('editor.edited');
  }
  function showArea(fit) {
    if (shape) map.removeLayer(shape);
    shape = areaLayer(area, { color: STATUS_COLOURS[task.status] || '#2b5fa8' });
    areaText.value = area ? JSON.stringify(area) : '';
    if (shape) {
      shape.addTo(map);
      if (fit) map.fitBounds(shape.getBounds(), { maxZoom: 17, padding: [20, 20] });
      if (!readOnly && (area.type === 'Point' || area.type === 'Polygon') && shape.pm) {
        shape.pm.enable({ allowSelfIntersection: false, snappable: false });
        shape.on('pm:edit', areaFromShape);
        shape.on('pm:intersect', () => {
          drawStatus.textContent = t('editor.self_intersection');
        });
      }
      // A corridor: its line's vertices move (the width is the number field beside the map).
      if (!readOnly && area.type === 'LineString' && shape.corridor && shape.corridor.line.pm) {
        shape.corridor.line.pm.enable({ snappable: false });
        shape.corridor.line.on('pm:edit', areaFromShape);
      }
    }
  }
  showArea(true);
  function startDraw(mode) {
    // The old shape's handles would take the new shape's clicks.
    if (shape && shape.pm) shape.pm.disable();
    if (shape && shape.corridor && shape.corridor.line.pm) shape.corridor.line.pm.disable();
    map.pm.disableDraw();
    map.pm.enableDraw(mode, { allowSelfIntersection: true, snappable: false, continueDrawing: false });
    drawStatus.textContent = t(`editor.drawing_${mode}`);
  }
  map.on('pm:create', (e) => {
    const layer = e.layer;
    if (e.shape === 'Circle') {
      const c = layer.getLatLng();
      area = { type: 'Point', coordinates: [round(c.lng), round(c.lat)], radius_m: Math.max(1, Math.round(layer.getRadius())) };
      radius.value = area.radius_m;
    } else if (e.shape === 'Polygon') {
      const ring = layer.getLatLngs()[0].map((p) => [round(p.lng), round(p.lat)]);
      ring.push(ring[0]);
      area = { type: 'Polygon', coordinates: [ring] };
    } else if (e.shape === 'Line') {
      area = { type: 'LineString', coordinates: layer.getLatLngs().map((p) => [round(p.lng), round(p.lat)]), buffer_m: Number(buffer.value) || 15 };
    }
    map.removeLayer(layer);
    drawStatus.textContent = t('editor.drawn');
    showArea(false);
  });
  const round = (x) => Math.round(x * 1e7) / 1e7;
  areaText.addEventListener('change', () => {
    try {
      area = areaText.value.trim() ? JSON.parse(areaText.value) : null;
      clearErrors(form);
      showArea(true);
    } catch {
      showErrors(form, formError, { field: 'area', message: t('editor.bad_json') });
    }
  });
  radius.addEventListener('change', () => {
    if (area && area.type === 'Point') {
      area = { ...area, radius_m: Number(radius.value) };
      showArea(false);
    }
  });
  buffer.addEventListener('change', () => {
    if (area && area.type === 'LineString') {
      area = { ...area, buffer_m: Number(buffer.value) };
      showArea(false);
    }
  });

  function collect() {
    const body = {
      title: title.value.trim(),
      unit: unit.value.trim(),
      kind: kind.value,
      data_class: dataClass.value,
      targets: [...targetList.children].map((r) => r._read()),
      schedule: {
        valid_from: localToIso(validFrom.value),
        valid_to: localToIso(validTo.value),
        time_zone: tz.value.trim(),
        min_interval_s: Number(minInterval.value || 0),
        windows: [...windowList.children].map((r) => r._read()),
      },
      rule: rule.read(kind.value, firstLabel()),
      actions: [...actionList.children].map((r) => r._read()),
      retention: { evidence_days: Number(evidenceDays.value), keep_non_findings: keepNon.checked, legal_hold: legalHold.checked, inconclusive_days: Number(inconclusiveDays.value || 0) },
    };
    if (area) body.area = area;
    if (conName.value.trim() || conEmail.value.trim()) {
      body.contractor = { name: conName.value.trim(), email: conEmail.value.trim(), deadline_days: Number(conDays.value || 14), language: conLang.value };
    }
    for (const [k, el] of [['heading_deg', heading], ['heading_tolerance_deg', headingTol], ['max_speed_kmh', maxSpeed], ['revisit_days', revisit]]) {
      const v = optNum(el.value);
      if (v !== undefined) body[k] = v;
    }
    return body;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (readOnly) return;
    clearErrors(form);
    formError.hidden = true;
    saveBtn.disabled = true;
    try {
      const saved = id ? await put(`/api/v1/tasks/${id}`, collect()) : await post('/api/v1/tasks', collect());
      ctx.toast(t('editor.saved'));
      if (id) {
        location.hash = `#/tasks/${saved.id}`;
        // Same hash: re-render explicitly.
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } else {
        location.hash = `#/tasks/${saved.id}`;
      }
    } catch (e) {
      showErrors(form, formError, e);
    } finally {
      saveBtn.disabled = false;
    }
  });
  if (activateBtn) {
    activateBtn.addEventListener('click', async () => {
      clearErrors(form);
      try {
        await post(`/api/v1/tasks/${id}/activate`);
        ctx.toast(t('tasks.done_activate'));
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } catch (e) {
        showErrors(form, formError, e);
      }
    });
  }
  if (id) {
    form.append(h('p', { class: 'hint' }, `${t('editor.revision')} ${task.revision} · ${t('editor.updated')} ${fmtTime(task.updated_at)}`));
  }
  return () => {
    stopNetwork();
    disposeMap(map);
  };
}

// The rows of a list (server error messages are appended to the list itself, so its children
// are not all rows).
function listRows(list) {
  return [...list.children].filter((c) => c.classList.contains('row'));
}
function rowCount(list) {
  return listRows(list).length;
}

// Re-numbers the data-field paths of list rows after one was removed.
function renumber(list, prefix) {
  listRows(list).forEach((row, i) => {
    for (const el of row.querySelectorAll('[data-field]')) {
      el.dataset.field = el.dataset.field.replace(new RegExp(`^${prefix.replace(/[.[\]]/g, '\\$&')}\\[\\d+\\]`), `${prefix}[${i}]`);
    }
  });
}

function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error.server')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  }
  for (const el of form.querySelectorAll('.has-error')) el.classList.remove('has-error');
}

// The wrapper whose data-field is the longest prefix of `path` at a '.' or '[' boundary.
function fieldFor(form, path) {
  let best = null;
  let bestLen = -1;
  for (const el of form.querySelectorAll('div.field[data-field], div.rows[data-field], fieldset[data-field]')) {
    const f = el.dataset.field;
    const ok = path === f || (path.startsWith(f) && (path[f.length] === '.' || path[f.length] === '['));
    if (ok && f.length > bestLen) {
      best = el;
      bestLen = f.length;
    }
  }
  return best;
}

function showErrors(form, formError, e) {
  const path = e.field || '';
  const wrap = path ? fieldFor(form, path) : null;
  if (!wrap) {
    clear(formError).append(h('p', {}, e.message || String(e)));
    formError.hidden = false;
    formError.focus?.();
    return;
  }
  const msgId = uid('err');
  const msg = h('p', { class: 'field-error server', id: msgId, role: 'alert', 'data-error-for': path }, e.message);
  wrap.classList.add('has-error');
  wrap.append(msg);
  const control = wrap.matches('div.field') ? wrap.querySelector('input, select, textarea') : wrap.querySelector('input, select, textarea, button');
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', msgId);
    control.focus({ preventScroll: true });
  }
  wrap.scrollIntoView({ block: 'center' });
}

// The seed's inspections that no detector recognises yet, named with what to use instead
// (docs/use-cases.md), so that nobody waits for a label that will never be served.
const UNSERVED = ['container', 'goods', 'furniture', 'sign_damage', 'work_done'];
function unservedUses() {
  return h(
    'details',
    { class: 'unserved', id: 'unserved-uses' },
    h('summary', {}, t('editor.unserved_title')),
    h('ul', {}, UNSERVED.map((k) => h('li', { 'data-use': k }, h('strong', {}, t(`editor.unserved_${k}`)), ': ', t(`editor.unserved_${k}_instead`)))),
  );
}
