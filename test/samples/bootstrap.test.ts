/**
 * bootstrapInterval: the percentile rule and standard error computed by hand, the resampling
 * distributions (uniform draws of observations, multinomial draws of category counts),
 * seeding, and validation.
 */
import { describe, expect, test } from 'vitest';
import { bootstrapInterval } from '../../src/samples/index.js';

const code = (c: string) => expect.objectContaining({ code: c });

describe('percentile interval and standard error', () => {
  test('replicates 0..999: NumPy linear quantiles and the sample sd, by hand', () => {
    const r = bootstrapInterval((_c, replicate) => replicate, [5]);
    // h = 999 * 0.025 = 24.975 and 999 * 0.975 = 974.025 between consecutive integers
    expect(r.ci.lower).toBeCloseTo(24.975, 12);
    expect(r.ci.upper).toBeCloseTo(974.025, 12);
    expect(r.ci).toMatchObject({ level: 0.95, resamples: 1000, method: 'percentile' });
    // sum (i - 499.5)^2 / 999 = 1000 (1000^2 - 1) / 12 / 999 = 1000 * 1001 / 12
    expect(r.standardError).toBeCloseTo(Math.sqrt((1000 * 1001) / 12), 10);
    expect(Array.from(r.replicates.subarray(0, 3))).toEqual([0, 1, 2]);
  });

  test('level 0.5 with 5 resamples: quartiles of 0..4', () => {
    const r = bootstrapInterval((_c, i) => 10 * i, [3], { resamples: 5, level: 0.5 });
    expect([r.ci.lower, r.ci.upper]).toEqual([10, 30]);
  });

  test('infinite replicates: the interval and standard error say so, no NaN', () => {
    // the upper quantile lies between 974 and the first +inf: the limit of the interpolation
    const r = bootstrapInterval((_c, i) => (i < 975 ? i : Number.POSITIVE_INFINITY), [2]);
    expect(r.ci.lower).toBeCloseTo(24.975, 12);
    expect(r.ci.upper).toBe(Number.POSITIVE_INFINITY);
    expect(r.standardError).toBe(Number.POSITIVE_INFINITY);
    const s = bootstrapInterval((_c, i) => (i < 30 ? Number.NEGATIVE_INFINITY : i), [2]);
    expect(s.ci.lower).toBe(Number.NEGATIVE_INFINITY);
  });

  test('an end between an infinite replicate and a finite one is the infinity, not the neighbour', () => {
    // sorted replicates [-inf, 1, 2, 3], level 0.5: the lower quantile h = 3 * 0.25 = 0.75 lies
    // between -inf and 1, and a + (b - a) 0.75 tends to -inf as a does; the upper, h = 2.25,
    // is 2 + 0.25 * (3 - 2) = 2.25
    const values = [2, Number.NEGATIVE_INFINITY, 3, 1];
    const r = bootstrapInterval((_c, i) => values[i], [2], { resamples: 4, level: 0.5 });
    expect(r.ci.lower).toBe(Number.NEGATIVE_INFINITY);
    expect(r.ci.upper).toBe(2.25);
    // both ends infinite with the midpoint between -inf and +inf: t >= 0.5 takes the upper
    const both = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
    const w = bootstrapInterval((_c, i) => both[i], [2], { resamples: 2, level: 0.5 });
    expect([w.ci.lower, w.ci.upper]).toEqual([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
  });

  test('NumPy linear quantiles of [1, 2, 4, 8] at 0.25 and 0.75: 1.75 and 5', () => {
    // h = 3 q: 0.75 -> 1 + 0.75 * (2 - 1); 2.25 -> 4 + 0.25 * (8 - 4)
    const values = [8, 1, 4, 2];
    const r = bootstrapInterval((_c, i) => values[i], [1], { resamples: 4, level: 0.5 });
    expect([r.ci.lower, r.ci.upper]).toEqual([1.75, 5]);
  });
});

describe('resampling', () => {
  test('observations: counts sum to n, each drawn once on average, seeded', () => {
    const n = 50;
    const totals = new Float64Array(n);
    const seen: number[][] = [];
    bootstrapInterval(
      (c) => {
        expect(c.length).toBe(2);
        expect(c[0].reduce((a, b) => a + b, 0)).toBe(n);
        expect(c[1].reduce((a, b) => a + b, 0)).toBe(7);
        c[0].forEach((v, i) => {
          totals[i] += v;
        });
        if (seen.length < 2) seen.push(Array.from(c[0]));
        return 0;
      },
      [n, 7],
      { resamples: 4000, seed: 3 },
    );
    // each count is Binomial(50, 1/50): mean 1, sd ~0.99; over 4000 replicates the mean of
    // one count has sd 0.0157, so 0.08 is 5 of them
    for (const t of totals) expect(Math.abs(t / 4000 - 1)).toBeLessThan(0.08);
    // a count is 0 with probability (49/50)^50 = 0.364
    expect(seen[0].filter((v) => v === 0).length).toBeGreaterThan(5);
    expect(seen[0]).not.toEqual(seen[1]);
  });

  test('category counts: multinomial draws of the same total, proportional on average', () => {
    const hist = [10, 0, 30, 60];
    const mean = [0, 0, 0, 0];
    bootstrapInterval(
      (c) => {
        expect(c[0].reduce((a, b) => a + b, 0)).toBe(100);
        expect(c[0][1]).toBe(0);
        c[0].forEach((v, i) => {
          mean[i] += v / 2000;
        });
        return 0;
      },
      [hist],
      { resamples: 2000, seed: 5 },
    );
    // sd of the mean of bin 3 (Binomial(100, 0.6)): sqrt(24 / 2000) = 0.11; 0.6 is 5 of them
    hist.forEach((h, i) => {
      expect(Math.abs(mean[i] - h)).toBeLessThan(0.6);
    });
  });

  test('category counts with empty bins at both ends: never drawn, the total exact, means n p', () => {
    const hist = [0, 20, 0, 12, 8, 0];
    const sums = new Float64Array(hist.length);
    const reps = 2000;
    bootstrapInterval(
      (c) => {
        expect(c[0].reduce((a, b) => a + b, 0)).toBe(40);
        expect(c[0][0] + c[0][2] + c[0][5]).toBe(0);
        c[0].forEach((v, i) => {
          sums[i] += v;
        });
        return 0;
      },
      [hist],
      { resamples: reps, seed: 3 },
    );
    // standard error of a mean count: sqrt(40 p (1 - p) / 2000) <= 0.071, so 0.3 is > 4 of them
    hist.forEach((h, i) => {
      expect(Math.abs(sums[i] / reps - h)).toBeLessThan(0.3);
    });
  });

  test('the bootstrap of a mean matches its normal-theory standard error', () => {
    // data 0..99: the bootstrap sd of the mean is s * sqrt((n - 1) / n) / sqrt(n) with
    // s^2 = n (n + 1) / 12, i.e. 2.8868; 2000 resamples estimate an sd to about 1.6%
    const n = 100;
    const r = bootstrapInterval((c) => c[0].reduce((s, v, i) => s + v * i, 0) / n, [n], {
      resamples: 2000,
      seed: 11,
    });
    const want = (Math.sqrt((n * (n + 1)) / 12) * Math.sqrt((n - 1) / n)) / Math.sqrt(n);
    expect(Math.abs(r.standardError / want - 1)).toBeLessThan(0.06);
    // and the 95% interval is about 49.5 +- 1.96 * 2.89
    expect(r.ci.lower).toBeGreaterThan(49.5 - 1.96 * want - 0.6);
    expect(r.ci.lower).toBeLessThan(49.5 - 1.96 * want + 0.6);
    expect(r.ci.upper).toBeGreaterThan(49.5 + 1.96 * want - 0.6);
    expect(r.ci.upper).toBeLessThan(49.5 + 1.96 * want + 0.6);
  });

  test('the same seed gives the same replicates, another seed others', () => {
    const stat = (c: readonly Int32Array[]) => c[0][0] + 10 * c[0][1];
    const a = bootstrapInterval(stat, [20], { resamples: 50, seed: 1 });
    const b = bootstrapInterval(stat, [20], { resamples: 50, seed: 1 });
    const c = bootstrapInterval(stat, [20], { resamples: 50, seed: 2 });
    expect(b.replicates).toEqual(a.replicates);
    expect(c.replicates).not.toEqual(a.replicates);
  });
});

describe('validation', () => {
  const stat = () => 1;
  test('statistic and sizes', () => {
    expect(() => bootstrapInterval(1 as never, [3])).toThrow(code('E_INVALID_DATA'));
    expect(() => bootstrapInterval(stat, [])).toThrow(code('E_INVALID_DATA'));
    expect(() => bootstrapInterval(stat, 3 as never)).toThrow(code('E_INVALID_DATA'));
    expect(() => bootstrapInterval(stat, [0])).toThrow(/entry 0 must be an integer number/);
    expect(() => bootstrapInterval(stat, [2.5])).toThrow(code('E_INVALID_DATA'));
    expect(() => bootstrapInterval(stat, [3, [1, -1]])).toThrow(
      /entry 1 must hold integer counts >= 0; index 1 is -1/,
    );
    expect(() => bootstrapInterval(stat, [[0, 0]])).toThrow(/total from 1/);
    expect(() => bootstrapInterval(stat, ['ab' as never])).toThrow(code('E_INVALID_DATA'));
  });

  test('options', () => {
    expect(() => bootstrapInterval(stat, [3], { resamples: 1 })).toThrow(
      /option 'resamples' must be an integer from 2 to 1e7/,
    );
    expect(() => bootstrapInterval(stat, [3], { level: 0 })).toThrow(code('E_OPTION_RANGE'));
    expect(() => bootstrapInterval(stat, [3], { seed: 0.5 })).toThrow(code('E_OPTION_RANGE'));
    expect(() => bootstrapInterval(stat, [3], { seed: '1' as never })).toThrow(
      code('E_OPTION_TYPE'),
    );
    expect(() => bootstrapInterval(stat, [3], { samples: 5 } as never)).toThrow(
      /unknown option 'samples'.*Did you mean 'resamples'/,
    );
  });

  test('a NaN replicate is E_NON_FINITE, naming the replicate', () => {
    expect(() => bootstrapInterval((_c, i) => (i === 7 ? Number.NaN : 0), [3])).toThrow(
      /the statistic returned NaN on bootstrap replicate 7/,
    );
    expect(() => bootstrapInterval(() => 'x' as never, [3])).toThrow(code('E_NON_FINITE'));
  });
});
