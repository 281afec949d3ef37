/**
 * PyTorch's own TestKL methodology, for every registered pair with a finite closed form: a
 * seeded Monte Carlo estimate of E_p[log p - log q] agrees with klDivergence to
 * |mc - exact| / (1 + exact) < 0.1. Parameters are moderate (finite-variance log-ratios, so the
 * estimate converges) and chosen so each conditional-infinity pair is exercised on its finite
 * side. Then per family: sample moments against mean / variance, and entropy against
 * -E[logProb].
 */
import { describe, expect, test } from 'vitest';
import * as D from '../../src/distributions/index.js';

type Make = () => D.Distribution;

// Two parameter sets per family (batch of 3): p-side and q-side.
const P: Record<string, Make> = {
  Bernoulli: () => new D.Bernoulli({ probs: [0.2, 0.5, 0.7] }),
  Beta: () => new D.Beta({ concentration1: [1.5, 2, 4], concentration0: [2, 3, 1.5] }),
  Binomial: () => new D.Binomial({ totalCount: 10, probs: [0.2, 0.5, 0.7] }),
  Categorical: () =>
    new D.Categorical({
      probs: [
        [0.2, 0.3, 0.5],
        [0.6, 0.3, 0.1],
        [0.25, 0.25, 0.5],
      ],
    }),
  Cauchy: () => new D.Cauchy({ loc: [0, 1, -1], scale: [1, 2, 0.5] }),
  ContinuousBernoulli: () => new D.ContinuousBernoulli({ probs: [0.2, 0.5, 0.8] }),
  Dirichlet: () =>
    new D.Dirichlet({
      concentration: [
        [2, 3, 4],
        [1.5, 1.5, 1.5],
        [5, 2, 1.2],
      ],
    }),
  Exponential: () => new D.Exponential({ rate: [0.5, 1, 2] }),
  Gamma: () => new D.Gamma({ concentration: [2, 3, 5], rate: [1, 2, 0.5] }),
  Geometric: () => new D.Geometric({ probs: [0.2, 0.5, 0.7] }),
  Gumbel: () => new D.Gumbel({ loc: [0, 1, 2], scale: [1, 1.5, 2] }),
  HalfNormal: () => new D.HalfNormal({ scale: [0.5, 1, 2] }),
  Laplace: () => new D.Laplace({ loc: [0, 1, -1], scale: [1, 0.5, 2] }),
  LogNormal: () => new D.LogNormal({ loc: [0, 0.5, -0.5], scale: [0.5, 1, 0.8] }),
  LowRankMultivariateNormal: () =>
    new D.LowRankMultivariateNormal({
      loc: [
        [0, 1, 0],
        [1, 0, -1],
        [0.5, 0.5, 0.5],
      ],
      covFactor: [
        [[0.5], [0.2], [-0.3]],
        [[1], [0], [0.5]],
        [[0.1], [0.1], [0.1]],
      ],
      covDiag: [
        [1, 0.8, 1.2],
        [0.5, 1, 1],
        [2, 1, 0.7],
      ],
    }),
  MultivariateNormal: () =>
    new D.MultivariateNormal({
      loc: [
        [0, 1, 0],
        [1, 0, -1],
        [0.5, 0.5, 0.5],
      ],
      covarianceMatrix: [
        [
          [2, 0.5, 0],
          [0.5, 1, 0.2],
          [0, 0.2, 1.5],
        ],
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
        [
          [1, 0.9, 0],
          [0.9, 1, 0],
          [0, 0, 0.5],
        ],
      ],
    }),
  Normal: () => new D.Normal({ loc: [0, 1, 0.5], scale: [1, 0.5, 2] }),
  OneHotCategorical: () =>
    new D.OneHotCategorical({
      probs: [
        [0.2, 0.3, 0.5],
        [0.6, 0.3, 0.1],
        [0.25, 0.25, 0.5],
      ],
    }),
  Pareto: () => new D.Pareto({ scale: [1, 2, 1.5], alpha: [5, 6, 8] }),
  Poisson: () => new D.Poisson({ rate: [0.5, 3, 20] }),
  Uniform: () => new D.Uniform({ low: [0.1, 0.2, 0.3], high: [0.6, 0.9, 0.7] }),
};
const Q: Record<string, Make> = {
  Bernoulli: () => new D.Bernoulli({ probs: [0.3, 0.4, 0.9] }),
  Beta: () => new D.Beta({ concentration1: [2, 1.2, 3], concentration0: [1.5, 2, 2] }),
  Binomial: () => new D.Binomial({ totalCount: 10, probs: [0.3, 0.4, 0.6] }),
  Categorical: () =>
    new D.Categorical({
      probs: [
        [0.3, 0.3, 0.4],
        [0.5, 0.2, 0.3],
        [0.1, 0.6, 0.3],
      ],
    }),
  Cauchy: () => new D.Cauchy({ loc: [0.5, 0, 0], scale: [1.5, 1, 1] }),
  ContinuousBernoulli: () => new D.ContinuousBernoulli({ probs: [0.3, 0.7, 0.5] }),
  Dirichlet: () =>
    new D.Dirichlet({
      concentration: [
        [1, 2, 3],
        [2, 2, 2],
        [3, 3, 1],
      ],
    }),
  Exponential: () => new D.Exponential({ rate: [1, 0.7, 1.5] }),
  Gamma: () => new D.Gamma({ concentration: [1.5, 2, 3], rate: [1, 1.5, 1] }),
  Geometric: () => new D.Geometric({ probs: [0.3, 0.4, 0.6] }),
  Gumbel: () => new D.Gumbel({ loc: [0.5, 1, 1.5], scale: [1.2, 1, 2.5] }),
  HalfNormal: () => new D.HalfNormal({ scale: [1, 0.8, 1.5] }),
  Laplace: () => new D.Laplace({ loc: [0.5, 0, 0], scale: [1, 1, 1.5] }),
  LogNormal: () => new D.LogNormal({ loc: [0.2, 0, 0], scale: [0.7, 1, 1] }),
  LowRankMultivariateNormal: () =>
    new D.LowRankMultivariateNormal({
      loc: [
        [0.2, 0.8, 0],
        [0, 0, 0],
        [1, 0, 0.5],
      ],
      covFactor: [
        [[0.3], [0.3], [0.3]],
        [[0.5], [-0.5], [0]],
        [[0.2], [0.4], [0.1]],
      ],
      covDiag: [
        [1.5, 1, 1],
        [1, 1, 1],
        [1, 2, 1],
      ],
    }),
  MultivariateNormal: () =>
    new D.MultivariateNormal({
      loc: [
        [0.2, 0.8, 0],
        [0, 0, 0],
        [1, 0, 0.5],
      ],
      scaleTril: [
        [
          [1.5, 0, 0],
          [0.2, 1, 0],
          [0, 0.1, 1.2],
        ],
        [
          [1, 0, 0],
          [0.5, 1, 0],
          [0, 0, 1],
        ],
        [
          [2, 0, 0],
          [0, 1, 0],
          [0.3, 0.3, 1],
        ],
      ],
    }),
  Normal: () => new D.Normal({ loc: [0.5, 0, 1], scale: [1.5, 1, 2] }),
  OneHotCategorical: () =>
    new D.OneHotCategorical({
      probs: [
        [0.3, 0.3, 0.4],
        [0.5, 0.2, 0.3],
        [0.1, 0.6, 0.3],
      ],
    }),
  Pareto: () => new D.Pareto({ scale: [0.5, 1, 1.5], alpha: [3, 2, 4] }),
  Poisson: () => new D.Poisson({ rate: [1, 2, 15] }),
  Uniform: () => new D.Uniform({ low: [-1, 0, 0.2], high: [2, 1, 0.8] }),
};
// Pairs whose finite side needs particular supports.
const Q_FOR: Record<string, Make> = {
  'Beta-Uniform': () => new D.Uniform({ low: [-0.5, -1, 0], high: [1.5, 1, 2] }),
  'ContinuousBernoulli-Uniform': () =>
    new D.Uniform({ low: [-0.5, -1, -0.1], high: [1.5, 2, 1.1] }),
  'Uniform-Pareto': () => new D.Pareto({ scale: [0.05, 0.1, 0.2], alpha: [3, 2, 4] }),
};

