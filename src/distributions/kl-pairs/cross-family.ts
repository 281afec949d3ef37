/**
 * The closed forms across scalar families, as in torch.distributions.kl, with the same formulas
 * (and the same conditional infinities, as PyTorch's) so results agree to rounding. The pairs that
 * are infinite whatever the parameters are in `infinite.ts`.
 *
 * @module
 */

import type { Tensor } from '../../tensor/tensor.js';
import { pairwise } from '../distribution.js';
import type { Bernoulli } from '../families/bernoulli.js';
import type { Beta } from '../families/beta.js';
import type { ContinuousBernoulli } from '../families/continuous-bernoulli.js';
import type { Exponential } from '../families/exponential.js';
import type { Gamma } from '../families/gamma.js';
import type { Gumbel } from '../families/gumbel.js';
import type { Laplace } from '../families/laplace.js';
import type { Normal } from '../families/normal.js';
import type { Pareto } from '../families/pareto.js';
import type { Poisson } from '../families/poisson.js';
import type { Uniform } from '../families/uniform.js';
import { digamma, erf, EULER_GAMMA as G, lgamma } from '../special.js';
import { INF, LOG_2PI, xLogX } from './common.js';

/** KL(Bernoulli || Poisson): PyTorch's `_kl_bernoulli_poisson`. */
export function klBernoulliPoisson(p: Bernoulli, q: Poisson): Tensor {
  return pairwise(p, q, (i, j) => {
    const r = q.params.rate[j];
    return -p.entropyAt(i) - (p.params.probs[i] * Math.log(r) - r);
  });
}

/** KL(Beta || ContinuousBernoulli): PyTorch's `_kl_beta_continuous_bernoulli`. */
export function klBetaContinuousBernoulli(p: Beta, q: ContinuousBernoulli): Tensor {
  return pairwise(p, q, (i, j) => {
    return (
      -p.entropyAt(i) -
      p.meanAt(i) * q.params.logits[j] -
      Math.log1p(-q.params.probs[j]) -
      q.logNorm(j)
    );
  });
}

/** KL(Beta || Exponential): PyTorch's `_kl_beta_exponential`. */
export function klBetaExponential(p: Beta, q: Exponential): Tensor {
  return pairwise(p, q, (i, j) => {
    const [a, b, r] = [p.params.concentration1[i], p.params.concentration0[i], q.params.rate[j]];
    return -p.entropyAt(i) - Math.log(r) + r * (a / (a + b));
  });
}

/** KL(Beta || Gamma): PyTorch's `_kl_beta_gamma`. */
export function klBetaGamma(p: Beta, q: Gamma): Tensor {
  return pairwise(p, q, (i, j) => {
    const [a, b] = [p.params.concentration1[i], p.params.concentration0[i]];
    const [qc, qr] = [q.params.concentration[j], q.params.rate[j]];
    const t2 = lgamma(qc) - qc * Math.log(qr);
    const t3 = (qc - 1) * (digamma(a) - digamma(a + b));
    const t4 = (qr * a) / (a + b);
    return -p.entropyAt(i) + t2 - t3 + t4;
  });
}

/** KL(Beta || Normal): PyTorch's `_kl_beta_normal`. */
export function klBetaNormal(p: Beta, q: Normal): Tensor {
  return pairwise(p, q, (i, j) => {
    const [a, b] = [p.params.concentration1[i], p.params.concentration0[i]];
    const [ql, qs] = [q.params.loc[j], q.params.scale[j]];
    const e = a / (a + b);
    const v = qs ** 2;
    const t2 = 0.5 * Math.log(v * 2 * Math.PI);
    const t3 = ((e * (1 - e)) / (a + b + 1) + e ** 2) * 0.5;
    return -p.entropyAt(i) + t2 + (t3 - ql * e + ql ** 2 * 0.5) / v;
  });
}

/** KL(Beta || Uniform): PyTorch's `_kl_beta_uniform`. */
export function klBetaUniform(p: Beta, q: Uniform): Tensor {
  return pairwise(p, q, (i, j) => {
    const [ql, qh] = [q.params.low[j], q.params.high[j]];
    return ql > 0 || qh < 1 ? INF : -p.entropyAt(i) + Math.log(qh - ql);
  });
}

/** KL(ContinuousBernoulli || Exponential): PyTorch's `_kl_continuous_bernoulli_exponential`. */
export function klContinuousBernoulliExponential(p: ContinuousBernoulli, q: Exponential): Tensor {
  return pairwise(p, q, (i, j) => {
    const r = q.params.rate[j];
    return -p.entropyAt(i) - Math.log(r) + r * p.meanAt(i);
  });
}

