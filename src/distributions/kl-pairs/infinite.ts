/**
 * PyTorch's `_infinite_like` pairs: KL(p || q) is +inf for every parameter value because q has no
 * mass on part of p's support (a real-line p against a positive or bounded q, say). @module
 */

import type { Tensor } from '../../tensor/tensor.js';
import { type Distribution, pairwise } from '../distribution.js';
import type { Beta } from '../families/beta.js';
import type { ContinuousBernoulli } from '../families/continuous-bernoulli.js';
import type { Exponential } from '../families/exponential.js';
import type { Gamma } from '../families/gamma.js';
import type { Gumbel } from '../families/gumbel.js';
import type { Laplace } from '../families/laplace.js';
import type { Normal } from '../families/normal.js';
import type { Pareto } from '../families/pareto.js';
import type { Poisson } from '../families/poisson.js';
import { INF } from './common.js';

/**
 * KL(Beta || q) = +inf for q of Pareto: q has no mass on part of the support of p. PyTorch's
 * `_kl_beta_infinity`.
 */
export function klBetaInfinity(p: Beta, q: Distribution): Tensor {
  return pairwise(p, q, () => INF);
}

/**
 * KL(ContinuousBernoulli || q) = +inf for q of Pareto: q has no mass on part of the support of p.
 * PyTorch's `_kl_continuous_bernoulli_infinity`.
 */
export function klContinuousBernoulliInfinity(p: ContinuousBernoulli, q: Distribution): Tensor {
  return pairwise(p, q, () => INF);
}

/**
 * KL(Exponential || q) = +inf for q of Beta, ContinuousBernoulli, Pareto, Uniform: q has no mass on
 * part of the support of p. PyTorch's `_kl_exponential_infinity`.
 */
export function klExponentialInfinity(p: Exponential, q: Distribution): Tensor {
  return pairwise(p, q, () => INF);
}

/**
 * KL(Gamma || q) = +inf for q of Beta, ContinuousBernoulli, Pareto, Uniform: q has no mass on part
 * of the support of p. PyTorch's `_kl_gamma_infinity`.
 */
export function klGammaInfinity(p: Gamma, q: Distribution): Tensor {
  return pairwise(p, q, () => INF);
}

/**
 * KL(Gumbel || q) = +inf for q of Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform: q
 * has no mass on part of the support of p. PyTorch's `_kl_gumbel_infinity`.
 */
export function klGumbelInfinity(p: Gumbel, q: Distribution): Tensor {
  return pairwise(p, q, () => INF);
}

/**
 * KL(Laplace || q) = +inf for q of Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform:
 * q has no mass on part of the support of p. PyTorch's `_kl_laplace_infinity`.
 */
export function klLaplaceInfinity(p: Laplace, q: Distribution): Tensor {
  return pairwise(p, q, () => INF);
}

/**
 * KL(Normal || q) = +inf for q of Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform: q
 * has no mass on part of the support of p. PyTorch's `_kl_normal_infinity`.
 */
export function klNormalInfinity(p: Normal, q: Distribution): Tensor {
  return pairwise(p, q, () => INF);
}

/**
 * KL(Pareto || q) = +inf for q of Beta, ContinuousBernoulli, Uniform: q has no mass on part of the
 * support of p. PyTorch's `_kl_pareto_infinity`.
 */
export function klParetoInfinity(p: Pareto, q: Distribution): Tensor {
  return pairwise(p, q, () => INF);
}

/**
 * KL(Poisson || q) = +inf for q of Bernoulli, Binomial: q has no mass on part of the support of p.
 * PyTorch's `_kl_poisson_infinity`.
 */
export function klPoissonInfinity(p: Poisson, q: Distribution): Tensor {
  return pairwise(p, q, () => INF);
}
