/**
 * perezCruzKLDivergence: a hand computation of the interpolated CDFs, ties, validation, the
 * bootstrap, and convergence to the closed forms (tolerance as in knn.test.ts: |bias| + 4 sd +
 * 3 sd / sqrt(reps) of the estimator at n = 2000, from 300 NumPy repetitions of the same
 * estimator in tools/samples/gen_knn_cases.py).
 */
import { describe, expect, test } from 'vitest';
import {
  Beta,
  type Distribution,
  Gamma,
  klDivergence,
  Laplace,
  MultivariateNormal,
  Normal,
  RandomGenerator,
} from '../../src/distributions/index.js';
import { perezCruzKLDivergence } from '../../src/samples/index.js';
import data from '../data/samples/knn-cases.json' with { type: 'json' };

interface ConvergenceRow {
  family: 'Normal' | 'Gamma' | 'Beta' | 'Laplace' | 'MultivariateNormal';
  p: Record<string, unknown>;
  q: Record<string, unknown>;
  n: number;
  m: number;
  estimator: string;
  truth: number;
  bias: number;
  sd: number;
  reps: number;
}

const rows = (data as unknown as { convergence: ConvergenceRow[] }).convergence.filter(
  (r) => r.estimator === 'perezCruz',
);

const FAMILIES = { Normal, MultivariateNormal, Gamma, Beta, Laplace };

const make = (family: ConvergenceRow['family'], params: Record<string, unknown>) =>
  new (FAMILIES[family] as unknown as new (p: Record<string, unknown>) => Distribution)(params);

const code = (c: string) => expect.objectContaining({ code: c });

describe('values', () => {
  test('by hand: x = [0, 1, 3], y = [0.5, 2]', () => {
    // pooled range [0, 3], n + m - 1 = 4: end knots at -0.75 and 3.75.
    // P_c: (-0.75, 0) (0, 1/6) (1, 3/6) (3, 5/6) (3.75, 1): slopes left of x = 2/9, 1/3, 1/6.
    // Q_c: (-0.75, 0) (0.5, 1/4) (2, 3/4) (3.75, 1): segments (-0.75, 0.5] 1/5, (0.5, 2] 1/3,
    // (2, 3.75] 1/7, holding 0, 1 and 3. Ratios 10/9, 1, 7/6: D = log(35/27) / 3 - 1.
    const r = perezCruzKLDivergence([0, 1, 3], [0.5, 2]);
    expect(r.estimate).toBeCloseTo(Math.log(35 / 27) / 3 - 1, 15);
    expect(r).toEqual({ estimate: r.estimate, n: 3, m: 2 });
    // [n, 1] input is the same
    expect(perezCruzKLDivergence([[0], [1], [3]], [[0.5], [2]]).estimate).toBe(r.estimate);
  });

  test('an x value equal to a y knot takes the segment on its left', () => {
    // x = [0, 2], y = [1, 2]: pooled [0, 2], pad 2/3. P_c: (-2/3, 0) (0, 1/4) (2, 3/4):
    // slopes 3/8 and 1/4. Q_c: (-2/3, 0) (1, 1/4) (2, 3/4): 0 lies in (-2/3, 1], slope 3/20;
    // 2 is a knot, the segment on its left (1, 2] has slope 1/2.
    const want = (Math.log(3 / 8 / (3 / 20)) + Math.log(1 / 4 / (1 / 2))) / 2 - 1;
    expect(perezCruzKLDivergence([0, 2], [1, 2]).estimate).toBeCloseTo(want, 15);
  });

  test('ties: an error by default, one knot at the middle of the jump with skip', () => {
    expect(() => perezCruzKLDivergence([0, 1, 1], [0.5, 2])).toThrow(
      expect.objectContaining({ code: 'E_DUPLICATE_SAMPLES', argument: 'x', received: [1, 2] }),
    );
    expect(() => perezCruzKLDivergence([0, 1], [0.5, 3, 0.5])).toThrow(
      /y\[0\] and y\[2\] are equal \(0.5\)/,
    );
    // x = [0, 1, 1], y = [0.5, 2]: pad 2/4. P_c: (-0.5, 0) (0, 1/6) (1, (1 + 1) / 3 = 4/6):
    // slopes 1/3 at 0, (1/2)/1 at 1 (twice). Q_c: (-0.5, 0) (0.5, 1/4) (2, 3/4): 1/4 and 1/3.
    const want = (Math.log(1 / 3 / (1 / 4)) + 2 * Math.log(1 / 2 / (1 / 3))) / 3 - 1;
    const r = perezCruzKLDivergence([0, 1, 1], [0.5, 2], { duplicates: 'skip' });
    expect(r.estimate).toBeCloseTo(want, 15);
    expect(() => perezCruzKLDivergence([1, 1], [1], { duplicates: 'skip' })).toThrow(
      /every point of x and y is at one value/,
    );
  });
});

