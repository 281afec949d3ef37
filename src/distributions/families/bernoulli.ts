import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { constraints } from '../constraints.js';
import { type DistributionOptions, ExponentialFamily } from '../distribution.js';
import type { RandomGenerator } from '../random.js';
import { bceWithLogits } from '../special.js';
import { binaryParams } from './binary.js';

/** Parameters of {@link Bernoulli}: exactly one of `probs` and `logits`. */
export interface BernoulliParams extends DistributionOptions {
  /** Probability of 1, in [0, 1]. */
  probs?: TensorLike;
  /** Log-odds of 1. */
  logits?: TensorLike;
}

/**
 * The Bernoulli distribution on {0, 1} (torch.distributions.Bernoulli).
 *
 * @example
 * ```ts
 * import { Bernoulli } from 'kldiv/distributions';
 * const d = new Bernoulli({ probs: 0.25 });
 * console.log(d.mean.item(), d.variance.item()); // 0.25 0.1875
 * ```
 */
export class Bernoulli extends ExponentialFamily {
  static override readonly familyName: string = 'Bernoulli';
  declare readonly params: { probs: Float64Array; logits: Float64Array };

  constructor(params: BernoulliParams) {
    const r = binaryParams('Bernoulli', params);
    super(r.batchShape, [], r.dtype, r.validateArgs, r.values, r.shown);
  }
  /** Probability of 1. */
  get probs(): Tensor {
    return this.param('probs');
  }
  /** Log-odds of 1. */
  get logits(): Tensor {
    return this.param('logits');
  }
  /** @internal */
  get supportName(): string {
    return constraints.boolean.name;
  }
  override meanAt(i: number): number {
    return this.params.probs[i];
  }
  override varianceAt(i: number): number {
    const p = this.params.probs[i];
    return p * (1 - p);
  }
  override entropyAt(i: number): number {
    return bceWithLogits(this.params.logits[i], this.params.probs[i]);
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    return -bceWithLogits(this.params.logits[i], v[off]);
  }
  inSupport(_i: number, v: Float64Array, off: number): boolean {
    return constraints.boolean.check(v[off]);
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    out[off] = rng.random() < this.params.probs[i] ? 1 : 0;
  }
}
