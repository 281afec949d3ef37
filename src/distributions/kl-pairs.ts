/**
 * The closed forms of torch.distributions.kl, registered pair by pair with the same
 * formulas (and the same conditional infinities) as PyTorch 1.13, so results agree to
 * rounding. Each is written for one batch element; `pairwise` broadcasts.
 *
 * @module
 */

import { ShapeError } from '../errors.js';
import { numelOf } from '../tensor/shape.js';
import {
  type Distribution,
  type DistributionClass,
  ExponentialFamily,
  familyOf,
  makeTensor,
  notImplemented,
  pairwise,
  TransformedDistribution,
} from './distribution.js';
import { Bernoulli } from './families/bernoulli.js';
import { Beta } from './families/beta.js';
import { Binomial } from './families/binomial.js';
import { Categorical, type CategoricalTable } from './families/categorical.js';
import { Cauchy } from './families/cauchy.js';
import { ContinuousBernoulli } from './families/continuous-bernoulli.js';
import { Dirichlet } from './families/dirichlet.js';
import { Exponential } from './families/exponential.js';
import { Gamma } from './families/gamma.js';
import { Geometric } from './families/geometric.js';
import { Gumbel } from './families/gumbel.js';
import { HalfNormal } from './families/half-normal.js';
import { Independent } from './families/independent.js';
import { Laplace } from './families/laplace.js';
import { LowRankMultivariateNormal } from './families/low-rank-multivariate-normal.js';
import { MultivariateNormal } from './families/multivariate-normal.js';
import { Normal } from './families/normal.js';
import { OneHotCategorical } from './families/one-hot-categorical.js';
import { Pareto } from './families/pareto.js';
import { Poisson } from './families/poisson.js';
import { Uniform } from './families/uniform.js';
import { klDivergence, registerKL } from './kl.js';
import { halfLogDet, mahalanobis, traceSolve } from './linalg.js';
import { digamma, erf, EULER_GAMMA as G, lgamma, softplus } from './special.js';

const INF = Number.POSITIVE_INFINITY;
const LOG_2PI = Math.log(2 * Math.PI);
const xLogX = (x: number) => x * Math.log(x); // NaN at 0, as PyTorch's _x_log_x

/** Registers `f` as KL(p || q) for p of `P` and q of each class in `qs`, applied per element. */
function each<P extends Distribution, Q extends Distribution>(
  P: DistributionClass<P>,
  qs: DistributionClass<Q>[],
  f: (p: P, q: Q, i: number, j: number) => number,
): void {
  for (const Q of qs) registerKL(P, Q, (p: P, q: Q) => pairwise(p, q, (i, j) => f(p, q, i, j)));
}

/** PyTorch's `_infinite_like` pairs: q has no mass where p has. */
function infinity(P: DistributionClass, qs: DistributionClass[]): void {
  each(P, qs, () => INF);
}

/**
 * @internal Registers PyTorch's closed forms. Called once, lazily, by the registry (so the
 * package stays free of import-time side effects and user registrations made later win).
 */
