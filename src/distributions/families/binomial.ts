import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { constraints } from '../constraints.js';
import { Distribution, type DistributionOptions, notImplemented } from '../distribution.js';
import { binomial, type RandomGenerator } from '../random.js';
import { EPS, lgamma } from '../special.js';
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
    if (r.dtype === 'float32') {
      // torch's float32 logits: probs clamped to [eps, 1 - eps], then log(p) - log1p(-p), each op rounded.
      const f = Math.fround;
      const eps = EPS.float32;
      this.#logits32 = r.shown.includes('probs')
        ? r.values.probs.map((p) => {
            const c = f(Math.min(Math.max(p, eps), 1 - eps));
            return f(f(Math.log(c)) - f(Math.log1p(-c)));
          })
        : r.values.logits.map(f);
    }
  }
  /** float32 logits as torch computes them (float32 distributions only). */
  #logits32: Float64Array | undefined;
  /** Whether logProbAt follows torch's float32 op order (a float32 result). */
  #emulate32 = true;
  /**
   * @internal float32 op order only where the result is float32: a float64 value promotes
   * the result, which is then evaluated in float64 (docs/parity.md, "Mixed dtypes in
   * distributions").
   */
  override logProb64(value: TensorLike): { data: Float64Array; shape: number[] } {
    this.#emulate32 = this.logProbDtype(value) === 'float32';
    try {
      return super.logProb64(value);
    } finally {
      this.#emulate32 = true;
    }
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
  /**
   * torch's formula `k l - lgamma(k+1) - lgamma(n-k+1) - (n max(l, 0) + n log1p(e^-|l|) - lgamma(n+1))`
   * cancels terms of size n |l|, so its float32 result depends on float32 rounding: at a support
   * edge (probs 1, k = n) PyTorch gets exactly 0 where float64 evaluation of the clamped logits
   * gives -n eps. Float32 distributions therefore follow torch's float32 op order here.
   */
  logProbAt(i: number, v: Float64Array, off: number): number {
    if (this.#logits32 !== undefined && this.#emulate32) return this.logProb32(i, v[off]);
    const n = this.params.totalCount[i];
    const l = this.params.logits[i];
    const k = v[off];
    const clampByZero = (Math.max(l, 0) + l - Math.min(l, 0)) / 2;
    const normalize = n * clampByZero + n * Math.log1p(Math.exp(-Math.abs(l))) - lgamma(n + 1);
    return k * l - lgamma(k + 1) - lgamma(n - k + 1) - normalize;
  }
  private logProb32(i: number, k: number): number {
    const f = Math.fround;
    const n = this.params.totalCount[i];
    const l = (this.#logits32 as Float64Array)[i];
    const lfn = f(lgamma(n + 1));
    const lfk = f(lgamma(k + 1));
    const lfnmk = f(lgamma(n - k + 1));
    const clampByZero = f(f(f(Math.max(l, 0) + l) - Math.min(l, 0)) / 2);
    const normalize = f(
      f(f(n * clampByZero) + f(n * f(Math.log1p(f(Math.exp(-Math.abs(l))))))) - lfn,
    );
    return f(f(f(f(k * l) - lfk) - lfnmk) - normalize);
  }
  inSupport(i: number, v: Float64Array, off: number): boolean {
    const k = v[off];
    return Number.isInteger(k) && k >= 0 && k <= this.params.totalCount[i];
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    out[off] = binomial(rng, this.params.totalCount[i], this.params.probs[i]);
  }
}
