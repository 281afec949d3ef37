/**
 * Argument policy shared by `klDiv` and `klDivBackward`: conversion, option checks, reduction,
 * dtype and broadcasting, resolved once at the public boundary.
 *
 * @module
 */

import { DTypeError, ShapeError } from '../errors.js';
import { checkBoolean, checkOptions } from '../options.js';
import {
  batchDivisor,
  type ReductionOptions,
  type ResolvedReduction,
  resolveKlDivReduction,
} from '../reduction.js';
import { type FloatDType, resultType } from '../tensor/dtype.js';
import { broadcastShapes, broadcastStrides, MAX_NUMEL, numelOf } from '../tensor/shape.js';
import { Tensor, toTensor } from '../tensor/tensor.js';

/** Options of {@link klDiv}, {@link klDivBackward} and {@link KLDivLoss}. */
export interface KLDivOptions extends ReductionOptions {
  /** `target` holds log-probabilities (PyTorch `log_target`); default false. */
  logTarget?: boolean;
}

/** @internal */
export const KL_DIV_OPTION_KEYS = ['reduction', 'logTarget', 'sizeAverage', 'reduce'] as const;

/** @internal Everything a kernel call needs, validated. */
export interface KlDivCall {
  /** The operands the kernels read: `input` and `target`, or a 0-d one cast to `dtype`. */
  x: Tensor;
  y: Tensor;
  /** The operands as given: their dtypes and shapes are the gradients'. */
  input: Tensor;
  target: Tensor;
  logTarget: boolean;
  reduction: ResolvedReduction;
  /** The result dtype: PyTorch's `result_type(input, target)`. */
  dtype: FloatDType;
  shape: number[];
  numel: number;
  xStrides: number[];
  yStrides: number[];
  /** What `'batchmean'` divides by: `input.shape[0]`, or 1 for 0-d input. */
  batchDivisor: number;
  /**
   * A 0-d float64 target in a float32 result: its own term as PyTorch rounds it into float32
   * (`own`: `xlogy(t, t)` or `exp(t)` in float64, then rounded), the target rounded (`t32`),
   * and its float64 value (`t`, for its gradient). The kernels for it are JS-only.
   */
  scalarTarget?: { own: number; t32: number; t: number };
}

/** @internal Validates options only (used where they are given ahead of the tensors). */
export function checkKlDivOptions(
  options: unknown,
  fn: string,
  keys: readonly string[] = KL_DIV_OPTION_KEYS,
): KLDivOptions {
  const opts = checkOptions<KLDivOptions>(options, keys, fn);
  if (opts.logTarget !== undefined) checkBoolean(opts.logTarget, fn, 'logTarget');
  checkBoolean(opts.sizeAverage, fn, 'sizeAverage', true);
  checkBoolean(opts.reduce, fn, 'reduce', true);
  return opts;
}

/**
 * @internal Resolves a `kl_div` call in PyTorch's order: reduction (warnings, ValueError), then
 * dtypes (integral inputs), then broadcasting.
 */
export function prepareKlDiv(
  fn: string,
  input: unknown,
  target: unknown,
  options: unknown,
  emitWarnings: boolean,
  keys?: readonly string[],
): KlDivCall {
  const opts = checkKlDivOptions(options, fn, keys);
  const x = toTensor(input, fn, 'input');
  const y = toTensor(target, fn, 'target');
  const reduction = resolveKlDivReduction(opts, fn, emitWarnings);
  if (x.dtype === 'int32' || y.dtype === 'int32') {
    const argument = x.dtype === 'int32' ? 'input' : 'target';
    throw new DTypeError(
      `${fn}: kl_div: Integral inputs not supported. Argument '${argument}' has dtype 'int32'; convert it with tensor(value, { dtype: 'float32' }).`,
      { code: 'E_INTEGRAL_INPUT', fn, argument, received: 'int32', torchType: 'RuntimeError' },
    );
  }
  // PyTorch evaluates `target * input`, so target is "tensor a" in its broadcast message.
  const shape = broadcastShapes(y.shape, x.shape, fn, ['target', 'input']);
  const numel = numelOf(shape);
  // Only 'none' allocates the broadcast shape; reductions stream over it.
  if (reduction.base === 'none' && numel > MAX_NUMEL) {
    throw new ShapeError(
      `${fn}: input shape [${x.shape.join(', ')}] and target shape [${y.shape.join(', ')}] broadcast to [${shape.join(', ')}], ${numel} elements, more than the ${MAX_NUMEL} a typed array can hold.`,
      { code: 'E_TOO_LARGE', fn, argument: 'input', received: shape },
    );
  }
  const dtype = resultType(x, y) as FloatDType;
  const logTarget = opts.logTarget ?? false;
  const yRead = castZeroDim(y, dtype);
  return {
    x: castZeroDim(x, dtype),
    y: yRead,
    input: x,
    target: y,
    logTarget,
    reduction,
    dtype,
    shape,
    numel,
    xStrides: broadcastStrides(x.shape, shape),
    yStrides: broadcastStrides(y.shape, shape),
    batchDivisor: batchDivisor(x.shape),
    scalarTarget: yRead === y ? undefined : scalarTarget(y.data[0], logTarget),
  };
}

/** See `KlDivCall.scalarTarget`: a float64 target value seen from a float32 result. */
function scalarTarget(t: number, logTarget: boolean): { own: number; t32: number; t: number } {
  const own = logTarget ? Math.exp(t) : t === 0 ? 0 : t * Math.log(t);
  return { own: Math.fround(own), t32: Math.fround(t), t };
}

/**
 * @internal A 0-d operand of a wider dtype than the result (float64 next to a dimensioned
 * float32 operand, which it does not promote), rounded to the result dtype: PyTorch's
 * TensorIterator casts it so for `target * input` and `target - input`. Any other tensor is
 * returned as it is (float32 data in a float64 result converts exactly as the kernels read it).
 */
export function castZeroDim(t: Tensor, dtype: FloatDType): Tensor {
  if (t.shape.length > 0 || t.dtype !== 'float64' || dtype !== 'float32') return t;
  return new Tensor(Float32Array.of(t.data[0]), [], 'float32');
}