const pairs = D.registeredKLPairs().filter(([p, q]) => p in P && q in Q);
const independent: [string, Make, Make] = [
  'Independent-Independent',
  () => new D.Independent({ baseDistribution: P.Normal(), reinterpretedBatchNdims: 1 }),
  () => new D.Independent({ baseDistribution: Q.Normal(), reinterpretedBatchNdims: 1 }),
];
const cases: [string, Make, Make][] = [
  ...pairs.map(([p, q]): [string, Make, Make] => [`${p}-${q}`, P[p], Q_FOR[`${p}-${q}`] ?? Q[q]]),
  independent,
];
const finite = cases.filter(([, p, q]) =>
  Array.from(D.klDivergence(p(), q()).data).every(Number.isFinite),
);

describe('klDivergence agrees with a Monte Carlo estimate (PyTorch TestKL criterion)', () => {
  test('covers every pair that has a finite closed form here', () => {
    // 85 registered concrete pairs minus the 33 always-infinite ones; LogNormal goes through
    // TransformedDistribution, so it appears as its own case below.
    expect(finite.length).toBeGreaterThanOrEqual(50);
  });
  test.each(finite.map((c) => [c[0], c] as const))('%s', (name, [, mp, mq]) => {
    const p = mp();
    const q = mq();
    const exact = D.klDivergence(p, q);
    const mc = D.klDivergenceMonteCarlo(p, q, { samples: 4000, rng: new D.RandomGenerator(2024) });
    for (let i = 0; i < exact.numel; i++) {
      const e = exact.data[i];
      const m = mc.estimate.data[i];
      const err = Math.abs(m - e) / (1 + e);
      expect(
        err < 0.1,
        `${name}[${i}]: exact ${e}, Monte Carlo ${m} +- ${mc.standardError.data[i]}, |mc - exact|/(1 + exact) = ${err}`,
      ).toBe(true);
    }
  });
  test('LogNormal-LogNormal (via TransformedDistribution) too', () => {
    const p = P.LogNormal();
    const q = Q.LogNormal();
    const exact = D.klDivergence(p, q);
    const mc = D.klDivergenceMonteCarlo(p, q, { samples: 4000, rng: new D.RandomGenerator(5) });
    for (let i = 0; i < 3; i++)
      expect(Math.abs(mc.estimate.data[i] - exact.data[i]) / (1 + exact.data[i])).toBeLessThan(0.1);
  });
  test('a pair with q lacking support gives +inf from both', () => {
    const p = P.Normal();
    const q = Q.Exponential();
    expect(Array.from(D.klDivergence(p, q).data)).toEqual([Infinity, Infinity, Infinity]);
    const mc = D.klDivergenceMonteCarlo(p, q, { samples: 200, rng: new D.RandomGenerator(1) });
    expect(Array.from(mc.estimate.data)).toEqual([Infinity, Infinity, Infinity]);
    expect(Array.from(mc.standardError.data)).toEqual([Infinity, Infinity, Infinity]);
  });
});

