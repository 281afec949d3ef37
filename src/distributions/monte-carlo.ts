/**
 * A Monte Carlo estimate of KL(p || q) for any pair that can `sample` and `logProb`, with its
 * standard error: the check PyTorch's own test suite uses for its closed forms, and the tool
 * for pairs that have none.
 *
 * @module
 */

import { ArgumentError, describe, ShapeError } from '../errors.js';
import { checkOptions } from '../options.js';
import {
  broadcastShapes,
  broadcastStrides,
  contiguousStrides,
  forEachRun,
  numelOf,
} from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkDistribution, type Distribution } from './distribution.js';
import { generatorOf, type RandomGenerator } from './random.js';

/** Options of {@link klDivergenceMonteCarlo}. */
export interface MonteCarloOptions {
  /** Draws from p per batch element (default 1000). */
  samples?: number;
  /** Generator to draw from (default: the generator `manualSeed` sets). */
  rng?: RandomGenerator;
}

/** Result of {@link klDivergenceMonteCarlo}: float64 tensors of the broadcast batch shape. */
export interface MonteCarloEstimate {
  /** Mean of log p(x) - log q(x) over the draws x ~ p. */
  estimate: Tensor<'float64'>;
  /** Standard error of that mean (sample standard deviation / sqrt(samples)). */
  standardError: Tensor<'float64'>;
  /** Number of draws per batch element. */
  samples: number;
}

/**
 * Estimates KL(p || q) = E_p[log p(x) - log q(x)] from `samples` draws of p, per batch element,
 * with the standard error of the estimate. Draws outside q's support give log q = -inf, so the
 * estimate is `+inf` (with standard error `+inf`) exactly when a draw lands there.
 *
 * @example
 * ```ts
 * import { Normal, RandomGenerator, klDivergenceMonteCarlo } from 'kldiv/distributions';
 * const p = new Normal({ loc: 0, scale: 1 });
 * const q = new Normal({ loc: 1, scale: 1 });
 * const mc = klDivergenceMonteCarlo(p, q, { samples: 20000, rng: new RandomGenerator(1) });
 * console.log(Math.abs(mc.estimate.item() - 0.5) < 4 * mc.standardError.item()); // true
 * ```
 */
export function klDivergenceMonteCarlo(
  p: Distribution,
  q: Distribution,
  options?: MonteCarloOptions,
): MonteCarloEstimate {
  const fn = 'klDivergenceMonteCarlo';
  checkDistribution(p, fn, 'p');
  checkDistribution(q, fn, 'q');
  const opts = checkOptions<MonteCarloOptions>(options, ['samples', 'rng'], fn);
  const n = opts.samples ?? 1000;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 2 || n > 1e9) {
    throw new ArgumentError(
      `${fn}: option 'samples' must be an integer in [2, 1e9]; received ${describe(n)}.`,
      {
        code: 'E_OPTION_RANGE',
        fn,
        argument: 'samples',
        received: n,
      },
    );
  }
  const rng = generatorOf(opts.rng, fn);
  if (p.eventShape.join() !== q.eventShape.join()) {
    throw new ShapeError(
      `${fn}: p and q must have the same event shape; received [${p.eventShape}] and [${q.eventShape}].`,
      {
        code: 'E_SHAPE_MISMATCH',
        fn,
        argument: 'q',
        received: q.eventShape,
        torchType: 'ValueError',
      },
    );
  }
  const shape = broadcastShapes(p.batchShape, q.batchShape, fn, ['p', 'q']);
  const estimate = new Float64Array(numelOf(shape));
  const se = new Float64Array(estimate.length);
  const x = new Float64Array(p.eventSize);
  const strides = [
    broadcastStrides(p.batchShape, shape),
    broadcastStrides(q.batchShape, shape),
    contiguousStrides(shape),
  ];
  forEachRun(shape, strides, (len, o, s) => {
    for (let k = 0; k < len; k++) {
      const i = o[0] + k * s[0];
      const j = o[1] + k * s[1];
      // Welford's running mean and sum of squared deviations
      let mean = 0;
      let m2 = 0;
      let infinite = false;
      for (let t = 1; t <= n; t++) {
        p.sampleInto(i, rng, x, 0);
        const lq = q.inSupport(j, x, 0) ? q.logProbAt(j, x, 0) : Number.NEGATIVE_INFINITY;
        const d = p.logProbAt(i, x, 0) - lq;
        if (d === Number.POSITIVE_INFINITY) infinite = true;
        const delta = d - mean;
        mean += delta / t;
        m2 += delta * (d - mean);
      }
      const out = o[2] + k * s[2];
      estimate[out] = infinite ? Number.POSITIVE_INFINITY : mean;
      se[out] = infinite ? Number.POSITIVE_INFINITY : Math.sqrt(m2 / (n - 1) / n);
    }
  });
  return {
    estimate: new Tensor(estimate, shape, 'float64'),
    standardError: new Tensor(se, shape, 'float64'),
    samples: n,
  };
}
