/**
 * klDivergenceFromCounts and entropyFromCounts beyond the SciPy table (counts-cases.test.ts):
 * hand computations, the errors, seeded simulations showing that the corrections remove most
 * of the plug-in's bias, and the bootstrap (bootstrap.ts's, shared with every estimator: the same
 * interval as bootstrapInterval, infinite replicates, determinism, and coverage).
 */
import { describe, expect, test } from 'vitest';
import { RandomGenerator } from '../../src/distributions/random.js';
import { ArgumentError, KLDivError, ShapeError } from '../../src/errors.js';
import { bootstrapInterval } from '../../src/samples/bootstrap.js';
import { entropyFromCounts } from '../../src/samples/entropy-from-counts.js';
import { klDivergenceFromCounts } from '../../src/samples/kl-divergence-from-counts.js';

function thrown(f: () => unknown): KLDivError {
  try {
    f();
  } catch (e) {
    if (e instanceof KLDivError) return e;
    throw e;
  }
  throw new Error('expected a KLDivError, nothing was thrown');
}

/** An independent sampler for the simulations: n categorical draws by inverse CDF. */
function drawCounts(rng: RandomGenerator, n: number, p: number[]): number[] {
  const counts = new Array<number>(p.length).fill(0);
  for (let s = 0; s < n; s++) {
    let u = rng.random();
    let i = 0;
    while (i < p.length - 1 && u >= p[i]) u -= p[i++];
    counts[i]++;
  }
  return counts;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('entropyFromCounts: hand computations', () => {
  test('[4, 3, 2, 1]: the plug-in, and Miller-Madow adds (K - 1) / (2n) = 3 / 20', () => {
    // p = (0.4, 0.3, 0.2, 0.1): H = -sum p ln p
    const h = -(
      0.4 * Math.log(0.4) +
      0.3 * Math.log(0.3) +
      0.2 * Math.log(0.2) +
      0.1 * Math.log(0.1)
    );
    const plain = entropyFromCounts([4, 3, 2, 1]);
    expect(plain.estimate).toBeCloseTo(h, 14);
    expect(plain.bias).toBe(0);
    const mm = entropyFromCounts([4, 3, 2, 1], { correction: 'miller-madow' });
    expect(mm.plugin).toBeCloseTo(h, 14);
    expect(mm.bias).toBeCloseTo(-0.15, 15);
    expect(mm.estimate).toBeCloseTo(h + 0.15, 14);
    expect([mm.n, mm.bins, mm.pseudoCount]).toEqual([10, 4, 0]);
  });

  test('Miller-Madow counts only observed bins: [0, 5, 5, 0] adds (2 - 1) / 20', () => {
    const mm = entropyFromCounts([0, 5, 5, 0], { correction: 'miller-madow', base: 2 });
    // H = 1 bit; bias in bits = -(1/20) / ln 2
    expect(mm.plugin).toBeCloseTo(1, 15);
    expect(mm.estimate).toBeCloseTo(1 + 1 / 20 / Math.LN2, 14);
  });

  test('jeffreys adds 0.5 to every bin: [0, 2] -> (0.5, 2.5) / 3', () => {
    const h = -((1 / 6) * Math.log(1 / 6) + (5 / 6) * Math.log(5 / 6));
    const r = entropyFromCounts([0, 2], { smoothing: 'jeffreys' });
    expect(r.estimate).toBeCloseTo(h, 15);
    expect(r.pseudoCount).toBe(0.5);
    expect(entropyFromCounts([0, 2], { smoothing: 0.5 }).estimate).toBe(r.estimate);
  });

  test('non-integer weights: [0.5, 0.5] is ln 2, and typed arrays are accepted', () => {
    expect(entropyFromCounts([0.5, 0.5]).estimate).toBeCloseTo(Math.LN2, 15);
    expect(entropyFromCounts(new Float32Array([1, 1, 1, 1]), { base: 2 }).estimate).toBeCloseTo(
      2,
      15,
    );
    expect(entropyFromCounts(Int32Array.of(3)).estimate).toBe(0);
  });
});

describe('klDivergenceFromCounts: hand computations', () => {
  test('[1, 0] against [1, 1] in bits: 1 * log2(1 / 0.5) = 1', () => {
    expect(klDivergenceFromCounts([1, 0], [1, 1], { base: 2 }).estimate).toBeCloseTo(1, 15);
  });

  test('an empty Q bin where P has mass: Infinity, and infiniteBins says which', () => {
    const r = klDivergenceFromCounts([3, 1, 2], [4, 0, 0]);
    expect(r.estimate).toBe(Number.POSITIVE_INFINITY);
    expect(r.infiniteBins).toEqual([1, 2]);
    // the correction is undefined there: the estimate stays infinite, the bias is NaN
    const c = klDivergenceFromCounts([3, 1], [4, 0], { correction: 'miller-madow' });
    expect(c.estimate).toBe(Number.POSITIVE_INFINITY);
    expect(c.bias).toBeNaN();
    // an empty P bin is harmless: 0 log 0 = 0
    expect(klDivergenceFromCounts([4, 0], [3, 1]).infiniteBins).toEqual([]);
  });

  test('laplace on [3, 1] vs [4, 0]: P = (4, 2) / 6, Q = (5, 1) / 6', () => {
    const kl = (4 / 6) * Math.log(4 / 5) + (2 / 6) * Math.log(2 / 1);
    const r = klDivergenceFromCounts([3, 1], [4, 0], { smoothing: 'laplace' });
    expect(r.estimate).toBeCloseTo(kl, 15);
    expect(r.infiniteBins).toEqual([]);
    expect([r.n, r.m, r.pseudoCount]).toEqual([4, 4, 1]);
  });

  test('the correction at P^ = Q^: (K - 1)/(2n) + (K - 1)/(2m), so the estimate is negative', () => {
    // plug-in 0; bias (3 - 1)/20 + (sum p/q - 1)/20 = 2/20 + 2/20 = 0.2 (not clipped at 0)
    const r = klDivergenceFromCounts([3, 5, 2], [3, 5, 2], { correction: 'miller-madow' });
    expect(r.plugin).toBe(0);
    expect(r.bias).toBeCloseTo(0.2, 15);
    expect(r.estimate).toBeCloseTo(-0.2, 15);
  });

  test('the correction on [30, 50, 20] vs [25, 25, 50]: 2/200 + (1.2 + 2 + 0.4 - 1)/200', () => {
    const r = klDivergenceFromCounts([30, 50, 20], [25, 25, 50], {
      correction: 'miller-madow',
      base: 2,
    });
    expect(r.bias).toBeCloseTo(0.023 / Math.LN2, 15);
    expect(r.estimate).toBeCloseTo(r.plugin - 0.023 / Math.LN2, 15);
  });
});

describe('validation', () => {
  const kl = klDivergenceFromCounts as (...a: unknown[]) => unknown;
  const h = entropyFromCounts as (...a: unknown[]) => unknown;
  test.each([
    [
      'different bin counts',
      () => kl([1, 2], [1, 2, 3]),
      ShapeError,
      'E_SHAPE_MISMATCH',
      "'countsP' and 'countsQ'",
    ],
    [
      'no bins',
      () => h([]),
      ShapeError,
      'E_INVALID_SHAPE',
      "argument 'counts' must be 1-D with at least one bin; received shape [0]",
    ],
    [
      'a negative count',
      () => kl([1, -2], [1, 2]),
      ArgumentError,
      'E_INVALID_DATA',
      "'countsP' holds -2 at index 1",
    ],
    [
      'NaN',
      () => kl([1, 2], [Number.NaN, 2]),
      ArgumentError,
      'E_NON_FINITE',
      "'countsQ' holds NaN at index 0",
    ],
    [
      'Infinity',
      () => h([Number.POSITIVE_INFINITY]),
      ArgumentError,
      'E_NON_FINITE',
      'Infinity at index 0',
    ],
    ['a string', () => h([1, '2']), ArgumentError, 'E_INVALID_DATA', "received '2' at counts[1]"],
    [
      'not an array',
      () => h('1 2'),
      ArgumentError,
      'E_INVALID_DATA',
      "argument 'counts' must be a Tensor",
    ],
    ['a 2-D array', () => h([[1, 2]]), ShapeError, 'E_INVALID_SHAPE', 'received shape [1, 2]'],
    ['all zeros', () => kl([0, 0], [1, 1]), ArgumentError, 'E_INVALID_DATA', 'positive total'],
    [
      'weights with the correction',
      () => h([1.5, 2], { correction: 'miller-madow' }),
      ArgumentError,
      'E_INVALID_DATA',
      "option 'correction' needs integer counts",
    ],
    [
      'weights with the bootstrap',
      () => kl([1, 2], [1, 2.5], { bootstrap: true }),
      ArgumentError,
      'E_INVALID_DATA',
      "'countsQ' holds 2.5 at index 1",
    ],
    [
      'unknown smoothing',
      () => h([1], { smoothing: 'add-one' }),
      ArgumentError,
      'E_OPTION_RANGE',
      "option 'smoothing' must be",
    ],
    [
      'negative pseudo-count',
      () => h([1], { smoothing: -1 }),
      ArgumentError,
      'E_OPTION_RANGE',
      'received -1',
    ],
    [
      'smoothing of the wrong type',
      () => h([1], { smoothing: true }),
      ArgumentError,
      'E_OPTION_TYPE',
      "option 'smoothing' must be a number",
    ],
    [
      'unknown correction',
      () => h([1], { correction: 'mm' }),
      ArgumentError,
      'E_OPTION_RANGE',
      "'none' or 'miller-madow'",
    ],
    [
      'correction with smoothing',
      () => kl([1], [1], { correction: 'miller-madow', smoothing: 'laplace' }),
      ArgumentError,
      'E_OPTION_RANGE',
      "must be 'none' when 'smoothing'",
    ],
    ['base 1', () => h([1], { base: 1 }), ArgumentError, 'E_OPTION_RANGE', "option 'base'"],
    [
      'a misspelt option',
      () => kl([1], [1], { smooth: 1 }),
      ArgumentError,
      'E_UNKNOWN_OPTION',
      "Did you mean 'smoothing'?",
    ],
    [
      'a misspelt bootstrap option',
      () => h([1], { bootstrap: { resample: 10 } }),
      ArgumentError,
      'E_UNKNOWN_OPTION',
      "'resamples'",
    ],
    [
      'one resample',
      () => h([1], { bootstrap: { resamples: 1 } }),
      ArgumentError,
      'E_OPTION_RANGE',
      "'bootstrap.resamples'",
    ],
    [
      'level 1',
      () => h([1], { bootstrap: { level: 1 } }),
      ArgumentError,
      'E_OPTION_RANGE',
      "'bootstrap.level'",
    ],
  ] as const)('%s', (_name, f, cls, code, text) => {
    const e = thrown(f);
    expect(e).toBeInstanceOf(cls);
    expect(e.code).toBe(code);
    expect(e.message).toContain(text);
    expect(e.message.startsWith(e.fn)).toBe(true);
  });
});

describe('the corrections reduce the bias (seeded simulations)', () => {
  test('entropy: uniform on 10 bins, n = 30, 2000 replicates', () => {
    // plug-in bias ~ -(K - 1)/(2n) = -0.15 (higher orders add a little); Miller-Madow removes
    // most of it. Monte Carlo standard error of each mean: about 0.002.
    const rng = new RandomGenerator(20261203);
    const p = new Array(10).fill(0.1);
    const truth = Math.log(10);
    const plugin: number[] = [];
    const corrected: number[] = [];
    for (let r = 0; r < 2000; r++) {
      const c = drawCounts(rng, 30, p);
      plugin.push(entropyFromCounts(c).estimate);
      corrected.push(entropyFromCounts(c, { correction: 'miller-madow' }).estimate);
    }
    const biasPlugin = mean(plugin) - truth;
    const biasCorrected = mean(corrected) - truth;
    expect(biasPlugin).toBeLessThan(-0.12);
    expect(Math.abs(biasCorrected)).toBeLessThan(Math.abs(biasPlugin) / 4);
  });

  test.each([
    ['P != Q, n = m = 50', [0.4, 0.3, 0.2, 0.1], [0.25, 0.25, 0.25, 0.25], 50, 50],
    ['P = Q on 10 bins, n = m = 100', new Array(10).fill(0.1), new Array(10).fill(0.1), 100, 100],
  ] as const)('KL: %s, 2000 replicates', (_name, p, q, n, m) => {
    // predicted plug-in bias (K - 1)/(2n) + (sum p/q - 1)/(2m): 0.06 and 0.09; every Q bin has
    // probability >= 0.1, so an empty Q bin has probability <= 0.9^50 per bin (5e-3; such
    // replicates are infinite for both estimators and are left out of both means).
    const rng = new RandomGenerator(7);
    let truth = 0;
    for (let i = 0; i < p.length; i++) truth += p[i] * Math.log(p[i] / q[i]);
    const plugin: number[] = [];
    const corrected: number[] = [];
    for (let r = 0; r < 2000; r++) {
      const a = drawCounts(rng, n, [...p]);
      const b = drawCounts(rng, m, [...q]);
      const c = klDivergenceFromCounts(a, b, { correction: 'miller-madow' });
      if (!Number.isFinite(c.estimate)) continue;
      plugin.push(c.plugin);
      corrected.push(c.estimate);
    }
    expect(plugin.length).toBeGreaterThan(1900);
    const biasPlugin = mean(plugin) - truth;
    const biasCorrected = mean(corrected) - truth;
    expect(biasPlugin).toBeGreaterThan(0.04);
    expect(Math.abs(biasCorrected)).toBeLessThan(Math.abs(biasPlugin) / 4);
  });
});

describe('bootstrap', () => {
  test('the interval is bootstrapInterval of the same statistic on the same seed', () => {
    // one bootstrap for every estimator: the same multinomial resamples of both histograms,
    // the same percentile rule. The statistic here is the plug-in by hand (plain sums; the
    // estimator sums with compensation, so the ends agree to rounding, not bits).
    const p = [30, 50, 20];
    const q = [25, 25, 50];
    const handKL = ([a, b]: readonly Int32Array[]) => {
      let kl = 0;
      for (let i = 0; i < a.length; i++) {
        if (a[i] > 0) kl += (a[i] / 100) * Math.log(a[i] / 100 / (b[i] / 100));
      }
      return kl;
    };
    const options = { seed: 9, resamples: 500, level: 0.9 };
    const want = bootstrapInterval(handKL, [p, q], options);
    const got = klDivergenceFromCounts(p, q, { bootstrap: options });
    expect(got.ci!.lower).toBeCloseTo(want.ci.lower, 13);
    expect(got.ci!.upper).toBeCloseTo(want.ci.upper, 13);
    expect(got.standardError).toBeCloseTo(want.standardError, 13);
    expect(got.ci).toMatchObject({ level: 0.9, resamples: 500, method: 'percentile' });
    // entropy: one histogram, the same resampler
    const handH = ([a]: readonly Int32Array[]) =>
      -a.reduce((s, c) => (c > 0 ? s + (c / 100) * Math.log(c / 100) : s), 0);
    const h = entropyFromCounts(p, { bootstrap: options });
    const hw = bootstrapInterval(handH, [p], options);
    expect(h.ci!.lower).toBeCloseTo(hw.ci.lower, 13);
    expect(h.ci!.upper).toBeCloseTo(hw.ci.upper, 13);
  });

  test('resamples that empty a Q bin are +inf: the upper end is Infinity, not a finite neighbour', () => {
    // Q = [6, 1, 1]: a resample of m = 8 leaves bin 1 empty with probability (7/8)^8 = 0.34,
    // and P has mass there, so about a third of the replicates are +inf (more than 2.5%)
    const r = klDivergenceFromCounts([5, 1, 3], [6, 1, 1], {
      bootstrap: { seed: 2, resamples: 200 },
    });
    expect(Number.isFinite(r.estimate)).toBe(true);
    expect(r.ci!.upper).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isFinite(r.ci!.lower)).toBe(true);
    expect(r.standardError).toBe(Number.POSITIVE_INFINITY);
  });

  test('a total above 2^31 - 1 cannot be resampled (int32 counts): E_INVALID_DATA', () => {
    const e = thrown(() => entropyFromCounts([2 ** 31, 1], { bootstrap: true }));
    expect(e.code).toBe('E_INVALID_DATA');
    expect(e.message).toContain(
      "entropyFromCounts: option 'bootstrap' resamples at most 2^31 - 1 observations per sample; argument 'counts' has a total count of 2147483649",
    );
    // without the bootstrap such a total is fine
    expect(entropyFromCounts([2 ** 31, 2 ** 31]).estimate).toBeCloseTo(Math.LN2, 15);
  });

  test('seeded: the same seed gives the same interval, another seed another', () => {
    const run = (seed: number) =>
      klDivergenceFromCounts([30, 50, 20], [25, 25, 50], { bootstrap: { seed, resamples: 300 } })
        .ci!;
    const a = run(1);
    expect(run(1)).toEqual(a);
    expect(run(2)).not.toEqual(a);
    expect(a.lower).toBeLessThan(a.upper);
    expect(a).toMatchObject({ level: 0.95, resamples: 300, method: 'percentile' });
  });

  test('entropy intervals: width near 2 * 1.96 * the delta-method sd, and coverage near 95%', () => {
    // Var(H^) ~ (sum p (ln p)^2 - H^2) / n (delta method): for p below and n = 400, sd ~ 0.035.
    // 100 seeded datasets, 200 resamples each: the mean width must be within 15% of
    // 3.92 sd, and at least 85 of the 100 intervals must cover the true H (binomial sd of the
    // coverage at 95%: 2.2 points).
    const p = [0.35, 0.25, 0.2, 0.15, 0.05];
    const n = 400;
    const truth = -p.reduce((s, v) => s + v * Math.log(v), 0);
    const second = p.reduce((s, v) => s + v * Math.log(v) ** 2, 0);
    const sd = Math.sqrt((second - truth * truth) / n);
    const rng = new RandomGenerator(11);
    let covered = 0;
    const widths: number[] = [];
    for (let r = 0; r < 100; r++) {
      const counts = drawCounts(rng, n, p);
      const ci = entropyFromCounts(counts, { bootstrap: { seed: r, resamples: 200 } }).ci!;
      widths.push(ci.upper - ci.lower);
      if (ci.lower <= truth && truth <= ci.upper) covered++;
    }
    expect(Math.abs(mean(widths) / (3.92 * sd) - 1)).toBeLessThan(0.15);
    expect(covered).toBeGreaterThanOrEqual(85);
  });

  test('the interval follows the estimator: corrected KL intervals sit lower by about the bias', () => {
    const opts = { bootstrap: { seed: 5, resamples: 400 } };
    const plain = klDivergenceFromCounts([30, 50, 20], [25, 25, 50], opts).ci!;
    const corrected = klDivergenceFromCounts([30, 50, 20], [25, 25, 50], {
      ...opts,
      correction: 'miller-madow',
    }).ci!;
    expect(corrected.lower).toBeLessThan(plain.lower);
    expect(corrected.upper).toBeLessThan(plain.upper);
    expect(plain.lower - corrected.lower).toBeGreaterThan(0.005);
    expect(plain.lower - corrected.lower).toBeLessThan(0.06);
  });
});
