/**
 * The closed forms that dispatch on structure rather than a family's formula: the generic
 * exponential-family pair (which raises, as without autograd it cannot be computed), and the
 * transformed and Independent pairs, which recurse into their base distributions.
 *
 * @module
 */

import { numelOf } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  type ExponentialFamily,
  familyOf,
  makeTensor,
  notImplemented,
  type TransformedDistribution,
} from '../distribution.js';
import type { Independent } from '../families/independent.js';
import { dispatchKL } from '../kl-registry.js';

/** KL(ExponentialFamily || ExponentialFamily): PyTorch's `_kl_expfamily_expfamily`. */
export function klExpFamilyExpFamily(p: ExponentialFamily, q: ExponentialFamily): Tensor {
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
}

/**
 * KL(TransformedDistribution || TransformedDistribution): PyTorch's `_kl_transformed_transformed`.
 */
export function klTransformedTransformed(
  p: TransformedDistribution,
  q: TransformedDistribution,
): Tensor {
  if (p.transforms !== q.transforms || p.eventShape.join() !== q.eventShape.join()) {
    throw notImplemented(
      'klDivergence',
      `No KL(p || q) is implemented for p type ${familyOf(p)} and q type ${familyOf(q)}: their transforms differ (${p.transforms} vs ${q.transforms}).`,
      'q',
    );
  }
  return dispatchKL(p.baseDist, q.baseDist);
}

/** KL(Independent || Independent): PyTorch's `_kl_independent_independent`. */
export function klIndependentIndependent(p: Independent, q: Independent): Tensor {
  if (p.reinterpretedBatchNdims !== q.reinterpretedBatchNdims) {
    throw notImplemented(
      'klDivergence',
      `KL between Independent distributions needs equal reinterpretedBatchNdims (${p.reinterpretedBatchNdims} vs ${q.reinterpretedBatchNdims}).`,
      'q',
    );
  }
  const base = dispatchKL(p.baseDist, q.baseDist);
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
}
