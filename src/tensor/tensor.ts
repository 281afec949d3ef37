/**
 * A minimal dense tensor: a shape, a dtype and a row-major contiguous typed array.
 *
 * @module
 */

import { ArgumentError, describe, formatShape, ShapeError } from '../errors.js';
import { checkOptionKeys, checkOptionsObject } from '../options.js';
import { type DataFor, DTYPES, type DType, dtypeOfArray, type TensorData } from './dtype.js';
import { formatTensor } from './format.js';
import { contiguousStrides, MAX_NUMEL, numelOf } from './shape.js';

/** Nested arrays of numbers, any depth (a number alone is a 0-d tensor). */
export type NestedArray = number | NestedArray[];

/**
 * An onnxruntime-web / onnxruntime-node or transformers.js tensor, read structurally (kldiv
 * imports neither library). Types `'float32'`, `'float64'` and `'int32'` are read without
 * copying; other types are refused with `E_INVALID_DTYPE`.
 */
export interface OrtTensorLike {
  /** Row-major elements (a typed array of `type`). */
  readonly data: unknown;
  /** Size of each dimension. */
  readonly dims: readonly number[];
  /** Element type, e.g. `'float32'`. */
  readonly type: string;
  /** `'cpu'` / `'cpu-pinned'` are read; GPU data must be downloaded first (`await t.getData()`). */
  readonly location?: string;
}

/**
 * An ndarray-style object: `{ data, shape }`, or a scijs `ndarray` with `stride` and `offset`
 * (any strides, negative ones included; a non-contiguous view is copied, a contiguous one is not).
 */
export interface NdarrayLike {
  /** A Float32Array / Float64Array / Int32Array (read without copying) or an array of numbers. */
  readonly data: ArrayLike<number>;
  /** Size of each dimension. */
  readonly shape: readonly number[];
  /** Elements to step in `data` per index of each dimension; row-major contiguous if absent. */
  readonly stride?: readonly number[];
  /** Index in `data` of the first element; 0 if absent. */
  readonly offset?: number;
}

/**
 * A TensorFlow.js tensor, read structurally with `dataSync()` (the core never loads tfjs):
 * dtypes `'float32'` and `'int32'`; on tfjs's CPU backend the data is not copied.
 */
export interface TfTensorLike {
  /** Size of each dimension. */
  readonly shape: readonly number[];
  /** tfjs dtype, e.g. `'float32'`. */
  readonly dtype: string;
  /** True once `dispose()` ran; such a tensor is refused. */
  readonly isDisposed?: boolean;
  /** The elements, row-major (synchronous; a GPU backend downloads them). */
  dataSync(): unknown;
}

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

/** Shape of nested arrays, read along their first elements (validated by the walk that follows). */
function probeShape(value: readonly NestedArray[]): number[] {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  return shape;
}

/**
 * The fast pass: copies nested arrays of `shape` into `out` from index `k`, checking only that
 * they are rectangular and hold numbers. Returns the next index, or -1 at the first fault; no
 * strings are built here ({@link throwNestedError} names the fault, on the error path only).
 */
function copyNested(
  node: unknown,
  shape: readonly number[],
  dim: number,
  out: Float32Array | Float64Array,
  k: number,
): number {
  if (!Array.isArray(node) || node.length !== shape[dim]) return -1;
  const n = node.length;
  if (dim === shape.length - 1) {
    for (let i = 0; i < n; i++) {
      const v = node[i];
      if (typeof v !== 'number') return -1;
      out[k + i] = v;
    }
    return k + n;
  }
  for (let i = 0; i < n && k >= 0; i++) k = copyNested(node[i], shape, dim + 1, out, k);
  return k;
}

/** True when `node` is rectangular with `shape` from `dim` on and holds only numbers. */
function validNested(node: unknown, shape: readonly number[], dim: number): boolean {
  if (!Array.isArray(node) || node.length !== shape[dim]) return false;
  // index loops, not every(): every() skips the holes of sparse arrays
  const last = dim === shape.length - 1;
  for (let i = 0; i < node.length; i++) {
    if (last ? typeof node[i] !== 'number' : !validNested(node[i], shape, dim + 1)) return false;
  }
  return true;
}

/**
 * The error path: descends into the first invalid child only (so paths are built along one
 * branch) and throws the error for the first fault in row-major order, naming its position.
 */
