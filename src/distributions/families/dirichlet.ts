import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { checkConstraint, constraints } from '../constraints.js';
import { type DistributionOptions, ExponentialFamily } from '../distribution.js';
import { atLeast, readParams, required } from '../params.js';
import { type RandomGenerator, standardGamma } from '../random.js';
import { digamma, lgamma } from '../special.js';
import { eventTensor } from './categorical.js';

/** Parameters of {@link Dirichlet}. */
export interface DirichletParams extends DistributionOptions {
  /** Concentrations (> 0) along the last dimension. */
  concentration: TensorLike;
}

/**
 * The Dirichlet distribution on the probability simplex (torch.distributions.Dirichlet).
 *
 * @example
 * ```ts
 * import { Dirichlet } from 'kldiv/distributions';
 * const d = new Dirichlet({ concentration: [1, 1, 2] });
 * console.log(d.eventShape, d.mean.tolist()); // [ 3 ] [ 0.25, 0.25, 0.5 ]
 * ```
 */
export class Dirichlet extends ExponentialFamily {
  static override readonly familyName: string = 'Dirichlet';
  declare readonly params: { concentration: Float64Array };

  constructor(params: DirichletParams) {
    const { given, dtype, validateArgs } = readParams('Dirichlet', params, ['concentration']);
    const c = required('Dirichlet', given, 'concentration');
    atLeast('Dirichlet', 'concentration', c, 1, 'one-dimensional');
    const k = c.shape[c.shape.length - 1];
    const values = c.data as Float64Array;
    if (validateArgs)
      checkConstraint(
        'Dirichlet',
        'concentration',
        values,
        c.shape,
        constraints.independentPositive,
      );
    super(c.shape.slice(0, -1), [k], dtype, validateArgs, { concentration: values }, [
      'concentration',
    ]);
  }
  /** Concentrations, shape `batchShape + [K]`. */
  get concentration(): Tensor {
    return this.param('concentration');
  }
  protected override paramShape(): readonly number[] {
    return [...this.batchShape, ...this.eventShape];
  }
  /** @internal Sum of row `i`'s concentrations. */
  total(i: number): number {
    const k = this.eventSize;
    let s = 0;
    for (let j = 0; j < k; j++) s += this.params.concentration[i * k + j];
    return s;
  }
  /** @internal */
  get supportName(): string {
    return 'Simplex()';
  }
  override get mean(): Tensor {
    const k = this.eventSize;
    return eventTensor(
      this,
      k,
      (x) => this.params.concentration[x] / this.total(Math.floor(x / k)),
    );
  }
  override get variance(): Tensor {
    const k = this.eventSize;
    return eventTensor(this, k, (x) => {
      const c = this.params.concentration[x];
      const c0 = this.total(Math.floor(x / k));
      return (c * (c0 - c)) / (c0 * c0 * (c0 + 1));
    });
  }
  override entropyAt(i: number): number {
    const k = this.eventSize;
    const a0 = this.total(i);
    let sumLg = 0;
    let sumDg = 0;
    for (let j = 0; j < k; j++) {
      const c = this.params.concentration[i * k + j];
      sumLg += lgamma(c);
      sumDg += (c - 1) * digamma(c);
    }
    return sumLg - lgamma(a0) - (k - a0) * digamma(a0) - sumDg;
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    const k = this.eventSize;
    let s = 0;
    let lg = 0;
    for (let j = 0; j < k; j++) {
      const c = this.params.concentration[i * k + j];
      s += Math.log(v[off + j]) * (c - 1);
      lg += lgamma(c);
    }
    return s + lgamma(this.total(i)) - lg;
  }
  inSupport(_i: number, v: Float64Array, off: number): boolean {
    let s = 0;
    for (let j = 0; j < this.eventSize; j++) {
      if (!(v[off + j] >= 0)) return false;
      s += v[off + j];
    }
    return Math.abs(s - 1) < 1e-6;
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    const k = this.eventSize;
    let s = 0;
    for (let j = 0; j < k; j++) {
      out[off + j] = standardGamma(rng, this.params.concentration[i * k + j]);
      s += out[off + j];
    }
    for (let j = 0; j < k; j++) out[off + j] /= s;
  }
}
