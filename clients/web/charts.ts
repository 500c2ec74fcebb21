import { html, type SafeHtml } from './html';

/**
 * Small SVG charts drawn on the server (no chart library, nothing fetched, no script): a line of
 * values by month. Each has a title and description for screen readers and the page shows the same
 * figures as a table, so the chart is never the only way to read them.
 */

export interface Point {
  label: string;
  /** null: no data that month (a gap in the line). */
  value: number | null;
}

const W = 560;
const H = 200;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };

/** A line chart of `points` on a fixed scale `[min, max]`, the axis labelled with `format`. */
export function lineChart(opts: {
  id: string;
  title: string;
  description: string;
  points: readonly Point[];
  min: number;
  max: number;
  format: (v: number) => string;
}): SafeHtml {
  const { points, min, max } = opts;
  const x = (i: number) => PAD.left + (points.length <= 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (points.length - 1));
  const y = (v: number) => PAD.top + (1 - (v - min) / (max - min || 1)) * (H - PAD.top - PAD.bottom);
  // Segments of consecutive months with data: a month without any breaks the line rather than inventing a value.
  const segments: string[] = [];
  let current: string[] = [];
  points.forEach((p, i) => {
    if (p.value === null) {
      if (current.length) segments.push(current.join(' '));
      current = [];
      return;
    }
    current.push(`${x(i).toFixed(1)},${y(p.value).toFixed(1)}`);
  });
  if (current.length) segments.push(current.join(' '));
  const ticks = [min, (min + max) / 2, max];
  return html`<svg
    class="chart"
    viewBox="0 0 ${W} ${H}"
    width="${W}"
    height="${H}"
    role="img"
    aria-labelledby="${opts.id}-t ${opts.id}-d"
  >
    <title id="${opts.id}-t">${opts.title}</title>
    <desc id="${opts.id}-d">${opts.description}</desc>
    ${ticks.map(
      (t) =>
        html`<line
            x1="${PAD.left}"
            x2="${W - PAD.right}"
            y1="${y(t).toFixed(1)}"
            y2="${y(t).toFixed(1)}"
            stroke="#c8c8c8"
          />
          <text x="${PAD.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${opts.format(t)}</text>`,
    )}
    ${points.map((p, i) => html`<text x="${x(i).toFixed(1)}" y="${H - 8}" text-anchor="middle">${p.label}</text>`)}
    ${segments.map((pts) => html`<polyline points="${pts}" fill="none" stroke="#0b4f8a" stroke-width="2.5" />`)}
    ${points.map((p, i) =>
      p.value === null
        ? ''
        : html`<circle cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="4" fill="#0b4f8a" />`,
    )}
  </svg>`;
}
