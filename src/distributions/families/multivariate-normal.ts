import { ArgumentError, formatShape, ShapeError } from '../../errors.js';
import { broadcastShapes } from '../../tensor/shape.js';
import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { checkConstraint, constraints } from '../constraints.js';
import { type DistributionOptions, makeTensor } from '../distribution.js';
import { atLeast, expandEvent, readParams, required } from '../params.js';
import { eventTensor } from './categorical.js';
import {
  choleskyBlocks,
  covarianceOf,
  f64,
  GaussianDistribution,
  notPositiveDefinite,
  precisionOf,
} from './gaussian.js';

/** Parameters of {@link MultivariateNormal}: `loc` and exactly one matrix parameter. */
export interface MultivariateNormalParams extends DistributionOptions {
  /** Mean vector, shape `[..., n]`. */
  loc: TensorLike;
  /** Positive-definite covariance, shape `[..., n, n]`. */
  covarianceMatrix?: TensorLike;
  /** Positive-definite precision (inverse covariance), shape `[..., n, n]`. */
  precisionMatrix?: TensorLike;
  /** Lower-triangular factor with positive diagonal, covariance = L L^T. */
  scaleTril?: TensorLike;
}

const MATRICES = ['covarianceMatrix', 'precisionMatrix', 'scaleTril'] as const;

/**
 * The multivariate normal distribution (torch.distributions.MultivariateNormal), parameterised
 * by a covariance, a precision or a lower Cholesky factor; it keeps the factor.
 *
 * @example
 * ```ts
 * import { MultivariateNormal } from 'kldiv/distributions';
 * const d = new MultivariateNormal({ loc: [0, 0], covarianceMatrix: [[4, 0], [0, 1]] });
 * console.log(d.eventShape, d.variance.tolist(), d.scaleTril.tolist()); // [ 2 ] [ 4, 1 ] [ [ 2, 0 ], [ 0, 1 ] ]
 * ```
 */
export class MultivariateNormal extends GaussianDistribution {
  static override readonly familyName: string = 'MultivariateNormal';
  declare readonly params: { loc: Float64Array; scaleTril: Float64Array };

  constructor(params: MultivariateNormalParams) {
    const fn = 'MultivariateNormal';
    const { given, dtype, validateArgs } = readParams(fn, params, ['loc', ...MATRICES]);
    const loc = required(fn, given, 'loc');
    atLeast(fn, 'loc', loc, 1, 'one-dimensional');
    const present = MATRICES.filter((k) => given[k] !== undefined);
    if (present.length !== 1) {
      throw new ArgumentError(
        `${fn}: Exactly one of covarianceMatrix or precisionMatrix or scaleTril may be specified; received ${present.length === 0 ? 'none' : present.join(' and ')}.`,
        {
          code: present.length === 0 ? 'E_MISSING_PARAMETER' : 'E_INVALID_PARAMETER',
          fn,
          argument: 'covarianceMatrix|precisionMatrix|scaleTril',
          received: present,
          torchType: 'ValueError',
        },
      );
    }
    const which = present[0];
    const m = given[which];
    atLeast(fn, which, m, 2, 'two-dimensional, with optional leading batch dimensions');
    const n = loc.shape[loc.shape.length - 1];
    if (m.shape[m.shape.length - 1] !== n || m.shape[m.shape.length - 2] !== n) {
      throw new ShapeError(
        `${fn}: ${which} must have shape [..., ${n}, ${n}] to match loc ${formatShape(loc.shape)}; received ${formatShape(m.shape)}.`,
        {
          code: 'E_SHAPE_MISMATCH',
          fn,
          argument: which,
          received: m.shape,
          torchType: 'RuntimeError',
        },
      );
    }
    const batchShape = broadcastShapes(m.shape.slice(0, -2), loc.shape.slice(0, -1), fn, [
      which,
      'loc',
    ]);
    if (validateArgs)
      checkConstraint(fn, 'loc', loc.data as Float64Array, loc.shape, constraints.real);
    let l: Float64Array;
    if (which === 'scaleTril') {
      l = m.data as Float64Array;
      if (validateArgs) {
        for (let b = 0; b < l.length; b += n * n)
          for (let r = 0; r < n; r++)
            for (let c = 0; c < n; c++) {
              const x = l[b + r * n + c];
              if (c > r ? x !== 0 : c === r ? !(x > 0) : Number.isNaN(x))
                throw notPositiveDefinite(fn, 'scaleTril', m, 'LowerCholesky()');
            }
      }
    } else if (which === 'covarianceMatrix') {
      l = choleskyBlocks(fn, which, m, n, validateArgs);
    } else {
      // (Lp Lp^T)^-1 is the covariance; its factor is the scale.
      const sigma = precisionOf(
        choleskyBlocks(fn, which, m, n, validateArgs),
        n,
        m.shape,
        'float64',
      );
      l = choleskyBlocks(fn, which, sigma, n, false);
    }
    const values = {
      loc: expandEvent(loc, batchShape, 1),
      scaleTril: expandEvent(f64(l, m.shape), batchShape, 2),
    };
    super(batchShape, [n], dtype, validateArgs, values, ['loc', which]);
    // PyTorch keeps the matrix it was given (expanded) and returns it as that property.
    if (which !== 'scaleTril') this.#given = { which, values: expandEvent(m, batchShape, 2) };
  }
  /** The covariance or precision matrix as given, at `batchShape + [n, n]`. */
  #given: { which: 'covarianceMatrix' | 'precisionMatrix'; values: Float64Array } | undefined;
  protected override paramShape(name: string): readonly number[] {
    const n = this.eventShape[0];
    return name === 'loc' ? [...this.batchShape, n] : [...this.batchShape, n, n];
  }
  /** Mean vector. */
  get loc(): Tensor {
    return this.param('loc');
  }
  /** Lower Cholesky factor of the covariance. */
  get scaleTril(): Tensor {
    return this.param('scaleTril');
  }
  /** Covariance L L^T. */
  get covarianceMatrix(): Tensor {
    if (this.#given?.which === 'covarianceMatrix')
      return makeTensor(this.#given.values, this.paramShape('scaleTril'), this.dtype);
    return covarianceOf(
      this.params.scaleTril,
      this.eventShape[0],
      this.paramShape('scaleTril'),
      this.dtype,
    );
  }
  /** Precision (L L^T)^-1. */
  get precisionMatrix(): Tensor {
    if (this.#given?.which === 'precisionMatrix')
      return makeTensor(this.#given.values, this.paramShape('scaleTril'), this.dtype);
    return precisionOf(
      this.params.scaleTril,
      this.eventShape[0],
      this.paramShape('scaleTril'),
      this.dtype,
    );
  }
  override get variance(): Tensor {
    const n = this.eventShape[0];
    return eventTensor(this, n, (x) => {
      const row = Math.floor(x / n) * n * n + (x % n) * n;
      let s = 0;
      for (let k = 0; k < n; k++) s += this.params.scaleTril[row + k] ** 2;
      return s;
    });
  }
}
