/**
 * binnedDivergence beyond the NumPy/SciPy table (binned-cases.test.ts): hand computations of
 * each measure, the binning rules (outer bins to +-inf, tied quantiles, Freedman-Diaconis,
 * categories), the epsilon conventions, the bootstrap, and the errors.
 */
import { describe, expect, test } from 'vitest';
import { ArgumentError, KLDivError, ShapeError } from '../../src/errors.js';
import { binnedDivergence } from '../../src/samples/binned-divergence.js';
import { bootstrapInterval } from '../../src/samples/bootstrap.js';

function thrown(f: () => unknown): KLDivError {
  try {
    f();
  } catch (e) {
    if (e instanceof KLDivError) return e;
    throw e;
  }
  throw new Error('expected a KLDivError, nothing was thrown');
}

const reference = [1, 2, 2, 3, 3, 3, 4, 4, 5, 6];
const current = [3, 4, 4, 5, 5, 5, 6, 6, 7, 9];

describe('binning', () => {
  test('5 equal bins over the reference range [1, 6]; 7 and 9 land in the last bin', () => {
    // edges 1, 2, ..., 6; bins [1,2) [2,3) [3,4) [4,5) [5,6]; the last reaches up to +inf
    const r = binnedDivergence(reference, current, { measure: 'hellinger', bins: 5 });
    expect(r.edges).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.referenceCounts).toEqual([1, 2, 3, 2, 2]);
    expect(r.currentCounts).toEqual([0, 0, 1, 2, 7]);
    expect(r.bins).toBe(5);
  });

  test('explicit edges: values below the first edge count in the first bin', () => {
    const r = binnedDivergence([0.5, 1.5], [-100, 0.5, 1, 2, 100], {
      measure: 'js',
      bins: [0, 1, 2],
    });
    expect(r.currentCounts).toEqual([2, 3]);
    const open = binnedDivergence([0.5, 1.5], [-100, 1, 2], {
      measure: 'js',
      bins: Float64Array.of(Number.NEGATIVE_INFINITY, 1, Number.POSITIVE_INFINITY),
    });
    expect(open.edges).toEqual([Number.NEGATIVE_INFINITY, 1, Number.POSITIVE_INFINITY]);
    expect(open.currentCounts).toEqual([1, 2]);
  });

  test("'quantile' merges tied edges: 6 zeros in 10 values leave 2 of 4 bins", () => {
    // np.quantile at q = 0, .25, .5, .75, 1: (n - 1) q = 0, 2.25, 4.5, 6.75, 9 -> 0, 0, 0,
    // 1 + 0.75 (2 - 1) = 1.75, 4; unique: [0, 1.75, 4]
    const r = binnedDivergence([0, 0, 0, 0, 0, 0, 1, 2, 3, 4], [0, 4], {
      measure: 'psi',
      bins: 'quantile',
      numBins: 4,
    });
    expect(r.edges).toEqual([0, 1.75, 4]);
    expect(r.referenceCounts).toEqual([7, 3]);
    expect(r.currentCounts).toEqual([1, 1]);
  });

  test("'quantile' defaults to 10 bins; a constant reference gives NumPy's [v - 0.5, v + 0.5]", () => {
    // np.linspace(0, 1, 11) is i * 0.1: 3 * 0.1 = 0.30000000000000004 and 6 * 0.1 =
    // 0.6000000000000001, so on 0..100 np.quantile gives 30.000000000000004 and
    // 60.00000000000001 (NumPy 1.24 prints these two), the other deciles exact
    const ten = binnedDivergence(
      Array.from({ length: 101 }, (_, i) => i),
      [5],
      { measure: 'js', bins: 'quantile' },
    );
    expect(ten.edges).toEqual([
      0, 10, 20, 30.000000000000004, 40, 50, 60.00000000000001, 70, 80, 90, 100,
    ]);
    const flat = binnedDivergence([3, 3, 3], [1, 9], { measure: 'js', bins: 'quantile' });
    expect(flat.edges).toEqual([2.5, 3.5]);
    expect(flat.value).toBe(0);
  });

  test("'fd' on 0..7: IQR 5.25 - 1.75 = 3.5, width 2 * 3.5 * 8^(-1/3) = 3.5, 2 bins", () => {
    const r = binnedDivergence([0, 1, 2, 3, 4, 5, 6, 7], [1], { measure: 'js', bins: 'fd' });
    expect(r.edges).toEqual([0, 3.5, 7]);
    expect(r.referenceCounts).toEqual([4, 4]);
  });

  test('the default is 10 equal bins (numpy.histogram_bin_edges(reference, 10))', () => {
    const r = binnedDivergence([0, 10], [5], { measure: 'hellinger' });
    expect(r.edges).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  test('categories: the sorted union, a missing category is an empty bin', () => {
    const r = binnedDivergence(['b', 'a', 'b'], ['c', 'b'], { measure: 'hellinger' });
    expect(r.categories).toEqual(['a', 'b', 'c']);
    expect(r.referenceCounts).toEqual([1, 2, 0]);
    expect(r.currentCounts).toEqual([0, 1, 1]);
    expect(r.edges).toBeUndefined();
  });
});

describe('measures by hand', () => {
  test('PSI with the default epsilon 1e-4 on the two empty current bins', () => {
    // r = (.1, .2, .3, .2, .2), c = (0, 0, .1, .2, .7) -> c' = (1e-4, 1e-4, .1, .2, .7)
    const e = 1e-4;
    const psi =
      (e - 0.1) * Math.log(e / 0.1) +
      (e - 0.2) * Math.log(e / 0.2) +
      (0.1 - 0.3) * Math.log(0.1 / 0.3) +
      (0.7 - 0.2) * Math.log(0.7 / 0.2);
    const r = binnedDivergence(reference, current, { measure: 'psi', bins: 5 });
    expect(r.value).toBeCloseTo(psi, 13);
    expect(r.epsilon).toBe(1e-4);
    expect(r.infiniteBins).toEqual([]);
    const raw = binnedDivergence(reference, current, { measure: 'psi', bins: 5, epsilon: 0 });
    expect(raw.value).toBe(Number.POSITIVE_INFINITY);
    expect(raw.infiniteBins).toEqual([0, 1]);
  });

  test('PSI is symmetric and 0 for identical histograms', () => {
    const a = binnedDivergence(reference, current, { measure: 'psi', bins: [1, 3, 5, 7] });
    const b = binnedDivergence(current, reference, { measure: 'psi', bins: [1, 3, 5, 7] });
    expect(a.value).toBeCloseTo(b.value, 14);
    expect(binnedDivergence(reference, [...reference].reverse(), { measure: 'psi' }).value).toBe(0);
  });

  test('KL(reference || current): infinite without epsilon, renormalised with it', () => {
    const ref = ['a', 'a', 'b', 'b'];
    const cur = ['a', 'a', 'a', 'a'];
    const inf = binnedDivergence(ref, cur, { measure: 'kl' });
    expect(inf.value).toBe(Number.POSITIVE_INFINITY);
    expect(inf.infiniteBins).toEqual([1]);
    expect(inf.epsilon).toBe(0);
    // r = (.5, .5), c = (1, .01) / 1.01 after replacing the zero by 0.01
    const kl = 0.5 * Math.log(0.5 * 1.01) + 0.5 * Math.log((0.5 * 1.01) / 0.01);
    const withEps = binnedDivergence(ref, cur, { measure: 'kl', epsilon: 0.01 });
    expect(withEps.value).toBeCloseTo(kl, 14);
    expect(withEps.infiniteBins).toEqual([]);
    // the other direction is finite: KL(current || reference) = ln 2
    expect(binnedDivergence(cur, ref, { measure: 'kl' }).value).toBeCloseTo(Math.LN2, 15);
  });

  test('Jensen-Shannon: distance and divergence, base 2', () => {
    // r = (1/3, 2/3, 0), c = (0, 1/2, 1/2), m = (1/6, 7/12, 1/4)
    const div =
      0.5 *
      ((1 / 3) * Math.log2(2) +
        (2 / 3) * Math.log2(2 / 3 / (7 / 12)) +
        0.5 * Math.log2(0.5 / (7 / 12)) +
        0.5 * Math.log2(2));
    const r = binnedDivergence(['a', 'b', 'b'], ['b', 'c'], { measure: 'js', base: 2 });
    expect(r.divergence).toBeCloseTo(div, 15);
    expect(r.value).toBeCloseTo(Math.sqrt(div), 15);
    const disjoint = binnedDivergence(['x'], ['y'], { measure: 'js', base: 2 });
    expect(disjoint.value).toBeCloseTo(1, 15);
    expect(binnedDivergence(['x'], ['y'], { measure: 'js' }).divergence).toBeCloseTo(Math.LN2, 15);
  });

  test('Hellinger: 1 for disjoint supports, 0 for equal proportions, 1 - BC otherwise', () => {
    expect(binnedDivergence(['x'], ['y'], { measure: 'hellinger' }).value).toBeCloseTo(1, 15);
    expect(binnedDivergence(['x', 'y'], ['y', 'x', 'x', 'y'], { measure: 'hellinger' }).value).toBe(
      0,
    );
    // r = (1, 0), c = (1/2, 1/2): H^2 = 1 - sum sqrt(r c) = 1 - sqrt(1/2)
    const h = binnedDivergence(['x'], ['x', 'y'], { measure: 'hellinger' }).value;
    expect(h).toBeCloseTo(Math.sqrt(1 - Math.SQRT1_2), 15);
  });
});

describe('bootstrap', () => {
  test('seeded, bins held fixed, and the interval brackets a clear shift', () => {
    const opts = { measure: 'js', bins: 5, bootstrap: { seed: 3, resamples: 300 } } as const;
    const a = binnedDivergence(reference, current, opts);
    expect(binnedDivergence(reference, current, opts).ci).toEqual(a.ci);
    expect(a.ci!.lower).toBeLessThanOrEqual(a.value);
    expect(a.ci!.upper).toBeGreaterThanOrEqual(a.value);
    expect(a.ci!.lower).toBeGreaterThan(0.2);
    expect(a.edges).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('the interval is bootstrapInterval of the measure on the fixed bins, same seed', () => {
    // Hellinger by hand on resampled counts (plain sums: rounding-level agreement)
    const opts = { measure: 'hellinger', bins: 5, bootstrap: { seed: 4, resamples: 300 } } as const;
    const r = binnedDivergence(reference, current, opts);
    const hand = ([a, b]: readonly Int32Array[]) => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += (Math.sqrt(a[i] / 10) - Math.sqrt(b[i] / 10)) ** 2;
      return Math.sqrt(s / 2);
    };
    const want = bootstrapInterval(hand, [r.referenceCounts, r.currentCounts], opts.bootstrap);
    expect(r.ci!.lower).toBeCloseTo(want.ci.lower, 13);
    expect(r.ci!.upper).toBeCloseTo(want.ci.upper, 13);
    expect(r.standardError).toBeCloseTo(want.standardError, 13);
  });

  test('no shift: the PSI interval of two large samples from one histogram is near 0', () => {
    // PSI ~ chi-square-like with mean about (K - 1)(1/n + 1/m) = 4 * 2/2000 = 0.004
    const ref = Array.from({ length: 2000 }, (_, i) => i % 5);
    const cur = Array.from({ length: 2000 }, (_, i) => (i * 7) % 5);
    const r = binnedDivergence(ref, cur, {
      measure: 'psi',
      bins: [0, 1, 2, 3, 4],
      bootstrap: { resamples: 200 },
    });
    expect(r.value).toBe(0);
    expect(r.ci!.upper).toBeLessThan(0.02);
  });
});

describe('validation', () => {
  const bd = binnedDivergence as (...a: unknown[]) => unknown;
  test.each([
    [
      'an unknown measure',
      () => bd([1], [1], { measure: 'wasserstein' }),
      ArgumentError,
      'E_OPTION_RANGE',
      "option 'measure' must be one of",
    ],
    ['no measure', () => bd([1], [1]), ArgumentError, 'E_OPTION_RANGE', 'received undefined'],
    [
      'NaN in current',
      () => bd([1], [1, Number.NaN], { measure: 'js' }),
      ArgumentError,
      'E_NON_FINITE',
      "'current' holds NaN at index 1",
    ],
    [
      'Infinity in reference',
      () => bd([Number.NEGATIVE_INFINITY], [1], { measure: 'js' }),
      ArgumentError,
      'E_NON_FINITE',
      '-Infinity at index 0',
    ],
    [
      'numbers mixed with strings',
      () => bd([1, 'a'], [1], { measure: 'js' }),
      ArgumentError,
      'E_INVALID_DATA',
      "received 'a' at reference[1]",
    ],
    [
      'strings mixed with numbers',
      () => bd(['a', 1], ['a'], { measure: 'js' }),
      ArgumentError,
      'E_INVALID_DATA',
      'received 1 at index 1 after strings',
    ],
    [
      'numeric against categorical',
      () => bd([1], ['a'], { measure: 'js' }),
      ArgumentError,
      'E_INVALID_DATA',
      'both be numeric or both categorical',
    ],
    [
      'an empty side',
      () => bd([], [1], { measure: 'js' }),
      ShapeError,
      'E_INVALID_SHAPE',
      "argument 'reference' must be 1-D and not empty; received shape [0]",
    ],
    [
      'not an array',
      () => bd({ a: 1 }, [1], { measure: 'js' }),
      ArgumentError,
      'E_INVALID_DATA',
      "argument 'reference' must be a Tensor",
    ],
    [
      'a scalar',
      () => bd([1], 3, { measure: 'js' }),
      ShapeError,
      'E_INVALID_SHAPE',
      "argument 'current' must be 1-D and not empty; received shape []",
    ],
    [
      'epsilon with js',
      () => bd([1], [1], { measure: 'js', epsilon: 1e-4 }),
      ArgumentError,
      'E_OPTION_RANGE',
      "option 'epsilon' applies to measure 'kl' or 'psi' only",
    ],
    [
      'base with psi',
      () => bd([1], [1], { measure: 'psi', base: 2 }),
      ArgumentError,
      'E_OPTION_RANGE',
      "option 'base' applies to measure 'kl' or 'js' only",
    ],
    [
      'epsilon 1',
      () => bd([1], [1], { measure: 'psi', epsilon: 1 }),
      ArgumentError,
      'E_OPTION_RANGE',
      "option 'epsilon' must be a number in [0, 1)",
    ],
    [
      'numBins without quantile',
      () => bd([1], [1], { measure: 'js', numBins: 5 }),
      ArgumentError,
      'E_OPTION_RANGE',
      "'numBins' applies to bins 'quantile' only",
    ],
    [
      'bins for strings',
      () => bd(['a'], ['b'], { measure: 'js', bins: 5 }),
      ArgumentError,
      'E_OPTION_RANGE',
      'applies to numeric data only',
    ],
    [
      '0 bins',
      () => bd([1], [1], { measure: 'js', bins: 0 }),
      ArgumentError,
      'E_OPTION_RANGE',
      "option 'bins' must be an integer from 1",
    ],
    [
      '2.5 bins',
      () => bd([1], [1], { measure: 'js', bins: 2.5 }),
      ArgumentError,
      'E_OPTION_RANGE',
      'received 2.5',
    ],
    [
      'an unknown rule',
      () => bd([1], [1], { measure: 'js', bins: 'sturges' }),
      ArgumentError,
      'E_OPTION_RANGE',
      "'quantile', 'fd', or at least two edges",
    ],
    [
      'edges not increasing',
      () => bd([1], [1], { measure: 'js', bins: [0, 2, 2] }),
      ArgumentError,
      'E_OPTION_RANGE',
      'must increase strictly; received 2 at index 2 after 2',
    ],
    [
      'an infinite interior edge',
      () => bd([1], [1], { measure: 'js', bins: [0, Number.POSITIVE_INFINITY, 5] }),
      ArgumentError,
      'E_OPTION_RANGE',
      'received Infinity at index 1',
    ],
    [
      "'fd' above 1e6 bins",
      () =>
        bd([...new Array(1000).fill(0).map((_, i) => i * 1e-3), 1e9], [1], {
          measure: 'js',
          bins: 'fd',
        }),
      ShapeError,
      'E_TOO_LARGE',
      "bins 'fd' gives",
    ],
    [
      'a misspelt option',
      () => bd([1], [1], { measure: 'js', bin: 3 }),
      ArgumentError,
      'E_UNKNOWN_OPTION',
      "Did you mean 'bins'?",
    ],
  ] as const)('%s', (_name, f, cls, code, text) => {
    const e = thrown(f);
    expect(e).toBeInstanceOf(cls);
    expect(e.code).toBe(code);
    expect(e.message).toContain(text);
    expect(e.message.startsWith(`${e.fn}:`)).toBe(true);
  });
});
