/**
 * Argument policy shared by `klDiv` and `klDivBackward`: conversion, option checks, reduction,
 * dtype and broadcasting, resolved once at the public boundary.
 *
 * @module
 */

import { DTypeError, ShapeError } from '../errors.js';
import { checkBoolean, checkOptionKeys, checkOptionsObject } from '../options.js';
import {
  type ReductionOptions,
  type ResolvedReduction,
  resolveKlDivReduction,
} from '../reduction.js';
import { type FloatDType, promoteTypes } from '../tensor/dtype.js';
import { broadcastShapes, broadcastStrides, MAX_NUMEL, numelOf } from '../tensor/shape.js';
import { type Tensor, toTensor } from '../tensor/tensor.js';

/** Options of {@link klDiv}, {@link klDivBackward} and {@link KLDivLoss}. */
export interface KLDivOptions extends ReductionOptions {
  /** `target` holds log-probabilities (PyTorch `log_target`); default false. */
  logTarget?: boolean;
}

/** @internal */
export const KL_DIV_OPTION_KEYS = ['reduction', 'logTarget', 'sizeAverage', 'reduce'] as const;

/** @internal Everything a kernel call needs, validated. */
export interface KlDivCall {
  x: Tensor;
  y: Tensor;
  logTarget: boolean;
  reduction: ResolvedReduction;
  dtype: FloatDType;
  shape: number[];
  numel: number;
  xStrides: number[];
  yStrides: number[];
  /** What `'batchmean'` divides by: `input.shape[0]`, or 1 for 0-d input. */
  batchDivisor: number;
}

/** @internal Validates options only (used where they are given ahead of the tensors). */
export function checkKlDivOptions(
  options: unknown,
  fn: string,
  keys: readonly string[] = KL_DIV_OPTION_KEYS,
): KLDivOptions {
  const opts = checkOptionsObject<KLDivOptions>(options, fn);
  checkOptionKeys(opts, keys, fn);
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
  return {
    x,
    y,
    logTarget: opts.logTarget ?? false,
    reduction,
    dtype: promoteTypes(x.dtype, y.dtype) as FloatDType,
    shape,
    numel,
    xStrides: broadcastStrides(x.shape, shape),
    yStrides: broadcastStrides(y.shape, shape),
    batchDivisor: x.shape.length === 0 ? 1 : x.shape[0],
  };
}
