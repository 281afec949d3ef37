/** The per-token KL histogram as SVG, drawn by Vega-Lite (server-side, no DOM or canvas). */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Equal-width bins over [min, max] (values are pre-binned so a million tokens stay cheap). */
export function binValues(
  values: Float64Array,
  bins = 50,
): { start: number; end: number; count: number }[] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max >= min)) return [];
  const width = max > min ? (max - min) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
  }
  return counts.map((count, i) => ({ start: min + i * width, end: min + (i + 1) * width, count }));
}

/** An SVG histogram of `values` with the title given. */
export async function histogramSvg(values: Float64Array, title: string): Promise<string> {
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 560,
    height: 280,
    data: { values: binValues(values) },
    mark: { type: 'bar', color: '#4c78a8' },
    encoding: {
      x: {
        field: 'start',
        bin: { binned: true },
        type: 'quantitative',
        title: 'per-token KL divergence (nats)',
      },
      x2: { field: 'end' },
      y: { field: 'count', type: 'quantitative', title: 'tokens' },
    },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
