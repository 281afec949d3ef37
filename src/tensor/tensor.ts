/**
 * A minimal dense tensor: a shape, a dtype and a row-major contiguous typed array.
 *
 * @module
 */

import { ArgumentError, describe, formatShape, ShapeError } from '../errors.js';
import { checkOptions } from '../options.js';
import { type DataFor, DTYPES, type DType, dtypeOfArray, type TensorData } from './dtype.js';
import { formatTensor } from './format.js';
import { type NdarrayLike, type OrtTensorLike, readForeign, type TfTensorLike } from './interop.js';
import { checkShape, fill, flatten, type NestedArray } from './nested.js';
import { numelOf } from './shape.js';

/** Everything {@link tensor} accepts. */
export type TensorLike =
  | Tensor
  | number
  | readonly NestedArray[]
  | Float32Array
  | Float64Array
  | Int32Array
  | OrtTensorLike
  | NdarrayLike
  | TfTensorLike;

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
        `item: only one element tensors can be converted to Python scalars; received a Tensor with ${this.data.length} elements (shape ${formatShape(this.shape)}).`,
        {
          code: 'E_NOT_SCALAR',
          fn: 'item',
          argument: 'this',
          received: [...this.shape],
          torchType: 'ValueError',
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

/**
 * @internal Conversion used at every public boundary; errors name `fn` and `argument`.
 * A Tensor, a typed array, or another library's tensor of the requested dtype is used without
 * copying.
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
    own = dtype ?? 'float32';
    data = fill(own, [value], fn, argument);
    inferred = [];
  } else if (Array.isArray(value)) {
    own = dtype ?? 'float32';
    ({ data, shape: inferred } = flatten(value, own, fn, argument));
  } else {
    const arrayDtype = dtypeOfArray(value);
    const foreign = arrayDtype === undefined ? readForeign(value, fn, argument) : undefined;
    if (arrayDtype !== undefined) {
      data = value as TensorData;
      own = arrayDtype;
      inferred = [data.length];
    } else if (foreign !== undefined) {
      own = foreign.dtype ?? dtype ?? 'float32';
      data =
        foreign.dtype === undefined
          ? fill(own, foreign.data, fn, argument)
          : (foreign.data as TensorData);
      inferred = foreign.shape;
    } else {
      const hint = ArrayBuffer.isView(value)
        ? ' (convert other typed arrays with Float32Array.from or Float64Array.from)'
        : '';
      throw new ArgumentError(
        `${fn}: argument '${argument}' must be a Tensor, a number, nested arrays of numbers, a Float32Array / Float64Array / Int32Array, or a tensor of onnxruntime, transformers.js or TensorFlow.js, or an ndarray-style { data, shape }${hint}; received ${describe(value)}.`,
        { code: 'E_INVALID_DATA', fn, argument, received: value, torchType: 'TypeError' },
      );
    }
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
 * - other libraries' tensors are read as they are, their float32 / float64 / int32 data
 *   without copying: onnxruntime and transformers.js tensors (`{ data, dims, type }`, see
 *   {@link OrtTensorLike}), TensorFlow.js tensors (`dataSync()`, {@link TfTensorLike}) and
 *   ndarray-style objects (`{ data, shape }`, scijs `stride` / `offset` honoured,
 *   {@link NdarrayLike}; a non-contiguous view is copied);
 * - the default dtype of numbers and arrays is `'float32'`, as in PyTorch.
 *
 * Every function that takes tensors (`klDiv`, `klDivWithLogits`, ...) converts its arguments
 * the same way.
 *
 * @throws {ArgumentError} `E_INVALID_DATA` (non-numbers, non-integers for int32, a disposed or
 *   GPU-resident foreign tensor), `E_INVALID_DTYPE` (also a foreign tensor of another type).
 * @throws {ShapeError} `E_RAGGED`, `E_DATA_LENGTH`, `E_INVALID_SHAPE`, `E_TOO_LARGE`.
 *
 * @example
 * ```ts
 * import { tensor } from 'kldiv';
 * console.log(tensor([0.1, 0.2], { dtype: 'float64' }).toString());
 * // tensor([0.1000, 0.2000], dtype=torch.float64)
 * console.log(tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] }).shape); // [ 2, 2 ]
 * // an onnxruntime-style tensor ({ data, dims, type }): the same Float32Array, not a copy
 * const ort = { data: new Float32Array([1, 2, 3, 4, 5, 6]), dims: [2, 3], type: 'float32' };
 * console.log(tensor(ort).shape, tensor(ort).data === ort.data); // [ 2, 3 ] true
 * // a transposed ndarray-style view (stride [1, 2]) is read through its strides
 * console.log(tensor({ data: [1, 2, 3, 4], shape: [2, 2], stride: [1, 2] }).tolist()); // [ [ 1, 3 ], [ 2, 4 ] ]
 * ```
 */
export function tensor<D extends DType>(
  value: TensorLike,
  options: TensorOptions & { dtype: D },
): Tensor<D>;
// Without a dtype option, the dtype the value brings (PyTorch's default float32 for numbers).
export function tensor(
  value: number | readonly NestedArray[] | Float32Array,
  options?: TensorOptions & { dtype?: undefined },
): Tensor<'float32'>;
export function tensor(
  value: Float64Array,
  options?: TensorOptions & { dtype?: undefined },
): Tensor<'float64'>;
export function tensor(
  value: Int32Array,
  options?: TensorOptions & { dtype?: undefined },
): Tensor<'int32'>;
export function tensor<D extends DType>(
  value: Tensor<D>,
  options?: TensorOptions & { dtype?: undefined },
): Tensor<D>;
export function tensor(value: TensorLike, options?: TensorOptions): Tensor;
export function tensor(value: TensorLike, options?: TensorOptions): Tensor {
  const opts = checkOptions<TensorOptions>(options, ['dtype', 'shape'], 'tensor');
  return toTensor(value, 'tensor', 'value', opts);
}
