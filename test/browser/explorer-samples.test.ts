/**
 * The explorer's "KL divergence from samples" section (docs/explorer/samples-section.ts) in
 * headless Chromium: the closed form next to the seeded estimates for the default n, the same
 * numbers as kldiv computes on the same seeded samples, the k-NN estimate at n = 1e4 close to
 * the closed form, and recomputation when n, a distribution or the seed changes.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  Laplace,
  MultivariateNormal,
  Normal,
  RandomGenerator,
} from '../../src/distributions/index.js';
import {
  binnedDivergence,
  klDivergenceFromCounts,
  knnKLDivergence,
  perezCruzKLDivergence,
} from '../../src/samples/index.js';
import { browserAvailable, buildPage, launchChromium, serveStatic } from '../helpers/browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let server: Server;
let url = '';

beforeAll(async () => {
  const out = await buildPage(join(root, 'docs', 'explorer', 'vite.config.ts'));
  ({ url, server } = await serveStatic(out, join(out, 'index.html')));
}, 120_000);

afterAll(() => {
  server?.close();
});

/** KL(N(m1, s1) || N(m2, s2)) = log(s2 / s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2. */
const klNormal = (m1: number, s1: number, m2: number, s2: number) =>
  Math.log(s2 / s1) + (s1 ** 2 + (m1 - m2) ** 2) / (2 * s2 ** 2) - 0.5;

/**
 * KL(N(0, 1) || Laplace(a, 1)) = -H(N(0, 1)) + log 2 + E|X - a|, E|X - a| by Simpson's rule on
 * [-12, 12] (the tail beyond is below 1e-30).
 */
function klNormalLaplace(a: number): number {
  const steps = 24_000;
  const h = 24 / steps;
  let s = 0;
  for (let i = 0; i <= steps; i++) {
    const x = -12 + i * h;
    const f = (Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)) * Math.abs(x - a);
    s += (i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2) * f;
  }
  return -0.5 * Math.log(2 * Math.PI * Math.E) + Math.log(2) + (s * h) / 3;
}

const SIZES = [100, 300, 1000, 3000, 10000];

/**
 * The page's number against kldiv's on the same samples here. Not bitwise: Chromium's Math.log
 * differs from Node's in the last bit for some arguments (Math.log(1.2345678) is
 * 0.21072094931564925 in Chromium, 0.21072094931564922 in Node), which moves the draws and the
 * estimates by ~1e-15. A wrong seed, n, k or bin count moves them by more than 1e-4.
 */
function same(got: number, want: number, what: string): void {
  if (!Number.isFinite(want)) expect(got, what).toBe(want);
  else expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThan(1e-9);
}

async function settled(page: Page): Promise<void> {
  await page.waitForSelector('#samples[data-state="done"]', { timeout: 20_000 });
}

/** The table's cells: n -> estimator -> { value, lower, upper, text } (value NaN: no number). */
async function table(page: Page) {
  const cells = await page.$$eval('#s-table td', (tds) =>
    tds.map((td) => ({
      n: Number((td as HTMLElement).dataset.n),
      id: (td as HTMLElement).dataset.estimator ?? '',
      value: Number((td as HTMLElement).dataset.value ?? Number.NaN),
      lower: Number((td as HTMLElement).dataset.lower ?? Number.NaN),
      upper: Number((td as HTMLElement).dataset.upper ?? Number.NaN),
      text: td.textContent ?? '',
    })),
  );
  const out = new Map<number, Record<string, (typeof cells)[number]>>();
  for (const c of cells) out.set(c.n, { ...out.get(c.n), [c.id]: c });
  return out;
}

/** The page's estimates recomputed here: the same seeded draws, first n of 1e4 points each. */
function expected(p: Normal, q: Normal | Laplace, seed: number, n: number) {
  const rng = new RandomGenerator(seed);
  const x = Float64Array.from(p.sample([10000], { rng }).data).subarray(0, n);
  const y = Float64Array.from(q.sample([10000], { rng }).data).subarray(0, n);
  const knn = (k: number) => knnKLDivergence(x, y, { k, bootstrap: { resamples: 50, seed } });
  const h = binnedDivergence(x, y, { measure: 'kl', bins: 20 });
  return {
    knn1: knn(1),
    knn5: knn(5),
    perezCruz: perezCruzKLDivergence(x, y).estimate,
    histogram: h.value,
    smoothed: klDivergenceFromCounts(h.referenceCounts, h.currentCounts, { smoothing: 'jeffreys' })
      .estimate,
  };
}

