/**
 * Readers of other libraries' tensors (onnxruntime / transformers.js, ndarray, TensorFlow.js),
 * read structurally: kldiv imports none of them.
 *
 * @module
 */

import { ArgumentError, describe, formatShape, ShapeError } from '../errors.js';
import { type DType, dtypeOfArray, type TensorData } from './dtype.js';
import { throwNotNumber } from './nested.js';
import { contiguousStrides, numelOf } from './shape.js';

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
 * @internal The duck types of other libraries' tensors, tried in this order: a tf.Tensor
 * (`dataSync`, `shape`, `dtype`; tfjs tensors also have an async `data()`), an onnxruntime /
 * transformers.js tensor (`dims`, `type`, `data`), an ndarray-style object (`data`, `shape`).
 * Undefined if none.
 */
export function readForeign(value: unknown, fn: string, argument: string): Foreign | undefined {
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
