// Live map: every task's area coloured by status (the capture jobs vehicles receive), the
// vehicles' last reported positions, refreshed every few seconds, and the imported street network
// (GET /api/v1/network for the visible box, reloaded when the map moves; roads grey, cycle
// tracks blue, drawn beneath the areas and not clickable).
import { get, has } from '../api.js';
import { fmtTime, h } from '../dom.js';
import { t, tf } from '../i18n.js';
import { L, NETWORK_COLOURS, STATUS_COLOURS, areaLayer, attachNetwork, createMap, disposeMap } from '../map.js';

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
  await refresh();
  // The network in its own pane beneath the areas (overlayPane is at z-index 400).
  const stopNetwork = attachNetwork(map, {
    search: true,
    onStatus(fc) {
      networkStatus.textContent = fc.truncated ? tf('map.network_truncated', { n: fc.segments }) : fc.network_segments === 0 ? t('map.network_none') : '';
    },
  });
  const timer = setInterval(refresh, 3000);
  return () => {
    stopNetwork();
    clearInterval(timer);
    disposeMap(map);
  };
}
