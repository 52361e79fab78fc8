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

// A 24-bin time-of-day column chart (counts[0..23], local hours). Each bar carries a <title>
// (hover text) from `barText(hour, count)`; `title` is the accessible name. `small` draws a
// sparkline for a table cell (no axis labels).
export function hourChart(title, counts, { barText = (hr, n) => `${hr}: ${n}`, small = false, id, colour = '#2b5fa8' } = {}) {
  const bins = Array.from({ length: 24 }, (_, i) => Number(counts?.[i]) || 0);
  const max = Math.max(1, ...bins);
  const barW = small ? 5 : 20;
  const gap = small ? 1 : 4;
  const left = small ? 0 : 28;
  const top = small ? 1 : 8;
  const plotH = small ? 22 : 130;
  const bottom = small ? 1 : 22;
  const width = left + 24 * (barW + gap);
  const height = top + plotH + bottom;
  const el = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title, class: small ? 'chart hours spark' : 'chart hours', id });
  el.append(svg('title', { text: title }));
  if (small) el.append(svg('line', { x1: 0, y1: top + plotH + 0.5, x2: width, y2: top + plotH + 0.5, class: 'spark-base' }));
  if (!small) {
    el.append(
      svg('line', { x1: left - 2, y1: top + plotH, x2: width, y2: top + plotH, class: 'chart-axis' }),
      svg('text', { x: left - 6, y: top + 8, 'text-anchor': 'end', class: 'chart-label', text: String(max) }),
      svg('text', { x: left - 6, y: top + plotH, 'text-anchor': 'end', class: 'chart-label', text: '0' }),
    );
  }
  bins.forEach((n, hr) => {
    const x = left + hr * (barW + gap);
    const bh = n > 0 ? Math.max(small ? 2 : 3, (n / max) * plotH) : 0;
    if (!small) el.append(svg('rect', { x, y: top, width: barW, height: plotH, class: 'chart-track' }));
    const bar = svg('rect', { x, y: top + plotH - bh, width: barW, height: bh, fill: colour, class: 'hour-bar', 'data-hour': hr, 'data-count': n });
    bar.append(svg('title', { text: barText(hr, n) }));
    el.append(bar);
    if (!small && hr % 3 === 0) {
      el.append(svg('text', { x: x + barW / 2, y: top + plotH + 15, 'text-anchor': 'middle', class: 'chart-label', text: String(hr).padStart(2, '0') }));
    }
  });
  return el;
}