function throwNestedError(
  node: unknown,
  shape: readonly number[],
  dim: number,
  path: string,
  fn: string,
  argument: string,
): never {
  if (!Array.isArray(node) || node.length !== shape[dim]) {
    const got = Array.isArray(node) ? `length ${node.length}` : describe(node);
    throw new ShapeError(
      `${fn}: argument '${argument}' is ragged: expected a sequence of length ${shape[dim]} at ${argument}${path} (dimension ${dim}); received ${got}.`,
      { code: 'E_RAGGED', fn, argument, received: node, torchType: 'ValueError' },
    );
  }
  for (let i = 0; i < node.length; i++) {
    const child = node[i];
    if (dim === shape.length - 1) {
      if (typeof child !== 'number')
        throwNotNumber(child, `${argument}${path}[${i}]`, fn, argument);
    } else if (!validNested(child, shape, dim + 1)) {
      throwNestedError(child, shape, dim + 1, `${path}[${i}]`, fn, argument);
    }
  }
  throw new Error(`${fn}: internal error: no fault found in argument '${argument}'`);
}

function throwNotNumber(value: unknown, at: string, fn: string, argument: string): never {
  throw new ArgumentError(
    `${fn}: argument '${argument}' must hold only numbers; received ${describe(value)} at ${at}.`,
    { code: 'E_INVALID_DATA', fn, argument, received: value, torchType: 'TypeError' },
  );
}

/**
 * Nested arrays into a new typed array of `dtype`, checking that they are rectangular and hold
 * only numbers. One pass writes straight into the result; messages are built only on failure.
 */
function flatten(
  value: readonly NestedArray[],
  dtype: DType,
  fn: string,
  argument: string,
): { shape: number[]; data: TensorData } {
  const shape = probeShape(value);
  const n = numelOf(shape);
  // rows can repeat one array object, so the product can exceed what a typed array holds
  if (n > MAX_NUMEL) checkShape(shape, fn, argument);
  // float64 holds every number exactly, so int32 values are checked after the copy
  const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  if (copyNested(value, shape, 0, out, 0) < 0) throwNestedError(value, shape, 0, '', fn, argument);
  return { shape, data: dtype === 'int32' ? fill('int32', out, fn, argument) : out };
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

/** What a tensor-like object of another library holds: typed data or plain numbers, and a shape. */
interface Foreign {
  /** Typed data (read as is) with its dtype, or plain numbers (`dtype` undefined). */
  data: TensorData | number[];
  dtype: DType | undefined;
  shape: number[];
}

const ORT = 'an onnxruntime-style tensor ({ data, dims, type })';
const TF = 'a tf.Tensor';
const NDARRAY = 'an ndarray-style object ({ data, shape })';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !ArrayBuffer.isView(value);
}

/**
 * The duck types of other libraries' tensors, tried in this order: a tf.Tensor (`dataSync`,
 * `shape`, `dtype`; tfjs tensors also have an async `data()`), an onnxruntime / transformers.js
 * tensor (`dims`, `type`, `data`), an ndarray-style object (`data`, `shape`). Undefined if none.
 */
function readForeign(value: unknown, fn: string, argument: string): Foreign | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.dataSync === 'function' && 'shape' in value && 'dtype' in value) {
    return readTf(value as unknown as TfTensorLike, fn, argument);
  }
  if ('dims' in value && 'type' in value && 'data' in value) {
    return readOrt(value as unknown as OrtTensorLike, fn, argument);
  }
  if ('shape' in value && 'data' in value) {
    return readNdarray(value as unknown as NdarrayLike, fn, argument);
  }
  return undefined;
}

function invalidData(fn: string, argument: string, message: string, received: unknown): never {
  throw new ArgumentError(`${fn}: argument '${argument}' ${message}`, {
    code: 'E_INVALID_DATA',
    fn,
    argument,
    received,
    torchType: 'TypeError',
  });
}

/**
 * Reads a foreign tensor's data through its own accessor; what that accessor throws (a GPU
 * download failing, a released session) becomes a coded error naming the argument.
 */
function readData(get: () => unknown, what: string, fn: string, argument: string): unknown {
  try {
    return get();
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return invalidData(fn, argument, `is ${what} whose data could not be read: ${reason}`, e);
  }
}

