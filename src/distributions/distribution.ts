/**
 * The base of every distribution: shapes, dtype, and the loops that turn per-element hooks
 * (`meanAt`, `logProbAt`, `sampleInto`, ...) into Tensors. Families only write the mathematics
 * of one batch element; parameter parsing is in `params.ts`, constraints in `constraints.ts`.
 *
 * @module
 */

import {
  ArgumentError,
  describe,
  formatShape,
  NotImplementedError,
  ShapeError,
} from '../errors.js';
import { checkOptions, isOptionsBag } from '../options.js';
import { dtypeOfArray, type FloatDType, isFloating, resultType } from '../tensor/dtype.js';
import { checkShape } from '../tensor/nested.js';
import {
  broadcastShapes,
  broadcastStrides,
  contiguousStrides,
  forEachRun,
  numelOf,
} from '../tensor/shape.js';
import { Tensor, type TensorLike, toTensor } from '../tensor/tensor.js';
import { generatorOf, type RandomGenerator } from './random.js';

/** Options every distribution constructor accepts besides its parameters. */
export interface DistributionOptions {
  /**
   * Check parameters against their constraints at construction and values against the support
   * in `logProb` (default `true`, as in PyTorch since 1.8).
   */
  validateArgs?: boolean;
}

/** Options of {@link Distribution.sample}. */
export interface SampleOptions {
  /** Generator to draw from; the default generator (see `manualSeed`) otherwise. */
  rng?: RandomGenerator;
}

/** A distribution class, for {@link registerKL} and dispatch. */
export type DistributionClass<D extends Distribution = Distribution> = abstract new (
  // biome-ignore lint/suspicious/noExplicitAny: constructors of every family, whatever their options.
  ...args: any[]
) => D;

/** @internal The name PyTorch would print for a class (stable under minification). */
export function familyOf(cls: DistributionClass | Distribution): string {
  const c = (typeof cls === 'function' ? cls : cls.constructor) as {
    familyName?: string;
    name: string;
  };
  return Object.hasOwn(c, 'familyName') ? (c.familyName as string) : c.name;
}

/** @internal A `NotImplementedError` as PyTorch raises it. */
export function notImplemented(
  fn: string,
  message: string,
  argument = 'self',
): NotImplementedError {
  return new NotImplementedError(`${fn}: ${message}`, {
    code: 'E_NOT_IMPLEMENTED',
    fn,
    argument,
    torchType: 'NotImplementedError',
  });
}

/** @internal float64 values as a Tensor of `dtype` (rounded once when float32). */
export function makeTensor(
  values: Float64Array,
  shape: readonly number[],
  dtype: FloatDType,
): Tensor {
  if (dtype === 'float64') return new Tensor(values, shape, 'float64');
  return new Tensor(Float32Array.from(values), shape, 'float32');
}

/**
 * Base class of every distribution: `batchShape`, `eventShape`, `mean`, `variance`,
 * `entropy()`, `logProb(value)` and `sample(shape?, { rng })`, as in `torch.distributions`.
 * Statistics are computed in float64 and returned in the distribution's `dtype`.
 *
 * @example
 * ```ts
 * import { Distribution, Normal } from 'kldiv/distributions';
 * const d = new Normal({ loc: [0, 1], scale: 2 });
 * console.log(d instanceof Distribution, d.batchShape, d.eventShape); // true [ 2 ] []
 * ```
 */
export abstract class Distribution {
  /** Name PyTorch prints for the family. */
  static readonly familyName: string = 'Distribution';
  /** Shape of independent (not necessarily identical) distributions in the batch. */
  readonly batchShape: number[];
  /** Shape of one sample of one distribution. */
  readonly eventShape: number[];
  /** dtype of every result. */
  readonly dtype: FloatDType;
  /** Whether parameters and `logProb` values are validated. */
  readonly validateArgs: boolean;
  /** @internal numel(batchShape). */
  readonly batchSize: number;
  /** @internal numel(eventShape). */
  readonly eventSize: number;