const N = 20000;
function stats(d: D.Distribution, seed: number) {
  const x = d.sample([N], { rng: new D.RandomGenerator(seed) });
  const per = d.batchSize * d.eventSize;
  const mean = new Float64Array(per);
  const m2 = new Float64Array(per);
  for (let s = 0; s < N; s++) for (let k = 0; k < per; k++) mean[k] += x.data[s * per + k] / N;
  for (let s = 0; s < N; s++)
    for (let k = 0; k < per; k++) m2[k] += (x.data[s * per + k] - mean[k]) ** 2 / (N - 1);
  const lp = d.logProb(x);
  const negLogP = new Float64Array(d.batchSize);
  for (let s = 0; s < N; s++)
    for (let i = 0; i < d.batchSize; i++) negLogP[i] -= lp.data[s * d.batchSize + i] / N;
  return { mean, variance: m2, negLogP };
}

describe.each(Object.keys(P))('%s: sampling agrees with the closed forms', (family) => {
  const d = P[family]();
  const s = stats(d, 99);
  test('sample shape is sampleShape + batchShape + eventShape', () => {
    expect(d.sample([2, 5]).shape).toEqual([2, 5, ...d.batchShape, ...d.eventShape]);
  });
  test('sample mean and variance match mean and variance', () => {
    const mean = d.mean.data;
    const variance = d.variance.data;
    for (let k = 0; k < mean.length; k++) {
      if (!Number.isFinite(mean[k]) || !Number.isFinite(variance[k])) continue; // Cauchy, Categorical
      const se = Math.sqrt(variance[k] / N);
      expect(
        Math.abs(s.mean[k] - mean[k]) <= 5 * se + 1e-12,
        `${family} mean[${k}]: sample ${s.mean[k]}, exact ${mean[k]}, 5 SE ${5 * se}`,
      ).toBe(true);
      expect(
        Math.abs(s.variance[k] - variance[k]) <= 0.1 * variance[k] + 1e-12,
        `${family} variance[${k}]: sample ${s.variance[k]}, exact ${variance[k]}`,
      ).toBe(true);
    }
  });
  test('entropy matches -E[logProb]', () => {
    if (family === 'Poisson') {
      expect(() => d.entropy()).toThrow(expect.objectContaining({ code: 'E_NOT_IMPLEMENTED' }));
      return;
    }
    const h = d.entropy().data;
    for (let i = 0; i < h.length; i++) {
      expect(
        Math.abs(s.negLogP[i] - h[i]) < 0.05 * (1 + Math.abs(h[i])),
        `${family} entropy[${i}]: -E[logProb] ${s.negLogP[i]}, entropy ${h[i]}`,
      ).toBe(true);
    }
  });
  test('the same seed gives the same samples', () => {
    const a = d.sample([3], { rng: new D.RandomGenerator(11) });
    const b = d.sample([3], { rng: new D.RandomGenerator(11) });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });
});
