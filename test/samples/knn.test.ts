/**
 * knnKLDivergence: hand-computed values, input forms, validation, the duplicates policy, the
 * bootstrap, and convergence to the closed forms of kldiv/distributions.
 *
 * Convergence: one seeded sample per pair (n = m = 2000) must land within |bias| + 4 sd +
 * 3 sd / sqrt(reps) of the closed form, where bias and sd are the estimator's mean error and
 * spread at that n measured by tools/samples/gen_knn_cases.py over 300 NumPy repetitions
 * (test/data/samples/knn-cases.json, "convergence"): for a normal spread a miss has probability
 * about 6e-5 per check. The closed forms are kldiv's own klDivergence, checked here against the
 * generator's SciPy formulas (1e-10) so that both sides use the same parameters.
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
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { knnKLDivergence } from '../../src/samples/index.js';
import { tensor } from '../../src/tensor/tensor.js';
import data from '../data/samples/knn-cases.json' with { type: 'json' };

interface ConvergenceRow {
  family: 'Normal' | 'MultivariateNormal' | 'Gamma' | 'Beta' | 'Laplace';
  p: Record<string, unknown>;
  q: Record<string, unknown>;
  d: number;
  n: number;
  m: number;
  estimator: 'knn' | 'perezCruz';
  k?: number;
  truth: number;
  bias: number;
  sd: number;
  reps: number;
}

const rows = (data as unknown as { convergence: ConvergenceRow[] }).convergence;

const FAMILIES = { Normal, MultivariateNormal, Gamma, Beta, Laplace };

const make = (family: ConvergenceRow['family'], params: Record<string, unknown>) =>
  new (FAMILIES[family] as unknown as new (p: Record<string, unknown>) => Distribution)(params);

const code = (c: string) => expect.objectContaining({ code: c });

describe('values', () => {
  test('by hand in 1-D: rho = [1, 1, 2], nu = [0.5, 0.5, 1]', () => {
    // D = (1/3) (log 0.5 + log 0.5 + log 0.5) + log(2 / 2) = log 0.5
    const r = knnKLDivergence([0, 1, 3], [0.5, 2]);
    expect(r.estimate).toBeCloseTo(Math.log(0.5), 15);
    expect(r).toEqual({ estimate: r.estimate, n: 3, m: 2, d: 1, k: 1, algorithm: 'kd-tree' });
  });

  test('by hand in 2-D with k = 2 and n != m', () => {
    // x: (0,0), (3,0), (0,4); y: (1,0), (0,1), (5,5).
    // rho_2: x0 -> sorted {3, 4} -> 4; x1 -> {3, 5} -> 5; x2 -> {4, 5} -> 5.
    // nu_2: x0 -> {1, 1, sqrt 50} -> 1; x1 -> {2, sqrt 10, sqrt 29} -> sqrt 10;
    //       x2 -> {sqrt 17, 3, sqrt 26} -> sqrt 17.
    const x = [
      [0, 0],
      [3, 0],
      [0, 4],
    ];
    const y = [
      [1, 0],
      [0, 1],
      [5, 5],
    ];
    const want =
      (2 / 3) * (Math.log(1 / 4) + Math.log(Math.sqrt(10) / 5) + Math.log(Math.sqrt(17) / 5)) +
      Math.log(3 / 2);
    for (const algorithm of ['kd-tree', 'brute'] as const) {
      expect(knnKLDivergence(x, y, { k: 2, algorithm }).estimate).toBeCloseTo(want, 14);
    }
  });

  test('scale invariance: scaling both samples leaves the estimate unchanged', () => {
    const rng = new RandomGenerator(5);
    const x = new Normal({ loc: 0, scale: 1 }).sample([300, 3], { rng });
    const y = new Normal({ loc: 0.5, scale: 1 }).sample([200, 3], { rng });
    const a = knnKLDivergence(x, y, { k: 3 }).estimate;
    const scale = (t: typeof x) => tensor(t.data.map((v) => v * 8));
    const xs = tensor(scale(x).data, { shape: [300, 3] });
    const ys = tensor(scale(y).data, { shape: [200, 3] });
    // multiplying by 8 is exact, so the log-ratios are identical
    expect(knnKLDivergence(xs, ys, { k: 3 }).estimate).toBe(a);
  });
});

describe('inputs', () => {
  const x2 = [
    [0.1, 0.2],
    [0.4, -0.3],
    [1.5, 0.7],
    [-0.8, 0.9],
  ];
  const y2 = [
    [0.3, 0.1],
    [-0.2, 0.5],
    [0.9, 0.9],
  ];
  const ref = knnKLDivergence(x2, y2).estimate;

  test('nested arrays, float64 tensors, ndarray-style { data, shape } give the same value', () => {
    const flatX = Float64Array.from(x2.flat());
    const flatY = Float64Array.from(y2.flat());
    expect(
      knnKLDivergence(tensor(flatX, { shape: [4, 2] }), tensor(flatY, { shape: [3, 2] })).estimate,
    ).toBe(ref);
    expect(
      knnKLDivergence({ data: flatX, shape: [4, 2] }, { data: flatY, shape: [3, 2] }).estimate,
    ).toBe(ref);
  });

  test('a flat typed array is 1-D (d = 1), never reshaped', () => {
    const r = knnKLDivergence(new Float64Array([0, 1, 3]), new Float64Array([0.5, 2]));
    expect(r.d).toBe(1);
    expect(r.estimate).toBeCloseTo(Math.log(0.5), 15);
    // [n] and [n, 1] are the same points
    expect(knnKLDivergence([[0], [1], [3]], [[0.5], [2]]).estimate).toBe(r.estimate);
  });

  test('float32 data is read as its float32 values', () => {
    const f = Float32Array.from(x2.flat());
    const g = Float32Array.from(y2.flat());
    const a = knnKLDivergence(tensor(f, { shape: [4, 2] }), tensor(g, { shape: [3, 2] }));
    const b = knnKLDivergence(
      tensor(Float64Array.from(f), { shape: [4, 2] }),
      tensor(Float64Array.from(g), { shape: [3, 2] }),
    );
    expect(a.estimate).toBe(b.estimate);
  });
});

describe('validation', () => {
  test('shapes', () => {
    expect(() => knnKLDivergence([[[1]]], [1])).toThrow(code('E_INVALID_SHAPE'));
    expect(() => knnKLDivergence([], [1])).toThrow(code('E_INVALID_SHAPE'));
    expect(() => knnKLDivergence([1], [1, 2])).toThrow(code('E_INVALID_SHAPE'));
    const e = (() => {
      try {
        knnKLDivergence(
          [
            [0, 1],
            [1, 2],
          ],
          [1, 2, 3],
        );
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(ShapeError);
    expect(e).toMatchObject({ code: 'E_SHAPE_MISMATCH', fn: 'knnKLDivergence', argument: 'y' });
    expect((e as Error).message).toContain(
      'received x of 2 points of dimension 2 and y of 3 points of dimension 1',
    );
  });

  test('non-finite coordinates name row and column', () => {
    expect(() =>
      knnKLDivergence(
        [
          [0, 1],
          [2, Number.NaN],
        ],
        [[1, 1]],
      ),
    ).toThrow(/argument 'x' row 1 column 1 is NaN/);
    expect(() => knnKLDivergence([0, 1], [1, Number.POSITIVE_INFINITY])).toThrow(
      expect.objectContaining({ code: 'E_NON_FINITE', argument: 'y', received: Infinity }),
    );
  });

  test('k and options', () => {
    const x = [0, 1, 2, 4];
    const y = [0.5, 3, 7];
    expect(() => knnKLDivergence(x, y, { k: 0 })).toThrow(code('E_OPTION_RANGE'));
    expect(() => knnKLDivergence(x, y, { k: 1.5 })).toThrow(code('E_OPTION_RANGE'));
    expect(() => knnKLDivergence(x, y, { k: '2' as never })).toThrow(code('E_OPTION_TYPE'));
    // n - 1 = 3 and m = 3 bound k
    expect(knnKLDivergence(x, y, { k: 3 }).k).toBe(3);
    expect(() => knnKLDivergence(x, y, { k: 4 })).toThrow(
      /option 'k' must be at most n - 1 = 3 and at most m = 3 .*received 4/,
    );
    expect(() => knnKLDivergence(x, [1, 2], { k: 3 })).toThrow(code('E_OPTION_RANGE'));
    expect(() => knnKLDivergence(x, y, { K: 2 } as never)).toThrow(/Did you mean 'k'/);
    expect(() => knnKLDivergence(x, y, { duplicates: 'ignore' as never })).toThrow(
      code('E_OPTION_RANGE'),
    );
    expect(() => knnKLDivergence(x, y, { algorithm: 'ball-tree' as never })).toThrow(
      code('E_OPTION_RANGE'),
    );
    expect(() => knnKLDivergence(x, y, { bootstrap: { resamples: 1 } })).toThrow(
      /option 'bootstrap.resamples' must be an integer from 2 to 1e7/,
    );
    expect(() => knnKLDivergence(x, y, { bootstrap: { samples: 10 } as never })).toThrow(
      code('E_UNKNOWN_OPTION'),
    );
    expect(() => knnKLDivergence(x, y, { bootstrap: { level: 1 } })).toThrow(
      code('E_OPTION_RANGE'),
    );
  });
});

describe('duplicates', () => {
  test("two equal points of x: E_DUPLICATE_SAMPLES naming both, under the default 'error'", () => {
    const x = [
      [0, 0],
      [1, 1],
      [0, 0],
      [2, 0],
    ];
    let err: unknown;
    try {
      knnKLDivergence(x, [
        [2, 2],
        [3, 3],
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ArgumentError);
    expect(err).toMatchObject({
      code: 'E_DUPLICATE_SAMPLES',
      fn: 'knnKLDivergence',
      argument: 'x',
      received: [0, 2],
    });
    expect((err as Error).message).toContain(
      'x[0] and x[2] are the same point, so the k-th nearest neighbour of x[0] in x (k = 1) is at distance 0 and the estimate would be +inf (2 points of x are affected)',
    );
    expect((err as Error).message).toContain("{ duplicates: 'skip' }");
  });

  test('a point of x equal to a point of y is -inf: named too', () => {
    expect(() => knnKLDivergence([0, 1, 2], [1, 5])).toThrow(
      expect.objectContaining({ code: 'E_DUPLICATE_SAMPLES', argument: 'y', received: [1, 0] }),
    );
  });

  test('only a zero k-th distance is an error: one copy with k = 2 is finite', () => {
    // x0 = x1 = 0: rho_1 = 0 for both, but their second neighbour (x2, at 1) is not
    const r = knnKLDivergence([0, 0, 1, 3], [0.5, 2], { k: 2 });
    // rho_2 = [1, 1, 1, 3] (x3: 2, 3, 3); nu_2 = [2, 2, 1, 2.5]
    const want = (1 / 4) * (2 * Math.log(2) + Math.log(1) + Math.log(2.5 / 3)) + Math.log(2 / 3);
    expect(r.estimate).toBeCloseTo(want, 15);
  });

  test("'skip' uses the k-th neighbour at a positive distance", () => {
    // rho (positive) = [1, 1, 1]; nu = [0.5, 0.5, 0.5]: D = log(0.5) + log(2 / 2)
    for (const algorithm of ['kd-tree', 'brute'] as const) {
      const r = knnKLDivergence([0, 0, 1], [0.5, 3], { duplicates: 'skip', algorithm });
      expect(r.estimate).toBeCloseTo(Math.log(0.5), 15);
    }
    // three copies at 0 and one point at 1: x0 has one positive-distance neighbour, k = 2 needs two
    expect(() => knnKLDivergence([0, 0, 0, 1], [0.5, 3], { k: 2, duplicates: 'skip' })).toThrow(
      /x\[0\] has fewer than k = 2 points of x at a positive distance/,
    );
  });

  test('every point at one place: a single leaf, still exact', () => {
    const x = Array.from({ length: 40 }, () => [1, 2]);
    expect(() => knnKLDivergence(x, [[0, 0]])).toThrow(code('E_DUPLICATE_SAMPLES'));
    x.push([1, 3]);
    // x0..x39 have positive neighbour x40 at 1; x40's positive neighbours are all at 1
    const r = knnKLDivergence(x, [[1, 2.5]], { duplicates: 'skip' });
    // nu: 0.5 for all 41 points; rho: 1: D = 2 log 0.5 + log(1 / 40)
    expect(r.estimate).toBeCloseTo(2 * Math.log(0.5) + Math.log(1 / 40), 14);
  });
});

describe('bootstrap', () => {
  const rng = new RandomGenerator(21);
  const x = new Normal({ loc: 0, scale: 1 }).sample([2000], { rng });
  const y = new Normal({ loc: 1, scale: 1.5 }).sample([2000], { rng });

  test('seeded, reproducible, and centred on the estimate', () => {
    const a = knnKLDivergence(x, y, { bootstrap: { resamples: 200, seed: 4 } });
    const b = knnKLDivergence(x, y, { bootstrap: { resamples: 200, seed: 4 } });
    const c = knnKLDivergence(x, y, { bootstrap: { resamples: 200, seed: 5 } });
    expect(b).toEqual(a);
    expect(c.ci).not.toEqual(a.ci);
    expect(a.estimate).toBe(knnKLDivergence(x, y).estimate);
    const ci = a.ci as NonNullable<typeof a.ci>;
    expect(ci).toMatchObject({ level: 0.95, resamples: 200, method: 'percentile' });
    expect(ci.lower).toBeLessThan(a.estimate);
    expect(ci.upper).toBeGreaterThan(a.estimate);
  });

  test('the standard error matches the spread of repeated samples', () => {
    // sd of the estimator at n = m = 2000 for this pair, k = 1: 0.0490 over 300 NumPy
    // repetitions (knn-cases.json). Over 40 seeded datasets the bootstrap standard error (300
    // resamples) was 0.0567 on average (1.16 sd: k = 1 is conservative) with a coefficient of
    // variation of 4.4%; [0.65, 1.35] sd leaves more than 3.5 such variations on either side.
    const row = rows.find((r) => r.family === 'Normal' && r.estimator === 'knn' && r.k === 1);
    expect(row?.sd).toBeCloseTo(0.049, 3);
    const se = knnKLDivergence(x, y, { bootstrap: { resamples: 300, seed: 1 } }).standardError;
    expect(se).toBeGreaterThan(0.65 * (row?.sd ?? 0));
    expect(se).toBeLessThan(1.35 * (row?.sd ?? 0));
  });

  test('resampling makes copies but no zero distance, in both searches alike', () => {
    const r3 = new RandomGenerator(3);
    const u = new Normal({ loc: 0, scale: 1 }).sample([150, 3], { rng: r3 });
    const v = new Normal({ loc: 0.2, scale: 1 }).sample([120, 3], { rng: r3 });
    for (const k of [1, 4]) {
      const boot = { resamples: 30, seed: 9 };
      const tree = knnKLDivergence(u, v, { k, bootstrap: boot, algorithm: 'kd-tree' });
      const brute = knnKLDivergence(u, v, { k, bootstrap: boot, algorithm: 'brute' });
      expect(brute.ci).toEqual(tree.ci);
      expect(brute.standardError).toBe(tree.standardError);
    }
  });

  test('coinciding points in the data can make a resample undefined: the replicate is named', () => {
    // x0 = x1; with k = 2 the estimate is finite, but x has 3 distinct points and a resample
    // drawing fewer than 3 of them leaves some x_i with fewer than 2 other distinct points
    const x = [0, 0, 1, 5];
    expect(Number.isFinite(knnKLDivergence(x, [0.5, 2, 4], { k: 2 }).estimate)).toBe(true);
    expect(() => knnKLDivergence(x, [0.5, 2, 4], { k: 2, bootstrap: { resamples: 200 } })).toThrow(
      /in bootstrap replicate \d+/,
    );
  });
});

describe('convergence to the closed forms', () => {
  const knnRows = rows.filter((r) => r.estimator === 'knn');
  test('pairs: Normal, MultivariateNormal in d = 2 and 5, Gamma, Beta, Laplace; k = 1 and 5', () => {
    expect(new Set(knnRows.map((r) => `${r.family} ${r.d}`))).toEqual(
      new Set([
        'Normal 1',
        'MultivariateNormal 2',
        'MultivariateNormal 5',
        'Gamma 1',
        'Beta 1',
        'Laplace 1',
      ]),
    );
  });
  test.each(knnRows.map((r, i) => [`${r.family} d=${r.d} k=${r.k} n=${r.n}`, r, i] as const))(
    '%s',
    (_name, r, i) => {
      const p = make(r.family, r.p);
      const q = make(r.family, r.q);
      const truth = klDivergence(p, q).item();
      expect(Math.abs(truth - r.truth)).toBeLessThan(1e-10);
      const rng = new RandomGenerator(1000 + i);
      const est = knnKLDivergence(p.sample([r.n], { rng }), q.sample([r.m], { rng }), { k: r.k });
      const tol = Math.abs(r.bias) + 4 * r.sd + (3 * r.sd) / Math.sqrt(r.reps);
      expect(Math.abs(est.estimate - truth)).toBeLessThanOrEqual(tol);
    },
  );
});