/** KL(ContinuousBernoulli || Normal): PyTorch's `_kl_continuous_bernoulli_normal`. */
export function klContinuousBernoulliNormal(p: ContinuousBernoulli, q: Normal): Tensor {
  return pairwise(p, q, (i, j) => {
    const [ql, qs] = [q.params.loc[j], q.params.scale[j]];
    const m = p.meanAt(i);
    const t2 = 0.5 * (LOG_2PI + (ql / qs) ** 2) + Math.log(qs);
    const t3 = (p.varianceAt(i) + m ** 2 - 2 * ql * m) / (2 * qs ** 2);
    return -p.entropyAt(i) + t2 + t3;
  });
}

/** KL(ContinuousBernoulli || Uniform): PyTorch's `_kl_continuous_bernoulli_uniform`. */
export function klContinuousBernoulliUniform(p: ContinuousBernoulli, q: Uniform): Tensor {
  return pairwise(p, q, (i, j) => {
    // PyTorch's condition, kept verbatim: infinite unless q's support strictly contains [0, 1].
    const [ql, qh] = [q.params.low[j], q.params.high[j]];
    return ql >= 0 || qh <= 1 ? INF : -p.entropyAt(i) + Math.log(qh - ql);
  });
}

/** KL(Exponential || Gamma): PyTorch's `_kl_exponential_gamma`. */
export function klExponentialGamma(p: Exponential, q: Gamma): Tensor {
  return pairwise(p, q, (i, j) => {
    const qc = q.params.concentration[j];
    const ratio = q.params.rate[j] / p.params.rate[i];
    return -qc * Math.log(ratio) + ratio + lgamma(qc) + qc * G - (1 + G);
  });
}

/** KL(Exponential || Gumbel): PyTorch's `_kl_exponential_gumbel`. */
export function klExponentialGumbel(p: Exponential, q: Gumbel): Tensor {
  return pairwise(p, q, (i, j) => {
    const srp = p.params.rate[i] * q.params.scale[j];
    const lsr = q.params.loc[j] / q.params.scale[j];
    return Math.log(srp) - 1 - lsr + (Math.exp(lsr) * srp) / (srp + 1) + 1 / srp;
  });
}

/** KL(Exponential || Normal): PyTorch's `_kl_exponential_normal`. */
export function klExponentialNormal(p: Exponential, q: Normal): Tensor {
  return pairwise(p, q, (i, j) => {
    const [ql, qs, r] = [q.params.loc[j], q.params.scale[j], p.params.rate[i]];
    const v = qs ** 2;
    const r2 = r ** 2;
    return 0.5 * Math.log(r2 * v * 2 * Math.PI) - 1 + (1 / r2 - ql / r + ql ** 2 * 0.5) / v;
  });
}

/** KL(Gamma || Exponential): PyTorch's `_kl_gamma_exponential`. */
export function klGammaExponential(p: Gamma, q: Exponential): Tensor {
  return pairwise(p, q, (i, j) => {
    const r = q.params.rate[j];
    return -p.entropyAt(i) - Math.log(r) + (r * p.params.concentration[i]) / p.params.rate[i];
  });
}

/** KL(Gamma || Gumbel): PyTorch's `_kl_gamma_gumbel`. */
export function klGammaGumbel(p: Gamma, q: Gumbel): Tensor {
  return pairwise(p, q, (i, j) => {
    const [c, r] = [p.params.concentration[i], p.params.rate[i]];
    const bsp = r * q.params.scale[j];
    const lsr = q.params.loc[j] / q.params.scale[j];
    const t1 = (c - 1) * digamma(c) - lgamma(c) - c;
    const t2 = Math.log(bsp) + c / bsp;
    const t3 = Math.exp(lsr) * (1 + 1 / bsp) ** -c - lsr;
    return t1 + t2 + t3;
  });
}

/** KL(Gamma || Normal): PyTorch's `_kl_gamma_normal`. */
export function klGammaNormal(p: Gamma, q: Normal): Tensor {
  return pairwise(p, q, (i, j) => {
    const [c, r] = [p.params.concentration[i], p.params.rate[i]];
    const [ql, qs] = [q.params.loc[j], q.params.scale[j]];
    const v = qs ** 2;
    const b2 = r ** 2;
    const t1 = 0.5 * Math.log(b2 * v * 2 * Math.PI) - c - lgamma(c);
    const t2 = (0.5 * (c ** 2 + c)) / b2;
    const t3 = (ql * c) / r;
    const t4 = 0.5 * ql ** 2;
    return t1 + (c - 1) * digamma(c) + (t2 - t3 + t4) / v;
  });
}

