// Leaflet maps for the editor and the live view. Base tiles come from the server's tile_url
// (OpenStreetMap by default); when it is empty no tile layer is added at all, so an offline
// map shows a plain background and never requests a tile. Areas (Point+radius, Polygon,
// LineString+buffer) are drawn as Leaflet layers.
import L from './leaflet_global.js';
import '@geoman-io/leaflet-geoman-free';
import { get, has, loadUiConfig } from './api.js';
import { t } from './i18n.js';

export const COPENHAGEN = [55.6761, 12.5683];

export async function createMap(container, { center = COPENHAGEN, zoom = 15 } = {}) {
  const cfg = await loadUiConfig();
  // No zoom/fade animations: a view may be left (and its map removed) at any moment, and
  // removing a map mid-animation throws inside Leaflet.
  const map = L.map(container, { center, zoom, zoomControl: false, keyboard: true, zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false });
  L.control.zoom({ zoomInTitle: t('map.zoom_in'), zoomOutTitle: t('map.zoom_out') }).addTo(map);
  if (cfg.tile_url) {
    L.tileLayer(cfg.tile_url, {
      maxZoom: 19,
      attribution: '&copy; OpenStreetMap contributors',
    }).addTo(map);
  } else {
    container.classList.add('no-tiles');
    map.attributionControl.setPrefix(false);
  }
  return map;
}

// Metres per degree of longitude at a latitude.
function mPerDegLon(lat) {
  return 111320 * Math.cos((lat * Math.PI) / 180);
}

// A polygon approximating a corridor of `buffer` metres around a polyline (for display only).
function corridorOutline(latlngs, buffer) {
  const left = [];
  const right = [];
  for (let i = 0; i < latlngs.length; i++) {
    const a = latlngs[Math.max(0, i - 1)];
    const b = latlngs[Math.min(latlngs.length - 1, i + 1)];
    const kx = mPerDegLon(latlngs[i][0]);
    const dx = (b[1] - a[1]) * kx;
    const dy = (b[0] - a[0]) * 111320;
    const len = Math.hypot(dx, dy) || 1;
    const nx = (-dy / len) * buffer;
    const ny = (dx / len) * buffer;
    left.push([latlngs[i][0] + ny / 111320, latlngs[i][1] + nx / kx]);
    right.push([latlngs[i][0] - ny / 111320, latlngs[i][1] - nx / kx]);
  }
  return left.concat(right.reverse());
}

// A Leaflet layer for a task area (GeoJSON geometry as in docs/api.md), or null.
export function areaLayer(area, style = {}) {
  if (!area || !area.type) return null;
  const s = { weight: 2, ...style };
  try {
    if (area.type === 'Point') {
      const [lon, lat] = area.coordinates;
      return L.circle([lat, lon], { radius: area.radius_m || 10, ...s });
    }
    if (area.type === 'Polygon') {
      return L.polygon(
        area.coordinates.map((ring) => ring.map(([lon, lat]) => [lat, lon])),
        s,
      );
    }
    if (area.type === 'LineString') {
      const ll = area.coordinates.map(([lon, lat]) => [lat, lon]);
      const outline = L.polygon(corridorOutline(ll, area.buffer_m || 10), { ...s, weight: 1, dashArray: '4 4', pmIgnore: true });
      const line = L.polyline(ll, s);
      const group = L.featureGroup([outline, line]);
      // The editor moves the line's vertices and redraws the outline around it.
      group.corridor = { line, outline, redraw: (width) => outline.setLatLngs(corridorOutline(line.getLatLngs().map((p) => [p.lat, p.lng]), width || 10)) };
      return group;
    }
  } catch {
    return null;
  }
  return null;
}

// Removes a map safely when its view is left.
export function disposeMap(map) {
  try {
    map.stop();
    map.off();
    map.remove();
  } catch {
    /* already gone */
  }
}

export const STATUS_COLOURS = {
  draft: '#7a7a7a',
  active: '#1b7f3b',
  paused: '#c77700',
  completed: '#2b5fa8',
  cancelled: '#a32020',
};
export { L };

export const NETWORK_COLOURS = { roadway: '#8a8f96', cycle_track: '#1e6fd9' };

// The visible box as "minLon,minLat,maxLon,maxLat".
function boxOf(map) {
  const b = map.getBounds();
  const clamp = (v, lim) => Math.max(-lim, Math.min(lim, v)).toFixed(6);
  return [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)].join(',');
}

