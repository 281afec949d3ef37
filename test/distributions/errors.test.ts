/**
 * Bad input to kldiv/distributions: every fault gets a coded error naming the function and
 * argument, with PyTorch's wording where PyTorch has one; `validateArgs: false` turns the
 * constraint checks off as in PyTorch.
 */
import { describe, expect, test } from 'vitest';
import * as D from '../../src/distributions/index.js';

const fails = (f: () => unknown, fields: Record<string, unknown>) =>
  expect(f).toThrow(expect.objectContaining(fields));

describe('parameters', () => {
  test.each([
    [
      'Normal scale <= 0',
      () => new D.Normal({ loc: 0, scale: [1, -2] }),
      'scale',
      'GreaterThan(lower_bound=0.0)',
    ],
    [
      'Bernoulli probs > 1',
      () => new D.Bernoulli({ probs: 1.5 }),
      'probs',
      'Interval(lower_bound=0.0, upper_bound=1.0)',
    ],
    [
      'Binomial non-integer totalCount',
      () => new D.Binomial({ totalCount: 2.5, probs: 0.5 }),
      'totalCount',
      'IntegerGreaterThan(lower_bound=0)',
    ],
    [
      'Gamma rate NaN',
      () => new D.Gamma({ concentration: 1, rate: Number.NaN }),
      'rate',
      'GreaterThan(lower_bound=0.0)',
    ],
    [
      'Dirichlet zero concentration',
      () => new D.Dirichlet({ concentration: [1, 0] }),
      'concentration',
      'IndependentConstraint(GreaterThan(lower_bound=0.0), 1)',
    ],
    // torch's Beta validates stack([concentration1, concentration0], -1) in its inner Dirichlet
    [
      'Beta zero concentration0',
      () => new D.Beta({ concentration1: 1, concentration0: 0 }),
      'concentration',
      'IndependentConstraint(GreaterThan(lower_bound=0.0), 1)',
      'concentration0',
    ],
    // torch's Pareto builds Exponential(alpha) first, which validates alpha as its `rate`
    [
      'Pareto negative alpha (and zero scale)',
      () => new D.Pareto({ scale: 0, alpha: -1 }),
      'rate',
      'GreaterThan(lower_bound=0.0)',
      'alpha',
    ],
    [
      'Pareto zero scale',
      () => new D.Pareto({ scale: [1, 0], alpha: 2 }),
      'scale',
      'GreaterThan(lower_bound=0.0)',
    ],
    [
      'Categorical negative probs',
      () => new D.Categorical({ probs: [0.5, -0.1, 0.6] }),
      'probs',
      'Simplex()',
    ],
    [
      'Geometric probs 0',
      () => new D.Geometric({ probs: 0 }),
      'probs',
      'GreaterThan(lower_bound=0.0)',
    ],
    ['Normal loc NaN', () => new D.Normal({ loc: Number.NaN, scale: 1 }), 'loc', 'Real()'],
  ])(
    '%s: E_INVALID_PARAMETER with PyTorch constraint text',
    (_name, make, name, constraint, argument = name) => {
      // `name` is PyTorch's (an inner distribution's), `argument` the caller's option
      fails(make, {
        code: 'E_INVALID_PARAMETER',
        argument,
        torchType: 'ValueError',
        message: expect.stringContaining(`Expected parameter ${name}`),
      });
      fails(make, { message: expect.stringContaining(`to satisfy the constraint ${constraint}`) });
    },
  );
  test('validateArgs: false skips the checks (and NaN flows through)', () => {
    const d = new D.Normal({ loc: 0, scale: -1, validateArgs: false });
    expect(d.logProb(0).item()).toBeNaN();
  });
  test('Uniform with low >= high', () => {
    fails(() => new D.Uniform({ low: 1, high: 1 }), {
      code: 'E_INVALID_PARAMETER',
      message: expect.stringContaining('Uniform is not defined when low>= high'),
    });
  });
  test('probs and logits are exclusive; one is required', () => {
    fails(() => new D.Bernoulli({ probs: 0.5, logits: 0 }), {
      code: 'E_INVALID_PARAMETER',
      message: expect.stringContaining(
        'Either `probs` or `logits` must be specified, but not both',
      ),
    });
    fails(() => new D.Categorical({}), { code: 'E_MISSING_PARAMETER' });
  });
  test('a missing required parameter names it', () => {
    fails(() => new D.Normal({ loc: 0 } as never), {
      code: 'E_MISSING_PARAMETER',
      argument: 'scale',
    });
  });
  test('a misspelt parameter is an unknown option with a suggestion', () => {
    fails(() => new D.Normal({ loc: 0, scal: 1 } as never), {
      code: 'E_UNKNOWN_OPTION',
      message: expect.stringContaining("'scale'"),
    });
  });
  test('parameters that are not numbers are invalid data', () => {
    fails(() => new D.Exponential({ rate: 'fast' as never }), {
      code: 'E_INVALID_DATA',
      argument: 'rate',
    });
  });
  test('parameters that do not broadcast', () => {
    fails(() => new D.Normal({ loc: [0, 1, 2], scale: [1, 2] }), { code: 'E_BROADCAST' });
  });
  test('Categorical needs at least one dimension', () => {
    fails(() => new D.Categorical({ probs: 0.5 }), { code: 'E_INVALID_SHAPE' });
  });
  test('a covariance that is not positive definite', () => {
    const bad = {
      loc: [0, 0],
      covarianceMatrix: [
        [1, 2],
        [2, 1],
      ],
    };
    fails(() => new D.MultivariateNormal(bad), {
      code: 'E_INVALID_PARAMETER',
      message: expect.stringContaining('PositiveDefinite()'),
    });
    fails(() => new D.MultivariateNormal({ ...bad, validateArgs: false }), {
      torchType: 'RuntimeError',
      message: expect.stringContaining('the leading minor of order 2 is not positive-definite'),
    });
  });
  test('an asymmetric covariance and a scaleTril with a non-positive diagonal', () => {
    fails(
      () =>
        new D.MultivariateNormal({
          loc: [0, 0],
          covarianceMatrix: [
            [1, 0.5],
            [0, 1],
          ],
        }),
      {
        code: 'E_INVALID_PARAMETER',
      },
    );
    fails(
      () =>
        new D.MultivariateNormal({
          loc: [0, 0],
          scaleTril: [
            [1, 0],
            [0.5, -1],
          ],
        }),
      {
        message: expect.stringContaining('LowerCholesky()'),
      },
    );
  });
  test('exactly one matrix parameter for MultivariateNormal', () => {
    fails(() => new D.MultivariateNormal({ loc: [0], covarianceMatrix: [[1]], scaleTril: [[1]] }), {
      code: 'E_INVALID_PARAMETER',
      message: expect.stringContaining(
        'Exactly one of covarianceMatrix or precisionMatrix or scaleTril may be specified',
      ),
    });
    fails(() => new D.MultivariateNormal({ loc: [0, 0], covarianceMatrix: [[1]] }), {
      code: 'E_SHAPE_MISMATCH',
    });
  });
  test('LowRankMultivariateNormal shapes', () => {
    fails(
      () =>
        new D.LowRankMultivariateNormal({ loc: [0, 0], covFactor: [[1, 2, 3]], covDiag: [1, 1] }),
      {
        message: expect.stringContaining('cov_factor must be a batch of matrices with shape 2 x m'),
      },
    );
    fails(
      () =>
        new D.LowRankMultivariateNormal({ loc: [0, 0], covFactor: [[1], [1]], covDiag: [1, 1, 1] }),
      {
        message: expect.stringContaining('cov_diag must be a batch of vectors with shape [2]'),
      },
    );
  });
  test('Independent checks its arguments', () => {
    const base = new D.Normal({ loc: [0, 1], scale: 1 });
    fails(() => new D.Independent({ baseDistribution: base, reinterpretedBatchNdims: 2 }), {
      code: 'E_OPTION_RANGE',
      message: expect.stringContaining(
        'Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape)',
      ),
    });
    fails(() => new D.Independent({ baseDistribution: {} as never, reinterpretedBatchNdims: 0 }), {
      code: 'E_OPTION_TYPE',
    });
  });
});

