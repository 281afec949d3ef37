import { ArgumentError } from '../../errors.js';
import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { constraints } from '../constraints.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { scalarParams } from '../params.js';
import type { RandomGenerator } from '../random.js';

/** Parameters of {@link Uniform}. */
export interface UniformParams extends DistributionOptions {
  /** Lower bound (inclusive). */
  low: TensorLike;
  /** Upper bound (exclusive), > low. */
  high: TensorLike;
}

/**
 * The continuous uniform distribution on [low, high) (torch.distributions.Uniform).
 *
 * @example
 * ```ts
 * import { Uniform } from 'kldiv/distributions';
 * const d = new Uniform({ low: 0, high: 4 });
 * console.log(d.mean.item(), d.entropy().item() === Math.log(4)); // 2 true
 * ```
 */
export class Uniform extends Distribution {
  static override readonly familyName: string = 'Uniform';
  declare readonly params: { low: Float64Array; high: Float64Array };

  constructor(params: UniformParams) {
    const r = scalarParams('Uniform', params, { low: constraints.real, high: constraints.real });
    const { low, high } = r.values;
    if (r.validateArgs) {
      const bad = low.findIndex((l, i) => !(l < high[i]));
      if (bad >= 0) {
        throw new ArgumentError(
          `Uniform: Uniform is not defined when low>= high; received low ${low[bad]} and high ${high[bad]} at index ${bad}.`,
          {
            code: 'E_INVALID_PARAMETER',
            fn: 'Uniform',
            argument: 'low',
            received: low[bad],
            torchType: 'ValueError',
          },
        );
      }
    }
    super(r.batchShape, [], r.dtype, r.validateArgs, r.values, r.shown);
  }
  /** Lower bound. */
  get low(): Tensor {
    return this.param('low');
  }
  /** Upper bound. */
  get high(): Tensor {
    return this.param('high');
  }
  /** @internal */
  get supportName(): string {
    return 'Interval(lower_bound=low, upper_bound=high)';
  }
  override meanAt(i: number): number {
    return (this.params.high[i] + this.params.low[i]) / 2;
  }
  /** torch's `Uniform.stddev`: `(high - low) / 12 ** 0.5` (negative when an unvalidated low > high). */
  override get stddev(): Tensor {
    return this.mapBatch((i) => (this.params.high[i] - this.params.low[i]) / 12 ** 0.5);
  }
  override varianceAt(i: number): number {
    return (this.params.high[i] - this.params.low[i]) ** 2 / 12;
  }
  override entropyAt(i: number): number {
    return Math.log(this.params.high[i] - this.params.low[i]);
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    const lo = this.params.low[i];
    const hi = this.params.high[i];
    const x = v[off];
    const inside = lo <= x && hi > x ? 1 : 0;
    return Math.log(inside) - Math.log(hi - lo);
  }
  inSupport(i: number, v: Float64Array, off: number): boolean {
    return this.params.low[i] <= v[off] && v[off] <= this.params.high[i];
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    const lo = this.params.low[i];
    out[off] = lo + rng.random() * (this.params.high[i] - lo);
  }
}
