/**
 * Result dtypes of kldiv/distributions with mixed float32 / float64 inputs (docs/parity.md,
 * "Mixed dtypes in distributions"): parameters are promoted to their common dtype, and
 * `logProb`'s dtype is PyTorch's `result_type` of the distribution (a tensor of its dtype and
 * shape batchShape + eventShape) and the value. Where torch 1.13 agrees the comment quotes it;
 * where it does not, the row says so (the differential set checks the values).
 */
import { describe, expect, test } from 'vitest';
import * as D from '../../src/distributions/index.js';
import { tensor } from '../../src/index.js';

const f32 = (v: number | number[]) => tensor(v, { dtype: 'float32' });
const f64 = (v: number | number[]) => tensor(v, { dtype: 'float64' });

describe('logProb result dtype', () => {
  test.each([
    // torch: Normal(torch.zeros(3), torch.ones(3)).log_prob(torch.tensor(0., dtype=torch.float64)).dtype
    [
      'batched f32 Normal, 0-d f64 value',
      () => new D.Normal({ loc: f32([0, 0, 0]), scale: f32([1, 1, 1]) }).logProb(f64(0)),
      'float32',
    ],
    // torch: Normal(torch.tensor(0.), torch.tensor(1.)).log_prob(torch.tensor(0., dtype=torch.float64)).dtype
    [
      '0-d f32 Normal, 0-d f64 value',
      () => new D.Normal({ loc: f32(0), scale: f32(1) }).logProb(f64(0)),
      'float64',
    ],
    // torch: Normal(torch.tensor(0., dtype=torch.float64), torch.tensor(1., dtype=torch.float64)).log_prob(torch.zeros(2)).dtype
    [
      '0-d f64 Normal, [2] f32 value',
      () => new D.Normal({ loc: f64(0), scale: f64(1) }).logProb(f32([0, 1])),
      'float32',
    ],
    [
      'batched f32 Normal, [3] f64 value',
      () => new D.Normal({ loc: f32([0, 0, 0]), scale: f32(1) }).logProb(f64([0, 1, 2])),
      'float64',
    ],
    [
      'f32 Normal, Float64Array value',
      () => new D.Normal({ loc: f32([0, 0]), scale: f32(1) }).logProb(new Float64Array([0, 1])),
      'float64',
    ],
    // torch gives float32 here (Gamma keeps its parameters' dtype): a documented difference
    [
      'batched f32 Gamma, [2] f64 value',
      () => new D.Gamma({ concentration: f32([1, 2]), rate: f32([1, 1]) }).logProb(f64([1, 2])),
      'float64',
    ],
    // a plain JS value takes the distribution's dtype
    [
      'f32 Normal, plain number value',
      () => new D.Normal({ loc: f32(0), scale: f32(1) }).logProb(0.5),
      'float32',
    ],
    [
      'f32 Normal, plain array value',
      () => new D.Normal({ loc: f32([0, 0]), scale: f32(1) }).logProb([0.5, 1]),
      'float32',
    ],
    // torch: OneHotCategorical(torch.tensor([0.25, 0.75])).log_prob(torch.tensor([0., 1.], dtype=torch.float64)).dtype
    [
      'f32 OneHotCategorical, f64 value (an index)',
      () => new D.OneHotCategorical({ probs: f32([0.25, 0.75]) }).logProb(f64([0, 1])),
      'float32',
    ],
    [
      'f32 Categorical, int value',
      () =>
        new D.Categorical({ probs: f32([0.25, 0.75]) }).logProb(tensor([1], { dtype: 'int32' })),
      'float32',
    ],
    [
      'f32 Independent(Normal), f64 value',
      () =>
        new D.Independent({
          baseDistribution: new D.Normal({ loc: f32([0, 0]), scale: f32(1) }),
          reinterpretedBatchNdims: 1,
        }).logProb(f64([0, 1])),
      'float64',
    ],
  ])('%s -> %s', (_, run, dtype) => {
    expect(run().dtype).toBe(dtype);
  });
});

