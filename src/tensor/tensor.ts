/**
 * A minimal dense tensor: a shape, a dtype and a row-major contiguous typed array.
 *
 * @module
 */

import { ArgumentError, describe, formatShape, ShapeError } from '../errors.js';
import { checkOptionKeys, checkOptionsObject } from '../options.js';
import { type DataFor, DTYPES, type DType, dtypeOfArray, type TensorData } from './dtype.js';
import { formatTensor } from './format.js';
import { MAX_NUMEL, numelOf } from './shape.js';

/** Nested arrays of numbers, any depth (a number alone is a 0-d tensor). */
export type NestedArray = number | NestedArray[];

/** Everything {@link tensor} accepts. */
export type TensorLike =
  | Tensor
  | number
  | readonly NestedArray[]
  | Float32Array
  | Float64Array
  | Int32Array;

/** Options of {@link tensor}. */
export interface TensorOptions {
  /** Storage dtype; defaults to the typed array's own dtype, else `'float32'` as in PyTorch. */
  dtype?: DType;
  /** Shape to give flat data (a typed array or a flat number array); its product must match. */
  shape?: readonly number[];
}

/**
 * A dense, row-major tensor. kldiv never mutates a Tensor it is given; results are new Tensors.
 *
 * @example
 * ```ts
 * import { tensor } from 'kldiv';
 * const t = tensor([[1, 2], [3, 4]]);
 * console.log(t.shape, t.dtype, t.numel); // [ 2, 2 ] float32 4
 * console.log(t.toString()); // tensor([[1., 2.],\n        [3., 4.]])
 * ```
 */
export class Tensor<D extends DType = DType> {
  /** Size of each dimension; `[]` for a 0-d (scalar) tensor. */
  readonly shape: number[];
  /** Storage dtype. */
  readonly dtype: D;
  /** Row-major contiguous elements. */
  readonly data: DataFor<D>;

  /**
   * Wraps `data` without copying. Prefer {@link tensor}, which validates; this constructor
   * trusts its arguments (kldiv's own results go through it).
   */
  constructor(data: DataFor<D>, shape: readonly number[], dtype: D) {
    this.data = data;
    this.shape = [...shape];
    this.dtype = dtype;
  }

  /** Number of elements. */
  get numel(): number {
    return this.data.length;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /**
   * The single element as a number (PyTorch `Tensor.item()`); throws unless numel is 1.
   *
   * @example
   * ```ts
   * import { tensor } from 'kldiv';
   * console.log(tensor(0.5).item()); // 0.5
   * ```
   */
  item(): number {
    if (this.data.length !== 1) {
      throw new ShapeError(
        `item: a Tensor with ${this.data.length} elements cannot be converted to Scalar (shape ${formatShape(this.shape)}).`,
        {
          code: 'E_NOT_SCALAR',
          fn: 'item',
          argument: 'this',
          received: [...this.shape],
          torchType: 'RuntimeError',
        },
      );
    }
    return this.data[0];
  }

  /**
   * Nested arrays of numbers (PyTorch `Tensor.tolist()`); a number for a 0-d tensor.
   *
   * @example
   * ```ts
   * import { tensor } from 'kldiv';
   * console.log(tensor([[1, 2]]).tolist()); // [ [ 1, 2 ] ]
   * ```
   */
  tolist(): NestedArray {
    if (this.shape.length === 0) return this.data[0];
    const build = (dim: number, offset: number, stride: number): NestedArray[] => {
      const n = this.shape[dim];
      const inner = stride / (n || 1);
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] =
          dim === this.shape.length - 1
            ? this.data[offset + i]
            : build(dim + 1, offset + i * inner, inner);
      }
      return out;
    };
    return build(0, 0, this.data.length);
  }

  /**
   * Exactly what PyTorch's `repr()` prints for the same values and dtype.
   *
   * @example
   * ```ts
   * import { tensor } from 'kldiv';
   * console.log(tensor(0.6209).toString()); // tensor(0.6209)
   * ```
   */
  toString(): string {
    return formatTensor(this);
  }

  /** `console.log` in Node prints the PyTorch repr. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function shapeError(fn: string, argument: string, message: string, received: unknown): never {
  throw new ShapeError(`${fn}: argument '${argument}' ${message}`, {
    code: 'E_INVALID_SHAPE',
    fn,
    argument,
    received,
  });
}

/** @internal Validates a user-given shape: non-negative safe integers, not absurdly large. */
export function checkShape(shape: unknown, fn: string, argument: string): number[] {
  if (!Array.isArray(shape)) {
    shapeError(fn, argument, `must be an array of sizes; received ${describe(shape)}.`, shape);
  }
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i];
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) {
      shapeError(
        fn,
        argument,
        `must hold non-negative integer sizes; received ${describe(s)} at dimension ${i} of ${describe(shape)}.`,
        shape,
      );
    }
    n *= s;
  }
  if (n > MAX_NUMEL) {
    throw new ShapeError(
      `${fn}: argument '${argument}' describes ${n} elements, more than the ${MAX_NUMEL} a typed array can hold; received ${formatShape(shape)}.`,
      { code: 'E_TOO_LARGE', fn, argument, received: shape },
    );
  }
  return [...shape];
}

