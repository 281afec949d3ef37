/**
 * The closed forms between two members of one scalar family, as in torch.distributions.kl,
 * with the same formulas (and the same conditional infinities) so results agree to rounding.
 *
 * @module
 */

import type { Tensor } from '../../tensor/tensor.js';
import { notImplemented, pairwise } from '../distribution.js';
import type { Bernoulli } from '../families/bernoulli.js';
import type { Beta } from '../families/beta.js';
import type { Binomial } from '../families/binomial.js';
import type { Cauchy } from '../families/cauchy.js';
import type { ContinuousBernoulli } from '../families/continuous-bernoulli.js';
import type { Exponential } from '../families/exponential.js';
import type { Gamma } from '../families/gamma.js';
import type { Geometric } from '../families/geometric.js';
import type { Gumbel } from '../families/gumbel.js';
import type { HalfNormal } from '../families/half-normal.js';
import type { Laplace } from '../families/laplace.js';
import type { Normal } from '../families/normal.js';
import type { Pareto } from '../families/pareto.js';
import type { Poisson } from '../families/poisson.js';
import type { Uniform } from '../families/uniform.js';
import { digamma, EULER_GAMMA as G, lgamma, softplus } from '../special.js';
import { INF } from './common.js';

/** The Normal-Normal closed form, which HalfNormal shares with loc 0. */
function normalNormal(pl: number, ps: number, ql: number, qs: number): number {
  const vr = (ps / qs) ** 2;
  const t1 = ((pl - ql) / qs) ** 2;
  return 0.5 * (vr + t1 - 1 - Math.log(vr));
}

/** KL(Bernoulli || Bernoulli): PyTorch's `_kl_bernoulli_bernoulli`. */
export function klBernoulliBernoulli(p: Bernoulli, q: Bernoulli): Tensor {
  return pairwise(p, q, (i, j) => {
    const pp = p.params.probs[i];
    const qp = q.params.probs[j];
    const pl = p.params.logits[i];
    const ql = q.params.logits[j];
    let t1 = pp * (softplus(-ql) - softplus(-pl));
    if (qp === 0) t1 = INF;
    if (pp === 0) t1 = 0;
    let t2 = (1 - pp) * (softplus(ql) - softplus(pl));
    if (qp === 1) t2 = INF;
    if (pp === 1) t2 = 0;
    return t1 + t2;
  });
}

/** KL(Beta || Beta): PyTorch's `_kl_beta_beta`. */
export function klBetaBeta(p: Beta, q: Beta): Tensor {
  return pairwise(p, q, (i, j) => {
    const [a1, a0] = [p.params.concentration1[i], p.params.concentration0[i]];
    const [b1, b0] = [q.params.concentration1[j], q.params.concentration0[j]];
    const sp = a1 + a0;
    const sq = b1 + b0;
    const t1 = lgamma(b1) + lgamma(b0) + lgamma(sp);
    const t2 = lgamma(a1) + lgamma(a0) + lgamma(sq);
    const t3 = (a1 - b1) * digamma(a1);
    const t4 = (a0 - b0) * digamma(a0);
    const t5 = (sq - sp) * digamma(sp);
    return t1 - t2 + t3 + t4 + t5;
  });
}

/** KL(Binomial || Binomial): PyTorch's `_kl_binomial_binomial`. */
export function klBinomialBinomial(p: Binomial, q: Binomial): Tensor {
  return pairwise(p, q, (i, j) => {
    const n = p.params.totalCount[i];
    const m = q.params.totalCount[j];
    if (n < m) {
      throw notImplemented(
        'klDivergence',
        'KL between Binomials where q.total_count > p.total_count is not implemented',
        'q',
      );
    }
    if (n > m) return INF;
    const pp = p.params.probs[i];
    return (
      n *
      (pp * (p.params.logits[i] - q.params.logits[j]) +
        Math.log1p(-pp) -
        Math.log1p(-q.params.probs[j]))
    );
  });
}

/**
 * KL(ContinuousBernoulli || ContinuousBernoulli): PyTorch's
 * `_kl_continuous_bernoulli_continuous_bernoulli`.
 */
export function klContinuousBernoulliContinuousBernoulli(
  p: ContinuousBernoulli,
  q: ContinuousBernoulli,
): Tensor {
  return pairwise(p, q, (i, j) => {
    const t1 = p.meanAt(i) * (p.params.logits[i] - q.params.logits[j]);
    const t2 = p.logNorm(i) + Math.log1p(-p.params.probs[i]);
    const t3 = -q.logNorm(j) - Math.log1p(-q.params.probs[j]);
    return t1 + t2 + t3;
  });
}

/** KL(Exponential || Exponential): PyTorch's `_kl_exponential_exponential`. */
export function klExponentialExponential(p: Exponential, q: Exponential): Tensor {
  return pairwise(p, q, (i, j) => {
    const r = q.params.rate[j] / p.params.rate[i];
    return -Math.log(r) + r - 1;
  });
}

