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

// The imported street network (GET /api/v1/network for the visible box, reloaded when the map
// moves) drawn beneath everything else and not clickable: without tiles (offline) it is the
// base map. `onStatus(fc)` gets each answer (truncated, network_segments). Returns a function
// that stops it.
export function attachNetwork(map, { onStatus } = {}) {
  if (!has('GET', '/api/v1/network')) return () => {};
  map.createPane('network').style.zIndex = 350;
  const network = L.featureGroup().addTo(map);
  let stopped = false;
  let seq = 0;
  async function load() {
    if (stopped || !map.getContainer().isConnected) return;
    const mine = ++seq;
    const b = map.getBounds();
    const clamp = (v, lim) => Math.max(-lim, Math.min(lim, v)).toFixed(6);
    const bbox = [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)].join(',');
    let fc;
    try {
      fc = await get(`/api/v1/network?bbox=${bbox}`);
    } catch {
      return;
    }
    if (stopped || mine !== seq) return;
    network.clearLayers();
    for (const f of fc.features || []) {
      const kind = f.properties && f.properties.kind === 'cycle_track' ? 'cycle_track' : 'roadway';
      const ll = ((f.geometry && f.geometry.coordinates) || []).map(([lon, lat]) => [lat, lon]);
      if (ll.length < 2) continue;
      network.addLayer(L.polyline(ll, { pane: 'network', interactive: false, color: NETWORK_COLOURS[kind], weight: kind === 'cycle_track' ? 3 : 4, opacity: 0.85, className: `network network-${kind}` }));
    }
    if (onStatus) onStatus(fc);
  }
  map.on('moveend', load);
  load();
  return () => {
    stopped = true;
    map.off('moveend', load);
  };
}