describe('logProb and sample', () => {
  test('a value outside the support throws E_OUT_OF_SUPPORT with PyTorch text', () => {
    fails(() => new D.Exponential({ rate: 1 }).logProb([1, -1]), {
      code: 'E_OUT_OF_SUPPORT',
      argument: 'value',
      message: expect.stringContaining(
        'to be within the support (GreaterThanEq(lower_bound=0.0)) of the distribution Exponential(rate: [])',
      ),
    });
    expect(new D.Exponential({ rate: 1, validateArgs: false }).logProb(-1).item()).toBe(
      -Math.log(1) + 1,
    );
  });
  test('a value whose trailing dims are not the event shape', () => {
    const d = new D.Dirichlet({ concentration: [1, 1, 1] });
    fails(() => d.logProb([0.5, 0.5]), {
      code: 'E_SHAPE_MISMATCH',
      message: expect.stringContaining('The right-most size of value must match event_shape'),
    });
  });
  test('a value that does not broadcast with the batch', () => {
    fails(() => new D.Normal({ loc: [0, 1, 2], scale: 1 }).logProb([0, 1]), {
      code: 'E_BROADCAST',
      message: expect.stringContaining('Value is not broadcastable with batch_shape+event_shape'),
    });
  });
  test('sample validates its shape and options', () => {
    const d = new D.Normal({ loc: 0, scale: 1 });
    fails(() => d.sample([-1]), { code: 'E_INVALID_SHAPE' });
    fails(() => d.sample([2], { rng: Math.random } as never), {
      code: 'E_OPTION_TYPE',
      argument: 'rng',
    });
    fails(() => d.sample([2], { seed: 1 } as never), { code: 'E_UNKNOWN_OPTION' });
  });
  test('klDivergenceMonteCarlo validates samples', () => {
    const d = new D.Normal({ loc: 0, scale: 1 });
    fails(() => D.klDivergenceMonteCarlo(d, d, { samples: 1 }), {
      code: 'E_OPTION_RANGE',
      argument: 'samples',
    });
    fails(() => D.klDivergenceMonteCarlo(d, new D.Dirichlet({ concentration: [1, 1] })), {
      code: 'E_SHAPE_MISMATCH',
    });
  });
  test('entropy that PyTorch does not define throws E_NOT_IMPLEMENTED', () => {
    fails(() => new D.Binomial({ totalCount: [2, 3], probs: 0.5 }).entropy(), {
      code: 'E_NOT_IMPLEMENTED',
      message: expect.stringContaining('Inhomogeneous total count not supported by `entropy`'),
    });
  });
});