describe('validation', () => {
  test('1-D only, finite, known options', () => {
    expect(() =>
      perezCruzKLDivergence(
        [
          [0, 1],
          [1, 2],
        ],
        [
          [0, 0],
          [1, 1],
        ],
      ),
    ).toThrow(/must be 1-D samples .* received \[2, 2\]\. For d > 1, use knnKLDivergence/);
    expect(() => perezCruzKLDivergence([], [1])).toThrow(code('E_INVALID_SHAPE'));
    expect(() => perezCruzKLDivergence([0, Number.NaN], [1])).toThrow(code('E_NON_FINITE'));
    expect(() => perezCruzKLDivergence([0, 1], [1], { k: 1 } as never)).toThrow(
      code('E_UNKNOWN_OPTION'),
    );
    expect(() => perezCruzKLDivergence([0, 1], [1], { duplicates: 1 as never })).toThrow(
      code('E_OPTION_TYPE'),
    );
  });
});

describe('bootstrap', () => {
  test('copies are not ties: the interval is centred on the estimate and seeded', () => {
    const rng = new RandomGenerator(8);
    const x = new Normal({ loc: 0, scale: 1 }).sample([2000], { rng });
    const y = new Normal({ loc: 1, scale: 1.5 }).sample([2000], { rng });
    const a = perezCruzKLDivergence(x, y, { bootstrap: { resamples: 300, seed: 2 } });
    expect(perezCruzKLDivergence(x, y, { bootstrap: { resamples: 300, seed: 2 } })).toEqual(a);
    const ci = a.ci as NonNullable<typeof a.ci>;
    // merging the copies as ties would shift every replicate up by about 0.1 (3 sd here), so
    // the interval would miss the estimate
    expect(ci.lower).toBeLessThan(a.estimate);
    expect(ci.upper).toBeGreaterThan(a.estimate);
    // sd at n = 2000: 0.0358 (knn-cases.json). Over 40 seeded datasets the bootstrap standard
    // error was 0.0420 on average (1.17 sd, conservative), coefficient of variation 3.1%:
    // [0.65, 1.35] sd leaves more than 5 such variations on either side
    const sd = rows.find((r) => r.family === 'Normal')?.sd ?? 0;
    expect(sd).toBeCloseTo(0.0358, 3);
    expect(a.standardError).toBeGreaterThan(0.65 * sd);
    expect(a.standardError).toBeLessThan(1.35 * sd);
  });
});

describe('convergence to the closed forms', () => {
  test('pairs: Normal, Gamma, Beta, Laplace', () => {
    expect(rows.map((r) => r.family)).toEqual(['Normal', 'Gamma', 'Beta', 'Laplace']);
  });
  test.each(rows.map((r, i) => [`${r.family} n=${r.n}`, r, i] as const))('%s', (_name, r, i) => {
    const p = make(r.family, r.p);
    const q = make(r.family, r.q);
    const truth = klDivergence(p, q).item();
    expect(Math.abs(truth - r.truth)).toBeLessThan(1e-10);
    const rng = new RandomGenerator(2000 + i);
    const est = perezCruzKLDivergence(p.sample([r.n], { rng }), q.sample([r.m], { rng }));
    const tol = Math.abs(r.bias) + 4 * r.sd + (3 * r.sd) / Math.sqrt(r.reps);
    expect(Math.abs(est.estimate - truth)).toBeLessThanOrEqual(tol);
  });
});