describe('mixed parameters promote at construction', () => {
  test.each([
    // torch keeps loc float32 for mean (a documented difference)
    ['Normal f32 loc, f64 scale', () => new D.Normal({ loc: f32([0.1, 0.2]), scale: f64([1, 2]) })],
    [
      'Gamma f32 concentration, f64 rate',
      () => new D.Gamma({ concentration: f32([1.5]), rate: f64([2]) }),
    ],
  ])('%s: every statistic is float64', (_, make) => {
    const d = make();
    expect([d.dtype, d.mean.dtype, d.variance.dtype, d.entropy().dtype]).toEqual([
      'float64',
      'float64',
      'float64',
      'float64',
    ]);
  });
  test('a float32 parameter keeps its float32 value, evaluated in float64', () => {
    const d = new D.Normal({ loc: f32([0.1]), scale: f64([1]) });
    // torch: float(torch.tensor(0.1, dtype=torch.float32))
    expect(d.mean.data[0]).toBe(0.10000000149011612);
  });
});

describe('Binomial: float32 op order only for a float32 result', () => {
  test('a float64 value gives the float64 evaluation', () => {
    const d = new D.Binomial({ totalCount: f32(10), probs: f32([0.3, 0.7]) });
    const lp = d.logProb(f64([3, 10]));
    expect(lp.dtype).toBe('float64');
    // torch: Binomial(torch.tensor(10., dtype=torch.float64), torch.tensor([0.3, 0.7]).double()).log_prob(torch.tensor([3., 10.], dtype=torch.float64))
    const want = [-1.3211512777668908, -3.56674960968631];
    for (let i = 0; i < 2; i++) expect(lp.data[i]).toBeCloseTo(want[i], 14);
  });
});

describe('MultivariateNormal keeps the matrix it was given', () => {
  test.each([
    [
      'precisionMatrix',
      [10.584284072398658, -1.9632227111895855, -1.9632227111895855, 1.8695440398780145],
    ],
    ['covarianceMatrix', [2.0000000000000004, 0.30000000000000004, 0.30000000000000004, 0.25]],
  ] as const)('%s is returned as given (expanded), as in PyTorch', (which, m) => {
    const d = new D.MultivariateNormal({
      loc: tensor([0, 0, 1, 1], { dtype: 'float64', shape: [2, 2] }),
      [which]: tensor(m, { dtype: 'float64', shape: [2, 2] }),
    });
    const got = which === 'precisionMatrix' ? d.precisionMatrix : d.covarianceMatrix;
    expect(got.shape).toEqual([2, 2, 2]);
    expect(Array.from(got.data)).toEqual([...m, ...m]);
  });
});

describe('KL between Gaussians of different event sizes: PyTorch names the pair', () => {
  const mvn = (n: number) =>
    new D.MultivariateNormal({ loc: new Array(n).fill(0), scaleTril: eye(n) });
  const lowRank = (n: number) =>
    new D.LowRankMultivariateNormal({
      loc: new Array(n).fill(0),
      covFactor: new Array(n).fill([1]),
      covDiag: new Array(n).fill(1),
    });
  test.each([
    ['MultivariateNormal pair', mvn(2), mvn(3), 'two Multivariate Normals with'],
    ['LowRank pair', lowRank(2), lowRank(3), 'two Low Rank Multivariate Normals with'],
    ['mixed pair', mvn(2), lowRank(3), 'two (Low Rank) Multivariate Normals with'],
    ['mixed pair, other way', lowRank(2), mvn(3), 'two (Low Rank) Multivariate Normals with'],
  ])('%s', (_, p, q, words) => {
    expect(() => D.klDivergence(p, q)).toThrow(
      expect.objectContaining({
        code: 'E_SHAPE_MISMATCH',
        torchType: 'ValueError',
        message: expect.stringContaining(`KL-divergence between ${words} different event shapes`),
      }),
    );
  });
});

function eye(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => +(i === j)));
}
