/**
 * asymptoticStandardError of entropyFromCounts, klDivergenceFromCounts and binnedDivergence: the
 * delta-method standard errors, checked (1) against hand computations on small histograms, the
 * derivations in comments, (2) against the spread of the plug-in over seeded multinomial
 * simulations, and (3) at P = Q, where the delta method degenerates, against what the TSDoc says
 * is reported there and against the known chi-square limits.
 *
 * Simulation tolerance: with R replicates, the sample standard deviation s of the estimates has
 * standard error s * sqrt((kurtosis - 1) / (4R)) (the delta method on s^2, whose variance is
 * (m4 - m2^2) / R), estimated from the replicates themselves. Checks allow 4 of those standard
 * errors (about 9% at R = 1000): a false failure has probability ~6e-5 per check, and the seeds
 * are fixed. The delta method's own error is second order, O(1/n) relative (~0.1-1% at
 * n = 1000), well inside that. The allowance is tight enough to catch a dropped term: for the KL
 * case below, leaving out the 1/m term would give 0.0289 instead of 0.0452 (-36%).
 */
import { describe, expect, test } from 'vitest';
import { RandomGenerator } from '../../src/distributions/random.js';
import { binnedDivergence } from '../../src/samples/binned-divergence.js';
import { entropyFromCounts } from '../../src/samples/entropy-from-counts.js';
import { klDivergenceFromCounts } from '../../src/samples/kl-divergence-from-counts.js';

/** n categorical draws by inverse CDF, with the project's generator. */
function drawCounts(rng: RandomGenerator, n: number, p: readonly number[]): number[] {
  const counts = new Array<number>(p.length).fill(0);
  for (let s = 0; s < n; s++) {
    let u = rng.random();
    let i = 0;
    while (i < p.length - 1 && u >= p[i]) u -= p[i++];
    counts[i]++;
  }
  return counts;
}

/** Categorical values with these counts per category 'a', 'b', ... (binnedDivergence's input). */
const values = (counts: readonly number[]) =>
  counts.flatMap((k, i) => new Array<string>(k).fill(String.fromCharCode(97 + i)));

/** Mean, sample standard deviation, and the standard error of that standard deviation. */
function spread(xs: readonly number[]) {
  const r = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / r;
  const m2 = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / r;
  const m4 = xs.reduce((a, b) => a + (b - mean) ** 4, 0) / r;
  const sd = Math.sqrt((m2 * r) / (r - 1));
  return { mean, sd, sdError: sd * Math.sqrt((m4 / (m2 * m2) - 1) / (4 * r)) };
}

/** Variance of g under proportions w: sum w g^2 - (sum w g)^2, the uncentred textbook form. */
function variance(w: readonly number[], g: readonly number[]): number {
  const mean = w.reduce((s, wi, i) => s + wi * g[i], 0);
  return w.reduce((s, wi, i) => s + wi * g[i] * g[i], 0) - mean * mean;
}

