// Leaflet as the global `L`: the drawing plugin (leaflet-geoman) is a classic script that
// extends window.L, so this module must be evaluated before it is imported (map.js does so).
import L from 'leaflet';

window.L = L;
export default L;
