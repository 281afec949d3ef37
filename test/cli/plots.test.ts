/**
 * The plots of `kldiv logits` on a heavy-tailed sample: 2000 seeded log-normal per-token KL
 * values spanning about 1e-6 to 10, with exact zeros and infinite tokens. The SVG text is
 * checked everywhere (marks, labels, counts, never NaN); where Chromium is available the SVG
 * is also rendered and the drawing measured: tick labels evenly spaced on the log axis, the
 * median and p99 rules where their values fall, more than 10 non-empty bars, and a CDF that
 * rises to the finite share of tokens and crosses 50 % at the median. Expected values come
 * from the sample itself, computed here (NumPy's linear percentiles, bins counted by hand).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KLDivError } from 'kldiv';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deltaPPlotSvg, klCdfSvg, klPlotSvg } from '../../packages/cli/src/plots/index.js';
import { browserAvailable, launchChromium } from '../helpers/browser.js';
import { numbers } from '../helpers/random.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const artefacts = join(root, '.vitest-artifacts');

/** Standard normal draws by Box-Muller from seeded uniforms. */
function normals(n: number, seed: number): Float64Array {
  const u = numbers(2 * n, seed, 0.5).map((v) => 0.5 - v); // (0, 1]
  return Float64Array.from(
    { length: n },
    (_, i) => Math.sqrt(-2 * Math.log(u[2 * i])) * Math.cos(2 * Math.PI * u[2 * i + 1]),
  );
}

// log10 KL ~ Normal(-2.5, 1): median about 3e-3, 99th percentile about 0.6, tail past 1
const ZEROS = 6;
const INFINITE = 2;
const kl = normals(2000, 18).map((z, i) =>
  i < ZEROS ? 0 : i < ZEROS + INFINITE ? Number.POSITIVE_INFINITY : 10 ** (-2.5 + z),
);

/** NumPy's default percentile (linear between order statistics), written out here. */
function percentile(values: ArrayLike<number>, q: number): number {
  const s = Array.from(values).sort((a, b) => a - b);
  const at = (q / 100) * (s.length - 1);
  const [lo, hi] = [s[Math.floor(at)], s[Math.ceil(at)]];
  return lo === hi ? lo : lo + (hi - lo) * (at - Math.floor(at));
}

// the axis as documented: integer decades from the smallest positive KL's (at most 8 below
// the largest's) up to the largest's; 10 bins per decade; 0 and anything lower is underflow
const finite = Array.from(kl).filter((v) => v > 0 && Number.isFinite(v));
const HI = Math.ceil(Math.log10(Math.max(...finite)));
const LO = Math.max(Math.floor(Math.log10(Math.min(...finite))), HI - 8);
const underflow = Array.from(kl).filter((v) => v < 10 ** LO).length;
const nonEmptyBins = new Set(
  finite
    .filter((v) => v >= 10 ** LO)
    .map((v) => Math.min(10 * (HI - LO) - 1, Math.floor(10 * (Math.log10(v) - LO)))),
).size;
const MEDIAN = percentile(kl, 50);
const P99 = percentile(kl, 99);
const tickLabel = (k: number) => (k >= -2 && k <= 3 ? String(10 ** k) : `1e${k}`);
const ticks = Array.from({ length: HI - LO + 1 }, (_, i) => LO + i);

// Δp: probabilities of the next token change by a few hundredths, now and then by much more
const deltaP = normals(2000, 7).map((z) => Math.max(-1, Math.min(1, 0.1 * z - 0.02)));
const DP_MEDIAN = percentile(deltaP, 50);
const dpBins = new Set(Array.from(deltaP, (v) => Math.min(39, Math.floor(((v + 1) / 2) * 40))))
  .size;

/** The number in a `<text>` that starts with `prefix` (the SVG escapes nothing in numbers). */
function labelled(svg: string, prefix: string): number {
  const m = new RegExp(`>${prefix} ([^<]+)<`).exec(svg);
  expect(m, `a '${prefix}' label`).not.toBeNull();
  return Number(m![1]);
}

/** The `<path>`s of the first group of a mark type, e.g. the bars of the histogram. */
function markPaths(svg: string, mark: 'rect' | 'line'): string[] {
  const group = new RegExp(`<g class="mark-${mark} role-mark[^"]*"[^>]*>(.*?)</g>`).exec(svg);
  expect(group, `a mark-${mark} group`).not.toBeNull();
  return [...group![1].matchAll(/<path [^>]*\/>/g)].map((m) => m[0]);
}

/** The x of each tick of the first bottom axis, in the panel's coordinates. */
function svgTicksX(svg: string): number[] {
  for (const g of svg.matchAll(/<g class="mark-rule role-axis-tick"[^>]*>(.*?)<\/g>/g)) {
    const ticks = [...g[1].matchAll(/<line transform="translate\(([-\d.e]+),0\)" x2="0"/g)];
    if (ticks.length > 0) return ticks.map((m) => Number(m[1]));
  }
  throw new Error('no bottom axis');
}

