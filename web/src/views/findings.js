// Findings: the list of assessments (findings by default, refreshed while open) and the review
// page of one: the anonymized image with detection boxes, the recognition runs with fallbacks,
// the assessment, action runs, and the inspector's feedback (verdict + satisfaction 1–5).
import { ApiError, fieldMessage, get, getBlobUrl, has, post, put } from '../api.js';
import { clear, field, fmtTime, h, svg, uid } from '../dom.js';
import { imageAuditList } from './image_audit.js';
import { t, tf } from '../i18n.js';
import { labelSection } from './label_boxes.js';
import { L, areaLayer, attachNetwork, createMap, disposeMap } from '../map.js';
import { comparesWithReference } from './rule_fields.js';
import { askPurpose, purposeLine, statedPurpose } from '../purpose.js';
import { reasonText } from '../reason.js';

const OUTCOMES = ['finding', 'inconclusive', 'ok'];
const CASE_STATUSES = ['open', 'in_progress', 'handled', 'dismissed'];
const CASE_STEPS = ['advice', 'follow_up', 'order', 'police_report'];

const PAGE = 50;

export async function renderFindings(main, _params, ctx) {
  const outcome = h('select', { id: 'filter-outcome' }, h('option', { value: '' }, t('common.all')), OUTCOMES.map((o) => h('option', { value: o, selected: o === 'finding' ? true : null }, t(`outcome.${o}`))));
  const taskSel = h('select', { id: 'filter-task' }, h('option', { value: '' }, t('common.all')));
  const caseSel = h('select', { id: 'filter-case' }, h('option', { value: '' }, t('common.all')), CASE_STATUSES.map((s) => h('option', { value: s }, t(`case.${s}`))));
  const search = h('input', { type: 'search', id: 'filter-q', placeholder: t('findings.search_hint') });
  const from = h('input', { type: 'date', id: 'filter-from' });
  const to = h('input', { type: 'date', id: 'filter-to' });
  const inArea = h('input', { type: 'checkbox', id: 'filter-area' });
  const thumbs = h('input', { type: 'checkbox', id: 'show-thumbs' });
  const list = h('div', { id: 'findings-list', 'aria-live': 'polite' });
  const asking = h('div', {});
  const pager = h('nav', { class: 'pager', id: 'findings-pager', 'aria-label': t('findings.pages') });
  const mapEl = h('div', { class: 'map mini-map', id: 'findings-map', role: 'img', 'aria-label': t('findings.map') });
  const filters = h(
    'form',
    { class: 'filters', 'aria-label': t('findings.filters') },
    field('outcome', t('findings.outcome'), outcome),
    field('task_id', t('findings.task'), taskSel),
    field('status', t('findings.case_status'), caseSel),
    field('from', t('findings.from'), from),
    field('to', t('findings.to'), to),
    field('q', t('findings.search'), search),
    h('button', { type: 'submit', class: 'small' }, t('common.filter')),
    h('label', { class: 'check', for: 'filter-area' }, inArea, t('findings.in_map_area')),
    h('label', { class: 'check', for: 'show-thumbs' }, thumbs, t('findings.thumbnails')),
  );
  main.append(h('h1', {}, t('findings.title')), filters, mapEl, asking, list, pager);
  let titles = {};
  try {
    const tasks = (await get('/api/v1/tasks?limit=1000')).tasks;
    titles = Object.fromEntries(tasks.map((x) => [x.id, x.title]));
    for (const x of tasks) taskSel.append(h('option', { value: x.id }, x.title));
  } catch {
    /* titles are a nicety */
  }
  let map = null;
  let markers = null;
  let stopNetwork = () => {};
  try {
    map = await createMap(mapEl, { center: [55.6761, 12.5683], zoom: 12 });
    stopNetwork = attachNetwork(map);
    markers = L.layerGroup().addTo(map);
  } catch {
    mapEl.remove();
  }
  // Thumbnails are image views: fetched once per observation for the stated purpose.
  const thumbUrls = new Map();
  async function thumbnail(a) {
    if (!thumbUrls.has(a.observation_id)) {
      thumbUrls.set(a.observation_id, getBlobUrl(`/api/v1/observations/${a.observation_id}/image?width=160&purpose=${encodeURIComponent(statedPurpose())}`).catch(() => null));
    }
    const url = await thumbUrls.get(a.observation_id);
    return url ? h('img', { src: url, alt: t('findings.thumbnail_alt'), class: 'thumb', width: 160 }) : '—';
  }
  const when = (a) => a.captured_at || a.created_at;
  const place = (a) => (typeof a.lat === 'number' ? `${a.lat.toFixed(5)}, ${a.lon.toFixed(5)}` : t('finding.location_erased'));
  async function row(a, showThumbs) {
    return h(
      'tr',
      { 'data-assessment-id': a.id },
      showThumbs ? h('td', { 'data-col': 'thumb' }, a.has_image ? await thumbnail(a) : '—') : null,
      h('td', { 'data-col': 'captured' }, ctx.canEdit ? h('a', { href: `#/findings/${a.id}` }, fmtTime(when(a))) : fmtTime(when(a))),
      h('td', { 'data-col': 'place', class: 'mono' }, place(a)),
      h('td', {}, titles[a.task_id] || a.task_id),
      h('td', {}, h('span', { class: `badge outcome-${a.outcome}` }, t(`outcome.${a.outcome}`))),
      h('td', {}, reasonText(a)),
      h('td', { 'data-col': 'case' }, a.case_status ? t(`case.${a.case_status}`) : '—'),
      h('td', {}, a.feedback ? t(`verdict.${a.feedback.verdict}`) : '—'),
    );
  }
  let offset = 0;
  let lastKey = '';
  let fitted = false;
  let loads = 0;
  async function load() {
    const mine = ++loads;
    const p = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (outcome.value) p.set('outcome', outcome.value);
    if (taskSel.value) p.set('task_id', taskSel.value);
    if (caseSel.value) p.set('status', caseSel.value);
    if (search.value.trim()) p.set('q', search.value.trim());
    if (from.value) p.set('from', from.value);
    // The day `to` names is included.
    if (to.value) p.set('to', new Date(Date.parse(`${to.value}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10));
    if (inArea.checked && map) {
      const b = map.getBounds();
      p.set('bbox', [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((x) => x.toFixed(6)).join(','));
    }
    const showThumbs = thumbs.checked && !!statedPurpose();
    let page;
    try {
      page = await get(`/api/v1/assessments?${p}`);
    } catch (e) {
      clear(list).append(h('p', { class: 'error', role: 'alert' }, e.message));
      return;
    }
    const items = page.assessments;
    const key = JSON.stringify([p.toString(), showThumbs, items.map((a) => [a.id, a.feedback && a.feedback.verdict, a.case_status])]);
    if (key === lastKey || mine !== loads) return;
    lastKey = key;
    const rows = await Promise.all(items.map((a) => row(a, showThumbs)));
    // A newer load started while the thumbnails came: it draws the page.
    if (mine !== loads) {
      lastKey = '';
      return;
    }
    clear(list);
    clear(pager);
    if (markers) markers.clearLayers();
    if (!items.length) {
      list.append(h('p', { class: 'empty' }, t('findings.none')));
    } else {
      const cols = ['findings.when', 'findings.place', 'findings.task', 'findings.outcome', 'findings.reason', 'findings.case_status', 'findings.feedback'];
      list.append(h('table', {}, h('thead', {}, h('tr', {}, showThumbs ? h('th', { scope: 'col' }, t('findings.image')) : null, cols.map((k) => h('th', { scope: 'col' }, t(k))))), h('tbody', {}, rows)));
      if (markers) {
        const placed = items.filter((a) => typeof a.lat === 'number');
        for (const a of placed) {
          const m = L.circleMarker([a.lat, a.lon], { radius: 6, color: '#fff', weight: 2, fillColor: a.outcome === 'finding' ? '#a32020' : '#555', fillOpacity: 1, className: 'finding-point' });
          m.bindTooltip(`${titles[a.task_id] || ''} · ${fmtTime(when(a))}`);
          if (ctx.canEdit) m.on('click', () => (location.hash = `#/findings/${a.id}`));
          markers.addLayer(m);
        }
        // The first page shown places the map; after that the map is the user's.
        if (!fitted && placed.length && !inArea.checked) {
          fitted = true;
          map.fitBounds(L.latLngBounds(placed.map((a) => [a.lat, a.lon])), { maxZoom: 16, padding: [20, 20] });
        }
      }
    }
    const prev = h('button', { type: 'button', class: 'small secondary', id: 'page-prev', disabled: offset === 0 ? true : null }, t('findings.prev'));
    const next = h('button', { type: 'button', class: 'small secondary', id: 'page-next', disabled: page.next_offset === null || page.next_offset === undefined ? true : null }, t('findings.next'));
    prev.addEventListener('click', () => {
      offset = Math.max(0, offset - PAGE);
      load();
    });
    next.addEventListener('click', () => {
      offset = page.next_offset;
      load();
    });
    pager.append(prev, h('span', { id: 'page-range' }, items.length ? tf('findings.range', { first: offset + 1, last: offset + items.length }) : ''), next);
  }
  const reload = () => {
    offset = 0;
    load();
  };
  for (const el of [outcome, taskSel, caseSel, from, to, inArea]) el.addEventListener('change', reload);
  thumbs.addEventListener('change', async () => {
    // Thumbnails are views of the images: the purpose is asked first.
    if (thumbs.checked) await askPurpose(asking);
    load();
  });
  if (map) {
    map.on('moveend', () => {
      if (inArea.checked) reload();
    });
  }
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    reload();
  });
  await load();
  const timer = setInterval(load, 2000);
  return () => {
    clearInterval(timer);
    stopNetwork();
    if (map) disposeMap(map);
    for (const u of thumbUrls.values()) u.then((x) => x && URL.revokeObjectURL(x));
  };
}