/** KL(Gumbel || Normal): PyTorch's `_kl_gumbel_normal`. */
export function klGumbelNormal(p: Gumbel, q: Normal): Tensor {
  return pairwise(p, q, (i, j) => {
    const [pl, ps, ql, qs] = [
      p.params.loc[i],
      p.params.scale[i],
      q.params.loc[j],
      q.params.scale[j],
    ];
    const pr = ps / qs;
    const t1 = Math.log(pr / Math.sqrt(2 * Math.PI));
    const t2 = (Math.PI * pr * 0.5) ** 2 / 3;
    const t3 = ((pl + ps * G - ql) / qs) ** 2 * 0.5;
    return -t1 + t2 + t3 - (G + 1);
  });
}

/** KL(Laplace || Normal): PyTorch's `_kl_laplace_normal`. */
export function klLaplaceNormal(p: Laplace, q: Normal): Tensor {
  return pairwise(p, q, (i, j) => {
    const [pl, ps, ql, qs] = [
      p.params.loc[i],
      p.params.scale[i],
      q.params.loc[j],
      q.params.scale[j],
    ];
    const v = qs ** 2;
    const ssvr = ps ** 2 / v;
    const t1 = 0.5 * Math.log((2 * ssvr) / Math.PI);
    return -t1 + ssvr + (0.5 * pl ** 2 - pl * ql + 0.5 * ql ** 2) / v - 1;
  });
}

/** KL(Normal || Gumbel): PyTorch's `_kl_normal_gumbel`. */
export function klNormalGumbel(p: Normal, q: Gumbel): Tensor {
  return pairwise(p, q, (i, j) => {
    const [pl, ps, ql, qs] = [
      p.params.loc[i],
      p.params.scale[i],
      q.params.loc[j],
      q.params.scale[j],
    ];
    const msr = pl / qs;
    const vssr = (ps / qs) ** 2;
    const lsr = ql / qs;
    return (
      -Math.log(vssr) * 0.5 + (msr - lsr) + Math.exp(-msr + 0.5 * vssr + lsr) - 0.5 * (1 + LOG_2PI)
    );
  });
}

/** KL(Normal || Laplace): PyTorch's `_kl_normal_laplace`. */
export function klNormalLaplace(p: Normal, q: Laplace): Tensor {
  return pairwise(p, q, (i, j) => {
    const [pl, ps, ql, qs] = [
      p.params.loc[i],
      p.params.scale[i],
      q.params.loc[j],
      q.params.scale[j],
    ];
    const ld = pl - ql;
    const ldsr = ld / ps;
    const t1 = Math.log(ps / qs);
    const t2 = Math.sqrt(2 / Math.PI) * ps * Math.exp(-0.5 * ldsr ** 2);
    const t3 = ld * erf(Math.SQRT1_2 * ldsr);
    return -t1 + (t2 + t3) / qs - 0.5 * (1 + Math.log(0.5 * Math.PI));
  });
}

/** KL(Pareto || Exponential): PyTorch's `_kl_pareto_exponential`. */
export function klParetoExponential(p: Pareto, q: Exponential): Tensor {
  return pairwise(p, q, (i, j) => {
    const [a, s] = [p.params.alpha[i], p.params.scale[i]];
    const srp = s * q.params.rate[j];
    const result = Math.log(a / srp) - 1 / a + (a * srp) / (a - 1) - 1;
    return a <= 1 ? INF : result;
  });
}

/** KL(Pareto || Gamma): PyTorch's `_kl_pareto_gamma`. */
export function klParetoGamma(p: Pareto, q: Gamma): Tensor {
  return pairwise(p, q, (i, j) => {
    const [a, s] = [p.params.alpha[i], p.params.scale[i]];
    const [qc, qr] = [q.params.concentration[j], q.params.rate[j]];
    const common = Math.log(s) + 1 / a;
    const t1 = Math.log(a) - common;
    const t2 = lgamma(qc) - qc * Math.log(qr);
    const t3 = (1 - qc) * common;
    const t4 = (qr * a * s) / (a - 1);
    return a <= 1 ? INF : t1 + t2 + t3 + t4 - 1;
  });
}

/** KL(Pareto || Normal): PyTorch's `_kl_pareto_normal`. */
export function klParetoNormal(p: Pareto, q: Normal): Tensor {
  return pairwise(p, q, (i, j) => {
    const [a, s] = [p.params.alpha[i], p.params.scale[i]];
    const [ql, qs] = [q.params.loc[j], q.params.scale[j]];
    const v = 2 * qs ** 2;
    const common = s / (a - 1);
    const t1 = Math.log((Math.sqrt(2 * Math.PI) * qs * a) / s);
    const t3 = (a * common ** 2) / (a - 2);
    const t4 = (a * common - ql) ** 2;
    return a <= 2 ? INF : t1 - 1 / a + (t3 + t4) / v - 1;
  });
}