/** The x of every data rule drawn in `stroke`, in the panel's coordinates. */
function svgRulesX(svg: string, stroke: string): number[] {
  return [...svg.matchAll(/<g class="mark-rule role-mark[^>]*>(.*?)<\/g>/g)].flatMap((g) =>
    [...g[1].matchAll(/<line transform="translate\(([-\d.e]+),0\)"[^>]*stroke="([^"]+)"/g)]
      .filter((m) => m[2] === stroke)
      .map((m) => Number(m[1])),
  );
}

let histogram = '';
let both = '';
let cdf = '';
let dp = '';

beforeAll(async () => {
  const opts = { title: 'KL(base || compare) per token', median: MEDIAN, p99: P99 };
  histogram = await klPlotSvg(kl, opts);
  both = await klPlotSvg(kl, { ...opts, cdf: true });
  cdf = await klCdfSvg(kl, { title: 'cumulative' }); // median and p99 computed by the plot
  dp = await deltaPPlotSvg(deltaP, { title: 'Δp of the next token' });
  mkdirSync(artefacts, { recursive: true });
  writeFileSync(join(artefacts, 'cli-kl-histogram-cdf.svg'), both);
  writeFileSync(join(artefacts, 'cli-delta-p.svg'), dp);
}, 60_000);

describe('the sample is heavy-tailed as intended', () => {
  test('spans 1e-6 to 10 with its zeros and infinities', () => {
    expect(LO).toBeLessThanOrEqual(-6);
    expect(HI).toBeGreaterThanOrEqual(1);
    expect(P99 / MEDIAN).toBeGreaterThan(100); // the tail the log axis is for
    expect(underflow).toBeGreaterThanOrEqual(ZEROS);
  });
});

describe('the SVG text (no browser needed)', () => {
  test('the histogram: axis, ticks, median and p99 labels, counts, bars, never NaN', () => {
    for (const svg of [histogram, both]) {
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('per-token KL divergence (nats, log scale)');
      for (const k of ticks) expect(svg).toContain(`>${tickLabel(k)}<`);
      // 3 significant digits: relative error at most 5e-3
      expect(Math.abs(labelled(svg, 'median') / MEDIAN - 1)).toBeLessThan(5e-3);
      expect(Math.abs(labelled(svg, 'p99') / P99 - 1)).toBeLessThan(5e-3);
      expect(svg).toContain(`2000 tokens · ${underflow} at 0 or &lt; ${tickLabel(LO)} (grey bar)`);
      expect(svg).toContain(`${INFINITE} infinite (not drawn)`);
      expect(svg).toContain(`>0 or &lt; ${tickLabel(LO)}<`); // the underflow bar's label
      expect(svg).not.toMatch(/NaN/);
      // the rules at log10 of their values, against the axis's decade ticks (0.5 px: rounding)
      const tickX = svgTicksX(svg);
      expect(tickX).toHaveLength(HI - LO + 1);
      const decade = (tickX.at(-1)! - tickX[0]) / (HI - LO);
      const xOf = (v: number) => tickX[0] + (Math.log10(v) - LO) * decade;
      for (const [value, stroke] of [
        [MEDIAN, '#f58518'],
        [P99, '#e45756'],
      ] as const) {
        const rules = svgRulesX(svg, stroke);
        expect(rules.length).toBeGreaterThan(0);
        for (const x of rules) expect(Math.abs(x - xOf(value))).toBeLessThan(0.5);
      }
      // one path per non-empty bin, plus the underflow bar
      expect(markPaths(svg, 'rect')).toHaveLength(nonEmptyBins + 1);
      expect(nonEmptyBins).toBeGreaterThan(10);
    }
    expect(histogram).not.toContain('mark-line');
  });

  test('the CDF: a second panel, or alone with the marks computed by the plot', () => {
    for (const svg of [both, cdf]) {
      const [line] = markPaths(svg, 'line');
      // a point per bin edge, plus one where the underflow bar stands
      const points = /d="([^"]+)"/.exec(line)![1].match(/[ML]/g)!;
      expect(points).toHaveLength(10 * (HI - LO) + 2);
      expect(svg).toContain('tokens with smaller KL');
      expect(svg).not.toMatch(/NaN/);
    }
    expect(Math.abs(labelled(cdf, 'median') / MEDIAN - 1)).toBeLessThan(5e-3);
    expect(Math.abs(labelled(cdf, 'p99') / P99 - 1)).toBeLessThan(5e-3);
    expect(cdf).toContain(`${underflow} at 0 or &lt; ${tickLabel(LO)} (where the curve starts)`);
  });

  test('Δp: bars on [-1, 1] and the median', () => {
    expect(dp).toContain('Δp = p_compare(next token) − p_base(next token)');
    expect(dp).toContain('2000 tokens');
    expect(markPaths(dp, 'rect')).toHaveLength(dpBins);
    const [left, , , , right] = svgTicksX(dp); // ticks at -1, -0.5, 0, 0.5, 1
    const [rule] = svgRulesX(dp, '#f58518');
    expect(Math.abs(rule - (left + ((DP_MEDIAN + 1) / 2) * (right - left)))).toBeLessThan(0.5);
    expect(Math.abs(labelled(dp, 'median') - DP_MEDIAN)).toBeLessThan(5e-3 * Math.abs(DP_MEDIAN));
    expect(dp).not.toMatch(/NaN/);
  });

  test('bad input throws kldiv errors naming the function and the argument', async () => {
    const code = async (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e) => (e instanceof KLDivError ? `${e.code} ${e.fn} ${e.argument}` : String(e)),
      );
    expect(await code(klPlotSvg(new Float64Array([1, Number.NaN])))).toBe(
      'E_NON_FINITE klPlotSvg kl',
    );
    expect(await code(klCdfSvg(new Float64Array([-Infinity])))).toBe('E_NON_FINITE klCdfSvg kl');
    expect(await code(klPlotSvg(kl, { cfd: true } as never))).toBe(
      'E_UNKNOWN_OPTION klPlotSvg cfd',
    );
    expect(await code(klPlotSvg(kl, { median: Number.NaN }))).toBe(
      'E_OPTION_RANGE klPlotSvg median',
    );
    expect(await code(deltaPPlotSvg(new Float64Array([0.5, -1.5])))).toBe(
      'E_OUT_OF_SUPPORT deltaPPlotSvg deltaP',
    );
  });

  test('edge cases draw without NaN: all zero, no tokens, only infinite', async () => {
    const zeros = await klPlotSvg(new Float64Array(5), { cdf: true });
    expect(zeros).toContain('5 tokens · 5 at 0 or &lt; 1e-6 (grey bar) · 0 infinite');
    expect(zeros).toContain('>median 0<');
    const none = await klPlotSvg(new Float64Array(0), { cdf: true });
    expect(none).toContain('0 tokens');
    expect(none).not.toContain('>median');
    const inf = await klCdfSvg(new Float64Array([Infinity, Infinity]));
    expect(inf).toContain('>p99 ∞<');
    expect(inf).toContain('2 infinite (not drawn)');
    for (const svg of [zeros, none, inf, await deltaPPlotSvg(new Float64Array(0))]) {
      expect(svg).not.toMatch(/NaN/);
    }
  });
});

