// A data subject's request (DPO, admin): find the observations of one place and time window,
// export them as a zip, or erase them (image, position, vehicle). The server audits each step
// under the request's reference and keeps what is on legal hold (docs/privacy.md).
import { ApiError, post, postForBlob } from '../api.js';
import { clear, field, fmtTime, h } from '../dom.js';
import { t, tf } from '../i18n.js';
import { COPENHAGEN, L, attachNetwork, createMap, disposeMap } from '../map.js';

// "2026-12-07T10:00" (datetime-local, the browser's time zone) ↔ RFC 3339.
function localInput(date) {
  const p = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}`;
}
const toIso = (v) => (v ? new Date(v).toISOString() : '');

export async function renderSubjectRequests(main) {
  main.append(h('h1', {}, t('subject.title')), h('p', { class: 'hint' }, t('subject.hint')));
  const now = new Date();
  const inputs = {
    reference: h('input', { type: 'text', required: true, minlength: 3, maxlength: 200, autocomplete: 'off' }),
    lat: h('input', { type: 'number', step: 'any', required: true, value: String(COPENHAGEN[0]) }),
    lon: h('input', { type: 'number', step: 'any', required: true, value: String(COPENHAGEN[1]) }),
    radius_m: h('input', { type: 'number', min: 1, max: 5000, step: 1, required: true, value: '25' }),
    from: h('input', { type: 'datetime-local', required: true, value: localInput(new Date(now.getTime() - 86400e3)) }),
    to: h('input', { type: 'datetime-local', required: true, value: localInput(now) }),
  };
  const labels = { reference: 'subject.reference', lat: 'subject.lat', lon: 'subject.lon', radius_m: 'subject.radius', from: 'subject.from', to: 'subject.to' };
  const mapEl = h('div', { class: 'map small-map', id: 'subject-map', role: 'application', 'aria-label': t('subject.map_hint') });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const results = h('div', { id: 'subject-results', 'aria-live': 'polite' });
  const confirm = h('input', { type: 'checkbox', id: 'subject-confirm' });
  const eraseBtn = h('button', { type: 'button', id: 'subject-erase', class: 'danger', disabled: true }, t('subject.erase'));
  const exportBtn = h('button', { type: 'button', id: 'subject-export', class: 'secondary', disabled: true }, t('subject.export'));
  confirm.addEventListener('change', () => {
    eraseBtn.disabled = !confirm.checked;
  });
  const form = h(
    'form',
    { id: 'subject-form', novalidate: true },
    h('div', { class: 'grid' }, Object.entries(inputs).map(([k, el]) => field(k, t(labels[k]), el))),
    h('p', { class: 'hint' }, t('subject.map_hint')),
    mapEl,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', id: 'subject-search' }, t('subject.search')), exportBtn),
    error,
  );
  const eraseCard = h('section', { class: 'card', id: 'subject-erase-card', hidden: true }, h('label', { for: 'subject-confirm', class: 'check' }, confirm, ' ', t('subject.confirm')), h('div', { class: 'buttons' }, eraseBtn));
  main.append(h('section', { class: 'card' }, form), results, eraseCard);

  const body = () => ({
    reference: inputs.reference.value.trim(),
    area: { type: 'Point', coordinates: [Number(inputs.lon.value), Number(inputs.lat.value)], radius_m: Number(inputs.radius_m.value) },
    from: toIso(inputs.from.value),
    to: toIso(inputs.to.value),
  });
  const showError = (e) => {
    for (const el of Object.values(inputs)) el.removeAttribute('aria-invalid');
    const name = e instanceof ApiError ? e.field.split('.')[0].replace('area', 'lat') : '';
    if (inputs[name]) inputs[name].setAttribute('aria-invalid', 'true');
    error.textContent = e.message;
    error.hidden = false;
  };

  // The map: a click moves the point; the circle follows the radius.
  let map = null;
  let stopNetwork = () => {};
  let circle = null;
  const drawCircle = () => {
    if (!map) return;
    const lat = Number(inputs.lat.value);
    const lon = Number(inputs.lon.value);
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) return;
    if (circle) circle.remove();
    circle = L.circle([lat, lon], { radius: Number(inputs.radius_m.value) || 1, weight: 2 }).addTo(map);
  };
  try {
    map = await createMap(mapEl, { zoom: 16 });
    stopNetwork = attachNetwork(map, { search: true });
    map.on('click', (ev) => {
      inputs.lat.value = ev.latlng.lat.toFixed(6);
      inputs.lon.value = ev.latlng.lng.toFixed(6);
      drawCircle();
    });
    for (const k of ['lat', 'lon', 'radius_m']) inputs[k].addEventListener('change', drawCircle);
    drawCircle();
  } catch {
    mapEl.remove();
  }

  const search = async () => {
    error.hidden = true;
    const res = await post('/api/v1/subject-requests/search', body());
    const list = res.observations || [];
    clear(results);
    exportBtn.disabled = !list.length;
    eraseCard.hidden = !list.length;
    const sec = h('section', { class: 'card' }, h('h2', {}, `${t('subject.found')}: ${list.length}`));
    if (!list.length) sec.append(h('p', { class: 'empty' }, t('subject.none')));
    else
      sec.append(
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { id: 'subject-table' },
            h('thead', {}, h('tr', {}, ['finding.captured', 'findings.task', 'subject.image', 'privacy.hold', 'subject.erasable'].map((k) => h('th', { scope: 'col' }, t(k))))),
            h(
              'tbody',
              {},
              list.map((o) =>
                h(
                  'tr',
                  { 'data-observation-id': o.id },
                  h('td', {}, fmtTime(o.captured_at)),
                  h('td', {}, o.task_title),
                  h('td', {}, o.has_image ? t('common.yes') : t('common.no')),
                  h('td', {}, o.legal_hold ? t('common.yes') : t('common.no')),
                  h('td', {}, o.erasable ? t('common.yes') : o.legal_hold ? t('privacy.held') : t('subject.busy')),
                ),
              ),
            ),
          ),
        ),
      );
    results.append(sec);
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await search();
    } catch (e) {
      showError(e);
    }
  });
  exportBtn.addEventListener('click', async () => {
    error.hidden = true;
    try {
      const url = URL.createObjectURL(await postForBlob('/api/v1/subject-requests/export', body()));
      const link = h('a', { href: url, download: `subject-request-${body().reference.replace(/[^\w-]+/g, '_')}.zip` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      showError(e);
    }
  });
  eraseBtn.addEventListener('click', async () => {
    error.hidden = true;
    try {
      const r = await post('/api/v1/subject-requests/erase', body());
      confirm.checked = false;
      eraseBtn.disabled = true;
      await search();
      results.prepend(h('p', { id: 'subject-erased', class: 'ok', role: 'status' }, tf('subject.erased', { erased: r.erased.length, held: r.kept_legal_hold.length, busy: r.still_processing.length })));
    } catch (e) {
      showError(e);
    }
  });
  return () => {
    stopNetwork();
    if (map) disposeMap(map);
  };
}
