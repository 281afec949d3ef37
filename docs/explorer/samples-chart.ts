/**
 * The chart of the "KL divergence from samples" section: estimates against n on a log axis,
 * interval whiskers, and the closed form as a dashed line. It draws numbers it is given.
 */

const SVG = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with `attrs` under `parent`. */
export function svgEl(
  tag: string,
  attrs: Record<string, string | number>,
  parent: Element,
): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent.appendChild(e);
  return e;
}

/** One estimate at one n, with its interval if it has one. */
export interface ChartPoint {
  n: number;
  value: number;
  lower?: number;
  upper?: number;
}

/** One estimator's points. */
export interface ChartSeries {
  id: string;
  color: string;
  points: ChartPoint[];
}

/** Round tick values between lo and hi, three to seven of them. */
export function ticks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 6;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) out.push(+t.toFixed(12));
  return out;
}

/**
 * Draws `series` against n (x axis: log scale over `sizes`) into `svg` (640 x 260), with the
 * closed form `closed` as a dashed line when it is finite. Series sit side by side around each
 * n so that their whiskers do not overlap.
 */
export function drawEstimates(
  svg: SVGSVGElement,
  sizes: readonly number[],
  series: readonly ChartSeries[],
  closed: number | null,
): void {
  svg.replaceChildren();
  const [w, h] = [640, 260];
  const [left, right, top, bottom] = [52, 24, 14, 40];
  const line = closed !== null && Number.isFinite(closed) ? closed : null;
  const ys = series.flatMap((s) =>
    s.points.flatMap((p) => [p.value, p.lower ?? p.value, p.upper ?? p.value]),
  );
  const finite = [...ys, ...(line === null ? [] : [line])].filter(Number.isFinite);
  const lo0 = Math.min(0, ...finite);
  const hi0 = Math.max(0.1, ...finite);
  const pad = (hi0 - lo0) * 0.06;
  const [lo, hi] = [lo0 - pad, hi0 + pad];
  const [first, last] = [Math.log10(sizes[0]), Math.log10(sizes[sizes.length - 1])];
  // the series sit up to 11 px either side of their n: keep them clear of the axis labels
  const inset = 18;
  const x = (n: number) =>
    left + inset + ((Math.log10(n) - first) / (last - first)) * (w - left - right - 2 * inset);
  const y = (v: number) => top + ((hi - v) / (hi - lo)) * (h - top - bottom);
  const small = { 'font-size': 11 };
  for (const t of ticks(lo, hi)) {
    const stroke = t === 0 ? '#bbb' : '#eee';
    svgEl('line', { x1: left, x2: w - right, y1: y(t), y2: y(t), stroke }, svg);
    svgEl('text', { ...small, x: left - 6, y: y(t) + 4, 'text-anchor': 'end' }, svg).append(
      String(t),
    );
  }
  for (const n of sizes) {
    const label = n >= 1000 ? `${n / 1000}k` : String(n);
    const at = { ...small, x: x(n), y: h - bottom + 16, 'text-anchor': 'middle' };
    svgEl('text', at, svg).append(label);
  }
  const middle = { ...small, x: (left + w - right) / 2, y: h - 6, 'text-anchor': 'middle' };
  svgEl('text', middle, svg).append('n = m (log scale)');
  svgEl('text', { ...small, x: 4, y: 10 }, svg).append('nats');
  if (line !== null) {
    const dashed = { x1: left, x2: w - right, y1: y(line), y2: y(line), stroke: '#222' };
    svgEl('line', { ...dashed, 'stroke-dasharray': '6 4', 'stroke-width': 1.5 }, svg).id =
      's-closed-line';
  }
  series.forEach((s, i) => {
    const dx = (i - (series.length - 1) / 2) * 7;
    for (const p of s.points) {
      if (!Number.isFinite(p.value)) continue;
      const cx = x(p.n) + dx;
      if (p.lower !== undefined && p.upper !== undefined) {
        const whisker = { stroke: s.color, 'stroke-width': 1.5 };
        svgEl('line', { ...whisker, x1: cx, x2: cx, y1: y(p.lower), y2: y(p.upper) }, svg);
        for (const v of [p.lower, p.upper]) {
          svgEl('line', { ...whisker, x1: cx - 3, x2: cx + 3, y1: y(v), y2: y(v) }, svg);
        }
      }
      const dot = svgEl('circle', { cx, cy: y(p.value), r: 3.5, fill: s.color }, svg);
      Object.assign(dot.dataset, { n: String(p.n), estimator: s.id });
    }
  });
}