/** The dims / shape / stride of a foreign tensor: an array of integers (non-negative sizes). */
function readSizes(
  sizes: unknown,
  what: string,
  field: string,
  fn: string,
  argument: string,
  signed = false,
): number[] {
  const ok =
    Array.isArray(sizes) &&
    sizes.every((s) => typeof s === 'number' && Number.isInteger(s) && (signed || s >= 0));
  if (!ok) {
    const must = signed ? 'integers' : 'non-negative integer sizes';
    throw new ShapeError(
      `${fn}: argument '${argument}' is ${what} whose ${field} must be an array of ${must}; received ${describe(sizes)}.`,
      { code: 'E_INVALID_SHAPE', fn, argument, received: sizes },
    );
  }
  return [...(sizes as number[])];
}

/** PyTorch's view wording when a shape does not fit the data's length. */
function checkLength(
  shape: number[],
  length: number,
  what: string,
  field: string,
  fn: string,
  argument: string,
): void {
  if (numelOf(shape) !== length) {
    throw new ShapeError(
      `${fn}: ${field} ${formatShape(shape)} is invalid for input of size ${length} (argument '${argument}', ${what}).`,
      { code: 'E_DATA_LENGTH', fn, argument, received: shape, torchType: 'RuntimeError' },
    );
  }
}

function unsupportedType(
  type: unknown,
  what: string,
  field: string,
  readable: string,
  hint: string,
  fn: string,
  argument: string,
): never {
  throw new ArgumentError(
    `${fn}: argument '${argument}' is ${what} of ${field} ${describe(type)}; kldiv reads ${readable} (${hint}).`,
    { code: 'E_INVALID_DTYPE', fn, argument, received: type, torchType: 'TypeError' },
  );
}

function readTf(t: TfTensorLike, fn: string, argument: string): Foreign {
  if (t.isDisposed === true) invalidData(fn, argument, `is ${TF} that has been disposed.`, t);
  const { dtype } = t;
  if (dtype !== 'float32' && dtype !== 'int32') {
    unsupportedType(
      dtype,
      TF,
      'dtype',
      "'float32' and 'int32'",
      "tf.cast(t, 'float32')",
      fn,
      argument,
    );
  }
  const shape = readSizes(t.shape, TF, 'shape', fn, argument);
  const data = readData(() => t.dataSync(), TF, fn, argument);
  if (dtypeOfArray(data) !== dtype) {
    invalidData(
      fn,
      argument,
      `is ${TF} of dtype '${dtype}' whose dataSync() gave ${describe(data)}.`,
      t,
    );
  }
  checkLength(shape, (data as TensorData).length, TF, 'shape', fn, argument);
  return { data: data as TensorData, dtype, shape };
}

function readOrt(t: OrtTensorLike, fn: string, argument: string): Foreign {
  const { type, location } = t;
  if (type !== 'float32' && type !== 'float64' && type !== 'int32') {
    unsupportedType(
      type,
      ORT,
      'type',
      "'float32', 'float64' and 'int32'",
      'convert the data to a Float32Array or Float64Array first',
      fn,
      argument,
    );
  }
  if (location === 'none') invalidData(fn, argument, `is ${ORT} that has been disposed.`, t);
  if (location !== undefined && location !== 'cpu' && location !== 'cpu-pinned') {
    invalidData(
      fn,
      argument,
      `is ${ORT} whose data is on ${describe(location)}, not the CPU; download it first: { data: await t.getData(), shape: t.dims }.`,
      t,
    );
  }
  const shape = readSizes(t.dims, ORT, 'dims', fn, argument);
  const data = readData(() => t.data, ORT, fn, argument);
  if (dtypeOfArray(data) !== type) {
    invalidData(fn, argument, `is ${ORT} of type '${type}' whose data is ${describe(data)}.`, t);
  }
  checkLength(shape, (data as TensorData).length, ORT, 'dims', fn, argument);
  return { data: data as TensorData, dtype: type, shape };
}