interface Drawn {
  texts: { text: string; x: number; left: number }[];
  /** Each axis: its tick labels and where its tick marks are (x for a bottom axis, else y). */
  axes: { labels: string[]; at: number[] }[];
  rects: { height: number }[][];
  rules: { stroke: string; x: number }[];
  lines: { d: string; top: number }[];
}

/** Renders `svg` in the page and measures its marks in CSS pixels. */
async function draw(
  page: import('playwright-core').Page,
  svg: string,
  name: string,
): Promise<Drawn> {
  await page.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
  await page.screenshot({ path: join(artefacts, `${name}.png`) });
  return page.evaluate(() => {
    const box = (e: Element) => e.getBoundingClientRect();
    const cx = (e: Element) => box(e).left + box(e).width / 2;
    const cy = (e: Element) => box(e).top + box(e).height / 2;
    return {
      texts: Array.from(document.querySelectorAll('text'), (t) => ({
        text: t.textContent ?? '',
        x: cx(t),
        left: box(t).left,
      })),
      axes: Array.from(document.querySelectorAll('g.role-axis'), (a) => {
        const ticks = Array.from(a.querySelectorAll('g.role-axis-tick line'));
        const vertical = ticks.length > 0 && box(ticks[0]).height > box(ticks[0]).width;
        return {
          labels: Array.from(
            a.querySelectorAll('g.role-axis-label text'),
            (t) => t.textContent ?? '',
          ),
          at: ticks.map((t) => (vertical ? cx(t) : cy(t))),
        };
      }),
      rects: Array.from(document.querySelectorAll('g.mark-rect.role-mark'), (g) =>
        Array.from(g.querySelectorAll('path'), (p) => ({ height: box(p).height })),
      ),
      rules: Array.from(document.querySelectorAll('g.mark-rule.role-mark line'), (l) => ({
        stroke: l.getAttribute('stroke') ?? '',
        x: cx(l),
      })),
      lines: Array.from(document.querySelectorAll('g.mark-line path'), (p) => ({
        d: p.getAttribute('d') ?? '',
        top: box(p).top,
      })),
    };
  });
}