  /** @internal Parameters (and derived quantities) as float64, one row per batch element. */
  readonly params: Readonly<Record<string, Float64Array>>;
  /** @internal Parameter names shown by toString (the ones the caller gave). */
  protected readonly shown: readonly string[];

  constructor(
    batchShape: readonly number[],
    eventShape: readonly number[],
    dtype: FloatDType,
    validateArgs: boolean,
    params: Record<string, Float64Array> = {},
    shown: readonly string[] = [],
  ) {
    this.params = params;
    this.shown = shown;
    this.batchShape = [...batchShape];
    this.eventShape = [...eventShape];
    this.dtype = dtype;
    this.validateArgs = validateArgs;
    this.batchSize = numelOf(batchShape);
    this.eventSize = numelOf(eventShape);
  }

  /** @internal Constraint name of the support, for error messages. */
  abstract get supportName(): string;

  /** @internal Mean of batch element `i` (scalar-event families). */
  meanAt(_i: number): number {
    throw notImplemented(`${familyOf(this)}.mean`, `${familyOf(this)} has no mean.`);
  }

  /** @internal Variance of batch element `i` (scalar-event families). */
  varianceAt(_i: number): number {
    throw notImplemented(`${familyOf(this)}.variance`, `${familyOf(this)} has no variance.`);
  }

  /** @internal Entropy of batch element `i`. */
  entropyAt(_i: number): number {
    throw notImplemented(
      `${familyOf(this)}.entropy`,
      `${familyOf(this)} does not implement entropy().`,
    );
  }

  /** @internal log-density of the event at `v[off ...]` under batch element `i`. */
  abstract logProbAt(i: number, v: Float64Array, off: number): number;

  /** @internal Whether the event at `v[off ...]` lies in the support of batch element `i`. */
  abstract inSupport(i: number, v: Float64Array, off: number): boolean;

  /** @internal Draws one event of batch element `i` into `out[off ...]`. */
  abstract sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void;

  /** @internal Batch-shaped tensor from a per-element function. */
  protected mapBatch(f: (i: number) => number): Tensor {
    const out = new Float64Array(this.batchSize);
    for (let i = 0; i < out.length; i++) out[i] = f(i);
    return makeTensor(out, this.batchShape, this.dtype);
  }

  /** Mean of each distribution, shape `batchShape + eventShape` (NaN where undefined). */
  get mean(): Tensor {
    return this.mapBatch((i) => this.meanAt(i));
  }

  /** Variance of each distribution, shape `batchShape + eventShape` (inf where unbounded). */
  get variance(): Tensor {
    return this.mapBatch((i) => this.varianceAt(i));
  }

  /** Standard deviation: the square root of {@link variance}. */
  get stddev(): Tensor {
    const v = this.variance;
    const out = new Float64Array(v.numel);
    for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(v.data[i]);
    return makeTensor(out, v.shape, this.dtype);
  }

  /** Differential (or Shannon) entropy in nats, shape `batchShape`. */
  entropy(): Tensor {
    return this.mapBatch((i) => this.entropyAt(i));
  }

  /**
   * Log-density (or log-mass) of `value`, whose shape broadcasts against
   * `batchShape + eventShape`; the result has the broadcast shape without the event dims.
   * With `validateArgs`, values outside the support throw `E_OUT_OF_SUPPORT` as PyTorch does.
   * Its dtype is PyTorch's `result_type` of the distribution (a tensor of its `dtype` and
   * shape `batchShape + eventShape`) and a float `value` Tensor or typed array, so a 0-d value
   * does not promote a batched distribution; a plain JS number or array takes the distribution's
   * dtype (docs/parity.md, "Mixed dtypes in distributions").
   */
  logProb(value: TensorLike): Tensor {
    const { data, shape } = this.logProb64(value);
    return makeTensor(data, shape, this.logProbDtype(value));
  }

  /** @internal The dtype of {@link logProb}'s result for `value` (see there). */
  protected logProbDtype(value: TensorLike): FloatDType {
    const own = value instanceof Tensor ? value.dtype : dtypeOfArray(value);
    if (own === undefined || !isFloating(own)) return this.dtype;
    const valueShape =
      value instanceof Tensor ? value.shape : [(value as ArrayLike<number>).length];
    const self = { dtype: this.dtype, shape: [...this.batchShape, ...this.eventShape] };
    return resultType(self, { dtype: own, shape: valueShape }) as FloatDType;
  }