describe('entropyFromCounts: hand computations', () => {
  test('[4, 3, 2, 1]: sqrt((sum p ln^2 p - H^2) / n), the same with Miller-Madow', () => {
    // p = (0.4, 0.3, 0.2, 0.1), n = 10. dH/dp_i = -(ln p_i + 1) and Cov(p^) = (diag p - pp^T)/n,
    // so Var H^ ~ (sum p (ln p + 1)^2 - (sum p (ln p + 1))^2) / n = (sum p ln^2 p - H^2) / n.
    const p = [0.4, 0.3, 0.2, 0.1];
    const h = -p.reduce((s, x) => s + x * Math.log(x), 0);
    const second = p.reduce((s, x) => s + x * Math.log(x) ** 2, 0);
    const se = Math.sqrt((second - h * h) / 10);
    expect(se).toBeCloseTo(0.13450713239598786, 15); // NumPy, the same formula
    const plain = entropyFromCounts([4, 3, 2, 1]);
    expect(plain.asymptoticStandardError).toBeCloseTo(se, 14);
    const mm = entropyFromCounts([4, 3, 2, 1], { correction: 'miller-madow' });
    expect(mm.asymptoticStandardError).toBe(plain.asymptoticStandardError);
    // bits: H_2 = H / ln 2, so its standard error is divided by ln 2
    expect(entropyFromCounts([4, 3, 2, 1], { base: 2 }).asymptoticStandardError).toBeCloseTo(
      se / Math.LN2,
      14,
    );
  });

  test('smoothing: the smoothed proportions, n the real count total', () => {
    // jeffreys on [0, 2]: p~ = (0.5, 2.5) / 3 = (1/6, 5/6), n = 2 (not 3). Two bins:
    // Var_p[ln p] = p1 p2 (ln p1 - ln p2)^2 = (5/36) ln^2 5.
    const se = Math.sqrt(((5 / 36) * Math.log(5) ** 2) / 2);
    const r = entropyFromCounts([0, 2], { smoothing: 'jeffreys' });
    expect(r.asymptoticStandardError).toBeCloseTo(se, 15);
  });

  test('the degenerate points report the delta method value 0; weights give NaN', () => {
    // a uniform histogram: ln p is constant, the first-order variance is 0 (the real spread is
    // O(1/n): 2n (ln K - H^) tends to chi-square(K - 1))
    expect(entropyFromCounts([5, 5, 5]).asymptoticStandardError).toBe(0);
    expect(entropyFromCounts([7]).asymptoticStandardError).toBe(0);
    expect(entropyFromCounts([0, 7, 0]).asymptoticStandardError).toBe(0);
    expect(entropyFromCounts([0.5, 1.5]).asymptoticStandardError).toBeNaN();
  });
});

describe('klDivergenceFromCounts: hand computations', () => {
  test('[30, 50, 20] || [25, 25, 50]: the two-sample delta method', () => {
    // dD/dp_i = ln(p_i/q_i) + 1, dD/dq_i = -p_i/q_i; p^ and q^ independent, so
    // Var D^ ~ Var_p[ln(p/q)] / n + Var_q[p/q] / m
    //        = (sum p ln^2(p/q) - D^2) / n + (sum p^2/q - 1) / m
    const p = [0.3, 0.5, 0.2];
    const q = [0.25, 0.25, 0.5];
    const d = p.reduce((s, x, i) => s + x * Math.log(x / q[i]), 0);
    const vp = p.reduce((s, x, i) => s + x * Math.log(x / q[i]) ** 2, 0) - d * d;
    const vq = p.reduce((s, x, i) => s + (x * x) / q[i], 0) - 1;
    const se = Math.sqrt(vp / 100 + vq / 100);
    expect(se).toBeCloseTo(0.09003262740424525, 15); // NumPy, the same formula
    const r = klDivergenceFromCounts([30, 50, 20], [25, 25, 50]);
    expect(r.asymptoticStandardError).toBeCloseTo(se, 14);
    // the correction subtracts a term of lower-order variance: the same standard error
    const c = klDivergenceFromCounts([30, 50, 20], [25, 25, 50], { correction: 'miller-madow' });
    expect(c.asymptoticStandardError).toBe(r.asymptoticStandardError);
    const bits = klDivergenceFromCounts([30, 50, 20], [25, 25, 50], { base: 2 });
    expect(bits.asymptoticStandardError).toBeCloseTo(se / Math.LN2, 14);
  });

  test('n and m enter separately: [3, 1] (n = 4) against [20, 20] (m = 40)', () => {
    // p = (3/4, 1/4), q = (1/2, 1/2). Two bins: Var_w[g] = w1 w2 (g1 - g2)^2.
    // Var_p[ln(p/q)] = (3/16) ln^2 3; Var_q[p/q] = (1/4)(3/2 - 1/2)^2 = 1/4.
    const se = Math.sqrt(((3 / 16) * Math.log(3) ** 2) / 4 + 1 / 4 / 40);
    expect(klDivergenceFromCounts([3, 1], [20, 20]).asymptoticStandardError).toBeCloseTo(se, 15);
  });

  test('smoothing: laplace on [3, 1] || [4, 0] uses (4, 2)/6 and (5, 1)/6 with n = m = 4', () => {
    const p = [4 / 6, 2 / 6];
    const q = [5 / 6, 1 / 6];
    const g = [Math.log(p[0] / q[0]), Math.log(p[1] / q[1])];
    const vp = p[0] * p[1] * (g[0] - g[1]) ** 2;
    const vq = q[0] * q[1] * (p[0] / q[0] - p[1] / q[1]) ** 2;
    const r = klDivergenceFromCounts([3, 1], [4, 0], { smoothing: 'laplace' });
    expect(r.asymptoticStandardError).toBeCloseTo(Math.sqrt(vp / 4 + vq / 4), 15);
  });

  test('Infinity with an infinite estimate, NaN for weights, a bin empty in both is ignored', () => {
    expect(klDivergenceFromCounts([3, 1], [4, 0]).asymptoticStandardError).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(klDivergenceFromCounts([0.5, 1], [1, 1]).asymptoticStandardError).toBeNaN();
    expect(klDivergenceFromCounts([3, 1, 0], [20, 20, 0]).asymptoticStandardError).toBe(
      klDivergenceFromCounts([3, 1], [20, 20]).asymptoticStandardError,
    );
    // P empty where Q has mass: that bin enters the 1/m term only, through q_i (p_i/q_i - 1)^2
    // p = (1/2, 1/2, 0), q = (1/4, 1/4, 1/2): Var_p[ln(p/q)] = 0 (ln 2 in both bins);
    // Var_q[p/q] = sum p^2/q - 1 = (1/4)/(1/4) + (1/4)/(1/4) - 1 = 1, over m = 20
    const r = klDivergenceFromCounts([5, 5, 0], [5, 5, 10]);
    expect(r.asymptoticStandardError).toBeCloseTo(Math.sqrt(1 / 20), 15);
  });
});

