import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { constraints } from '../constraints.js';
import { type DistributionOptions, makeTensor, TransformedDistribution } from '../distribution.js';
import { scalarParams } from '../params.js';
import type { RandomGenerator } from '../random.js';
import { Normal } from './normal.js';

/** Parameters of {@link LogNormal}: those of the underlying normal. */
export interface LogNormalParams extends DistributionOptions {
  /** Mean of log(X). */
  loc: TensorLike;
  /** Standard deviation of log(X) (> 0). */
  scale: TensorLike;
}

/**
 * The log-normal distribution: exp of a Normal(loc, scale) (torch.distributions.LogNormal, a
 * TransformedDistribution with an ExpTransform).
 *
 * @example
 * ```ts
 * import { LogNormal } from 'kldiv/distributions';
 * const d = new LogNormal({ loc: 0, scale: 1 });
 * console.log(d.mean.item() === Math.exp(0.5), d.logProb(1).item().toFixed(6)); // true -0.918939
 * ```
 */
export class LogNormal extends TransformedDistribution {
  static override readonly familyName: string = 'LogNormal';
  declare readonly params: { loc: Float64Array; scale: Float64Array };
  readonly #base: Normal;

  constructor(params: LogNormalParams) {
    const r = scalarParams('LogNormal', params, {
      loc: constraints.real,
      scale: constraints.positive,
    });
    super(r.batchShape, [], r.dtype, r.validateArgs, r.values, r.shown);
    const t = (v: Float64Array) => makeTensor(v, r.batchShape, r.dtype);
    this.#base = new Normal({
      loc: t(r.values.loc),
      scale: t(r.values.scale),
      validateArgs: false,
    });
  }
  /** The transform chain, as PyTorch prints it. */
  get transforms(): string {
    return 'ExpTransform()';
  }
  /** The underlying Normal(loc, scale). */
  get baseDist(): Normal {
    return this.#base;
  }
  /** Mean of log(X). */
  get loc(): Tensor {
    return this.param('loc');
  }
  /** Standard deviation of log(X). */
  get scale(): Tensor {
    return this.param('scale');
  }
  /** @internal */
  get supportName(): string {
    return constraints.positive.name;
  }
  override meanAt(i: number): number {
    return Math.exp(this.params.loc[i] + this.params.scale[i] ** 2 / 2);
  }
  override varianceAt(i: number): number {
    const s2 = this.params.scale[i] ** 2;
    return Math.expm1(s2) * Math.exp(2 * this.params.loc[i] + s2);
  }
  override entropyAt(i: number): number {
    return this.#base.entropyAt(i) + this.params.loc[i];
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    const y = Math.log(v[off]);
    return this.#base.logProbAt(i, Float64Array.of(y), 0) - y;
  }
  inSupport(_i: number, v: Float64Array, off: number): boolean {
    return v[off] > 0;
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    this.#base.sampleInto(i, rng, out, off);
    out[off] = Math.exp(out[off]);
  }
}
