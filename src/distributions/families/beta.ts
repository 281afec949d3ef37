import { formatShape } from '../../errors.js';
import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { checkConstraint, constraints } from '../constraints.js';
import { type DistributionOptions, ExponentialFamily } from '../distribution.js';
import { scalarParams } from '../params.js';
import { type RandomGenerator, standardGamma } from '../random.js';
import { digamma, lgamma } from '../special.js';

/** Parameters of {@link Beta}. */
export interface BetaParams extends DistributionOptions {
  /** First concentration, alpha (> 0). */
  concentration1: TensorLike;
  /** Second concentration, beta (> 0). */
  concentration0: TensorLike;
}

/**
 * The beta distribution on [0, 1] (torch.distributions.Beta).
 *
 * @example
 * ```ts
 * import { Beta } from 'kldiv/distributions';
 * const d = new Beta({ concentration1: 2, concentration0: 3 });
 * console.log(d.mean.item(), d.variance.item()); // 0.4 0.04
 * ```
 */
export class Beta extends ExponentialFamily {
  static override readonly familyName: string = 'Beta';
  declare readonly params: { concentration1: Float64Array; concentration0: Float64Array };

  constructor(params: BetaParams) {
    const r = scalarParams(
      'Beta',
      params,
      { concentration1: constraints.positive, concentration0: constraints.positive },
      [],
      {},
      ['concentration1', 'concentration0'],
    );
    if (r.validateArgs) {
      // PyTorch's Beta is a Dirichlet over stack([concentration1, concentration0], -1), which
      // is what validates (and names) them.
      const { concentration1: a, concentration0: b } = r.values;
      const stacked = new Float64Array(2 * a.length);
      for (let i = 0; i < a.length; i++) [stacked[2 * i], stacked[2 * i + 1]] = [a[i], b[i]];
      const shape = [...r.batchShape, 2];
      checkConstraint(
        'Beta',
        'concentration',
        stacked,
        shape,
        constraints.independentPositive,
        `Dirichlet(concentration: ${formatShape(shape)})`,
        (i) => (i % 2 === 0 ? 'concentration1' : 'concentration0'),
      );
    }
    super(r.batchShape, [], r.dtype, r.validateArgs, r.values, r.shown);
  }
  /** First concentration (alpha). */
  get concentration1(): Tensor {
    return this.param('concentration1');
  }
  /** Second concentration (beta). */
  get concentration0(): Tensor {
    return this.param('concentration0');
  }
  /** @internal */
  get supportName(): string {
    return constraints.unitInterval.name;
  }
  override meanAt(i: number): number {
    const a = this.params.concentration1[i];
    return a / (a + this.params.concentration0[i]);
  }
  override varianceAt(i: number): number {
    const a = this.params.concentration1[i];
    const b = this.params.concentration0[i];
    const t = a + b;
    return (a * b) / (t * t * (t + 1));
  }
  override entropyAt(i: number): number {
    const a = this.params.concentration1[i];
    const b = this.params.concentration0[i];
    const a0 = a + b;
    return (
      lgamma(a) +
      lgamma(b) -
      lgamma(a0) -
      (2 - a0) * digamma(a0) -
      ((a - 1) * digamma(a) + (b - 1) * digamma(b))
    );
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    const a = this.params.concentration1[i];
    const b = this.params.concentration0[i];
    const x = v[off];
    return (
      Math.log(x) * (a - 1) + Math.log(1 - x) * (b - 1) + lgamma(a + b) - (lgamma(a) + lgamma(b))
    );
  }
  inSupport(_i: number, v: Float64Array, off: number): boolean {
    return constraints.unitInterval.check(v[off]);
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    const x = standardGamma(rng, this.params.concentration1[i]);
    const y = standardGamma(rng, this.params.concentration0[i]);
    out[off] = x / (x + y);
  }
}