function readNdarray(t: NdarrayLike, fn: string, argument: string): Foreign {
  const shape = readSizes(t.shape, NDARRAY, 'shape', fn, argument);
  const { data, stride, offset } = t;
  const dtype = dtypeOfArray(data);
  if (dtype === undefined && !Array.isArray(data)) {
    const hint = ArrayBuffer.isView(data)
      ? ' (convert other typed arrays with Float32Array.from or Float64Array.from)'
      : '';
    invalidData(
      fn,
      argument,
      `is ${NDARRAY} whose data must be a Float32Array / Float64Array / Int32Array or an array of numbers${hint}; received ${describe(data)}.`,
      data,
    );
  }
  const source = data as TensorData | unknown[];
  const n = numelOf(shape);
  let values: TensorData | unknown[];
  if (stride === undefined && offset === undefined) {
    checkLength(shape, source.length, NDARRAY, 'shape', fn, argument);
    values = source;
  } else {
    const st =
      stride === undefined
        ? contiguousStrides(shape)
        : readSizes(stride, NDARRAY, 'stride', fn, argument, true);
    const off = offset ?? 0;
    if (st.length !== shape.length || typeof off !== 'number' || !Number.isInteger(off)) {
      throw new ShapeError(
        `${fn}: argument '${argument}' is ${NDARRAY} whose stride must have one integer per dimension of shape ${formatShape(shape)} and offset must be an integer; received stride ${describe(stride)}, offset ${describe(offset)}.`,
        { code: 'E_INVALID_SHAPE', fn, argument, received: { stride, offset } },
      );
    }
    values = n === 0 ? source.slice(0, 0) : view(source, shape, st, off, fn, argument);
  }
  if (dtype !== undefined) return { data: values as TensorData, dtype, shape };
  const plain = values as unknown[];
  for (let i = 0; i < plain.length; i++) {
    if (typeof plain[i] !== 'number') {
      const at = stride === undefined && offset === undefined ? i : sourceIndex(t, shape, i);
      throwNotNumber(plain[i], `${argument}.data[${at}]`, fn, argument);
    }
  }
  return { data: plain as number[], dtype: undefined, shape };
}

/** Index in `data` of the `k`-th element (row-major) of a strided ndarray-style object. */
function sourceIndex(t: NdarrayLike, shape: readonly number[], k: number): number {
  const st = t.stride ?? contiguousStrides(shape);
  let at = t.offset ?? 0;
  for (let d = shape.length - 1; d >= 0; d--) {
    at += (k % shape[d]) * st[d];
    k = Math.floor(k / shape[d]);
  }
  return at;
}

/**
 * The elements a strided view reads, row-major: the same array when it is all of `data`, a
 * subarray (no copy) when it is a contiguous part, a gathered copy otherwise. Every index it
 * would read must lie in `data`. `shape` has at least one element.
 */
function view<A extends TensorData | unknown[]>(
  data: A,
  shape: readonly number[],
  stride: readonly number[],
  offset: number,
  fn: string,
  argument: string,
): A {
  let lo = offset;
  let hi = offset;
  for (let d = 0; d < shape.length; d++) {
    const span = (shape[d] - 1) * stride[d];
    if (span < 0) lo += span;
    else hi += span;
  }
  if (lo < 0 || hi >= data.length) {
    throw new ShapeError(
      `${fn}: argument '${argument}' is ${NDARRAY} whose shape ${formatShape(shape)}, stride ${formatShape(stride)} and offset ${offset} read indices ${lo} to ${hi} of data of size ${data.length}.`,
      {
        code: 'E_DATA_LENGTH',
        fn,
        argument,
        received: { shape: [...shape], stride: [...stride], offset },
        torchType: 'RuntimeError',
      },
    );
  }
  const n = numelOf(shape);
  // size-1 dimensions do not constrain contiguity (PyTorch's is_contiguous ignores them)
  const want = contiguousStrides(shape);
  if (shape.every((s, d) => s === 1 || stride[d] === want[d])) {
    if (offset === 0 && n === data.length) return data;
    return (
      Array.isArray(data) ? data.slice(offset, offset + n) : data.subarray(offset, offset + n)
    ) as A;
  }
  const out = (
    Array.isArray(data) ? new Array(n) : new (data.constructor as new (n: number) => TensorData)(n)
  ) as A;
  const last = shape.length - 1;
  const counter = new Array<number>(last).fill(0);
  let base = offset;
  for (let k = 0; k < n; k += shape[last]) {
    for (let i = 0; i < shape[last]; i++) out[k + i] = data[base + i * stride[last]];
    // odometer over the outer dimensions
    for (let d = last - 1; d >= 0; d--) {
      base += stride[d];
      if (++counter[d] < shape[d]) break;
      base -= stride[d] * shape[d];
      counter[d] = 0;
    }
  }
  return out;
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
  const opts = checkOptionsObject<TensorOptions>(options, 'tensor');
  checkOptionKeys(opts, ['dtype', 'shape'], 'tensor');
  return toTensor(value, 'tensor', 'value', opts);
}
