import { ArgumentError } from '../../errors.js';
import { broadcastShapes } from '../../tensor/shape.js';
import { type Tensor, type TensorLike, toTensor } from '../../tensor/tensor.js';
import { checkConstraint } from '../constraints.js';
import { Distribution, type DistributionOptions, makeTensor } from '../distribution.js';
import { atLeast, exactlyOne, readParams } from '../params.js';
import type { RandomGenerator } from '../random.js';
import { EPS } from '../special.js';

/** Parameters of {@link Categorical} and {@link OneHotCategorical}: one of `probs` / `logits`. */
export interface CategoricalParams extends DistributionOptions {
  /** Non-negative event weights along the last dimension (normalised to sum to 1). */
  probs?: TensorLike;
  /** Unnormalised log-probabilities along the last dimension. */
  logits?: TensorLike;
}

/** @internal Parsed probs/logits of a categorical: normalised, both kept. */
export interface CategoricalTable {
  batchShape: number[];
  k: number;
  probs: Float64Array;
  logits: Float64Array;
  shown: string;
  dtype: 'float32' | 'float64';
  validateArgs: boolean;
}

const simplex = { name: 'Simplex()', check: (x: number) => x >= 0 };

/**
 * @internal PyTorch's Categorical parameter handling, shared with OneHotCategorical, whose
 * inner Categorical PyTorch builds without passing validate_args on (`alwaysValidate`): its
 * parameters are checked, in the name of Categorical, even under validateArgs: false.
 */
export function categoricalTable(
  fn: string,
  options: unknown,
  alwaysValidate = false,
): CategoricalTable {
  const { given, dtype, validateArgs } = readParams(fn, options, ['probs', 'logits']);
  const owner = alwaysValidate ? 'Categorical' : fn;
  const name = exactlyOne(fn, given, ['probs', 'logits']);
  const t = given[name];
  atLeast(fn, name, t, 1, 'one-dimensional');
  const k = t.shape[t.shape.length - 1];
  const batchShape = t.shape.slice(0, -1);
  const src = t.data as Float64Array;
  const probs = new Float64Array(src.length);
  const logits = new Float64Array(src.length);
  const eps = EPS[dtype];
  for (let r = 0; r < src.length; r += k) {
    if (name === 'probs') {
      let s = 0;
      for (let j = 0; j < k; j++) s += src[r + j];
      for (let j = 0; j < k; j++) {
        probs[r + j] = src[r + j] / s;
        logits[r + j] = Math.log(Math.min(Math.max(probs[r + j], eps), 1 - eps));
      }
    } else {
      let m = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < k; j++) m = Math.max(m, src[r + j]);
      let s = 0;
      for (let j = 0; j < k; j++) s += Math.exp(src[r + j] - m);
      const lse = m + Math.log(s);
      for (let j = 0; j < k; j++) {
        logits[r + j] = src[r + j] - lse;
        probs[r + j] = Math.exp(logits[r + j]);
      }
    }
  }
  if (validateArgs || alwaysValidate) {
    if (name === 'probs') {
      checkConstraint(fn, 'probs', probs, t.shape, simplex, owner);
      for (let r = 0; r < probs.length; r += k) {
        let s = 0;
        for (let j = 0; j < k; j++) s += probs[r + j];
        if (!(Math.abs(s - 1) < 1e-6)) {
          checkConstraint(
            fn,
            'probs',
            Float64Array.of(s),
            t.shape,
            { name: 'Simplex()', check: () => false },
            owner,
          );
        }
      }
    } else {
      checkConstraint(
        fn,
        'logits',
        src,
        t.shape,
        { name: 'IndependentConstraint(Real(), 1)', check: (x) => !Number.isNaN(x) },
        owner,
      );
    }
  }
  return { batchShape, k, probs, logits, shown: name, dtype, validateArgs };
}

/** @internal -sum(p * max(logits, -DBL_MAX)) over one row, PyTorch's entropy. */
export function categoricalEntropy(
  c: CategoricalTable,
  i: number,
  dtype: 'float32' | 'float64',
): number {
  const min = dtype === 'float32' ? -3.4028234663852886e38 : -Number.MAX_VALUE;
  let h = 0;
  for (let j = 0; j < c.k; j++) h -= Math.max(c.logits[i * c.k + j], min) * c.probs[i * c.k + j];
  return h;
}

