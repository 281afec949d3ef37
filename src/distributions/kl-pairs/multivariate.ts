/**
 * The closed forms between event (multivariate) families: Categorical, OneHotCategorical,
 * Dirichlet, and the (low-rank) multivariate normals, as in torch.distributions.kl.
 *
 * @module
 */

import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { familyOf, pairwise } from '../distribution.js';
import type { Categorical, CategoricalTable } from '../families/categorical.js';
import type { Dirichlet } from '../families/dirichlet.js';
import { LowRankMultivariateNormal } from '../families/low-rank-multivariate-normal.js';
import type { MultivariateNormal } from '../families/multivariate-normal.js';
import type { OneHotCategorical } from '../families/one-hot-categorical.js';
import { halfLogDet, mahalanobis, traceSolve } from '../linalg.js';
import { digamma, lgamma } from '../special.js';
import { INF } from './common.js';

/** PyTorch's broadcasting error when two event sizes differ. */
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

/** KL(Categorical || Categorical): PyTorch's `_kl_categorical_categorical`. */
export function klCategoricalCategorical(p: Categorical, q: Categorical): Tensor {
  sameEvents(familyOf(p), p.table.k, q.table.k);
  return pairwise(p, q, (i, j) => categoricalKL(p.table, q.table, i, j));
}

/**
 * KL(OneHotCategorical || OneHotCategorical): PyTorch's `_kl_onehotcategorical_onehotcategorical`.
 */
export function klOneHotCategoricalOneHotCategorical(
  p: OneHotCategorical,
  q: OneHotCategorical,
): Tensor {
  sameEvents(familyOf(p), p.table.k, q.table.k);
  return pairwise(p, q, (i, j) => categoricalKL(p.table, q.table, i, j));
}

/** KL(Dirichlet || Dirichlet): PyTorch's `_kl_dirichlet_dirichlet`. */
export function klDirichletDirichlet(p: Dirichlet, q: Dirichlet): Tensor {
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
}

type Gaussian = MultivariateNormal | LowRankMultivariateNormal;

/**
 * KL between two Gaussians of either parametrisation, from their scale_tril. PyTorch's wording
 * names the pair: "Multivariate Normals", "Low Rank Multivariate Normals", or "(Low Rank)
 * Multivariate Normals" for a mixed pair.
 */
function gaussianKL(p: Gaussian, q: Gaussian): Tensor {
  const n = p.eventShape[0];
  if (q.eventShape[0] !== n) {
    const lowRank = [p, q].filter((d) => d instanceof LowRankMultivariateNormal).length;
    const pairName = [
      'Multivariate Normals',
      '(Low Rank) Multivariate Normals',
      'Low Rank Multivariate Normals',
    ][lowRank];
    throw new ShapeError(
      `klDivergence: KL-divergence between two ${pairName} with different event shapes cannot be computed (${n} vs ${q.eventShape[0]}).`,
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
}

/**
 * KL(MultivariateNormal || MultivariateNormal): PyTorch's
 * `_kl_multivariatenormal_multivariatenormal`.
 */
export function klMultivariateNormalMultivariateNormal(
  p: MultivariateNormal,
  q: MultivariateNormal,
): Tensor {
  return gaussianKL(p, q);
}

/**
 * KL(MultivariateNormal || LowRankMultivariateNormal): PyTorch's
 * `_kl_multivariatenormal_lowrankmultivariatenormal`.
 */
export function klMultivariateNormalLowRankMultivariateNormal(
  p: MultivariateNormal,
  q: LowRankMultivariateNormal,
): Tensor {
  return gaussianKL(p, q);
}

/**
 * KL(LowRankMultivariateNormal || MultivariateNormal): PyTorch's
 * `_kl_lowrankmultivariatenormal_multivariatenormal`.
 */
export function klLowRankMultivariateNormalMultivariateNormal(
  p: LowRankMultivariateNormal,
  q: MultivariateNormal,
): Tensor {
  return gaussianKL(p, q);
}

/**
 * KL(LowRankMultivariateNormal || LowRankMultivariateNormal): PyTorch's
 * `_kl_lowrankmultivariatenormal_lowrankmultivariatenormal`.
 */
export function klLowRankMultivariateNormalLowRankMultivariateNormal(
  p: LowRankMultivariateNormal,
  q: LowRankMultivariateNormal,
): Tensor {
  return gaussianKL(p, q);
}
