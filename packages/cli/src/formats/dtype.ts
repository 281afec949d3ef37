/**
 * The element types the readers understand, named as NumPy and PyTorch name them, with their
 * sizes and byte order. Each format maps its own spelling (`'<f2'`, `'BF16'`) onto these.
 */

/** A floating-point element type logits can be stored in. */
export type FloatDtype = 'float16' | 'bfloat16' | 'float32' | 'float64';

/** An integer element type token ids can be stored in. */
export type IntDtype =
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64';

/** Every element type a reader can decode. */
export type Dtype = FloatDtype | IntDtype;

/**
 * Bytes per element.
 *
 * @example
 * ```ts
 * import { ITEM_SIZE } from './dtype.js';
 * console.log(ITEM_SIZE.bfloat16, ITEM_SIZE.uint64); // 2 8
 * ```
 */
export const ITEM_SIZE: Readonly<Record<Dtype, number>> = {
  float16: 2,
  bfloat16: 2,
  float32: 4,
  float64: 8,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
};

/**
 * An element type as stored: the dtype, its byte order, and the file's own spelling of it
 * (quoted in error messages).
 */
export interface ElementType {
  dtype: Dtype;
  littleEndian: boolean;
  /** As the file writes it: `'<f2'`, `'BF16'`. */
  descr: string;
}

/**
 * True for the float dtypes (logits), false for the integer ones (token ids).
 *
 * @example
 * ```ts
 * import { isFloatDtype } from './dtype.js';
 * console.log(isFloatDtype('bfloat16'), isFloatDtype('int64')); // true false
 * ```
 */
export function isFloatDtype(dtype: Dtype): dtype is FloatDtype {
  return dtype === 'float16' || dtype === 'bfloat16' || dtype === 'float32' || dtype === 'float64';
}

/**
 * The message for logits stored in a dtype that is not floating point.
 *
 * @example
 * ```ts
 * import { unsupportedLogitsDtype } from './dtype.js';
 * console.log(unsupportedLogitsDtype({ dtype: 'int32', littleEndian: true, descr: '<i4' })); // unsupported dtype '<i4' for logits (int32; logits must be float16, bfloat16, float32 or float64)
 * ```
 */
export function unsupportedLogitsDtype(type: ElementType): string {
  return `unsupported dtype '${type.descr}' for logits (${type.dtype}; logits must be float16, bfloat16, float32 or float64)`;
}