describe('binnedDivergence: hand computations', () => {
  // reference counts (2, 2), current (1, 3): r = (1/2, 1/2), c = (1/4, 3/4), n = m = 4.
  // Two bins: a multinomial variance is Var_w[g] = w1 w2 (g1 - g2)^2.
  const ref = ['a', 'a', 'b', 'b'];
  const cur = ['a', 'b', 'b', 'b'];

  test("'kl' is klDivergenceFromCounts's on the binned counts", () => {
    const b = binnedDivergence(ref, cur, { measure: 'kl', base: 2 });
    const k = klDivergenceFromCounts([2, 2], [1, 3], { base: 2 });
    expect(b.asymptoticStandardError).toBeCloseTo(k.asymptoticStandardError, 15);
    expect(b.asymptoticStandardError).toBeGreaterThan(0);
  });

  test("'psi': PSI = KL(r||c) + KL(c||r), a = ln(r/c) + 1 - c/r, b = ln(c/r) + 1 - r/c", () => {
    // a = (ln 2 + 1/2, ln(2/3) - 1/2): a1 - a2 = ln 3 + 1, Var_r[a] = (ln 3 + 1)^2 / 4
    // b = (-ln 2 - 1, ln(3/2) + 1/3): b1 - b2 = -(ln 3 + 4/3), Var_c[b] = (3/16)(ln 3 + 4/3)^2
    const vr = (Math.log(3) + 1) ** 2 / 4;
    const vc = (3 / 16) * (Math.log(3) + 4 / 3) ** 2;
    const r = binnedDivergence(ref, cur, { measure: 'psi' });
    expect(r.value).toBeCloseTo(Math.log(3) / 4, 15);
    expect(r.asymptoticStandardError).toBeCloseTo(Math.sqrt(vr / 4 + vc / 4), 14);
  });

  test("'js': JSD = H(mid) - (H(r) + H(c))/2, a = ln(r/mid)/2, then over 2 * distance", () => {
    // mid = (3/8, 5/8). a = (ln(4/3), ln(4/5)) / 2: Var_r[a] = (1/4)(ln(5/3)/2)^2
    // b = (ln(2/3), ln(6/5)) / 2: Var_c[b] = (3/16)(ln(5/9)/2)^2
    const vr = (Math.log(5 / 3) / 2) ** 2 / 4;
    const vc = (3 / 16) * (Math.log(5 / 9) / 2) ** 2;
    const jsd =
      (0.5 * Math.log(4 / 3) + 0.5 * Math.log(4 / 5)) / 2 +
      (0.25 * Math.log(2 / 3) + 0.75 * Math.log(6 / 5)) / 2;
    const r = binnedDivergence(ref, cur, { measure: 'js' });
    expect(r.divergence).toBeCloseTo(jsd, 15);
    const se = Math.sqrt(vr / 4 + vc / 4) / (2 * Math.sqrt(jsd));
    expect(r.asymptoticStandardError).toBeCloseTo(se, 14);
    // base 2: the distance is sqrt(J / L), J in nats and L = ln 2, and
    // d sqrt(J / L) = dJ / (2 L sqrt(J / L)): SE(J) over 2 L times the distance
    const bits = binnedDivergence(ref, cur, { measure: 'js', base: 2 });
    expect(bits.asymptoticStandardError).toBeCloseTo(
      Math.sqrt(vr / 4 + vc / 4) / (2 * Math.LN2 * bits.value),
      14,
    );
  });

  test("'hellinger': sqrt((2 - H^2)(1/n + 1/m)) / 4 when both sides share the bins", () => {
    // H^2 = 1 - BC, BC = sum sqrt(r c); a = -sqrt(c/r)/2, b = -sqrt(r/c)/2, so
    // Var_r[a] = (sum c - BC^2)/4 = (1 - BC^2)/4 = H^2 (2 - H^2)/4, the same for Var_c[b]:
    // Var H^2 ~ H^2 (2 - H^2)(1/n + 1/m)/4, and SE(H) = SE(H^2)/(2H).
    const r = [0.5, 0.5];
    const c = [0.25, 0.75];
    const ga = r.map((ri, i) => -Math.sqrt(c[i] / ri) / 2);
    const gb = c.map((ci, i) => -Math.sqrt(r[i] / ci) / 2);
    const h = binnedDivergence(ref, cur, { measure: 'hellinger' });
    const direct = Math.sqrt(variance(r, ga) / 4 + variance(c, gb) / 4) / (2 * h.value);
    expect(h.asymptoticStandardError).toBeCloseTo(direct, 14);
    expect(h.asymptoticStandardError).toBeCloseTo(
      Math.sqrt((2 - h.value ** 2) * (1 / 4 + 1 / 4)) / 4,
      15,
    );
  });

  test("'hellinger' with a bin only the current has: that bin carries no reference weight", () => {
    // reference (2, 2, 0), current (1, 2, 1): r = (1/2, 1/2, 0), c = (1/4, 1/2, 1/4)
    const r = [0.5, 0.5];
    const c = [0.25, 0.5, 0.25];
    const ga = [-Math.sqrt(0.25 / 0.5) / 2, -Math.sqrt(0.5 / 0.5) / 2];
    const gb = [-Math.sqrt(0.5 / 0.25) / 2, -Math.sqrt(0.5 / 0.5) / 2, 0];
    const h = binnedDivergence(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'c'], {
      measure: 'hellinger',
    });
    const direct = Math.sqrt(variance(r, ga) / 4 + variance(c, gb) / 4) / (2 * h.value);
    expect(h.asymptoticStandardError).toBeCloseTo(direct, 14);
  });

  test('Infinity with an infinite value; NaN when epsilon filled a zero', () => {
    const empty = binnedDivergence(['a', 'b'], ['a', 'a'], { measure: 'kl' });
    expect(empty.value).toBe(Number.POSITIVE_INFINITY);
    expect(empty.asymptoticStandardError).toBe(Number.POSITIVE_INFINITY);
    expect(
      binnedDivergence(['a', 'b'], ['a', 'a'], { measure: 'psi', epsilon: 0 })
        .asymptoticStandardError,
    ).toBe(Number.POSITIVE_INFINITY);
    // epsilon replaced a zero: the value jumps by an amount set by epsilon, not by the data
    const filled = binnedDivergence(['a', 'b'], ['a', 'a'], { measure: 'kl', epsilon: 1e-3 });
    expect(Number.isFinite(filled.value)).toBe(true);
    expect(filled.asymptoticStandardError).toBeNaN();
    expect(
      binnedDivergence(['a', 'b'], ['a', 'a'], { measure: 'psi' }).asymptoticStandardError,
    ).toBeNaN();
    // epsilon with nothing to fill changes nothing
    const kl = binnedDivergence(ref, cur, { measure: 'kl' });
    expect(
      binnedDivergence(ref, cur, { measure: 'kl', epsilon: 1e-3 }).asymptoticStandardError,
    ).toBe(kl.asymptoticStandardError);
    // PSI: a bin empty on both sides is a term 0 with or without epsilon
    const edges = [0, 1, 2, 3];
    const both = binnedDivergence([0.5, 0.5, 2.5, 2.5], [0.5, 2.5, 2.5, 2.5], {
      measure: 'psi',
      bins: edges,
    });
    expect(both.referenceCounts).toEqual([2, 0, 2]);
    expect(both.asymptoticStandardError).toBeCloseTo(
      binnedDivergence(ref, cur, { measure: 'psi' }).asymptoticStandardError,
      15,
    );
  });
});