  /**
   * @internal {@link logProb} in float64, before rounding to `dtype` (wrappers such as
   * Independent reduce these values and round once).
   */
  logProb64(value: TensorLike): { data: Float64Array; shape: number[] } {
    const fn = `${familyOf(this)}.logProb`;
    const v = toTensor(value, fn, 'value', { dtype: 'float64' });
    const data = v.data as Float64Array;
    const ev = this.eventShape.length;
    const tail = v.shape.slice(v.shape.length - ev);
    if (v.shape.length < ev || tail.join(',') !== this.eventShape.join(',')) {
      throw new ShapeError(
        `${fn}: The right-most size of value must match event_shape: ${formatShape(v.shape)} vs ${formatShape(this.eventShape)}.`,
        {
          code: 'E_SHAPE_MISMATCH',
          fn,
          argument: 'value',
          received: v.shape,
          torchType: 'ValueError',
        },
      );
    }
    const valueBatch = v.shape.slice(0, v.shape.length - ev);
    let shape: number[];
    try {
      shape = broadcastShapes(valueBatch, this.batchShape, fn, ['value', 'batch_shape']);
    } catch {
      throw new ShapeError(
        `${fn}: Value is not broadcastable with batch_shape+event_shape: ${formatShape(v.shape)} vs ${formatShape([...this.batchShape, ...this.eventShape])}.`,
        { code: 'E_BROADCAST', fn, argument: 'value', received: v.shape, torchType: 'ValueError' },
      );
    }
    const out = new Float64Array(numelOf(shape));
    const e = this.eventSize;
    const strides = [
      broadcastStrides(valueBatch, shape),
      broadcastStrides(this.batchShape, shape),
      contiguousStrides(shape),
    ];
    const bad: number[] = [];
    forEachRun(shape, strides, (len, o, s) => {
      for (let k = 0; k < len; k++) {
        const vi = (o[0] + k * s[0]) * e;
        const bi = o[1] + k * s[1];
        if (this.validateArgs && bad.length < 5 && !this.inSupport(bi, data, vi))
          bad.push(data[vi]);
        out[o[2] + k * s[2]] = this.logProbAt(bi, data, vi);
      }
    });
    if (bad.length > 0) {
      throw new ArgumentError(
        `${fn}: Expected value argument (Tensor of shape ${formatShape(v.shape)}) to be within the support (${this.supportName}) of the distribution ${this.toString()}, but found invalid values: ${bad.map((x) => describe(x)).join(', ')}.`,
        {
          code: 'E_OUT_OF_SUPPORT',
          fn,
          argument: 'value',
          received: bad[0],
          torchType: 'ValueError',
        },
      );
    }
    return { data: out, shape };
  }

  /** @internal dtype of samples (Categorical returns indices as int32). */
  protected get sampleDtype(): FloatDType | 'int32' {
    return this.dtype;
  }

  /**
   * Draws samples of shape `sampleShape + batchShape + eventShape`. Pass `{ rng }` (a
   * {@link RandomGenerator}) for reproducible draws; `sample({ rng })` omits the shape.
   */
  sample(sampleShape: readonly number[] | SampleOptions = [], options?: SampleOptions): Tensor {
    const fn = `${familyOf(this)}.sample`;
    // A plain object where the optional shape goes is the options: `sample({ rng })`.
    if (options === undefined && isOptionsBag(sampleShape)) {
      options = sampleShape as SampleOptions;
      sampleShape = [];
    }
    const shape = checkShape(sampleShape, fn, 'sampleShape');
    const opts = checkOptions<SampleOptions>(options, ['rng'], fn);
    const rng = generatorOf(opts.rng, fn);
    const outShape = [...shape, ...this.batchShape, ...this.eventShape];
    checkShape(outShape, fn, 'sampleShape');
    const n = numelOf(shape);
    const out = new Float64Array(n * this.batchSize * this.eventSize);
    for (let s = 0, off = 0; s < n; s++) {
      for (let i = 0; i < this.batchSize; i++, off += this.eventSize)
        this.sampleInto(i, rng, out, off);
    }
    const dtype = this.sampleDtype;
    if (dtype === 'int32') return new Tensor(Int32Array.from(out), outShape, 'int32');
    return makeTensor(out, outShape, dtype);
  }

