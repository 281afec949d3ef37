/**
 * The Vega-Lite panels of the per-token KL plots: the log-binned histogram and the cumulative
 * distribution, on one log10 axis, each with the median and the 99th percentile marked.
 */
import type { TopLevelSpec } from 'vega-lite';
import {
  booleanOpt,
  checkPlotOptions,
  checkValues,
  numberOpt,
  percentileSorted,
  stringOpt,
} from './check.js';
import { formatPower, formatValue, tokens } from './format.js';
import { type LogBins, logBins } from './log-bins.js';

/** Options of `klPlotSvg` and `klCdfSvg`. */
export interface KlPlotOptions {
  /** The title (default 'KL divergence per token'). */
  title?: string;
  /** The median KL, drawn as a rule (default: computed from `kl`, NumPy's linear method). */
  median?: number;
  /** The 99th percentile, drawn as a rule (default: computed from `kl` likewise). */
  p99?: number;
  /**
   * Tokens with infinite KL that `kl` does not hold (default 0); `+Infinity` entries of `kl`
   * are counted as well. They are reported in the subtitle and never drawn.
   */
  infiniteTokens?: number;
  /** `klPlotSvg` only: add the cumulative distribution as a second panel below the histogram. */
  cdf?: boolean;
  /** Bars per factor of ten (default 10). */
  binsPerDecade?: number;
  /**
   * The lowest bin edge (default: the power of ten below the smallest positive KL, at most 8
   * decades below the largest). KL below it, or exactly 0, goes to the grey underflow bar.
   */
  minKl?: number;
}

export const KL_PLOT_OPTIONS = [
  'title',
  'median',
  'p99',
  'infiniteTokens',
  'cdf',
  'binsPerDecade',
  'minKl',
] as const;

const WIDTH = 560;
const BAR = '#4c78a8';
const UNDERFLOW = '#9e9e9e';
const MEDIAN = '#f58518';
const P99 = '#e45756';

// vega-lite exports no type for a layer; the whole spec is typed where it is assembled
type Layer = Record<string, unknown>;

/** What both plots draw, checked and computed once. */
export interface KlPanels {
  title: string;
  /** By the first panel drawn: the histogram shows the underflow as a bar, the CDF does not. */
  subtitle: { histogram: string; cdf: string };
  histogram: Layer[];
  cdf: Layer[];
}

/** Checks `kl` and `options` for `fn` and builds the layers of both panels. */
export function klPanels(kl: unknown, options: unknown, fn: string): KlPanels {
  const values = checkValues(kl, fn, 'kl');
  const o = checkPlotOptions<KlPlotOptions>(options, KL_PLOT_OPTIONS, fn);
  const title = stringOpt(o.title, 'KL divergence per token', fn, 'title');
  const notNaN = (v: number) => !Number.isNaN(v);
  const extraInfinite = numberOpt(
    o.infiniteTokens,
    0,
    fn,
    'infiniteTokens',
    (v) => Number.isInteger(v) && v >= 0,
    'a non-negative integer',
  );
  const binsPerDecade = numberOpt(
    o.binsPerDecade,
    10,
    fn,
    'binsPerDecade',
    (v) => Number.isInteger(v) && v >= 1 && v <= 100,
    'an integer from 1 to 100',
  );
  const minKl = numberOpt(
    o.minKl,
    undefined,
    fn,
    'minKl',
    (v) => v > 0 && Number.isFinite(v),
    'a finite number > 0',
  );
  booleanOpt(o.cdf, fn, 'cdf');
  const b = logBins(values, { binsPerDecade, minKl }, fn);
  b.infinite += extraInfinite;
  b.total += extraInfinite;
  let median = numberOpt(o.median, undefined, fn, 'median', notNaN, 'a number (not NaN)');
  let p99 = numberOpt(o.p99, undefined, fn, 'p99', notNaN, 'a number (not NaN)');
  if (median === undefined || p99 === undefined) {
    const sorted = new Float64Array(b.total).fill(Number.POSITIVE_INFINITY);
    sorted.set(values);
    sorted.sort();
    median ??= percentileSorted(sorted, 50);
    p99 ??= percentileSorted(sorted, 99);
  }
  const subtitle = (where: string) =>
    [
      tokens(b.total),
      `${b.underflow} at 0 or < ${formatValue(10 ** b.lo)}${b.underflow > 0 ? ` (${where})` : ''}`,
      `${b.infinite} infinite${b.infinite > 0 ? ' (not drawn)' : ''}`,
    ].join(' · ');
  const axis = xAxis(b);
  // no tokens, no median: nothing to mark (a label never reads NaN)
  const marks = b.total > 0 ? markLayers(b, axis, median, p99) : [];
  return {
    title,
    subtitle: { histogram: subtitle('grey bar'), cdf: subtitle('where the curve starts') },
    histogram: [...histogramLayers(b, axis), ...marks],
    cdf: [cdfLayer(b, axis), ...marks],
  };
}

interface XAxis {
  domain: [number, number];
  ticks: number[];
  labelExpr: string;
  /** Centre of the underflow bar, when there is one. */
  underflowAt?: number;
}

