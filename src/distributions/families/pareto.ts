import { formatShape } from '../../errors.js';
import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { checkConstraint, constraints } from '../constraints.js';
import { type DistributionOptions, makeTensor, TransformedDistribution } from '../distribution.js';
import { scalarParams } from '../params.js';
import type { RandomGenerator } from '../random.js';
import { Exponential } from './exponential.js';

/** Parameters of {@link Pareto}. */
export interface ParetoParams extends DistributionOptions {
  /** Scale x_m: the lower end of the support (> 0). */
  scale: TensorLike;
  /** Shape (tail index) alpha (> 0). */
  alpha: TensorLike;
}

/**
 * The Pareto type-I distribution on [scale, inf) (torch.distributions.Pareto: an Exponential
 * through exp and a scaling). Mean is inf for alpha <= 1, variance inf for alpha <= 2.
 *
 * @example
 * ```ts
 * import { Pareto } from 'kldiv/distributions';
 * const d = new Pareto({ scale: 1, alpha: 3 });
 * console.log(d.mean.item(), d.variance.item()); // 1.5 0.75
 * ```
 */
export class Pareto extends TransformedDistribution {
  static override readonly familyName: string = 'Pareto';
  declare readonly params: { scale: Float64Array; alpha: Float64Array };

  constructor(params: ParetoParams) {
    const r = scalarParams(
      'Pareto',
      params,
      { scale: constraints.positive, alpha: constraints.positive },
      [],
      {},
      ['scale', 'alpha'],
    );
    if (r.validateArgs) {
      // PyTorch's Pareto transforms an Exponential(alpha), built (and validated, as its `rate`)
      // before Pareto checks its own parameters.
      const shape = r.batchShape;
      checkConstraint(
        'Pareto',
        'rate',
        r.values.alpha,
        shape,
        constraints.positive,
        `Exponential(rate: ${formatShape(shape)})`,
        () => 'alpha',
      );
      checkConstraint('Pareto', 'scale', r.values.scale, shape, constraints.positive);
    }
    super(r.batchShape, [], r.dtype, r.validateArgs, r.values, r.shown);
  }
  /** The transform chain, as PyTorch prints it. */
  get transforms(): string {
    return 'ExpTransform(), AffineTransform()';
  }
  /** The Exponential(alpha) PyTorch transforms. */
  get baseDist(): Exponential {
    return new Exponential({
      rate: makeTensor(this.params.alpha, this.batchShape, this.dtype),
      validateArgs: false,
    });
  }
  /** Scale (lower end of the support). */
  get scale(): Tensor {
    return this.param('scale');
  }
  /** Tail index. */
  get alpha(): Tensor {
    return this.param('alpha');
  }
  /** @internal */
  get supportName(): string {
    return 'GreaterThanEq(lower_bound=scale)';
  }
  override meanAt(i: number): number {
    const a = Math.max(this.params.alpha[i], 1);
    return (a * this.params.scale[i]) / (a - 1);
  }
  override varianceAt(i: number): number {
    const a = Math.max(this.params.alpha[i], 2);
    return (this.params.scale[i] ** 2 * a) / ((a - 1) ** 2 * (a - 2));
  }
  override entropyAt(i: number): number {
    const a = this.params.alpha[i];
    return Math.log(this.params.scale[i] / a) + (1 + 1 / a);
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    const a = this.params.alpha[i];
    const s = this.params.scale[i];
    const x = Math.log(v[off] / s);
    return Math.log(a) - a * x - x - Math.log(s);
  }
  inSupport(i: number, v: Float64Array, off: number): boolean {
    return v[off] >= this.params.scale[i];
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    out[off] = this.params.scale[i] * Math.exp(-Math.log1p(-rng.random()) / this.params.alpha[i]);
  }
}
