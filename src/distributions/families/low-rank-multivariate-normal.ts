import { formatShape, ShapeError } from '../../errors.js';
import { broadcastShapes } from '../../tensor/shape.js';
import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { checkConstraint, constraints } from '../constraints.js';
import { type DistributionOptions, makeTensor } from '../distribution.js';
import { atLeast, expandEvent, readParams, required } from '../params.js';
import { eventTensor } from './categorical.js';
import { choleskyBlocks, f64, GaussianDistribution } from './gaussian.js';

/** W W^T + diag(D) for every batch element (row-major n x n blocks). */
function lowRankCovariance(w: Float64Array, d: Float64Array, n: number): Float64Array {
  const blocks = d.length / n;
  const rank = w.length / Math.max(1, d.length);
  const cov = new Float64Array(blocks * n * n);
  for (let b = 0; b < blocks; b++) {
    for (let r = 0; r < n; r++) {
      for (let c = 0; c <= r; c++) {
        let s = r === c ? d[b * n + r] : 0;
        for (let k = 0; k < rank; k++) s += w[(b * n + r) * rank + k] * w[(b * n + c) * rank + k];
        cov[b * n * n + r * n + c] = s;
        cov[b * n * n + c * n + r] = s;
      }
    }
  }
  return cov;
}

/** Parameters of {@link LowRankMultivariateNormal}: covariance = covFactor covFactor^T + diag(covDiag). */
export interface LowRankMultivariateNormalParams extends DistributionOptions {
  /** Mean vector, shape `[..., n]`. */
  loc: TensorLike;
  /** Low-rank factor W, shape `[..., n, m]`. */
  covFactor: TensorLike;
  /** Diagonal D (> 0), shape `[..., n]`. */
  covDiag: TensorLike;
}

/**
 * The multivariate normal with covariance W W^T + diag(D)
 * (torch.distributions.LowRankMultivariateNormal).
 *
 * kldiv factorises the dense n x n covariance once per batch element (O(n^3)); see
 * docs/decisions.md for why that is the right trade for the event sizes this targets.
 *
 * @example
 * ```ts
 * import { LowRankMultivariateNormal } from 'kldiv/distributions';
 * const d = new LowRankMultivariateNormal({ loc: [0, 0], covFactor: [[1], [1]], covDiag: [1, 1] });
 * console.log(d.variance.tolist(), d.covarianceMatrix.tolist()); // [ 2, 2 ] [ [ 2, 1 ], [ 1, 2 ] ]
 * ```
 */
export class LowRankMultivariateNormal extends GaussianDistribution {
  static override readonly familyName: string = 'LowRankMultivariateNormal';
  declare readonly params: {
    loc: Float64Array;
    covFactor: Float64Array;
    covDiag: Float64Array;
    scaleTril: Float64Array;
  };