// "vehicle: face 1 (3 detectors) · server: nothing found (3 detectors)".
function anonymizationText(an) {
  if (!an || typeof an !== 'object') return '—';
  const part = (name, x) => {
    if (!x || typeof x !== 'object') return null;
    const counts = Object.entries(x.counts || {}).filter(([, n]) => n > 0);
    const what = counts.length ? counts.map(([k, n]) => `${k} ${n}`).join(', ') : t('finding.anon_none');
    return `${t(`finding.anon_${name}`)}: ${what} (${(x.detectors || []).length} ${t('finding.anon_detectors')})`;
  };
  const parts = [part('vehicle', an.vehicle), part('server', an.server)].filter(Boolean);
  return parts.length ? parts.join(' · ') : part('vehicle', an) || '—';
}

// "vehicle: 3", or for a count task's split by street side "left of travel 2 / right 1".
function countText(k, v) {
  if (k === 'by_side' && v && typeof v === 'object') return `${t('finding.left')} ${v.left} / ${t('finding.right')} ${v.right}`;
  return `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`;
}

// All detections of all runs, each with the run's service.
function detectionsOf(runs) {
  const out = [];
  for (const r of runs) for (const d of r.detections || []) out.push({ ...d, service: r.service });
  return out;
}

function evidenceFigure(src, width, height, detections, caption, id = 'evidence') {
  const fig = h('figure', { class: 'evidence', id });
  const overlay = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'boxes', role: 'img', 'aria-label': t('finding.boxes_label') });
  if (src) {
    overlay.append(svg('image', { href: src, x: 0, y: 0, width, height }));
  } else {
    overlay.append(svg('rect', { x: 0, y: 0, width, height, class: 'placeholder' }), svg('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'placeholder-text', text: t('finding.no_image') }));
  }
  for (const d of detections) {
    const b = d.box || {};
    // Boxes below the task's threshold are drawn only when asked for (the toggle below).
    const below = d.below ? ' below' : '';
    overlay.append(
      svg('rect', { x: b.x, y: b.y, width: b.w, height: b.h, class: `det${below}` }),
      svg('text', { x: b.x + 2, y: Math.max(12, b.y - 4), class: `det-label${below}`, text: `${d.label} ${Math.round((d.score || 0) * 100)}%` }),
    );
  }
  fig.append(overlay, h('figcaption', {}, caption));
  return fig;
}

async function loadImage(url) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('image'));
    img.src = url;
  });
}