describe('equivalent parameterisations', () => {
  const cov = [
    [2, 0.6],
    [0.6, 1],
  ];
  const fromCov = new D.MultivariateNormal({ loc: [1, -1], covarianceMatrix: cov });
  const x = [
    [0.3, 0.2],
    [2, -3],
  ];
  test('covariance, precision and scaleTril give the same distribution', () => {
    const fromTril = new D.MultivariateNormal({ loc: [1, -1], scaleTril: fromCov.scaleTril });
    const fromPrec = new D.MultivariateNormal({
      loc: [1, -1],
      precisionMatrix: fromCov.precisionMatrix,
    });
    for (const d of [fromTril, fromPrec]) {
      const a = d.logProb(x).data;
      const b = fromCov.logProb(x).data;
      for (let i = 0; i < 2; i++) expect(a[i]).toBeCloseTo(b[i], 12);
      expect(D.klDivergence(d, fromCov).item()).toBeCloseTo(0, 12);
    }
    expect(fromCov.covarianceMatrix.tolist()).toEqual(
      [
        [2, 0.6000000000000001],
        [0.6000000000000001, 1],
      ].map((r) => r.map((v) => expect.closeTo(v, 14))),
    );
  });
  test('LowRankMultivariateNormal equals the MultivariateNormal of W W^T + D', () => {
    const lr = new D.LowRankMultivariateNormal({
      loc: [1, -1],
      covFactor: [[1], [0.6]],
      covDiag: [1, 0.64],
    });
    expect(D.klDivergence(lr, fromCov).item()).toBeCloseTo(0, 12);
    expect(lr.entropy().item()).toBeCloseTo(fromCov.entropy().item(), 12);
    expect(lr.toString()).toBe(
      'LowRankMultivariateNormal(loc: [2], covFactor: [2, 1], covDiag: [2])',
    );
  });
});