export function registerBuiltinKL(): void {
  // ---- same family -------------------------------------------------------------------------

  each(Bernoulli, [Bernoulli], (p, q, i, j) => {
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

  each(Beta, [Beta], (p, q, i, j) => {
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

  registerKL(Binomial, Binomial, (p, q) =>
    pairwise(p, q, (i, j) => {
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
    }),
  );

  function sameEvents(fn: string, k: number, l: number): void {
    if (k !== l) {
      throw new ShapeError(
        `klDivergence: The size of tensor a (${k}) must match the size of tensor b (${l}) at non-singleton dimension -1 (${fn} event sizes).`,
        {
          code: 'E_SHAPE_MISMATCH',
          fn: 'klDivergence',
          argument: 'q',
          received: l,
          torchType: 'RuntimeError',
        },
      );
    }
  }

  function categoricalKL(a: CategoricalTable, b: CategoricalTable, i: number, j: number): number {
    let s = 0;
    for (let k = 0; k < a.k; k++) {
      const pp = a.probs[i * a.k + k];
      let t = pp * (a.logits[i * a.k + k] - b.logits[j * b.k + k]);
      if (b.probs[j * b.k + k] === 0) t = INF;
      if (pp === 0) t = 0;
      s += t;
    }
    return s;
  }

  for (const C of [Categorical, OneHotCategorical] as const) {
    registerKL(C, C, (p: Categorical | OneHotCategorical, q: Categorical | OneHotCategorical) => {
      sameEvents(familyOf(p), p.table.k, q.table.k);
      return pairwise(p, q, (i, j) => categoricalKL(p.table, q.table, i, j));
    });
  }

  each(ContinuousBernoulli, [ContinuousBernoulli], (p, q, i, j) => {
    const t1 = p.meanAt(i) * (p.params.logits[i] - q.params.logits[j]);
    const t2 = p.logNorm(i) + Math.log1p(-p.params.probs[i]);
    const t3 = -q.logNorm(j) - Math.log1p(-q.params.probs[j]);
    return t1 + t2 + t3;
  });

  registerKL(Dirichlet, Dirichlet, (p, q) => {
    const k = p.eventSize;
    sameEvents('Dirichlet', k, q.eventSize);
    return pairwise(p, q, (i, j) => {
      const sp = p.total(i);
      const sq = q.total(j);
      const dsp = digamma(sp);
      let t2 = 0;
      let t34 = 0;
      for (let c = 0; c < k; c++) {
        const a = p.params.concentration[i * k + c];
        const b = q.params.concentration[j * k + c];
        t2 += lgamma(a) - lgamma(b);
        t34 += (a - b) * (digamma(a) - dsp);
      }
      return lgamma(sp) - lgamma(sq) - t2 + t34;
    });
  });

  each(Exponential, [Exponential], (p, q, i, j) => {
    const r = q.params.rate[j] / p.params.rate[i];
    return -Math.log(r) + r - 1;
  });

  registerKL(ExponentialFamily, ExponentialFamily, (p, q) => {
    if (p.constructor !== q.constructor) {
      throw notImplemented(
        'klDivergence',
        `The cross KL-divergence between different exponential families cannot be computed using Bregman divergences (p type ${familyOf(p)}, q type ${familyOf(q)}).`,
        'q',
      );
    }
    throw notImplemented(
      'klDivergence',
      `No closed form is registered for ${familyOf(p)}; PyTorch's generic Bregman divergence needs autograd, so register one with registerKL(${familyOf(p)}, ${familyOf(q)}, fn).`,
      'p',
    );
  });

  each(Gamma, [Gamma], (p, q, i, j) => {
    const [pc, pr] = [p.params.concentration[i], p.params.rate[i]];
    const [qc, qr] = [q.params.concentration[j], q.params.rate[j]];
    const t1 = qc * Math.log(pr / qr);
    const t2 = lgamma(qc) - lgamma(pc);
    const t3 = (pc - qc) * digamma(pc);
    const t4 = (qr - pr) * (pc / pr);
    return t1 + t2 + t3 + t4;
  });

  each(Gumbel, [Gumbel], (p, q, i, j) => {
    const ct1 = p.params.scale[i] / q.params.scale[j];
    const ct2 = q.params.loc[j] / q.params.scale[j];
    const ct3 = p.params.loc[i] / q.params.scale[j];
    const t1 = -Math.log(ct1) - ct2 + ct3;
    const t2 = ct1 * G;
    const t3 = Math.exp(ct2 + lgamma(1 + ct1) - ct3);
    return t1 + t2 + t3 - (1 + G);
  });

  each(Geometric, [Geometric], (p, q, i, j) => {
    return (
      -p.entropyAt(i) - Math.log1p(-q.params.probs[j]) / p.params.probs[i] - q.params.logits[j]
    );
  });

  function normalNormal(pl: number, ps: number, ql: number, qs: number): number {
    const vr = (ps / qs) ** 2;
    const t1 = ((pl - ql) / qs) ** 2;
    return 0.5 * (vr + t1 - 1 - Math.log(vr));
  }

  each(HalfNormal, [HalfNormal], (p, q, i, j) =>
    normalNormal(0, p.params.scale[i], 0, q.params.scale[j]),
  );

  each(Laplace, [Laplace], (p, q, i, j) => {
    const sr = p.params.scale[i] / q.params.scale[j];
    const lad = Math.abs(p.params.loc[i] - q.params.loc[j]);
    return -Math.log(sr) + lad / q.params.scale[j] + sr * Math.exp(-lad / p.params.scale[i]) - 1;
  });

  type Gaussian = MultivariateNormal | LowRankMultivariateNormal;
  const gaussians = [MultivariateNormal, LowRankMultivariateNormal] as const;
  // PyTorch's wording names the pair: "Multivariate Normals", "Low Rank Multivariate Normals",
  // or "(Low Rank) Multivariate Normals" for a mixed pair.
  const pairName = (p: Gaussian, q: Gaussian) => {
    const lowRank = [p, q].filter((d) => d instanceof LowRankMultivariateNormal).length;
    return [
      'Multivariate Normals',
      '(Low Rank) Multivariate Normals',
      'Low Rank Multivariate Normals',
    ][lowRank];
  };
  for (const P of gaussians) {
    for (const Q of gaussians) {
      registerKL(P, Q, (p: Gaussian, q: Gaussian) => {
        const n = p.eventShape[0];
        if (q.eventShape[0] !== n) {
          throw new ShapeError(
            `klDivergence: KL-divergence between two ${pairName(p, q)} with different event shapes cannot be computed (${n} vs ${q.eventShape[0]}).`,
            {
              code: 'E_SHAPE_MISMATCH',
              fn: 'klDivergence',
              argument: 'q',
              received: q.eventShape,
              torchType: 'ValueError',
            },
          );
        }
        const lp = p.params.scaleTril;
        const lq = q.params.scaleTril;
        return pairwise(p, q, (i, j) => {
          const half1 = halfLogDet(lq, j * n * n, n) - halfLogDet(lp, i * n * n, n);
          const t2 = traceSolve(lq, j * n * n, lp, i * n * n, n);
          const t3 = mahalanobis(lq, j * n * n, n, q.params.loc, j * n, p.params.loc, i * n);
          return half1 + 0.5 * (t2 + t3 - n);
        });
      });
    }
  }

  each(Normal, [Normal], (p, q, i, j) =>
    normalNormal(p.params.loc[i], p.params.scale[i], q.params.loc[j], q.params.scale[j]),
  );

  each(Pareto, [Pareto], (p, q, i, j) => {
    const sr = p.params.scale[i] / q.params.scale[j];
    const ar = q.params.alpha[j] / p.params.alpha[i];
    const result = q.params.alpha[j] * Math.log(sr) - Math.log(ar) + ar - 1;
    return p.params.scale[i] < q.params.scale[j] ? INF : result;
  });

  each(Poisson, [Poisson], (p, q, i, j) => {
    const pr = p.params.rate[i];
    const qr = q.params.rate[j];
    return pr * (Math.log(pr) - Math.log(qr)) - (pr - qr);
  });

  registerKL(TransformedDistribution, TransformedDistribution, (p, q) => {
    if (p.transforms !== q.transforms || p.eventShape.join() !== q.eventShape.join()) {
      throw notImplemented(
        'klDivergence',
        `No KL(p || q) is implemented for p type ${familyOf(p)} and q type ${familyOf(q)}: their transforms differ (${p.transforms} vs ${q.transforms}).`,
        'q',
      );
    }
    return klDivergence(p.baseDist, q.baseDist);
  });

  each(Uniform, [Uniform], (p, q, i, j) => {
    const [pl, ph, ql, qh] = [p.params.low[i], p.params.high[i], q.params.low[j], q.params.high[j]];
    return ql > pl || qh < ph ? INF : Math.log((qh - ql) / (ph - pl));
  });

  registerKL(Independent, Independent, (p, q) => {
    if (p.reinterpretedBatchNdims !== q.reinterpretedBatchNdims) {
      throw notImplemented(
        'klDivergence',
        `KL between Independent distributions needs equal reinterpretedBatchNdims (${p.reinterpretedBatchNdims} vs ${q.reinterpretedBatchNdims}).`,
        'q',
      );
    }
    const base = klDivergence(p.baseDist, q.baseDist);
    const r = p.reinterpretedBatchNdims;
    const keep = base.shape.slice(0, base.shape.length - r);
    const block = numelOf(base.shape.slice(base.shape.length - r));
    const out = new Float64Array(numelOf(keep));
    for (let i = 0; i < out.length; i++) {
      let s = 0;
      for (let k = 0; k < block; k++) s += base.data[i * block + k];
      out[i] = s;
    }
    return makeTensor(out, keep, base.dtype === 'float32' ? 'float32' : 'float64');
  });

  each(Cauchy, [Cauchy], (p, q, i, j) => {
    const [pl, ps, ql, qs] = [
      p.params.loc[i],
      p.params.scale[i],
      q.params.loc[j],
      q.params.scale[j],
    ];
    return Math.log((ps + qs) ** 2 + (pl - ql) ** 2) - Math.log(4 * ps * qs);
  });

  // ---- across families ---------------------------------------------------------------------

  each(Bernoulli, [Poisson], (p, q, i, j) => {
    const r = q.params.rate[j];
    return -p.entropyAt(i) - (p.params.probs[i] * Math.log(r) - r);
  });

  each(Beta, [ContinuousBernoulli], (p, q, i, j) => {
    return (
      -p.entropyAt(i) -
      p.meanAt(i) * q.params.logits[j] -
      Math.log1p(-q.params.probs[j]) -
      q.logNorm(j)
    );
  });
  infinity(Beta, [Pareto]);
  each(Beta, [Exponential], (p, q, i, j) => {
    const [a, b, r] = [p.params.concentration1[i], p.params.concentration0[i], q.params.rate[j]];
    return -p.entropyAt(i) - Math.log(r) + r * (a / (a + b));
  });
  each(Beta, [Gamma], (p, q, i, j) => {
    const [a, b] = [p.params.concentration1[i], p.params.concentration0[i]];
    const [qc, qr] = [q.params.concentration[j], q.params.rate[j]];
    const t2 = lgamma(qc) - qc * Math.log(qr);
    const t3 = (qc - 1) * (digamma(a) - digamma(a + b));
    const t4 = (qr * a) / (a + b);
    return -p.entropyAt(i) + t2 - t3 + t4;
  });
  each(Beta, [Normal], (p, q, i, j) => {
    const [a, b] = [p.params.concentration1[i], p.params.concentration0[i]];
    const [ql, qs] = [q.params.loc[j], q.params.scale[j]];
    const e = a / (a + b);
    const v = qs ** 2;
    const t2 = 0.5 * Math.log(v * 2 * Math.PI);
    const t3 = ((e * (1 - e)) / (a + b + 1) + e ** 2) * 0.5;
    return -p.entropyAt(i) + t2 + (t3 - ql * e + ql ** 2 * 0.5) / v;
  });
  each(Beta, [Uniform], (p, q, i, j) => {
    const [ql, qh] = [q.params.low[j], q.params.high[j]];
    return ql > 0 || qh < 1 ? INF : -p.entropyAt(i) + Math.log(qh - ql);
  });

  infinity(ContinuousBernoulli, [Pareto]);
  each(ContinuousBernoulli, [Exponential], (p, q, i, j) => {
    const r = q.params.rate[j];
    return -p.entropyAt(i) - Math.log(r) + r * p.meanAt(i);
  });
  each(ContinuousBernoulli, [Normal], (p, q, i, j) => {
    const [ql, qs] = [q.params.loc[j], q.params.scale[j]];
    const m = p.meanAt(i);
    const t2 = 0.5 * (LOG_2PI + (ql / qs) ** 2) + Math.log(qs);
    const t3 = (p.varianceAt(i) + m ** 2 - 2 * ql * m) / (2 * qs ** 2);
    return -p.entropyAt(i) + t2 + t3;
  });
  each(ContinuousBernoulli, [Uniform], (p, q, i, j) => {
    // PyTorch's condition, kept verbatim: infinite unless q's support strictly contains [0, 1].
    const [ql, qh] = [q.params.low[j], q.params.high[j]];
    return ql >= 0 || qh <= 1 ? INF : -p.entropyAt(i) + Math.log(qh - ql);
  });

  infinity(Exponential, [Beta, ContinuousBernoulli, Pareto, Uniform]);
  each(Exponential, [Gamma], (p, q, i, j) => {
    const qc = q.params.concentration[j];
    const ratio = q.params.rate[j] / p.params.rate[i];
    return -qc * Math.log(ratio) + ratio + lgamma(qc) + qc * G - (1 + G);
  });
  each(Exponential, [Gumbel], (p, q, i, j) => {
    const srp = p.params.rate[i] * q.params.scale[j];
    const lsr = q.params.loc[j] / q.params.scale[j];
    return Math.log(srp) - 1 - lsr + (Math.exp(lsr) * srp) / (srp + 1) + 1 / srp;
  });
  each(Exponential, [Normal], (p, q, i, j) => {
    const [ql, qs, r] = [q.params.loc[j], q.params.scale[j], p.params.rate[i]];
    const v = qs ** 2;
    const r2 = r ** 2;
    return 0.5 * Math.log(r2 * v * 2 * Math.PI) - 1 + (1 / r2 - ql / r + ql ** 2 * 0.5) / v;
  });

  infinity(Gamma, [Beta, ContinuousBernoulli, Pareto, Uniform]);
  each(Gamma, [Exponential], (p, q, i, j) => {
    const r = q.params.rate[j];
    return -p.entropyAt(i) - Math.log(r) + (r * p.params.concentration[i]) / p.params.rate[i];
  });
  each(Gamma, [Gumbel], (p, q, i, j) => {
    const [c, r] = [p.params.concentration[i], p.params.rate[i]];
    const bsp = r * q.params.scale[j];
    const lsr = q.params.loc[j] / q.params.scale[j];
    const t1 = (c - 1) * digamma(c) - lgamma(c) - c;
    const t2 = Math.log(bsp) + c / bsp;
    const t3 = Math.exp(lsr) * (1 + 1 / bsp) ** -c - lsr;
    return t1 + t2 + t3;
  });
  each(Gamma, [Normal], (p, q, i, j) => {
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

  infinity(Gumbel, [Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform]);
  each(Gumbel, [Normal], (p, q, i, j) => {
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

  infinity(Laplace, [Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform]);
  each(Laplace, [Normal], (p, q, i, j) => {
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

  infinity(Normal, [Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform]);
  each(Normal, [Gumbel], (p, q, i, j) => {
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
  each(Normal, [Laplace], (p, q, i, j) => {
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

  infinity(Pareto, [Beta, ContinuousBernoulli, Uniform]);
  each(Pareto, [Exponential], (p, q, i, j) => {
    const [a, s] = [p.params.alpha[i], p.params.scale[i]];
    const srp = s * q.params.rate[j];
    const result = Math.log(a / srp) - 1 / a + (a * srp) / (a - 1) - 1;
    return a <= 1 ? INF : result;
  });
  each(Pareto, [Gamma], (p, q, i, j) => {
    const [a, s] = [p.params.alpha[i], p.params.scale[i]];
    const [qc, qr] = [q.params.concentration[j], q.params.rate[j]];
    const common = Math.log(s) + 1 / a;
    const t1 = Math.log(a) - common;
    const t2 = lgamma(qc) - qc * Math.log(qr);
    const t3 = (1 - qc) * common;
    const t4 = (qr * a * s) / (a - 1);
    return a <= 1 ? INF : t1 + t2 + t3 + t4 - 1;
  });
  each(Pareto, [Normal], (p, q, i, j) => {
    const [a, s] = [p.params.alpha[i], p.params.scale[i]];
    const [ql, qs] = [q.params.loc[j], q.params.scale[j]];
    const v = 2 * qs ** 2;
    const common = s / (a - 1);
    const t1 = Math.log((Math.sqrt(2 * Math.PI) * qs * a) / s);
    const t3 = (a * common ** 2) / (a - 2);
    const t4 = (a * common - ql) ** 2;
    return a <= 2 ? INF : t1 - 1 / a + (t3 + t4) / v - 1;
  });

  infinity(Poisson, [Bernoulli, Binomial]);

  each(Uniform, [Beta], (p, q, i, j) => {
    const [pl, ph] = [p.params.low[i], p.params.high[i]];
    const [b1, b0] = [q.params.concentration1[j], q.params.concentration0[j]];
    const c = ph - pl;
    const t1 = Math.log(c);
    const t2 = ((b1 - 1) * (xLogX(ph) - xLogX(pl) - c)) / c;
    const t3 = ((b0 - 1) * (xLogX(1 - ph) - xLogX(1 - pl) + c)) / c;
    const t4 = lgamma(b1) + lgamma(b0) - lgamma(b1 + b0);
    return ph > 1 || pl < 0 ? INF : t3 + t4 - t1 - t2;
  });
  each(Uniform, [ContinuousBernoulli], (p, q, i, j) => {
    const [pl, ph] = [p.params.low[i], p.params.high[i]];
    const r =
      -p.entropyAt(i) -
      p.meanAt(i) * q.params.logits[j] -
      Math.log1p(-q.params.probs[j]) -
      q.logNorm(j);
    return ph >= 1 || pl <= 0 ? INF : r;
  });
  each(Uniform, [Exponential], (p, q, i, j) => {
    const [pl, ph, r] = [p.params.low[i], p.params.high[i], q.params.rate[j]];
    return pl < 0 ? INF : (r * (ph + pl)) / 2 - Math.log((ph - pl) * r);
  });
  each(Uniform, [Gamma], (p, q, i, j) => {
    const [pl, ph] = [p.params.low[i], p.params.high[i]];
    const [qc, qr] = [q.params.concentration[j], q.params.rate[j]];
    const c = ph - pl;
    const t2 = lgamma(qc) - qc * Math.log(qr);
    const t3 = ((1 - qc) * (xLogX(ph) - xLogX(pl) - c)) / c;
    return pl < 0 ? INF : -Math.log(c) + t2 + t3 + (qr * (ph + pl)) / 2;
  });
  each(Uniform, [Gumbel], (p, q, i, j) => {
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
  each(Uniform, [Normal], (p, q, i, j) => {
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
  each(Uniform, [Pareto], (p, q, i, j) => {
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
