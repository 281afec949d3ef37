import { ArgumentError, describe } from '../../errors.js';
import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { checkConstraint, constraints } from '../constraints.js';
import { type DistributionOptions, ExponentialFamily } from '../distribution.js';
import type { RandomGenerator } from '../random.js';
import { bceWithLogits, binaryLogits, clampProbs, EPS } from '../special.js';
import { binaryParams } from './binary.js';

/** Parameters of {@link ContinuousBernoulli}: exactly one of `probs` and `logits`. */
export interface ContinuousBernoulliParams extends DistributionOptions {
  /**
   * Shape parameter lambda in [0, 1], clamped to [eps, 1 - eps] as PyTorch does. As in
   * PyTorch 1.13, values outside [0, 1] raise only when `validateArgs` is given (true or false);
   * left unset, they are clamped (NaN still raises).
   */
  probs?: TensorLike;
  /** logit(lambda). */
  logits?: TensorLike;
}

// PyTorch's `lims`: inside (0.499, 0.501] the closed forms lose precision and Taylor
// expansions around 1/2 are used instead.
const LO = 0.499;
const HI = 0.501;
const stable = (p: number) => p <= LO || p > HI;
const cut = (p: number) => (stable(p) ? p : LO);

/**
 * The continuous Bernoulli distribution on [0, 1] (torch.distributions.ContinuousBernoulli),
 * with PyTorch's Taylor expansions near probs = 1/2.
 *
 * @example
 * ```ts
 * import { ContinuousBernoulli } from 'kldiv/distributions';
 * const d = new ContinuousBernoulli({ probs: 0.5 });
 * console.log(d.mean.item(), d.variance.item().toFixed(6)); // 0.5 0.083333
 * ```
 */
export class ContinuousBernoulli extends ExponentialFamily {
  static override readonly familyName: string = 'ContinuousBernoulli';
  declare readonly params: { probs: Float64Array; logits: Float64Array };

  constructor(params: ContinuousBernoulliParams) {
    const fn = 'ContinuousBernoulli';
    const r = binaryParams(fn, params, {}, {}, ['probs']);
    // torch 1.13 checks probs in [0, 1] itself, before clamping, only when validate_args is
    // given (even False), with its own ValueError. Left unset, it clamps first, so only NaN then
    // fails the usual constraint check: probs 1.5 silently becomes 1 - eps (docs/parity.md).
    const explicit = (params as { validateArgs?: unknown }).validateArgs !== undefined;
    if (r.shown[0] === 'probs' && explicit) {
      const bad = r.values.probs.filter((p) => !constraints.unitInterval.check(p));
      if (bad.length > 0) {
        throw new ArgumentError(
          `${fn}: The parameter probs has invalid values (constraint ${constraints.unitInterval.name}; found ${Array.from(bad.slice(0, 5), (v) => describe(v)).join(', ')}).`,
          {
            code: 'E_INVALID_PARAMETER',
            fn,
            argument: 'probs',
            received: bad[0],
            torchType: 'ValueError',
          },
        );
      }
    }
    const eps = EPS[r.dtype];
    // PyTorch clamps probs after validation and derives logits from the clamped value.
    r.values.probs = r.values.probs.map((p) => clampProbs(p, eps));
    if (r.shown[0] === 'probs' && r.validateArgs)
      checkConstraint(fn, 'probs', r.values.probs, r.batchShape, constraints.unitInterval);
    if (r.shown[0] === 'probs') r.values.logits = r.values.probs.map((p) => binaryLogits(p, eps));
    super(r.batchShape, [], r.dtype, r.validateArgs, r.values, r.shown);
  }
  /** lambda. */
  get probs(): Tensor {
    return this.param('probs');
  }
  /** logit(lambda). */
  get logits(): Tensor {
    return this.param('logits');
  }
  /** @internal */
  get supportName(): string {
    return constraints.unitInterval.name;
  }
  /** @internal log of the normalising constant C(lambda). */
  logNorm(i: number): number {
    const p = this.params.probs[i];
    if (!stable(p)) {
      const x = (p - 0.5) ** 2;
      return Math.log(2) + (4 / 3 + (104 / 45) * x) * x;
    }
    const c = cut(p);
    const below = c <= 0.5 ? c : 0;
    const above = c >= 0.5 ? c : 1;
    return (
      Math.log(Math.abs(Math.log1p(-c) - Math.log(c))) -
      (c <= 0.5 ? Math.log1p(-2 * below) : Math.log(2 * above - 1))
    );
  }
  override meanAt(i: number): number {
    const p = this.params.probs[i];
    if (!stable(p)) {
      const x = p - 0.5;
      return 0.5 + (1 / 3 + (16 / 45) * x * x) * x;
    }
    return p / (2 * p - 1) + 1 / (Math.log1p(-p) - Math.log(p));
  }
  override varianceAt(i: number): number {
    const p = this.params.probs[i];
    if (!stable(p)) {
      const x = (p - 0.5) ** 2;
      return 1 / 12 - (1 / 15 - (128 / 945) * x) * x;
    }
    return (p * (p - 1)) / (1 - 2 * p) ** 2 + 1 / (Math.log1p(-p) - Math.log(p)) ** 2;
  }
  override entropyAt(i: number): number {
    const p = this.params.probs[i];
    const lp0 = Math.log1p(-p);
    return this.meanAt(i) * (lp0 - Math.log(p)) - this.logNorm(i) - lp0;
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    return -bceWithLogits(this.params.logits[i], v[off]) + this.logNorm(i);
  }
  inSupport(_i: number, v: Float64Array, off: number): boolean {
    return constraints.unitInterval.check(v[off]);
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    const p = this.params.probs[i];
    const u = rng.random();
    out[off] = stable(p)
      ? (Math.log1p(-p + u * (2 * p - 1)) - Math.log1p(-p)) / (Math.log(p) - Math.log1p(-p))
      : u;
  }
}
