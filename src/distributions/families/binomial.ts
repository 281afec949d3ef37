import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import {
  constraints,
  Distribution,
  type DistributionOptions,
  notImplemented,
} from '../distribution.js';
import { binomial, type RandomGenerator } from '../random.js';
import { lgamma } from '../special.js';
import { binaryParams } from './binary.js';

/** Parameters of {@link Binomial}: `totalCount` (default 1) and one of `probs` / `logits`. */
export interface BinomialParams extends DistributionOptions {
  /** Number of trials, a non-negative integer (default 1). */
  totalCount?: TensorLike;
  /** Success probability, in [0, 1]. */
  probs?: TensorLike;
  /** Log-odds of success. */
  logits?: TensorLike;
}

/**
 * The binomial distribution (torch.distributions.Binomial).
 *
 * @example
 * ```ts
 * import { Binomial } from 'kldiv/distributions';
 * const d = new Binomial({ totalCount: 10, probs: 0.5 });
 * console.log(d.mean.item(), Math.exp(d.logProb(5).item()).toFixed(6)); // 5 0.246094
 * ```
 */
export class Binomial extends Distribution {
  static override readonly familyName: string = 'Binomial';
  declare readonly params: { totalCount: Float64Array; probs: Float64Array; logits: Float64Array };

  constructor(params: BinomialParams) {
    const r = binaryParams(
      'Binomial',
      params,
      { totalCount: constraints.nonnegativeInteger },
      { totalCount: 1 },
    );
    super(r.batchShape, [], r.dtype, r.validateArgs, r.values, r.shown);
  }
  /** Number of trials. */
  get totalCount(): Tensor {
    return this.param('totalCount');
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
    return 'IntegerInterval(lower_bound=0, upper_bound=totalCount)';
  }
  override meanAt(i: number): number {
    return this.params.totalCount[i] * this.params.probs[i];
  }
  override varianceAt(i: number): number {
    const p = this.params.probs[i];
    return this.params.totalCount[i] * p * (1 - p);
  }
  /** Entropy by summing over the support; PyTorch requires one `totalCount` for the batch. */
  override entropy(): Tensor {
    const n = this.params.totalCount;
    if (n.some((c) => c !== n[0])) {
      throw notImplemented(
        'Binomial.entropy',
        'Inhomogeneous total count not supported by `entropy`.',
      );
    }
    return super.entropy();
  }
  override entropyAt(i: number): number {
    const n = this.params.totalCount[i];
    const v = new Float64Array(1);
    let h = 0;
    for (let k = 0; k <= n; k++) {
      v[0] = k;
      const lp = this.logProbAt(i, v, 0);
      h -= Math.exp(lp) * lp;
    }
    return h;
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    const n = this.params.totalCount[i];
    const l = this.params.logits[i];
    const k = v[off];
    const clampByZero = (Math.max(l, 0) + l - Math.min(l, 0)) / 2;
    const normalize = n * clampByZero + n * Math.log1p(Math.exp(-Math.abs(l))) - lgamma(n + 1);
    return k * l - lgamma(k + 1) - lgamma(n - k + 1) - normalize;
  }
  inSupport(i: number, v: Float64Array, off: number): boolean {
    const k = v[off];
    return Number.isInteger(k) && k >= 0 && k <= this.params.totalCount[i];
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    out[off] = binomial(rng, this.params.totalCount[i], this.params.probs[i]);
  }
}
