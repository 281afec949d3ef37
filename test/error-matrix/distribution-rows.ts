/** Bad-input rows of kldiv/distributions. */
import * as D from '../../src/distributions/index.js';
import type { LibraryRow } from '../error-matrix.js';

export const DISTRIBUTION_ROWS: LibraryRow[] = [
  // distributions
  {
    input: 'new Normal({ loc: 0, scale: -1 })',
    run: () => new D.Normal({ loc: 0, scale: -1 }),
    code: 'E_INVALID_PARAMETER',
    message:
      'Normal: Expected parameter scale (Tensor of shape []) of distribution Normal to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values: -1.',
  },
  {
    input: 'new Normal({ loc: NaN, scale: 1 })',
    run: () => new D.Normal({ loc: Number.NaN, scale: 1 }),
    code: 'E_INVALID_PARAMETER',
    message: 'to satisfy the constraint Real()',
  },
  {
    input: 'new Bernoulli({ probs: 1.5 })',
    run: () => new D.Bernoulli({ probs: 1.5 }),
    code: 'E_INVALID_PARAMETER',
    message: 'to satisfy the constraint Interval(lower_bound=0.0, upper_bound=1.0)',
  },
  {
    input: 'new Bernoulli({ probs: 0.5, logits: 0 })',
    run: () => new D.Bernoulli({ probs: 0.5, logits: 0 }),
    code: 'E_INVALID_PARAMETER',
    message: 'Bernoulli: Either `probs` or `logits` must be specified, but not both',
  },
  {
    input: 'new Categorical({})',
    run: () => new D.Categorical({}),
    code: 'E_MISSING_PARAMETER',
    message: 'Categorical: Either `probs` or `logits` must be specified',
  },
  {
    input: 'new Normal({ loc: 0 })',
    run: () => new D.Normal({ loc: 0 } as never),
    code: 'E_MISSING_PARAMETER',
    message: "Normal: missing required parameter 'scale'.",
  },
  {
    input: 'new Normal({ loc: 0, sigma: 1 })',
    run: () => new D.Normal({ loc: 0, sigma: 1 } as never),
    code: 'E_UNKNOWN_OPTION',
    message: "Normal: unknown option 'sigma'",
  },
  {
    input: 'new Binomial({ totalCount: -1, probs: 0.5 })',
    run: () => new D.Binomial({ totalCount: -1, probs: 0.5 }),
    code: 'E_INVALID_PARAMETER',
    message: 'to satisfy the constraint IntegerGreaterThan(lower_bound=0)',
  },
  {
    input: 'new Uniform({ low: 1, high: 0 })',
    run: () => new D.Uniform({ low: 1, high: 0 }),
    code: 'E_INVALID_PARAMETER',
    message: 'Uniform: Uniform is not defined when low>= high',
  },
  {
    input: 'new MultivariateNormal({ loc: [0, 0], covarianceMatrix: [[1, 2], [2, 1]] })',
    run: () =>
      new D.MultivariateNormal({
        loc: [0, 0],
        covarianceMatrix: [
          [1, 2],
          [2, 1],
        ],
      }),
    code: 'E_INVALID_PARAMETER',
    message: 'to satisfy the constraint PositiveDefinite()',
  },
  {
    input: 'new MultivariateNormal({ loc: [0], covarianceMatrix: [[1]], scaleTril: [[1]] })',
    run: () => new D.MultivariateNormal({ loc: [0], covarianceMatrix: [[1]], scaleTril: [[1]] }),
    code: 'E_INVALID_PARAMETER',
    message: 'Exactly one of covarianceMatrix or precisionMatrix or scaleTril may be specified',
  },
  {
    input: 'new Dirichlet({ concentration: 1 })',
    run: () => new D.Dirichlet({ concentration: 1 }),
    code: 'E_INVALID_SHAPE',
    message: 'Dirichlet: concentration must be at least one-dimensional',
  },
  {
    input: 'new Exponential({ rate: 1 }).logProb(-1)',
    run: () => new D.Exponential({ rate: 1 }).logProb(-1),
    code: 'E_OUT_OF_SUPPORT',
    message:
      'Exponential.logProb: Expected value argument (Tensor of shape []) to be within the support (GreaterThanEq(lower_bound=0.0))',
  },
  {
    input: 'Normal(batch [3]).logProb([0, 1])',
    run: () => new D.Normal({ loc: [0, 1, 2], scale: 1 }).logProb([0, 1]),
    code: 'E_BROADCAST',
    message: 'Value is not broadcastable with batch_shape+event_shape',
  },
  {
    input: 'Normal.sample([-1])',
    run: () => new D.Normal({ loc: 0, scale: 1 }).sample([-1]),
    code: 'E_INVALID_SHAPE',
    message:
      "Normal.sample: argument 'sampleShape' must hold non-negative integer sizes; received -1",
  },
  {
    input: 'Normal.sample([2], { rng: Math.random })',
    run: () => new D.Normal({ loc: 0, scale: 1 }).sample([2], { rng: Math.random as never }),
    code: 'E_OPTION_TYPE',
    message: "Normal.sample: option 'rng' must be a RandomGenerator",
  },
  {
    input: 'new RandomGenerator(1.5)',
    run: () => new D.RandomGenerator(1.5),
    code: 'E_OPTION_TYPE',
    message: "RandomGenerator: argument 'seed' must be a safe integer",
  },
  {
    input: 'klDivergence(Normal, Categorical)',
    run: () =>
      D.klDivergence(new D.Normal({ loc: 0, scale: 1 }), new D.Categorical({ probs: [1, 1] })),
    code: 'E_NOT_IMPLEMENTED',
    message: 'klDivergence: No KL(p || q) is implemented for p type Normal and q type Categorical',
  },
  {
    input: 'klDivergence(Binomial n=10, Binomial n=12)',
    run: () =>
      D.klDivergence(
        new D.Binomial({ totalCount: 10, probs: 0.5 }),
        new D.Binomial({ totalCount: 12, probs: 0.5 }),
      ),
    code: 'E_NOT_IMPLEMENTED',
    message: 'KL between Binomials where q.total_count > p.total_count is not implemented',
  },
  {
    input: 'klDivergence(Normal, Poisson)',
    run: () => D.klDivergence(new D.Normal({ loc: 0, scale: 1 }), new D.Poisson({ rate: 1 })),
    code: 'E_NOT_IMPLEMENTED',
    message:
      'The cross KL-divergence between different exponential families cannot be computed using Bregman divergences',
  },
  {
    input: 'new Poisson({ rate: 1 }).entropy()',
    run: () => new D.Poisson({ rate: 1 }).entropy(),
    code: 'E_NOT_IMPLEMENTED',
    message: 'Poisson.entropy: Poisson does not implement entropy().',
  },
  {
    input: 'klDivergenceMonteCarlo(p, q, { samples: 1 })',
    run: () =>
      D.klDivergenceMonteCarlo(
        new D.Normal({ loc: 0, scale: 1 }),
        new D.Normal({ loc: 0, scale: 1 }),
        { samples: 1 },
      ),
    code: 'E_OPTION_RANGE',
    message: "klDivergenceMonteCarlo: option 'samples' must be an integer in [2, 1e9]",
  },
];