export async function renderFinding(main, params, ctx) {
  const id = params[0];
  let a;
  try {
    a = await get(`/api/v1/assessments/${id}`);
  } catch (e) {
    main.append(h('p', { class: 'error', role: 'alert' }, e.message));
    return null;
  }
  const [obs, task] = await Promise.all([get(`/api/v1/observations/${a.observation_id}`).catch(() => null), get(`/api/v1/tasks/${a.task_id}`).catch(() => null)]);
  // A detection counts when its label is a target and its score reaches the target's
  // min_confidence; the others are shown only on request.
  const thresholds = Object.fromEntries(((task && task.targets) || []).map((x) => [x.label, x.min_confidence]));
  const detections = detectionsOf(a.runs || []).map((d) => ({ ...d, below: !(d.label in thresholds) || (d.score || 0) < thresholds[d.label] }));
  const belowCount = detections.filter((d) => d.below).length;

  // Evidence image (the audit engineer's endpoint) or a placeholder with the boxes.
  const evidence = h('div', { class: 'evidence-wrap' });
  let blobUrl = null;
  const imageRoute = has('GET', '/api/v1/observations/{id}/image');
  let imageNote = '';
  let imageSize = null;
  let purpose = '';
  if (imageRoute && obs && obs.has_image) {
    // Nothing opens before the inspector has said why (the view is audited with it).
    if (!statedPurpose()) {
      const head = h('h1', {}, t('finding.title'));
      main.append(head);
      await askPurpose(main);
      head.remove();
    }
    purpose = statedPurpose();
    try {
      blobUrl = await getBlobUrl(`/api/v1/observations/${a.observation_id}/image?purpose=${encodeURIComponent(purpose)}`);
      const img = await loadImage(blobUrl);
      imageSize = [img.naturalWidth, img.naturalHeight];
      evidence.append(evidenceFigure(blobUrl, img.naturalWidth, img.naturalHeight, detections, t('finding.anonymized')));
    } catch (e) {
      imageNote = e instanceof ApiError ? e.message : t('finding.image_failed');
    }
  } else {
    imageNote = !imageRoute ? t('finding.image_unavailable') : t('finding.image_deleted');
  }
  // Before/after tasks: the reference image next to this one.
  if (imageRoute && a.reference_observation_id && evidence.firstChild) {
    try {
      const refUrl = await getBlobUrl(`/api/v1/observations/${a.reference_observation_id}/image?purpose=${encodeURIComponent(purpose)}`);
      const refImg = await loadImage(refUrl);
      const refFig = evidenceFigure(refUrl, refImg.naturalWidth, refImg.naturalHeight, [], t('finding.before'), 'evidence-reference');
      // The task's region of interest, where change is measured.
      const roi = task && task.rule && task.rule.roi;
      if (roi) {
        const [rw, rh] = [refImg.naturalWidth, refImg.naturalHeight];
        refFig.querySelector('svg').append(svg('rect', { x: roi.x * rw, y: roi.y * rh, width: roi.w * rw, height: roi.h * rh, class: 'roi' }));
      }
      evidence.prepend(refFig);
      evidence.classList.add('pair');
    } catch (e) {
      // The reference may have reached its deadline; the review works without it.
    }
  }
  if (!evidence.querySelector('figure')) {
    let w = 640;
    let hgt = 480;
    for (const d of detections) {
      w = Math.max(w, d.box.x + d.box.w);
      hgt = Math.max(hgt, d.box.y + d.box.h);
    }
    evidence.append(evidenceFigure(null, w, hgt, detections, imageNote));
  }
  if (blobUrl && imageSize) evidence.append(zoomButton(blobUrl, imageSize, detections));
  if (purpose) evidence.append(purposeLine(() => window.dispatchEvent(new HashChangeEvent('hashchange'))));
  if (belowCount) {
    const toggle = h('input', { type: 'checkbox', id: 'show-below' });
    toggle.addEventListener('change', () => {
      for (const fig of evidence.querySelectorAll('figure.evidence')) fig.classList.toggle('show-all', toggle.checked);
    });
    evidence.append(h('label', { class: 'check', for: 'show-below' }, toggle, `${t('finding.show_below')} (${belowCount})`));
  }

  const runsTable = h(
    'table',
    { id: 'runs' },
    h('caption', {}, t('finding.runs')),
    h('thead', {}, h('tr', {}, ['finding.order', 'finding.service', 'finding.label', 'finding.role', 'finding.ms', 'finding.good_enough', 'finding.detections', 'finding.error'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h(
      'tbody',
      {},
      (a.runs || []).map((r) =>
        h(
          'tr',
          {},
          h('td', {}, String(r.position + 1)),
          h('td', {}, r.service),
          h('td', {}, r.label),
          h('td', {}, r.position > 0 ? h('span', { class: 'badge fallback' }, t('finding.fallback')) : t('finding.primary')),
          h('td', {}, String(r.ms)),
          h('td', {}, r.good_enough ? t('common.yes') : t('common.no')),
          h('td', {}, String((r.detections || []).length)),
          h('td', {}, r.error || '—'),
        ),
      ),
    ),
  );

  const counts = a.counts && typeof a.counts === 'object' ? Object.entries(a.counts) : [];
  const assessment = h(
    'dl',
    { class: 'facts', id: 'assessment' },
    h('dt', {}, t('findings.outcome')),
    h('dd', {}, h('span', { class: `badge outcome-${a.outcome}` }, t(`outcome.${a.outcome}`))),
    h('dt', {}, t('findings.reason')),
    h('dd', { id: 'reason' }, reasonText(a)),
    h('dt', {}, t('finding.counts')),
    h('dd', {}, counts.length ? counts.map(([k, v]) => countText(k, v)).join(', ') : '—'),
    h('dt', {}, t('findings.task')),
    h('dd', {}, task ? h('a', { href: `#/tasks/${task.id}` }, task.title) : a.task_id),
    h('dt', {}, t('finding.captured')),
    h('dd', {}, obs ? `${fmtTime(obs.captured_at)} · ${obs.lat === null ? t('finding.location_erased') : `${obs.lat.toFixed(5)}, ${obs.lon.toFixed(5)}`}` : '—'),
    h('dt', {}, t('finding.anonymization')),
    h('dd', {}, anonymizationText(obs && obs.anonymization)),
  );
  // Where it was taken: the task's area and the capture point on a small map.
  const miniMapEl = obs && obs.lat !== null && task ? h('div', { class: 'map mini-map', id: 'finding-map', role: 'img', 'aria-label': t('finding.where') }) : null;

  const actions = h(
    'ul',
    { class: 'plain', id: 'action-runs' },
    (a.actions || []).map((r) =>
      h(
        'li',
        {},
        `${t(`action.${r.type}`)} → ${r.target || '—'}: `,
        h('span', { class: `badge action-${r.status}` }, r.status),
        ` (${r.attempts})`,
        // A case in a case system (Open311): its id and the status the case system reports.
        r.result && r.result.service_request_id
          ? h('span', { class: 'case', 'data-case': r.result.service_request_id }, ` · ${t('finding.case')} ${r.result.service_request_id}: ${r.result.status || '—'}${r.result.status_notes ? ` (${r.result.status_notes})` : ''}`)
          : null,
      ),
    ),
  );

  // (Element.append would write a null out as the text "null".)
  const parts = [
    h('div', { class: 'title-row' }, h('h1', {}, t('finding.title')), h('a', { href: '#/findings', class: 'button secondary' }, t('common.back'))),
    h('div', { class: 'finding-layout' }, h('section', { class: 'card', 'aria-label': t('finding.evidence') }, evidence), h('section', { class: 'card' }, h('h2', {}, t('finding.assessment')), assessment, miniMapEl, h('h3', {}, t('finding.actions')), actions, caseSection(a, ctx), feedbackForm(a, ctx))),
    h('section', { class: 'card' }, runsTable),
    // Teaching a new object: labelled boxes on this kept image.
    imageSize && ctx.canEdit && has('PUT', '/api/v1/observations/{id}/annotations')
      ? await labelSection(a.observation_id, blobUrl, imageSize[0], imageSize[1], ctx)
      : null,
    task && comparesWithReference(task.kind, (task.targets || [])[0]?.label) && obs && obs.has_image && ctx.canEdit && has('PUT', '/api/v1/tasks/{id}/reference') ? await referenceSection(a, ctx) : null,
    obs && obs.has_image && has('GET', '/api/v1/assessments/{id}/evidence.zip') ? evidenceSection(a) : null,
    await auditSection(a.observation_id, ctx.role),
  ];
  main.append(...parts.filter((p) => p));
  let miniMap = null;
  let stopNetwork = () => {};
  if (miniMapEl) {
    try {
      miniMap = await createMap(miniMapEl, { center: [obs.lat, obs.lon], zoom: 17 });
      stopNetwork = attachNetwork(miniMap);
      const area = areaLayer(task.area, { color: '#2b5fa8', weight: 2, fillOpacity: 0.1, interactive: false });
      if (area) area.addTo(miniMap);
      L.circleMarker([obs.lat, obs.lon], { radius: 7, color: '#fff', weight: 2, fillColor: '#a32020', fillOpacity: 1, className: 'capture-point' }).bindTooltip(t('finding.captured_here')).addTo(miniMap);
      if (area) miniMap.fitBounds(L.featureGroup([area]).getBounds().extend([obs.lat, obs.lon]), { maxZoom: 18, padding: [15, 15] });
    } catch {
      miniMapEl.remove();
    }
  }
  return () => {
    stopNetwork();
    if (miniMap) disposeMap(miniMap);
    if (blobUrl) URL.revokeObjectURL(blobUrl);
  };
}

// The image at full size in a dialog, zoomable (buttons, 25 % … 400 %) and scrollable, with the
// same boxes; the view was audited when the image was fetched.
function zoomButton(src, [w, hgt], detections) {
  const button = h('button', { type: 'button', class: 'small secondary', id: 'zoom-open' }, t('finding.full_size'));
  button.addEventListener('click', () => {
    let zoom = 1;
    const fig = evidenceFigure(src, w, hgt, detections, '', 'evidence-full');
    const pic = fig.querySelector('svg');
    const label = h('span', { id: 'zoom-level', 'aria-live': 'polite' });
    const apply = () => {
      pic.style.width = `${Math.round(w * zoom)}px`;
      pic.style.maxWidth = 'none';
      label.textContent = `${Math.round(zoom * 100)} %`;
    };
    const step = (f) => () => {
      zoom = Math.min(4, Math.max(0.25, zoom * f));
      apply();
    };
    const dialog = h(
      'dialog',
      { class: 'zoom', id: 'zoom-dialog', 'aria-label': t('finding.full_size') },
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'button', id: 'zoom-out', class: 'small secondary', 'aria-label': t('map.zoom_out'), onclick: step(1 / 1.5) }, '−'),
        label,
        h('button', { type: 'button', id: 'zoom-in', class: 'small secondary', 'aria-label': t('map.zoom_in'), onclick: step(1.5) }, '+'),
        h('button', { type: 'button', id: 'zoom-close', class: 'small', onclick: () => dialog.close() }, t('finding.close')),
      ),
      h('div', { class: 'zoom-scroll' }, fig),
    );
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    apply();
    dialog.showModal();
  });
  return button;
}

