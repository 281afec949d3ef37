import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { constraints } from '../constraints.js';
import { type DistributionOptions, makeTensor, TransformedDistribution } from '../distribution.js';
import { scalarParams } from '../params.js';
import type { RandomGenerator } from '../random.js';
import { Normal } from './normal.js';

/** Parameters of {@link HalfNormal}. */
export interface HalfNormalParams extends DistributionOptions {
  /** Scale of the underlying Normal(0, scale) (> 0). */
  scale: TensorLike;
}

/**
 * |X| for X ~ Normal(0, scale) (torch.distributions.HalfNormal, an AbsTransform of a Normal).
 *
 * @example
 * ```ts
 * import { HalfNormal } from 'kldiv/distributions';
 * const d = new HalfNormal({ scale: 1, validateArgs: false });
 * console.log(d.mean.item() === Math.sqrt(2 / Math.PI), d.logProb(-1).item()); // true -Infinity
 * ```
 */
export class HalfNormal extends TransformedDistribution {
  static override readonly familyName: string = 'HalfNormal';
  declare readonly params: { scale: Float64Array };
  readonly #base: Normal;

  constructor(params: HalfNormalParams) {
    const r = scalarParams('HalfNormal', params, { scale: constraints.positive });
    super(r.batchShape, [], r.dtype, r.validateArgs, r.values, r.shown);
    const scale = makeTensor(r.values.scale, r.batchShape, r.dtype);
    this.#base = new Normal({ loc: 0, scale, validateArgs: false });
  }
  /** The transform chain, as PyTorch prints it. */
  get transforms(): string {
    return 'AbsTransform()';
  }
  /** The underlying Normal(0, scale). */
  get baseDist(): Normal {
    return this.#base;
  }
  /** Scale. */
  get scale(): Tensor {
    return this.param('scale');
  }
  /** @internal */
  get supportName(): string {
    return constraints.nonnegative.name;
  }
  override meanAt(i: number): number {
    return this.params.scale[i] * Math.sqrt(2 / Math.PI);
  }
  override varianceAt(i: number): number {
    return this.params.scale[i] ** 2 * (1 - 2 / Math.PI);
  }
  override entropyAt(i: number): number {
    return this.#base.entropyAt(i) - Math.log(2);
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    return v[off] >= 0 ? this.#base.logProbAt(i, v, off) + Math.log(2) : Number.NEGATIVE_INFINITY;
  }
  inSupport(_i: number, v: Float64Array, off: number): boolean {
    return constraints.nonnegative.check(v[off]);
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    out[off] = Math.abs(this.params.scale[i] * rng.normal());
  }
}
