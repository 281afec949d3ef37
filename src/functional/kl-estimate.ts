/**
 * Monte Carlo KL estimators of RL fine-tuning (Schulman, "Approximating KL divergence", 2020).
 *
 * @module
 */

import { ArgumentError, describe } from '../errors.js';
import { checkOptions } from '../options.js';
import { lossReduction } from '../reduction.js';
import { allocate, type FloatDType } from '../tensor/dtype.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { upstreamGradient } from './grad-output.js';
import { pairOfTensors } from './logits-args.js';

/** Which estimator: k1 = -log r (unbiased), k2 = (log r)^2 / 2 (low variance, biased), k3 = (r - 1) - log r (unbiased, low variance, >= 0). */
export type KLEstimator = 'k1' | 'k2' | 'k3';

/** Options of {@link klEstimate}. */
export interface KLEstimateOptions {
  /** Default `'k3'`. */
  estimator?: KLEstimator;
  /** `'mean'` (default: the estimate of KL(p || q)), `'sum'` or `'none'` (per sample). */
  reduction?: 'none' | 'mean' | 'sum';
}

const ESTIMATORS: readonly KLEstimator[] = ['k1', 'k2', 'k3'];

function prepare(fn: string, logProbP: unknown, logProbQ: unknown, options: unknown) {
  const opts = checkOptions<KLEstimateOptions>(options, ['estimator', 'reduction'], fn);
  const estimator = opts.estimator ?? 'k3';
  if (!ESTIMATORS.includes(estimator)) {
    throw new ArgumentError(
      `${fn}: option 'estimator' must be one of 'k1' | 'k2' | 'k3'; received ${describe(estimator)}.`,
      { code: 'E_OPTION_RANGE', fn, argument: 'estimator', received: estimator },
    );
  }
  const reduction = lossReduction(opts.reduction, 'mean', fn, false, ['none', 'mean', 'sum']);
  const { a, b, dtype } = pairOfTensors(logProbP, logProbQ, fn, ['logProbP', 'logProbQ']);
  return { p: a, q: b, dtype, estimator, reduction };
}

/**
 * Per-sample estimates of KL(p || q) from samples x ~ p, given log p(x) and log q(x): with
 * log r = log q(x) - log p(x), `k1 = -log r`, `k2 = (log r)^2 / 2`, `k3 = (r - 1) - log r`.
 * Their mean over samples estimates the KL divergence (k1 and k3 without bias).
 *
 * @example
 * ```ts
 * import { klEstimate } from 'kldiv';
 * const logp = [-1.2, -0.7, -2.0];
 * const logq = [-1.0, -0.9, -2.5];
 * console.log(klEstimate(logp, logq, { estimator: 'k1' }).toString()); // tensor(0.1667)
 * ```
 */
export function klEstimate(
  logProbP: TensorLike,
  logProbQ: TensorLike,
  options?: KLEstimateOptions,
): Tensor<FloatDType> {
  const { p, q, dtype, estimator, reduction } = prepare('klEstimate', logProbP, logProbQ, options);
  const n = p.numel;
  const out = reduction === 'none' ? allocate(dtype, n) : null;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const lr = q.data[i] - p.data[i];
    const v = estimator === 'k1' ? -lr : estimator === 'k2' ? 0.5 * lr * lr : Math.expm1(lr) - lr;
    total += v;
    if (out !== null) out[i] = v;
  }
  if (out !== null) return new Tensor(out, p.shape, dtype);
  const value = allocate(dtype, 1);
  value[0] = reduction === 'mean' ? total / n : total;
  return new Tensor(value, [], dtype);
}

/**
 * Gradients of {@link klEstimate} with respect to both log-probabilities:
 * k1: (1, -1); k2: (-log r, log r); k3: (1 - r, r - 1), for (log p, log q), times the upstream
 * gradient and the reduction's scale.
 *
 * @example
 * ```ts
 * import { klEstimateBackward } from 'kldiv';
 * const g = klEstimateBackward([-1, -2], [-1, -2], { estimator: 'k3', reduction: 'sum' });
 * console.log(g.gradLogProbQ.toString()); // tensor([0., 0.])
 * ```
 */
export function klEstimateBackward(
  logProbP: TensorLike,
  logProbQ: TensorLike,
  options?: KLEstimateOptions,
  gradOutput?: TensorLike,
): { gradLogProbP: Tensor<FloatDType>; gradLogProbQ: Tensor<FloatDType> } {
  const fn = 'klEstimateBackward';
  const { p, q, estimator, reduction } = prepare(fn, logProbP, logProbQ, options);
  const n = p.numel;
  const { data: g, perElement } = upstreamGradient(
    gradOutput,
    reduction === 'none' ? p.shape : [],
    fn,
  );
  const gp = allocate(p.dtype as FloatDType, n);
  const gq = allocate(q.dtype as FloatDType, n);
  const scale = reduction === 'mean' ? 1 / n : 1;
  for (let i = 0; i < n; i++) {
    const lr = q.data[i] - p.data[i];
    const d = estimator === 'k1' ? -1 : estimator === 'k2' ? lr : Math.expm1(lr); // d/d(log r)
    const c = (perElement ? g[i] : g[0]) * scale * d;
    gq[i] = c;
    gp[i] = -c;
  }
  return {
    gradLogProbP: new Tensor(gp, p.shape, p.dtype as FloatDType),
    gradLogProbQ: new Tensor(gq, q.shape, q.dtype as FloatDType),
  };
}