describe('P = Q: the delta method degenerates, and says so', () => {
  test('identical proportions report the delta-method value, not an invented one', () => {
    // KL and PSI: every derivative is constant at r = c, so the first-order variance is 0
    expect(klDivergenceFromCounts([10, 30, 60], [1, 3, 6]).asymptoticStandardError).toBe(0);
    const a = values([10, 30, 60]);
    const b = values([1, 3, 6]);
    expect(binnedDivergence(a, b, { measure: 'kl' }).asymptoticStandardError).toBe(0);
    expect(binnedDivergence(a, b, { measure: 'psi' }).asymptoticStandardError).toBe(0);
    // JS and Hellinger distances are not differentiable at 0: the documented limit of the ratio,
    // sqrt((1/n + 1/m)/8) (JS: over sqrt(ln base)), the same in every direction of departure
    const limit = Math.sqrt((1 / 100 + 1 / 10) / 8);
    expect(binnedDivergence(a, b, { measure: 'hellinger' }).asymptoticStandardError).toBeCloseTo(
      limit,
      15,
    );
    const js = binnedDivergence(a, b, { measure: 'js', base: 2 });
    expect(js.value).toBe(0);
    expect(js.asymptoticStandardError).toBeCloseTo(limit / Math.sqrt(Math.LN2), 15);
  });

  test('simulated P = Q: chi-square spreads, and what the formulas report there', () => {
    // K = 4 bins, n = m = 1000, R = 1000 pairs of samples of one distribution. The limits:
    //   2nm/(n + m) KL^ -> chi-square(K - 1): sd(KL^) = sqrt(2(K - 1)) (1/n + 1/m) / 2
    //   PSI^ / (1/n + 1/m) -> chi-square(K - 1) (Yurdakul 2018): sd = sqrt(2(K - 1)) (1/n + 1/m)
    //   JS and Hellinger distances -> sqrt((1/n + 1/m)/8 chi-square(K - 1)): sd = that scale
    //   times sd(chi_3) = sqrt(3 - 2 (Gamma(2)/Gamma(3/2))^2) = sqrt(3 - 8/pi)
    // and, evaluated at the two samples, the KL formula's mean square is (K - 1)(1/n + 1/m)^2:
    // sum (p^ - q^)^2/p has mean (K - 1)(1/n + 1/m), once over n and once over m, twice the
    // real variance: the reported value is O(1/n) but ~sqrt 2 too large.
    const p = [0.1, 0.2, 0.3, 0.4];
    const n = 1000;
    const m = 1000;
    const k = p.length;
    const scale = 1 / n + 1 / m;
    const rng = new RandomGenerator(1234);
    const kl: number[] = [];
    const klSe2: number[] = [];
    const psi: number[] = [];
    const hel: number[] = [];
    const helSe: number[] = [];
    for (let r = 0; r < 1000; r++) {
      const cp = drawCounts(rng, n, p);
      const cq = drawCounts(rng, m, p);
      const d = klDivergenceFromCounts(cp, cq);
      kl.push(d.estimate);
      klSe2.push(d.asymptoticStandardError ** 2);
      psi.push(binnedDivergence(values(cp), values(cq), { measure: 'psi' }).value);
      const h = binnedDivergence(values(cp), values(cq), { measure: 'hellinger' });
      hel.push(h.value);
      helSe.push(h.asymptoticStandardError);
    }
    const check = (xs: number[], want: number) => {
      const s = spread(xs);
      expect(Math.abs(s.sd - want)).toBeLessThan(4 * s.sdError);
    };
    check(kl, (Math.sqrt(2 * (k - 1)) * scale) / 2);
    check(psi, Math.sqrt(2 * (k - 1)) * scale);
    check(hel, Math.sqrt(scale / 8) * Math.sqrt(3 - 8 / Math.PI));
    // the reported KL standard error: mean square (K - 1)(1/n + 1/m)^2, within 4 standard
    // errors of the simulated mean
    const se2 = spread(klSe2);
    expect(Math.abs(se2.mean - (k - 1) * scale ** 2)).toBeLessThan(
      (4 * se2.sd) / Math.sqrt(klSe2.length),
    );
    // the reported Hellinger standard error is the limit up to H^2/4 ~ 1e-3 relative, about
    // 1.49 times the real spread there (1 / sqrt(3 - 8/pi))
    for (const se of helSe) expect(Math.abs(se / Math.sqrt(scale / 8) - 1)).toBeLessThan(1e-2);
  });
});

