// Live map: every task's area coloured by status (the capture jobs vehicles receive), the
// vehicles' last reported positions, refreshed every few seconds, and the imported street network
// (GET /api/v1/network for the visible box, reloaded when the map moves; roads grey, cycle
// tracks blue, drawn beneath the areas and not clickable).
import { get, has } from '../api.js';
import { fmtTime, h } from '../dom.js';
import { t, tf } from '../i18n.js';
import { L, STATUS_COLOURS, areaLayer, createMap, disposeMap } from '../map.js';

const NETWORK_COLOURS = { roadway: '#8a8f96', cycle_track: '#1e6fd9' };

export async function renderLiveMap(main) {
  const mapEl = h('div', { class: 'map live-map', id: 'live-map', role: 'region', 'aria-label': t('map.title') });
  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': t('map.legend') },
    Object.entries(STATUS_COLOURS).map(([s, c]) => h('li', {}, h('span', { class: 'swatch', style: `background:${c}` }), t(`status.${s}`))),
    h('li', {}, h('span', { class: 'swatch vehicle' }), t('map.vehicle')),
  );
  const withNetwork = has('GET', '/api/v1/network');
  if (withNetwork) {
    legend.append(
      h('li', {}, h('span', { class: 'swatch line', style: `background:${NETWORK_COLOURS.roadway}` }), `${t('map.network')}: ${t('map.network_roadway')}`),
      h('li', {}, h('span', { class: 'swatch line', style: `background:${NETWORK_COLOURS.cycle_track}` }), `${t('map.network')}: ${t('map.network_cycle_track')}`),
    );
  }
  const networkStatus = h('p', { class: 'hint', id: 'network-status', role: 'status' });
  const vehicleList = h('ul', { class: 'vehicles', id: 'vehicle-list' });
  main.append(h('h1', {}, t('map.title')), h('div', { class: 'map-layout' }, mapEl, h('aside', {}, legend, networkStatus, h('h2', {}, t('map.vehicles')), vehicleList)));
  const map = await createMap(mapEl, { zoom: 14 });
  // The network in its own pane beneath the areas (overlayPane is at z-index 400).
  map.createPane('network').style.zIndex = 350;
  const network = L.featureGroup().addTo(map);
  const areas = L.featureGroup().addTo(map);
  const vehicles = L.featureGroup().addTo(map);
  let fitted = false;

  async function refresh() {
    let tasks = [];
    let vs = [];
    try {
      [tasks, vs] = await Promise.all([get('/api/v1/tasks?limit=1000').then((r) => r.tasks), get('/api/v1/vehicles').then((r) => r.vehicles)]);
    } catch {
      return;
    }
    areas.clearLayers();
    for (const task of tasks) {
      const colour = STATUS_COLOURS[task.status] || '#555';
      const layer = areaLayer(task.area, { color: colour, fillOpacity: task.status === 'active' ? 0.3 : 0.1 });
      if (!layer) continue;
      layer.bindTooltip(`${task.title} · ${t(`status.${task.status}`)}`);
      layer.on('click', () => {
        location.hash = `#/tasks/${task.id}`;
      });
      areas.addLayer(layer);
    }
    vehicles.clearLayers();
    vehicleList.replaceChildren();
    for (const v of vs) {
      const p = v.last_position;
      vehicleList.append(h('li', {}, h('strong', {}, v.name), ' ', p ? `${fmtTime(p.at)}` : t('map.no_position')));
      if (!p) continue;
      L.circleMarker([p.lat, p.lon], { radius: 7, color: '#fff', weight: 2, fillColor: '#6a1b9a', fillOpacity: 1 })
        .bindTooltip(`${v.name} · ${fmtTime(p.at)}`)
        .addTo(vehicles);
    }
    if (!fitted) {
      const b = L.featureGroup([areas, vehicles]).getBounds();
      if (b.isValid()) {
        map.fitBounds(b, { maxZoom: 16, padding: [30, 30] });
        fitted = true;
      }
    }
  }
  let disposed = false;
  let netSeq = 0;
  async function loadNetwork() {
    if (!withNetwork || disposed) return;
    const mine = ++netSeq;
    const b = map.getBounds();
    const clamp = (v, lim) => Math.max(-lim, Math.min(lim, v)).toFixed(6);
    const bbox = [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)].join(',');
    let fc;
    try {
      fc = await get(`/api/v1/network?bbox=${bbox}`);
    } catch {
      return;
    }
    if (disposed || mine !== netSeq) return;
    network.clearLayers();
    for (const f of fc.features || []) {
      const kind = f.properties && f.properties.kind === 'cycle_track' ? 'cycle_track' : 'roadway';
      const ll = ((f.geometry && f.geometry.coordinates) || []).map(([lon, lat]) => [lat, lon]);
      if (ll.length < 2) continue;
      network.addLayer(
        L.polyline(ll, {
          pane: 'network',
          interactive: false,
          color: NETWORK_COLOURS[kind],
          weight: kind === 'cycle_track' ? 3 : 4,
          opacity: 0.85,
          className: `network network-${kind}`,
        }),
      );
    }
    networkStatus.textContent = fc.truncated
      ? tf('map.network_truncated', { n: fc.segments })
      : fc.network_segments === 0
        ? t('map.network_none')
        : '';
  }
  await refresh();
  map.on('moveend', loadNetwork);
  await loadNetwork();
  const timer = setInterval(refresh, 3000);
  return () => {
    disposed = true;
    clearInterval(timer);
    disposeMap(map);
  };
}