// Tasks that compare with a reference image: which image is the reference, and a button to
// make this one the reference (a clear view of the empty site, the sign as it should be).
async function referenceSection(a, ctx) {
  const sec = h('section', { class: 'card', id: 'reference' }, h('h2', {}, t('reference.title')));
  let ref;
  try {
    ref = await get(`/api/v1/tasks/${a.task_id}/reference`);
  } catch (e) {
    sec.append(h('p', { class: 'error' }, e.message));
    return sec;
  }
  const state = h('p', { id: 'reference-state', 'aria-live': 'polite' });
  const show = (r) => {
    const src = r.source === 'marked' ? tf('reference.marked', { user: r.marked_by, at: fmtTime(r.marked_at) }) : r.source === 'first' ? t('reference.first') : t('reference.none');
    state.textContent = r.observation_id === a.observation_id ? `${t('reference.this_one')} ${src}` : src;
    button.hidden = r.observation_id === a.observation_id;
  };
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const button = h('button', { type: 'button', id: 'mark-reference' }, t('reference.use_this'));
  button.addEventListener('click', async () => {
    error.hidden = true;
    try {
      show(await put(`/api/v1/tasks/${a.task_id}/reference`, { observation_id: a.observation_id }));
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
    }
  });
  show(ref);
  sec.append(h('p', { class: 'hint' }, t('reference.hint')), state, button, error);
  return sec;
}