/** KL(Uniform || Beta): PyTorch's `_kl_uniform_beta`. */
export function klUniformBeta(p: Uniform, q: Beta): Tensor {
  return pairwise(p, q, (i, j) => {
    const [pl, ph] = [p.params.low[i], p.params.high[i]];
    const [b1, b0] = [q.params.concentration1[j], q.params.concentration0[j]];
    const c = ph - pl;
    const t1 = Math.log(c);
    const t2 = ((b1 - 1) * (xLogX(ph) - xLogX(pl) - c)) / c;
    const t3 = ((b0 - 1) * (xLogX(1 - ph) - xLogX(1 - pl) + c)) / c;
    const t4 = lgamma(b1) + lgamma(b0) - lgamma(b1 + b0);
    return ph > 1 || pl < 0 ? INF : t3 + t4 - t1 - t2;
  });
}

/** KL(Uniform || ContinuousBernoulli): PyTorch's `_kl_uniform_continuous_bernoulli`. */
export function klUniformContinuousBernoulli(p: Uniform, q: ContinuousBernoulli): Tensor {
  return pairwise(p, q, (i, j) => {
    const [pl, ph] = [p.params.low[i], p.params.high[i]];
    const r =
      -p.entropyAt(i) -
      p.meanAt(i) * q.params.logits[j] -
      Math.log1p(-q.params.probs[j]) -
      q.logNorm(j);
    return ph >= 1 || pl <= 0 ? INF : r;
  });
}

/** KL(Uniform || Exponential): PyTorch's `_kl_uniform_exponetial`. */
export function klUniformExponential(p: Uniform, q: Exponential): Tensor {
  return pairwise(p, q, (i, j) => {
    const [pl, ph, r] = [p.params.low[i], p.params.high[i], q.params.rate[j]];
    return pl < 0 ? INF : (r * (ph + pl)) / 2 - Math.log((ph - pl) * r);
  });
}

/** KL(Uniform || Gamma): PyTorch's `_kl_uniform_gamma`. */
export function klUniformGamma(p: Uniform, q: Gamma): Tensor {
  return pairwise(p, q, (i, j) => {
    const [pl, ph] = [p.params.low[i], p.params.high[i]];
    const [qc, qr] = [q.params.concentration[j], q.params.rate[j]];
    const c = ph - pl;
    const t2 = lgamma(qc) - qc * Math.log(qr);
    const t3 = ((1 - qc) * (xLogX(ph) - xLogX(pl) - c)) / c;
    return pl < 0 ? INF : -Math.log(c) + t2 + t3 + (qr * (ph + pl)) / 2;
  });
}

/** KL(Uniform || Gumbel): PyTorch's `_kl_uniform_gumbel`. */
export function klUniformGumbel(p: Uniform, q: Gumbel): Tensor {
  return pairwise(p, q, (i, j) => {
    const [pl, ph, ql, qs] = [
      p.params.low[i],
      p.params.high[i],
      q.params.loc[j],
      q.params.scale[j],
    ];
    const c = qs / (ph - pl);
    const hi = (ph - ql) / qs;
    const lo = (pl - ql) / qs;
    return Math.log(c) + 0.5 * (hi + lo) - c * (Math.exp(-hi) - Math.exp(-lo));
  });
}

/** KL(Uniform || Normal): PyTorch's `_kl_uniform_normal`. */
export function klUniformNormal(p: Uniform, q: Normal): Tensor {
  return pairwise(p, q, (i, j) => {
    const [pl, ph, ql, qs] = [
      p.params.low[i],
      p.params.high[i],
      q.params.loc[j],
      q.params.scale[j],
    ];
    const c = ph - pl;
    const t1 = Math.log((Math.sqrt(Math.PI * 2) * qs) / c);
    return t1 + (0.5 * (c ** 2 / 12 + ((ph + pl - 2 * ql) / 2) ** 2)) / qs ** 2;
  });
}

/** KL(Uniform || Pareto): PyTorch's `_kl_uniform_pareto`. */
export function klUniformPareto(p: Uniform, q: Pareto): Tensor {
  return pairwise(p, q, (i, j) => {
    const [pl, ph, qa, qs] = [
      p.params.low[i],
      p.params.high[i],
      q.params.alpha[j],
      q.params.scale[j],
    ];
    const su = ph - pl;
    const t1 = Math.log(qa * qs ** qa * su);
    const t2 = (xLogX(ph) - xLogX(pl) - su) / su;
    return pl < qs ? INF : t2 * (qa + 1) - t1;
  });
}