/** Flattens nested arrays, checking that they are rectangular and hold only numbers. */
function flatten(
  value: readonly NestedArray[],
  fn: string,
  argument: string,
): { shape: number[]; values: number[] } {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const values: number[] = [];
  const walk = (node: unknown, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof node !== 'number') {
        throw new ArgumentError(
          `${fn}: argument '${argument}' must hold only numbers; received ${describe(node)} at ${argument}${path}.`,
          { code: 'E_INVALID_DATA', fn, argument, received: node, torchType: 'TypeError' },
        );
      }
      values.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[dim]) {
      const got = Array.isArray(node) ? `length ${node.length}` : describe(node);
      throw new ShapeError(
        `${fn}: argument '${argument}' is ragged: expected a sequence of length ${shape[dim]} at ${argument}${path} (dimension ${dim}); received ${got}.`,
        { code: 'E_RAGGED', fn, argument, received: node, torchType: 'ValueError' },
      );
    }
    for (let i = 0; i < node.length; i++) walk(node[i], dim + 1, `${path}[${i}]`);
  };
  walk(value, 0, '');
  return { shape, values };
}

function fill<D extends DType>(
  dtype: D,
  values: ArrayLike<number>,
  fn: string,
  argument: string,
): DataFor<D> {
  if (dtype === 'int32') {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
        throw new ArgumentError(
          `${fn}: argument '${argument}' holds ${describe(v)} at flat index ${i}, which is not an int32; use dtype 'float32' or 'float64' for real values.`,
          { code: 'E_INVALID_DATA', fn, argument, received: v },
        );
      }
    }
    return Int32Array.from(values) as DataFor<D>;
  }
  return (
    dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values)
  ) as DataFor<D>;
}

/**
 * @internal Conversion used at every public boundary; errors name `fn` and `argument`.
 * A Tensor or typed array of the requested dtype is used without copying.
 */
export function toTensor(
  value: unknown,
  fn: string,
  argument: string,
  options: TensorOptions = {},
): Tensor {
  const { dtype, shape } = options;
  if (dtype !== undefined && !DTYPES.includes(dtype)) {
    throw new ArgumentError(
      `${fn}: dtype must be one of ${DTYPES.map((d) => `'${d}'`).join(' | ')}; received ${describe(dtype)}.`,
      { code: 'E_INVALID_DTYPE', fn, argument: 'dtype', received: dtype, torchType: 'TypeError' },
    );
  }
  const requestedShape = shape === undefined ? undefined : checkShape(shape, fn, 'shape');

  let data: TensorData;
  let inferred: number[];
  let own: DType;
  if (value instanceof Tensor) {
    ({ data, dtype: own } = value);
    inferred = value.shape;
  } else if (typeof value === 'number') {
    own = 'float32';
    data = fill(dtype ?? own, [value], fn, argument);
    inferred = [];
  } else if (Array.isArray(value)) {
    const flat = flatten(value, fn, argument);
    own = 'float32';
    data = fill(dtype ?? own, flat.values, fn, argument);
    inferred = flat.shape;
  } else {
    const arrayDtype = dtypeOfArray(value);
    if (arrayDtype === undefined) {
      const hint = ArrayBuffer.isView(value)
        ? ' (convert other typed arrays with Float32Array.from or Float64Array.from)'
        : '';
      throw new ArgumentError(
        `${fn}: argument '${argument}' must be a Tensor, a number, nested arrays of numbers, or a Float32Array / Float64Array / Int32Array${hint}; received ${describe(value)}.`,
        { code: 'E_INVALID_DATA', fn, argument, received: value, torchType: 'TypeError' },
      );
    }
    data = value as TensorData;
    own = arrayDtype;
    inferred = [data.length];
  }

  const target = dtype ?? own;
  if (target !== own) data = fill(target, data, fn, argument);
  let finalShape = inferred;
  if (requestedShape !== undefined) {
    if (numelOf(requestedShape) !== data.length) {
      throw new ShapeError(
        `${fn}: shape ${formatShape(requestedShape)} is invalid for input of size ${data.length} (argument '${argument}').`,
        {
          code: 'E_DATA_LENGTH',
          fn,
          argument,
          received: requestedShape,
          torchType: 'RuntimeError',
        },
      );
    }
    finalShape = requestedShape;
  }
  if (value instanceof Tensor && target === own && finalShape === inferred) return value;
  return new Tensor(data, finalShape, target);
}

/**
 * Builds a Tensor (PyTorch `torch.tensor` / `torch.from_numpy`).
 *
 * - a number gives a 0-d tensor; nested arrays give their (rectangular) shape;
 * - a `Float32Array` / `Float64Array` / `Int32Array` is wrapped **without copying** (like
 *   `torch.from_numpy`) and keeps its dtype unless `dtype` asks for another; it is 1-d unless
 *   `shape` is given;
 * - the default dtype of numbers and arrays is `'float32'`, as in PyTorch.
 *
 * @throws {ArgumentError} `E_INVALID_DATA` (non-numbers, non-integers for int32),
 *   `E_INVALID_DTYPE`.
 * @throws {ShapeError} `E_RAGGED`, `E_DATA_LENGTH`, `E_INVALID_SHAPE`, `E_TOO_LARGE`.
 *
 * @example
 * ```ts
 * import { tensor } from 'kldiv';
 * console.log(tensor([0.1, 0.2], { dtype: 'float64' }).toString());
 * // tensor([0.1000, 0.2000], dtype=torch.float64)
 * console.log(tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] }).shape); // [ 2, 2 ]
 * ```
 */
export function tensor<D extends DType = 'float32'>(
  value: TensorLike,
  options?: TensorOptions & { dtype?: D },
): Tensor<D>;
export function tensor(value: TensorLike, options?: TensorOptions): Tensor {
  const opts = checkOptionsObject<TensorOptions>(options, 'tensor');
  checkOptionKeys(opts, ['dtype', 'shape'], 'tensor');
  return toTensor(value, 'tensor', 'value', opts);
}