/** Where the axis with tick label `label` puts each of `labels`. */
function tickPositions(d: Drawn, labels: string[]): number[][] {
  const axes = d.axes.filter((a) => a.labels.includes(labels[0]));
  expect(axes.length, `an axis labelled ${labels[0]}`).toBeGreaterThan(0);
  return axes.map((a) => {
    expect(a.at).toHaveLength(a.labels.length);
    return labels.map((l) => {
      expect(a.labels, `tick label ${l}`).toContain(l);
      return a.at[a.labels.indexOf(l)];
    });
  });
}

describe.skipIf(!browserAvailable)('rendered in headless Chromium', () => {
  let browser: import('playwright-core').Browser;
  beforeAll(async () => {
    browser = await launchChromium(['--disable-gpu']);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  test('histogram and CDF: log axis, marks where their values fall, bars, the CDF path', async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 700 } });
    const d = await draw(page, both, 'cli-kl-histogram-cdf');
    // both panels' x axes: a tick per decade, labelled as KL, evenly spaced, the same in both
    const [tickX, cdfTickX] = tickPositions(d, ticks.map(tickLabel));
    expect(cdfTickX).toEqual(tickX);
    const decade = (tickX.at(-1)! - tickX[0]) / (HI - LO);
    expect(decade).toBeGreaterThan(20);
    for (const [i, x] of tickX.entries())
      expect(Math.abs(x - (tickX[0] + i * decade))).toBeLessThan(0.5);
    const xOf = (v: number) => tickX[0] + (Math.log10(v) - LO) * decade;

    // more than 10 non-empty bars, as many as non-empty bins (+ the underflow bar)
    const bars = d.rects[0].filter((r) => r.height > 0.5);
    expect(bars.length).toBeGreaterThan(10);
    expect(bars).toHaveLength(nonEmptyBins + 1);

    // each rule twice (both panels), at log10 of its value; its label beside it (1.5 px: the
    // rule's stroke width and rounding of text boxes)
    for (const [value, stroke, prefix] of [
      [MEDIAN, '#f58518', 'median'],
      [P99, '#e45756', 'p99'],
    ] as const) {
      const rules = d.rules.filter((r) => r.stroke === stroke);
      expect(rules, prefix).toHaveLength(2);
      for (const r of rules) expect(Math.abs(r.x - xOf(value))).toBeLessThan(1.5);
      const label = d.texts.find((t) => t.text.startsWith(`${prefix} `))!;
      expect(Math.abs(label.left - rules[0].x) < 12 || label.x < rules[0].x).toBe(true);
    }

    // the CDF: rises monotonically to the finite share and crosses 50 % at the median
    expect(d.lines).toHaveLength(1);
    const pts = [...d.lines[0].d.matchAll(/[ML]([-\d.e]+),([-\d.e]+)/g)].map((m) => ({
      x: Number(m[1]),
      y: Number(m[2]),
    }));
    expect(pts).toHaveLength(10 * (HI - LO) + 2);
    for (let i = 1; i < pts.length; i++) expect(pts[i].y).toBeLessThanOrEqual(pts[i - 1].y);
    const [[y0, y100]] = tickPositions(d, ['0%', '100%']);
    const share = (y: number) => (y0 - y) / (y0 - y100);
    // path coordinates are the panel's; its box's top on the page is its highest point
    const pageY = (y: number) => y + d.lines[0].top - Math.min(...pts.map((p) => p.y));
    expect(Math.abs(share(pageY(pts.at(-1)!.y)) - (2000 - INFINITE) / 2000)).toBeLessThan(0.01);
    expect(Math.abs(share(pageY(pts[0].y)) - underflow / 2000)).toBeLessThan(0.01);
    const cross = pts.findIndex((p) => share(pageY(p.y)) >= 0.5);
    const xPanel = (x: number) => x - pts[1].x + tickX[0]; // pts[1] is at LO, the first tick
    expect(xPanel(pts[cross - 1].x)).toBeLessThanOrEqual(xOf(MEDIAN) + 1);
    expect(xPanel(pts[cross].x)).toBeGreaterThanOrEqual(xOf(MEDIAN) - 1);
    await page.close();
  });

  test('Δp: bars on [-1, 1] and the median rule where the median falls', async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 420 } });
    const d = await draw(page, dp, 'cli-delta-p');
    const [[left, right]] = tickPositions(d, ['−1.0', '1.0']);
    const bars = d.rects[0].filter((r) => r.height > 0.5);
    expect(bars.length).toBeGreaterThan(10);
    expect(bars).toHaveLength(dpBins);
    expect(d.rules).toHaveLength(1);
    const [rule] = d.rules;
    expect(Math.abs(rule.x - (left + ((DP_MEDIAN + 1) / 2) * (right - left)))).toBeLessThan(1.5);
    expect(d.texts.some((t) => t.text.startsWith('median '))).toBe(true);
    await page.close();
  });
});