describe('simulation: the plug-in spreads as the asymptotic standard error says', () => {
  // P = (0.1, 0.2, 0.3, 0.4), Q = P reversed, n = m = 1000, R = 1000 seeded replicates.
  // "want" is the formula at the true proportions: counts p * n are integers, so calling the
  // estimator on them evaluates it at (P, Q) with the simulation's n and m exactly.
  const p = [0.1, 0.2, 0.3, 0.4];
  const q = [0.4, 0.3, 0.2, 0.1];
  const n = 1000;
  const m = 1000;
  const trueP = p.map((x) => Math.round(x * n));
  const trueQ = q.map((x) => Math.round(x * m));
  const rng = new RandomGenerator(20);
  const measures = ['kl', 'psi', 'js', 'hellinger'] as const;
  const names = ['entropy', 'klCounts', ...measures];
  const estimates: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  const reported: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  const record = (name: string, value: number, se: number) => {
    estimates[name].push(value);
    reported[name].push(se);
  };
  for (let r = 0; r < 1000; r++) {
    const cp = drawCounts(rng, n, p);
    const cq = drawCounts(rng, m, q);
    const h = entropyFromCounts(cp);
    record('entropy', h.estimate, h.asymptoticStandardError);
    const d = klDivergenceFromCounts(cp, cq);
    record('klCounts', d.estimate, d.asymptoticStandardError);
    for (const measure of measures) {
      const b = binnedDivergence(values(cp), values(cq), { measure });
      record(measure, b.value, b.asymptoticStandardError);
    }
  }
  const want: Record<string, number> = {
    entropy: entropyFromCounts(trueP).asymptoticStandardError,
    klCounts: klDivergenceFromCounts(trueP, trueQ).asymptoticStandardError,
  };
  for (const measure of measures) {
    want[measure] = binnedDivergence(values(trueP), values(trueQ), {
      measure,
    }).asymptoticStandardError;
  }

  test.each(Object.keys(want))('%s', (name) => {
    const s = spread(estimates[name]);
    // the formula at the true proportions against the simulated spread
    expect(Math.abs(s.sd - want[name])).toBeLessThan(4 * s.sdError);
    // what a user sees: the formula at each replicate's proportions, on average
    const se = spread(reported[name]);
    expect(Math.abs(se.mean - s.sd)).toBeLessThan(
      4 * s.sdError + (4 * se.sd) / Math.sqrt(reported[name].length),
    );
  });

  test('the KL standard error at the truth, by hand: 0.0452', () => {
    // sum p ln^2(p/q) - D^2 = 0.834774..., sum p^2/q - 1 = 1.208333... (NumPy)
    expect(want.klCounts).toBeCloseTo(
      Math.sqrt((0.8347742606534285 + 1.2083333333333335) / 1000),
      14,
    );
    expect(want.kl).toBeCloseTo(want.klCounts, 15);
  });
});
