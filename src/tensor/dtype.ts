/**
 * dtypes: PyTorch's names without the `torch.` prefix.
 *
 * @module
 */

/** Floating dtypes every loss accepts. */
export type FloatDType = 'float32' | 'float64';
/** All storable dtypes; integer tensors exist so that losses can reject them as PyTorch does. */
export type DType = FloatDType | 'int32';

/** Typed array behind each dtype. */
export interface DataTypeMap {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
}
/** The typed array of a dtype. */
export type DataFor<D extends DType> = DataTypeMap[D];
/** Floating typed arrays. */
export type FloatArray = Float32Array | Float64Array;
/** Any typed array a Tensor can hold. */
export type TensorData = Float32Array | Float64Array | Int32Array;

/** @internal */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

/** @internal Allocates a zero-filled typed array of a dtype. */
export function allocate<D extends DType>(dtype: D, length: number): DataFor<D> {
  switch (dtype) {
    case 'float64':
      return new Float64Array(length) as DataFor<D>;
    case 'int32':
      return new Int32Array(length) as DataFor<D>;
    default:
      return new Float32Array(length) as DataFor<D>;
  }
}

/** @internal dtype of a typed array, or undefined for other views. */
export function dtypeOfArray(data: unknown): DType | undefined {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return undefined;
}

/** @internal PyTorch's type promotion restricted to kldiv's dtypes. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}

/**
 * @internal PyTorch's `result_type` for two tensors: a 0-d operand does not promote a
 * dimensioned one of the same category (`f32 [2]` with `f64 0-d` is float32), but a floating 0-d
 * operand does promote an integral dimensioned one.
 */
export function resultType(
  a: { dtype: DType; shape: readonly number[] },
  b: { dtype: DType; shape: readonly number[] },
): DType {
  const aDim = a.shape.length > 0;
  if (aDim === b.shape.length > 0) return promoteTypes(a.dtype, b.dtype);
  const [dimmed, zeroDim] = aDim ? [a.dtype, b.dtype] : [b.dtype, a.dtype];
  if (isFloating(dimmed) || !isFloating(zeroDim)) return dimmed;
  return promoteTypes(dimmed, zeroDim);
}

/** @internal True for float32/float64. */
export function isFloating(dtype: DType): dtype is FloatDType {
  return dtype !== 'int32';
}