/** log10 KL on a linear scale, ticks at the integer powers labelled as KL values. */
function xAxis(b: LogBins): XAxis {
  const ticks = Array.from({ length: b.hi - b.lo + 1 }, (_, i) => b.lo + i);
  // a chain of comparisons built here, so the labels do not depend on Vega's number formatting
  const labelExpr = ticks.reduceRight(
    (rest, k) => `datum.value === ${k} ? '${formatPower(k)}' : ${rest}`,
    "''",
  );
  return b.underflow > 0
    ? { domain: [b.lo - 1, b.hi], ticks, labelExpr, underflowAt: b.lo - 0.55 }
    : { domain: [b.lo, b.hi], ticks, labelExpr };
}

const X_TITLE = 'per-token KL divergence (nats, log scale)';

/** The x channel every layer shares (same scale, axis and title, so Vega-Lite merges them). */
function x(axis: XAxis, at: { field: string } | { datum: number }) {
  return {
    ...at,
    type: 'quantitative' as const,
    scale: { domain: axis.domain, nice: false, zero: false },
    axis: { values: axis.ticks, labelExpr: axis.labelExpr, grid: false },
    title: X_TITLE,
  };
}

const COUNT = {
  field: 'count',
  type: 'quantitative' as const,
  title: 'tokens',
  axis: { tickMinStep: 1, format: 'd' },
};

// a layer that draws from its encoding alone still needs one datum
const ONE = { values: [{}] };

function histogramLayers(b: LogBins, axis: XAxis): Layer[] {
  const bars = b.bins
    .filter((x) => x.count > 0)
    .map((x) => ({ x0: x.x0, x1: x.x1, count: x.count, kind: 'bin' }));
  if (axis.underflowAt !== undefined) {
    bars.push({ x0: b.lo - 0.8, x1: b.lo - 0.3, count: b.underflow, kind: 'underflow' });
  }
  const layers: Layer[] = [
    {
      data: { values: bars },
      mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x: { ...x(axis, { field: 'x0' }), bin: { binned: true } },
        x2: { field: 'x1' },
        y: COUNT,
        color: {
          condition: { test: "datum.kind === 'underflow'", value: UNDERFLOW },
          value: BAR,
        },
      },
    },
  ];
  if (axis.underflowAt !== undefined) {
    layers.push({
      data: {
        values: [
          { x: axis.underflowAt, count: b.underflow, label: `0 or < ${formatValue(10 ** b.lo)}` },
        ],
      },
      mark: { type: 'text', dy: -7, color: '#616161', fontSize: 10 },
      encoding: {
        x: x(axis, { field: 'x' }),
        y: COUNT,
        text: { field: 'label' },
      },
    });
  }
  return layers;
}

/** Fraction of all tokens (infinite ones included) with KL below each bin edge. */
function cdfLayer(b: LogBins, axis: XAxis): Layer {
  const total = Math.max(1, b.total);
  let below = b.underflow;
  const points = [{ x: b.lo, f: below / total }];
  // the underflow tokens sit at the underflow bar's place, as in the histogram
  if (axis.underflowAt !== undefined) points.unshift({ x: axis.underflowAt, f: below / total });
  for (const bin of b.bins) {
    below += bin.count;
    points.push({ x: bin.x1, f: below / total });
  }
  return {
    data: { values: points },
    mark: { type: 'line', color: BAR, strokeWidth: 2 },
    encoding: {
      x: x(axis, { field: 'x' }),
      y: {
        field: 'f',
        type: 'quantitative',
        scale: { domain: [0, 1] },
        axis: { format: '.0%' },
        title: 'tokens with smaller KL',
      },
    },
  };
}

/** The median and p99 rules with their labels; where each sits on the log axis. */
function markLayers(b: LogBins, axis: XAxis, median: number, p99: number): Layer[] {
  const { domain } = axis;
  const place = (v: number) => {
    if (v === Number.POSITIVE_INFINITY) return b.hi;
    if (!(v >= 10 ** b.lo)) return axis.underflowAt ?? b.lo; // on the underflow bar
    return Math.min(b.hi, Math.log10(v));
  };
  const rows = [
    { x: place(median), label: `median ${formatValue(median)}`, color: MEDIAN, y: 10 },
    { x: place(p99), label: `p99 ${formatValue(p99)}`, color: P99, y: 24 },
  ];
  const layers: Layer[] = [];
  for (const r of rows) {
    // a label near the right edge reads leftwards from its rule
    const right = (r.x - domain[0]) / (domain[1] - domain[0]) > 0.7;
    const at = x(axis, { datum: r.x });
    layers.push(
      {
        data: ONE,
        mark: { type: 'rule', color: r.color, strokeWidth: 2, strokeDash: [6, 3] },
        encoding: { x: at },
      },
      {
        data: ONE,
        mark: {
          type: 'text',
          color: r.color,
          align: right ? 'right' : 'left',
          dx: right ? -4 : 4,
          fontWeight: 'bold',
          fontSize: 11,
        },
        encoding: { x: at, y: { value: r.y }, text: { value: r.label } },
      },
    );
  }
  return layers;
}

/** The top-level spec around one or two panels. */
export function klSpec(p: KlPanels, panels: ('histogram' | 'cdf')[]): TopLevelSpec {
  const unit = (which: 'histogram' | 'cdf') => ({
    width: WIDTH,
    height: which === 'histogram' ? 280 : 200,
    layer: which === 'histogram' ? p.histogram : p.cdf,
  });
  const head = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    title: { text: p.title, subtitle: p.subtitle[panels[0]], anchor: 'start' as const },
  };
  return (panels.length === 1
    ? { ...head, ...unit(panels[0]) }
    : { ...head, vconcat: panels.map(unit), spacing: 24 }) as unknown as TopLevelSpec;
}