/** KL(Gamma || Gamma): PyTorch's `_kl_gamma_gamma`. */
export function klGammaGamma(p: Gamma, q: Gamma): Tensor {
  return pairwise(p, q, (i, j) => {
    const [pc, pr] = [p.params.concentration[i], p.params.rate[i]];
    const [qc, qr] = [q.params.concentration[j], q.params.rate[j]];
    const t1 = qc * Math.log(pr / qr);
    const t2 = lgamma(qc) - lgamma(pc);
    const t3 = (pc - qc) * digamma(pc);
    const t4 = (qr - pr) * (pc / pr);
    return t1 + t2 + t3 + t4;
  });
}

/** KL(Gumbel || Gumbel): PyTorch's `_kl_gumbel_gumbel`. */
export function klGumbelGumbel(p: Gumbel, q: Gumbel): Tensor {
  return pairwise(p, q, (i, j) => {
    const ct1 = p.params.scale[i] / q.params.scale[j];
    const ct2 = q.params.loc[j] / q.params.scale[j];
    const ct3 = p.params.loc[i] / q.params.scale[j];
    const t1 = -Math.log(ct1) - ct2 + ct3;
    const t2 = ct1 * G;
    const t3 = Math.exp(ct2 + lgamma(1 + ct1) - ct3);
    return t1 + t2 + t3 - (1 + G);
  });
}

/** KL(Geometric || Geometric): PyTorch's `_kl_geometric_geometric`. */
export function klGeometricGeometric(p: Geometric, q: Geometric): Tensor {
  return pairwise(p, q, (i, j) => {
    return (
      -p.entropyAt(i) - Math.log1p(-q.params.probs[j]) / p.params.probs[i] - q.params.logits[j]
    );
  });
}

/** KL(HalfNormal || HalfNormal): PyTorch's `_kl_halfnormal_halfnormal`. */
export function klHalfNormalHalfNormal(p: HalfNormal, q: HalfNormal): Tensor {
  return pairwise(p, q, (i, j) => normalNormal(0, p.params.scale[i], 0, q.params.scale[j]));
}

/** KL(Laplace || Laplace): PyTorch's `_kl_laplace_laplace`. */
export function klLaplaceLaplace(p: Laplace, q: Laplace): Tensor {
  return pairwise(p, q, (i, j) => {
    const sr = p.params.scale[i] / q.params.scale[j];
    const lad = Math.abs(p.params.loc[i] - q.params.loc[j]);
    return -Math.log(sr) + lad / q.params.scale[j] + sr * Math.exp(-lad / p.params.scale[i]) - 1;
  });
}

/** KL(Normal || Normal): PyTorch's `_kl_normal_normal`. */
export function klNormalNormal(p: Normal, q: Normal): Tensor {
  return pairwise(p, q, (i, j) =>
    normalNormal(p.params.loc[i], p.params.scale[i], q.params.loc[j], q.params.scale[j]),
  );
}

/** KL(Pareto || Pareto): PyTorch's `_kl_pareto_pareto`. */
export function klParetoPareto(p: Pareto, q: Pareto): Tensor {
  return pairwise(p, q, (i, j) => {
    const sr = p.params.scale[i] / q.params.scale[j];
    const ar = q.params.alpha[j] / p.params.alpha[i];
    const result = q.params.alpha[j] * Math.log(sr) - Math.log(ar) + ar - 1;
    return p.params.scale[i] < q.params.scale[j] ? INF : result;
  });
}

/** KL(Poisson || Poisson): PyTorch's `_kl_poisson_poisson`. */
export function klPoissonPoisson(p: Poisson, q: Poisson): Tensor {
  return pairwise(p, q, (i, j) => {
    const pr = p.params.rate[i];
    const qr = q.params.rate[j];
    return pr * (Math.log(pr) - Math.log(qr)) - (pr - qr);
  });
}

/** KL(Uniform || Uniform): PyTorch's `_kl_uniform_uniform`. */
export function klUniformUniform(p: Uniform, q: Uniform): Tensor {
  return pairwise(p, q, (i, j) => {
    const [pl, ph, ql, qh] = [p.params.low[i], p.params.high[i], q.params.low[j], q.params.high[j]];
    return ql > pl || qh < ph ? INF : Math.log((qh - ql) / (ph - pl));
  });
}

/** KL(Cauchy || Cauchy): PyTorch's `_kl_cauchy_cauchy`. */
export function klCauchyCauchy(p: Cauchy, q: Cauchy): Tensor {
  return pairwise(p, q, (i, j) => {
    const [pl, ps, ql, qs] = [
      p.params.loc[i],
      p.params.scale[i],
      q.params.loc[j],
      q.params.scale[j],
    ];
    return Math.log((ps + qs) ** 2 + (pl - ql) ** 2) - Math.log(4 * ps * qs);
  });
}
