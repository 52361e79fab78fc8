// Plain SVG charts: horizontal bars with a value label per row. Accessible: role="img" with a
// title, and every value is also in the table next to the chart.
import { svg } from './dom.js';

// rows: [{label, value, text}] with value in [0, max].
export function barChart(title, rows, { max = 1, width = 420, colour = '#2b5fa8', id } = {}) {
  const rowH = 22;
  const labelW = 170;
  const height = rows.length * rowH + 8;
  const el = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title, class: 'chart', id });
  el.append(svg('title', { text: title }));
  rows.forEach((r, i) => {
    const y = 4 + i * rowH;
    const w = max > 0 ? Math.max(0, Math.min(1, (r.value ?? 0) / max)) * (width - labelW - 60) : 0;
    el.append(
      svg('text', { x: labelW - 6, y: y + 14, 'text-anchor': 'end', class: 'chart-label', text: r.label }),
      svg('rect', { x: labelW, y: y + 3, width: width - labelW - 60, height: rowH - 8, class: 'chart-track' }),
      svg('rect', { x: labelW, y: y + 3, width: w, height: rowH - 8, fill: r.colour || colour }),
      svg('text', { x: labelW + w + 4, y: y + 14, class: 'chart-value', text: r.text }),
    );
  });
  return el;
}