  constructor(params: LowRankMultivariateNormalParams) {
    const fn = 'LowRankMultivariateNormal';
    const { given, dtype, validateArgs } = readParams(fn, params, ['loc', 'covFactor', 'covDiag']);
    const loc = required(fn, given, 'loc');
    const w = required(fn, given, 'covFactor');
    const d = required(fn, given, 'covDiag');
    atLeast(fn, 'loc', loc, 1, 'one-dimensional');
    atLeast(fn, 'covFactor', w, 2, 'two-dimensional, with optional leading batch dimensions');
    const n = loc.shape[loc.shape.length - 1];
    const bad = (argument: string, message: string, shape: number[]) =>
      new ShapeError(`${fn}: ${message}; received ${formatShape(shape)}.`, {
        code: 'E_SHAPE_MISMATCH',
        fn,
        argument,
        received: shape,
        torchType: 'ValueError',
      });
    if (w.shape[w.shape.length - 2] !== n) {
      throw bad('covFactor', `cov_factor must be a batch of matrices with shape ${n} x m`, w.shape);
    }
    if (d.shape.length < 1 || d.shape[d.shape.length - 1] !== n) {
      throw bad('covDiag', `cov_diag must be a batch of vectors with shape [${n}]`, d.shape);
    }
    let batchShape: number[];
    try {
      batchShape = broadcastShapes(
        broadcastShapes(loc.shape.slice(0, -1), w.shape.slice(0, -2), fn, ['loc', 'covFactor']),
        d.shape.slice(0, -1),
        fn,
        ['loc', 'covDiag'],
      );
    } catch {
      throw bad(
        'loc',
        `Incompatible batch shapes: loc ${formatShape(loc.shape)}, cov_factor ${formatShape(w.shape)}, cov_diag ${formatShape(d.shape)}`,
        loc.shape,
      );
    }
    const values: LowRankMultivariateNormal['params'] = {
      loc: expandEvent(loc, batchShape, 1),
      covFactor: expandEvent(w, batchShape, 2),
      covDiag: expandEvent(d, batchShape, 1),
      scaleTril: new Float64Array(0),
    };
    if (validateArgs) {
      checkConstraint(fn, 'loc', values.loc, loc.shape, constraints.real);
      checkConstraint(fn, 'covFactor', values.covFactor, w.shape, constraints.real);
      checkConstraint(fn, 'covDiag', values.covDiag, d.shape, constraints.positive);
    }
    const cov = lowRankCovariance(values.covFactor, values.covDiag, n);
    values.scaleTril = choleskyBlocks(fn, 'covDiag', f64(cov, [...batchShape, n, n]), n, false);
    super(batchShape, [n], dtype, validateArgs, values, ['loc', 'covFactor', 'covDiag']);
  }
  /**
   * torch evaluates the Mahalanobis term by Woodbury, `sum(diff^2 / D) - |C^-1 W^T D^-1 diff|^2`:
   * an infinite component of `value - loc` makes both terms infinite (or NaN), so the log-density
   * is NaN, where the dense Cholesky form used here would give -inf.
   */
  override logProbAt(i: number, v: Float64Array, off: number): number {
    const n = this.eventSize;
    for (let k = 0; k < n; k++) {
      const d = v[off + k] - this.params.loc[i * n + k];
      if (d === Number.POSITIVE_INFINITY || d === Number.NEGATIVE_INFINITY) return Number.NaN;
    }
    return super.logProbAt(i, v, off);
  }
  protected override paramShape(name: string): readonly number[] {
    const n = this.eventShape[0];
    const rank = this.params.covFactor.length / Math.max(1, this.batchSize * n);
    if (name === 'covFactor') return [...this.batchShape, n, rank];
    return name === 'scaleTril' ? [...this.batchShape, n, n] : [...this.batchShape, n];
  }
  /** Mean vector. */
  get loc(): Tensor {
    return this.param('loc');
  }
  /** Low-rank factor W. */
  get covFactor(): Tensor {
    return this.param('covFactor');
  }
  /** Diagonal D. */
  get covDiag(): Tensor {
    return this.param('covDiag');
  }
  /** Lower Cholesky factor of W W^T + diag(D). */
  get scaleTril(): Tensor {
    return this.param('scaleTril');
  }
  /** Dense covariance W W^T + diag(D). */
  get covarianceMatrix(): Tensor {
    const { covFactor, covDiag } = this.params;
    const cov = lowRankCovariance(covFactor, covDiag, this.eventShape[0]);
    return makeTensor(cov, this.paramShape('scaleTril'), this.dtype);
  }
  override get variance(): Tensor {
    const n = this.eventShape[0];
    const rank = this.params.covFactor.length / Math.max(1, this.batchSize * n);
    return eventTensor(this, n, (x) => {
      let s = this.params.covDiag[x];
      for (let k = 0; k < rank; k++) s += this.params.covFactor[x * rank + k] ** 2;
      return s;
    });
  }
}
