import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { checkConstraint, constraints } from '../constraints.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import type { RandomGenerator } from '../random.js';
import { bceWithLogits } from '../special.js';
import { binaryParams } from './binary.js';

/** Parameters of {@link Geometric}: exactly one of `probs` and `logits`. */
export interface GeometricParams extends DistributionOptions {
  /** Success probability, in (0, 1]. */
  probs?: TensorLike;
  /** Log-odds of success. */
  logits?: TensorLike;
}

/**
 * The geometric distribution: failures before the first success, on {0, 1, 2, ...}
 * (torch.distributions.Geometric).
 *
 * @example
 * ```ts
 * import { Geometric } from 'kldiv/distributions';
 * const d = new Geometric({ probs: 0.25 });
 * console.log(d.mean.item(), d.variance.item()); // 3 12
 * ```
 */
export class Geometric extends Distribution {
  static override readonly familyName: string = 'Geometric';
  declare readonly params: { probs: Float64Array; logits: Float64Array };

  constructor(params: GeometricParams) {
    const r = binaryParams('Geometric', params);
    if (r.validateArgs && r.shown[0] === 'probs') {
      const positive = { name: 'GreaterThan(lower_bound=0.0)', check: (x: number) => x > 0 };
      checkConstraint('Geometric', 'probs', r.values.probs, r.batchShape, positive);
    }
    super(r.batchShape, [], r.dtype, r.validateArgs, r.values, r.shown);
  }
  /** Success probability. */
  get probs(): Tensor {
    return this.param('probs');
  }
  /** Log-odds of success. */
  get logits(): Tensor {
    return this.param('logits');
  }
  /** @internal */
  get supportName(): string {
    return constraints.nonnegativeInteger.name;
  }
  override meanAt(i: number): number {
    return 1 / this.params.probs[i] - 1;
  }
  override varianceAt(i: number): number {
    const p = this.params.probs[i];
    return (1 / p - 1) / p;
  }
  override entropyAt(i: number): number {
    return bceWithLogits(this.params.logits[i], this.params.probs[i]) / this.params.probs[i];
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    const p = this.params.probs[i];
    const k = v[off];
    // PyTorch zeroes probs where probs == 1 and value == 0, so 0 * log1p(-1) is not NaN.
    const pc = p === 1 && k === 0 ? 0 : p;
    return k * Math.log1p(-pc) + Math.log(p);
  }
  inSupport(_i: number, v: Float64Array, off: number): boolean {
    return constraints.nonnegativeInteger.check(v[off]);
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    const tiny = this.dtype === 'float32' ? 2 ** -126 : 2 ** -1022;
    const u = Math.max(rng.randomOpen(), tiny);
    out[off] = Math.floor(Math.log(u) / Math.log1p(-this.params.probs[i]));
  }
}
