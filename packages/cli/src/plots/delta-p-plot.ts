/** The histogram of Δp, the change in the probability of the actual next token, as SVG. */
import { ArgumentError } from 'kldiv';
import type { TopLevelSpec } from 'vega-lite';
import {
  checkPlotOptions,
  checkValues,
  nonFinite,
  numberOpt,
  percentileSorted,
  stringOpt,
} from './check.js';
import { formatValue, tokens } from './format.js';
import { renderSvg } from './render.js';

/** Options of {@link deltaPPlotSvg}. */
export interface DeltaPPlotOptions {
  /** The title (default 'Δp of the next token'). */
  title?: string;
  /** The x axis title (default 'Δp = p_compare(next token) − p_base(next token)'). */
  xTitle?: string;
  /** The median Δp, drawn as a rule (default: computed from `deltaP`, NumPy's linear method). */
  median?: number;
  /** Equal-width bins over [-1, 1] (default 40: 0.05 wide, with 0 as an edge). */
  bins?: number;
}

const KNOWN = ['title', 'xTitle', 'median', 'bins'] as const;
// probabilities from a softmax may overshoot 1 by a few ulps; more than this is a caller's bug
const SLACK = 1e-9;

/**
 * An SVG histogram of Δp on linear bins over [-1, 1], with the median drawn as a labelled rule
 * and the token count in the subtitle. Values outside [-1, 1] (beyond rounding) throw
 * `E_OUT_OF_SUPPORT`, NaN `E_NON_FINITE`. Vega-Lite draws it, loaded on first use.
 *
 * @example
 * ```ts
 * const dp = Float64Array.from({ length: 200 }, (_, i) => (i - 120) / 400);
 * const svg = await deltaPPlotSvg(dp, { title: 'Δp' });
 * console.log(svg.includes('median -0.0513'), svg.includes('200 tokens')); // true true
 * ```
 */
export async function deltaPPlotSvg(
  deltaP: Float64Array,
  options?: DeltaPPlotOptions,
): Promise<string> {
  const fn = 'deltaPPlotSvg';
  const values = checkValues(deltaP, fn, 'deltaP');
  const o = checkPlotOptions<DeltaPPlotOptions>(options, KNOWN, fn);
  const title = stringOpt(o.title, 'Δp of the next token', fn, 'title');
  const xTitle = stringOpt(
    o.xTitle,
    'Δp = p_compare(next token) − p_base(next token)',
    fn,
    'xTitle',
  );
  const n = numberOpt(
    o.bins,
    40,
    fn,
    'bins',
    (v) => Number.isInteger(v) && v >= 2 && v <= 1000,
    'an integer from 2 to 1000',
  );
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) nonFinite(fn, 'deltaP', i, v, 'Δp is a number in [-1, 1]');
    if (!(Math.abs(v) <= 1 + SLACK)) {
      throw new ArgumentError(
        `${fn}: argument 'deltaP' holds ${v} at index ${i}; a difference of probabilities lies in [-1, 1].`,
        { code: 'E_OUT_OF_SUPPORT', fn, argument: 'deltaP', received: v, torchType: 'ValueError' },
      );
    }
    counts[Math.min(n - 1, Math.max(0, Math.floor(((v + 1) / 2) * n)))]++;
  }
  let median = numberOpt(
    o.median,
    undefined,
    fn,
    'median',
    (v) => v >= -1 && v <= 1,
    'a number in [-1, 1]',
  );
  median ??= percentileSorted(Float64Array.from(values).sort(), 50);
  const width = 2 / n;
  const bars = counts.flatMap((count, i) =>
    count > 0 ? [{ x0: -1 + i * width, x1: -1 + (i + 1) * width, count }] : [],
  );
  const x = (at: { field: string } | { datum: number }) => ({
    ...at,
    type: 'quantitative' as const,
    scale: { domain: [-1, 1], nice: false, zero: false },
    axis: { values: [-1, -0.5, 0, 0.5, 1], grid: false },
    title: xTitle,
  });
  const layers: object[] = [
    {
      data: { values: bars },
      mark: { type: 'bar', color: '#4c78a8', stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x: { ...x({ field: 'x0' }), bin: { binned: true } },
        x2: { field: 'x1' },
        y: {
          field: 'count',
          type: 'quantitative',
          title: 'tokens',
          axis: { tickMinStep: 1, format: 'd' },
        },
      },
    },
  ];
  // no tokens, no median: nothing to mark (a label never reads NaN)
  if (!Number.isNaN(median)) {
    const at = x({ datum: median });
    const right = median > 0.4; // a label near the right edge reads leftwards from its rule
    layers.push(
      {
        data: { values: [{}] },
        mark: { type: 'rule', color: '#f58518', strokeWidth: 2, strokeDash: [6, 3] },
        encoding: { x: at },
      },
      {
        data: { values: [{}] },
        mark: {
          type: 'text',
          color: '#f58518',
          align: right ? 'right' : 'left',
          dx: right ? -4 : 4,
          fontWeight: 'bold',
          fontSize: 11,
        },
        encoding: { x: at, y: { value: 10 }, text: { value: `median ${formatValue(median)}` } },
      },
    );
  }
  return renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    title: { text: title, subtitle: tokens(values.length), anchor: 'start' },
    width: 560,
    height: 280,
    layer: layers,
  } as TopLevelSpec);
}