test.skipIf(!browserAvailable)(
  'the samples section estimates KL from seeded samples and converges to the closed form',
  async () => {
    const browser = await launchChromium(['--disable-gpu']);
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 2400 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      await settled(page);

      // the default pair, N(0, 1) and N(1, 1.5), its closed form, and the seed on the page
      const closed = Number(await page.getAttribute('#s-closed', 'data-value'));
      expect(Math.abs(closed - klNormal(0, 1, 1, 1.5))).toBeLessThan(1e-12);
      expect(await page.textContent('#s-closed')).toBe('0.3499');
      expect(await page.inputValue('#s-seed')).toBe('2024');
      expect(await page.getAttribute('#s-sizes button[data-n="1000"]', 'aria-pressed')).toBe(
        'true',
      );

      // default n = 1000: rows 100, 300, 1000, each number the one kldiv gives on those samples
      const p = new Normal({ loc: 0, scale: 1 });
      const q = new Normal({ loc: 1, scale: 1.5 });
      let rows = await table(page);
      expect([...rows.keys()]).toEqual([100, 300, 1000]);
      for (const n of [100, 300, 1000]) {
        const want = expected(p, q, 2024, n);
        const got = rows.get(n)!;
        for (const k of ['knn1', 'knn5'] as const) {
          same(got[k].value, want[k].estimate, `${k} at n = ${n}`);
          same(got[k].lower, want[k].ci!.lower, `${k} lower at n = ${n}`);
          same(got[k].upper, want[k].ci!.upper, `${k} upper at n = ${n}`);
          expect(got[k].text).toContain(`[${want[k].ci!.lower.toFixed(4)}, `);
        }
        same(got.perezCruz.value, want.perezCruz, `Pérez-Cruz at n = ${n}`);
        same(got.histogram.value, want.histogram, `histogram at n = ${n}`);
        same(got.smoothed.value, want.smoothed, `smoothed histogram at n = ${n}`);
        expect(Number.isFinite(want.smoothed)).toBe(true);
        if (want.histogram === Number.POSITIVE_INFINITY) {
          expect(got.histogram.text).toMatch(/^Infinity \(\d+ empty in Q\)$/);
        }
      }
      // the chart: 4 series x 3 sizes, and the closed form as a line
      expect(await page.locator('#s-chart circle').count()).toBe(12);
      expect(await page.locator('#s-closed-line').count()).toBe(1);

      // n up to 1e4: two more rows; the k-NN estimates are near the closed form there
      await page.click('#s-sizes button[data-n="10000"]');
      await settled(page);
      rows = await table(page);
      expect([...rows.keys()]).toEqual(SIZES);
      expect(await page.locator('#s-chart circle[data-n="10000"]').count()).toBe(4);
      // Tolerances: 4 standard deviations of each estimator for this pair at n = m = 1e4,
      // measured over seeds 1..100 (sd 0.0185 for k = 1, 0.0106 for k = 5, 0.0147 for
      // Pérez-Cruz; their means within 0.0015 of the closed form).
      const big = rows.get(10000)!;
      expect(Math.abs(big.knn1.value - closed)).toBeLessThan(0.075);
      expect(Math.abs(big.knn5.value - closed)).toBeLessThan(0.045);
      expect(Math.abs(big.perezCruz.value - closed)).toBeLessThan(0.06);
      expect(big.knn5.lower).toBeLessThan(big.knn5.upper);
      // the intervals narrow as n grows (sd ~ 1/sqrt(n): 10x the points, ~3x narrower)
      const width = (n: number, k: 'knn1' | 'knn5') =>
        rows.get(n)![k].upper - rows.get(n)![k].lower;
      expect(width(10000, 'knn5')).toBeLessThan(width(100, 'knn5') / 2);
      expect(width(10000, 'knn1')).toBeLessThan(width(100, 'knn1') / 2);

      // back to n <= 300: the cached rows, same numbers
      const at300 = rows.get(300)!.knn1.value;
      await page.click('#s-sizes button[data-n="300"]');
      await settled(page);
      rows = await table(page);
      expect([...rows.keys()]).toEqual([100, 300]);
      expect(rows.get(300)!.knn1.value).toBe(at300);

      // a parameter: Q = N(1, 2)
      await page.fill('#s-q-params input[name="scale"]', '2');
      await settled(page);
      const closed2 = Number(await page.getAttribute('#s-closed', 'data-value'));
      expect(Math.abs(closed2 - klNormal(0, 1, 1, 2))).toBeLessThan(1e-12);
      rows = await table(page);
      const want2 = expected(p, new Normal({ loc: 1, scale: 2 }), 2024, 300);
      same(rows.get(300)!.knn5.value, want2.knn5.estimate, 'k = 5 with Q = N(1, 2)');

      // a family: Q = Laplace(0.5, 1)
      await page.selectOption('#s-q-family', 'Laplace');
      await settled(page);
      const closed3 = Number(await page.getAttribute('#s-closed', 'data-value'));
      expect(Math.abs(closed3 - klNormalLaplace(0.5))).toBeLessThan(1e-9);
      rows = await table(page);
      const want3 = expected(p, new Laplace({ loc: 0.5, scale: 1 }), 2024, 300);
      same(rows.get(300)!.knn1.value, want3.knn1.estimate, 'k = 1 with a Laplace Q');
      same(rows.get(300)!.perezCruz.value, want3.perezCruz, 'Pérez-Cruz with a Laplace Q');

      // 2-D: choosing a MultivariateNormal for P makes Q one too; 1-D estimators say so
      await page.selectOption('#s-p-family', 'MultivariateNormal (2-D)');
      await settled(page);
      expect(await page.inputValue('#s-q-family')).toBe('MultivariateNormal (2-D)');
      // P = N([0, 0], [[1, .5], [.5, 1]]), Q = N([1, 0], I): (tr + mahalanobis - 2 + log(1/.75)) / 2
      const closed4 = Number(await page.getAttribute('#s-closed', 'data-value'));
      expect(Math.abs(closed4 - 0.5 * (2 + 1 - 2 + Math.log(1 / 0.75)))).toBeLessThan(1e-12);
      rows = await table(page);
      const rng = new RandomGenerator(2024);
      const mp = new MultivariateNormal({
        loc: [0, 0],
        covarianceMatrix: [
          [1, 0.5],
          [0.5, 1],
        ],
      });
      const mq = new MultivariateNormal({
        loc: [1, 0],
        covarianceMatrix: [
          [1, 0],
          [0, 1],
        ],
      });
      const xs = mp.sample([10000], { rng }).data.subarray(0, 600);
      const ys = mq.sample([10000], { rng }).data.subarray(0, 600);
      const points = (d: ArrayLike<number>) => ({ data: Float64Array.from(d), shape: [300, 2] });
      const want4 = knnKLDivergence(points(xs), points(ys), {
        k: 5,
        bootstrap: { resamples: 50, seed: 2024 },
      });
      same(rows.get(300)!.knn5.value, want4.estimate, 'k = 5 in 2-D');
      expect(rows.get(300)!.perezCruz.text).toBe('–');

      // a new seed: new samples and numbers; the old seed typed back gives the old numbers
      const before = rows.get(300)!.knn5.value;
      await page.click('#s-new-seed');
      await settled(page);
      expect(await page.inputValue('#s-seed')).not.toBe('2024');
      expect((await table(page)).get(300)!.knn5.value).not.toBe(before);
      await page.fill('#s-seed', '2024');
      await settled(page);
      expect((await table(page)).get(300)!.knn5.value).toBe(before);

      mkdirSync(join(root, '.vitest-artifacts'), { recursive: true });
      await page.locator('#samples').screenshot({
        path: join(root, '.vitest-artifacts', 'explorer-samples.png'),
      });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  },
  60_000,
);