// The evidence package (zip: image, assessment, runs, audit events, SHA-256 manifest) for a
// stated purpose; the export is audited.
function evidenceSection(a) {
  const purpose = h('input', { type: 'text', id: 'evidence-purpose', minlength: 3, maxlength: 500, required: true, placeholder: t('evidence.purpose_hint'), value: statedPurpose() || null });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit', id: 'evidence-download' }, t('evidence.download'));
  const form = h('form', { class: 'inline-form' }, h('label', { for: 'evidence-purpose' }, t('evidence.purpose')), purpose, button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    try {
      const url = await getBlobUrl(`/api/v1/assessments/${a.id}/evidence.zip?purpose=${encodeURIComponent(purpose.value.trim())}`);
      const link = h('a', { href: url, download: `evidence-${a.id}.zip` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
    }
  });
  return h('section', { class: 'card', id: 'evidence-package' }, h('h2', {}, t('evidence.title')), h('p', { class: 'hint' }, t('evidence.hint')), form, error);
}

// Who looked at this observation's image (the audit trail), when that endpoint exists.
async function auditSection(observationId, role) {
  const sec = h('section', { class: 'card', id: 'finding-audit' }, h('h2', {}, t('finding.audit')));
  if (!has('GET', '/api/v1/audit')) {
    sec.append(h('p', { class: 'unavailable' }, t('common.not_available')));
    return sec;
  }
  // The trail itself is for administrators and the DPO; inspectors are told that views count.
  if (role !== 'admin' && role !== 'dpo') {
    sec.append(h('p', { class: 'hint' }, t('finding.audit_dpo_only')));
    return sec;
  }
  sec.append(await imageAuditList(observationId));
  return sec;
}

// The finding's life: status, escalation steps with their dates, notes, assignee, and the
// history (POST /api/v1/assessments/{id}/case).
function caseSection(a, ctx) {
  const c = a.case || { status: 'open', assignee: '', events: [] };
  const wrap = h('section', { id: 'case', 'aria-labelledby': 'case-title' }, h('h3', { id: 'case-title' }, t('case.title')));
  const now = h('p', { id: 'case-status', 'aria-live': 'polite' });
  const history = h('ol', { class: 'plain', id: 'case-history' });
  function show(cs) {
    now.textContent = `${t('case.status')}: ${t(`case.${cs.status}`)}${cs.assignee ? ` · ${t('case.assignee')}: ${cs.assignee}` : ''}`;
    clear(history);
    for (const e of cs.events || []) {
      const parts = [];
      if (e.status) parts.push(t(`case.${e.status}`));
      if (e.step) parts.push(`${t(`step.${e.step}`)}${e.step_date ? ` (${e.step_date})` : ''}`);
      if (e.assignee) parts.push(`→ ${e.assignee}`);
      if (e.note) parts.push(`“${e.note}”`);
      history.append(h('li', {}, `${fmtTime(e.at)} · ${e.user}: ${parts.join(' · ')}`));
    }
  }
  show(c);
  wrap.append(now, history);
  if (!ctx.canEdit) return wrap;
  const status = h('select', {}, h('option', { value: '' }, t('case.unchanged')), CASE_STATUSES.map((s) => h('option', { value: s }, t(`case.${s}`))));
  const step = h('select', {}, h('option', { value: '' }, t('case.no_step')), CASE_STEPS.map((s) => h('option', { value: s }, t(`step.${s}`))));
  const stepDate = h('input', { type: 'date' });
  const note = h('textarea', { rows: 2, maxlength: 4000 });
  const assignee = h('input', { type: 'text', maxlength: 200, placeholder: c.assignee || '' });
  const err = h('p', { class: 'field-error', role: 'alert', hidden: true, id: 'case-error' });
  const form = h(
    'form',
    { class: 'case-form' },
    h('div', { class: 'grid' }, field('case_status', t('case.new_status'), status), field('case_step', t('case.step'), step), field('case_step_date', t('case.step_date'), stepDate), field('case_assignee', t('case.assignee'), assignee)),
    field('case_note', t('case.note'), note),
    err,
    h('button', { type: 'submit', id: 'case-save' }, t('case.save')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.hidden = true;
    const body = {};
    if (status.value) body.status = status.value;
    if (step.value) body.step = step.value;
    if (step.value && stepDate.value) body.step_date = stepDate.value;
    if (note.value.trim()) body.note = note.value.trim();
    if (assignee.value.trim()) body.assignee = assignee.value.trim();
    try {
      const saved = await post(`/api/v1/assessments/${a.id}/case`, body);
      show(saved);
      form.reset();
      ctx.toast(t('case.saved'));
    } catch (e) {
      err.textContent = e.message;
      err.hidden = false;
    }
  });
  wrap.append(form);
  return wrap;
}

function feedbackForm(a, ctx) {
  const wrap = h('section', { id: 'feedback', 'aria-labelledby': 'fb-title' }, h('h3', { id: 'fb-title' }, t('feedback.title')));
  const current = h('p', { id: 'feedback-current', 'aria-live': 'polite' });
  const showCurrent = (fb) => {
    current.textContent = fb ? `${t('feedback.current')}: ${t(`verdict.${fb.verdict}`)}${fb.corrected_label ? ` (${fb.corrected_label})` : ''}${fb.satisfaction ? ` · ${t('feedback.satisfaction')} ${fb.satisfaction}/5` : ''}` : t('feedback.none');
  };
  showCurrent(a.feedback);
  wrap.append(current);
  if (!ctx.canEdit) return wrap;
  const name = uid('verdict');
  const verdicts = ['correct', 'wrong', 'corrected'].map((v) => {
    const r = h('input', { type: 'radio', name, value: v, id: uid(`v-${v}`), checked: a.feedback && a.feedback.verdict === v });
    return h('label', { class: 'check', for: r.id }, r, t(`verdict.${v}`));
  });
  const label = h('input', { type: 'text', maxlength: 64, value: (a.feedback && a.feedback.corrected_label) || '' });
  const sname = uid('sat');
  const sats = [1, 2, 3, 4, 5].map((n) => {
    const r = h('input', { type: 'radio', name: sname, value: n, id: uid(`s${n}`), checked: a.feedback && a.feedback.satisfaction === n });
    return h('label', { class: 'check', for: r.id }, r, String(n));
  });
  const err = h('p', { class: 'field-error', role: 'alert', hidden: true, id: 'feedback-error' });
  const form = h(
    'form',
    { class: 'feedback' },
    h('fieldset', { 'data-field': 'verdict' }, h('legend', {}, t('feedback.verdict')), verdicts),
    field('corrected_label', t('feedback.corrected_label'), label),
    h('fieldset', { 'data-field': 'satisfaction' }, h('legend', {}, t('feedback.satisfaction_q')), h('div', { class: 'inline' }, sats)),
    err,
    h('button', { type: 'submit', id: 'send-feedback' }, t('feedback.send')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.hidden = true;
    const v = form.querySelector(`input[name="${name}"]:checked`);
    const s = form.querySelector(`input[name="${sname}"]:checked`);
    const body = { verdict: v ? v.value : '' };
    if (label.value.trim()) body.corrected_label = label.value.trim();
    if (s) body.satisfaction = Number(s.value);
    try {
      const saved = await post(`/api/v1/assessments/${a.id}/feedback`, body);
      showCurrent(saved.feedback);
      ctx.toast(t('feedback.saved'));
    } catch (e) {
      err.textContent = fieldMessage(e);
      err.hidden = false;
    }
  });
  wrap.append(form);
  return wrap;
}