  /** @internal Shape of a shown parameter (event families override). */
  protected paramShape(_name: string): readonly number[] {
    return this.batchShape;
  }

  /** @internal A parameter as a Tensor of the distribution's dtype. */
  protected param(name: string): Tensor {
    return makeTensor(this.params[name], this.paramShape(name), this.dtype);
  }

  /** PyTorch's repr: the family and each parameter's shape, e.g. `Normal(loc: [3], scale: [3])`. */
  toString(): string {
    const parts = this.shown.map((k) => `${k}: ${formatShape(this.paramShape(k))}`);
    return `${familyOf(this)}(${parts.join(', ')})`;
  }
}

/**
 * Marker base of the exponential families (PyTorch's `ExponentialFamily`), which matters for
 * KL dispatch: two different exponential families meet the generic
 * `(ExponentialFamily, ExponentialFamily)` registration, which raises as in PyTorch.
 *
 * @example
 * ```ts
 * import { ExponentialFamily, Normal } from 'kldiv/distributions';
 * console.log(new Normal({ loc: 0, scale: 1 }) instanceof ExponentialFamily); // true
 * ```
 */
export abstract class ExponentialFamily extends Distribution {
  static override readonly familyName: string = 'ExponentialFamily';
}

/**
 * Marker base of the families PyTorch builds as a transformed base distribution (LogNormal,
 * HalfNormal, Gumbel, Pareto). `transforms` names the transform chain; KL between two
 * transformed distributions with the same chain is the KL of their bases.
 *
 * @example
 * ```ts
 * import { LogNormal, TransformedDistribution } from 'kldiv/distributions';
 * const d = new LogNormal({ loc: 0, scale: 1 });
 * console.log(d instanceof TransformedDistribution, d.transforms); // true ExpTransform()
 * ```
 */
export abstract class TransformedDistribution extends Distribution {
  static override readonly familyName: string = 'TransformedDistribution';
  /** PyTorch's repr of the transform chain. */
  abstract get transforms(): string;
  /** The distribution before the transforms. */
  abstract get baseDist(): Distribution;
}

/**
 * @internal A batch-shaped tensor over the broadcast of `p` and `q` batch shapes, from
 * `f(i, j)` where `i`, `j` are the batch indices of `p` and `q` (what every KL pair needs).
 */
export function pairwise(
  p: Distribution,
  q: Distribution,
  f: (i: number, j: number) => number,
): Tensor {
  const shape = broadcastShapes(p.batchShape, q.batchShape, 'klDivergence', ['p', 'q']);
  const out = new Float64Array(numelOf(shape));
  const strides = [
    broadcastStrides(p.batchShape, shape),
    broadcastStrides(q.batchShape, shape),
    contiguousStrides(shape),
  ];
  forEachRun(shape, strides, (len, o, s) => {
    for (let k = 0; k < len; k++) out[o[2] + k * s[2]] = f(o[0] + k * s[0], o[1] + k * s[1]);
  });
  return makeTensor(
    out,
    shape,
    p.dtype === 'float32' && q.dtype === 'float32' ? 'float32' : 'float64',
  );
}

/** @internal Throws a coded TypeError unless `d` is a Distribution. */
export function checkDistribution(
  d: unknown,
  fn: string,
  argument: string,
): asserts d is Distribution {
  if (!(d instanceof Distribution)) {
    throw new ArgumentError(
      `${fn}: argument '${argument}' must be a Distribution; received ${describe(d)}.`,
      {
        code: 'E_OPTION_TYPE',
        fn,
        argument,
        received: d,
        torchType: 'TypeError',
      },
    );
  }
}