// The data base layers, drawn beneath everything else and not clickable, reloaded for the
// visible box when the map moves: the imported street network (GET /api/v1/network) and,
// without tiles (offline), the city's imported base map (GET /api/v1/basemap: building
// footprints, kerbs, parks …). `onStatus(fc)` gets each network answer (truncated,
// network_segments); `search: true` adds the place search over the base map's names. Returns a
// function that stops it.
export function attachNetwork(map, { onStatus, search = false } = {}) {
  const stops = [];
  if (has('GET', '/api/v1/basemap') && map.getContainer().classList.contains('no-tiles')) stops.push(attachBasemap(map));
  if (search && has('GET', '/api/v1/places')) stops.push(placeSearch(map));
  if (has('GET', '/api/v1/network')) {
    map.createPane('network').style.zIndex = 350;
    const network = L.featureGroup().addTo(map);
    stops.push(
      followView(map, (box) => `/api/v1/network?bbox=${box}`, (fc) => {
        network.clearLayers();
        for (const f of fc.features || []) {
          const kind = f.properties && f.properties.kind === 'cycle_track' ? 'cycle_track' : 'roadway';
          const ll = ((f.geometry && f.geometry.coordinates) || []).map(([lon, lat]) => [lat, lon]);
          if (ll.length < 2) continue;
          network.addLayer(L.polyline(ll, { pane: 'network', interactive: false, color: NETWORK_COLOURS[kind], weight: kind === 'cycle_track' ? 3 : 4, opacity: 0.85, className: `network network-${kind}` }));
        }
        if (onStatus) onStatus(fc);
      }),
    );
  }
  return () => stops.forEach((stop) => stop());
}

// Asks `path(box)` for the visible box now and whenever the map moves, and hands each answer
// (only the latest one asked) to `draw`. Returns a function that stops it.
function followView(map, path, draw) {
  let stopped = false;
  let seq = 0;
  async function load() {
    if (stopped || !map.getContainer().isConnected) return;
    const mine = ++seq;
    let answer;
    try {
      answer = await get(path(boxOf(map)));
    } catch {
      return;
    }
    if (!stopped && mine === seq) draw(answer);
  }
  map.on('moveend', load);
  load();
  return () => {
    stopped = true;
    map.off('moveend', load);
  };
}

// The city's base map in a pane below the network: areas filled light, lines thin.
function attachBasemap(map) {
  map.createPane('basemap').style.zIndex = 300;
  const layer = L.geoJSON(null, {
    pane: 'basemap',
    interactive: false,
    pmIgnore: true,
    style: (f) => {
      const area = /Polygon/.test(f.geometry.type);
      return { color: '#b9b2a7', weight: area ? 1 : 2, fillColor: '#ddd7cd', fillOpacity: area ? 0.9 : 0, className: `basemap basemap-${area ? 'area' : 'line'}` };
    },
    pointToLayer: (_f, ll) => L.circleMarker(ll, { radius: 3, pane: 'basemap', interactive: false, className: 'basemap basemap-point' }),
  }).addTo(map);
  return followView(map, (box) => `/api/v1/basemap?bbox=${box}`, (fc) => {
    layer.clearLayers();
    layer.addData(fc.features || []);
  });
}

// A search box on the map over the base map's names (GET /api/v1/places): a street or place
// chosen from the list is fitted into view.
function placeSearch(map) {
  const box = L.DomUtil.create('div', 'leaflet-bar place-search');
  const input = L.DomUtil.create('input', '', box);
  input.type = 'search';
  input.id = `place-search-${L.stamp(map)}`;
  input.placeholder = t('map.search_place');
  input.setAttribute('aria-label', t('map.search_place'));
  const results = L.DomUtil.create('ul', 'place-results', box);
  results.setAttribute('role', 'listbox');
  L.DomEvent.disableClickPropagation(box);
  L.DomEvent.disableScrollPropagation(box);
  let timer = 0;
  let seq = 0;
  async function find() {
    const q = input.value.trim();
    const mine = ++seq;
    results.replaceChildren();
    if (q.length < 2) return;
    let answer;
    try {
      answer = await get(`/api/v1/places?q=${encodeURIComponent(q)}&limit=8`);
    } catch {
      return;
    }
    if (mine !== seq) return;
    if (!answer.places.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = t('map.no_place');
      results.append(li);
      return;
    }
    for (const p of answer.places) {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'place';
      button.textContent = p.name;
      button.addEventListener('click', () => {
        const [w, s, e, n] = p.bbox;
        map.fitBounds([[s, w], [n, e]], { maxZoom: 18, padding: [20, 20] });
        results.replaceChildren();
        input.value = p.name;
      });
      li.append(button);
      results.append(li);
    }
  }
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(find, 250);
  });
  const control = L.control({ position: 'topright' });
  control.onAdd = () => box;
  control.addTo(map);
  return () => {
    clearTimeout(timer);
    control.remove();
  };
}