/** @internal An index drawn by inversion of row `i`'s cumulative probabilities. */
export function categoricalDraw(c: CategoricalTable, i: number, rng: RandomGenerator): number {
  const u = rng.random();
  let acc = 0;
  let last = 0;
  for (let j = 0; j < c.k; j++) {
    const p = c.probs[i * c.k + j];
    if (p > 0) last = j;
    acc += p;
    if (u < acc) return j;
  }
  return last;
}

/**
 * The categorical distribution over {0, ..., K-1} (torch.distributions.Categorical): `probs`
 * (normalised along the last dimension) or `logits`. Samples are int32 indices.
 *
 * @example
 * ```ts
 * import { Categorical } from 'kldiv/distributions';
 * const d = new Categorical({ probs: [1, 1, 2] });
 * console.log(d.probs.tolist(), Math.exp(d.logProb(2).item())); // [ 0.25, 0.25, 0.5 ] 0.5
 * ```
 */
export class Categorical extends Distribution {
  static override readonly familyName: string = 'Categorical';
  declare readonly params: { probs: Float64Array; logits: Float64Array };
  /** @internal */
  readonly table: CategoricalTable;

  constructor(params: CategoricalParams) {
    const c = categoricalTable('Categorical', params);
    super(c.batchShape, [], c.dtype, c.validateArgs, { probs: c.probs, logits: c.logits }, [
      c.shown,
    ]);
    this.table = c;
  }
  /** Normalised probabilities, shape `batchShape + [K]`. */
  get probs(): Tensor {
    return this.param('probs');
  }
  /** Normalised log-probabilities, shape `batchShape + [K]`. */
  get logits(): Tensor {
    return this.param('logits');
  }
  protected override paramShape(): readonly number[] {
    return [...this.batchShape, this.table.k];
  }
  /** @internal */
  get supportName(): string {
    return `IntegerInterval(lower_bound=0, upper_bound=${this.table.k - 1})`;
  }
  override meanAt(): number {
    return Number.NaN;
  }
  override varianceAt(): number {
    return Number.NaN;
  }
  override entropyAt(i: number): number {
    return categoricalEntropy(this.table, i, this.dtype);
  }
  /**
   * @internal Unvalidated, PyTorch gathers at `value.long()`: an index outside [0, K) raises
   * gather's RuntimeError (NaN and infinities convert to INT64_MIN), where validation would
   * have raised the support ValueError first.
   */
  override logProb64(value: TensorLike): { data: Float64Array; shape: number[] } {
    if (!this.validateArgs) {
      const fn = 'Categorical.logProb';
      const v = toTensor(value, fn, 'value', { dtype: 'float64' });
      let dims: number | undefined;
      try {
        dims = broadcastShapes(v.shape, this.batchShape, fn, ['value', 'batch_shape']).length;
      } catch {
        // the base class reports the broadcasting error
      }
      const k = this.table.k;
      const bad =
        dims === undefined
          ? -1
          : v.data.findIndex((x) => !(Math.trunc(x) >= 0 && Math.trunc(x) < k));
      if (bad >= 0) {
        const x = v.data[bad];
        const index =
          Number.isNaN(x) || Math.abs(x) >= 2 ** 63
            ? '-9223372036854775808'
            : BigInt(Math.trunc(x)).toString();
        throw new ArgumentError(
          `${fn}: index ${index} is out of bounds for dimension ${dims} with size ${k}.`,
          {
            code: 'E_OUT_OF_SUPPORT',
            fn,
            argument: 'value',
            received: x,
            torchType: 'RuntimeError',
          },
        );
      }
    }
    return super.logProb64(value);
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    const j = Math.trunc(v[off]);
    return j >= 0 && j < this.table.k ? this.table.logits[i * this.table.k + j] : Number.NaN;
  }
  inSupport(_i: number, v: Float64Array, off: number): boolean {
    const j = v[off];
    return Number.isInteger(j) && j >= 0 && j < this.table.k;
  }
  protected override get sampleDtype(): 'int32' {
    return 'int32';
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    out[off] = categoricalDraw(this.table, i, rng);
  }
}

/** @internal Event-shaped statistics from a per-(row, column) function. */
export function eventTensor(d: Distribution, k: number, f: (index: number) => number): Tensor {
  const out = new Float64Array(d.batchSize * k);
  for (let i = 0; i < out.length; i++) out[i] = f(i);
  return makeTensor(out, [...d.batchShape, ...d.eventShape], d.dtype);
}
