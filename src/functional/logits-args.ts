/**
 * Argument policy shared by the from-logits losses: temperature, dim, reduction, row mask.
 *
 * @module
 */

import { ArgumentError, DTypeError, describe, formatShape, ShapeError } from '../errors.js';
import { numberOption } from '../options.js';
import { batchDivisor, type LogitsReduction, lossReduction } from '../reduction.js';
import { type FloatDType, resultType } from '../tensor/dtype.js';
import { numelOf, sameShape } from '../tensor/shape.js';
import { type Tensor, toTensor } from '../tensor/tensor.js';

/** A row mask: one entry per row (the logits' shape without `dim`); truthy keeps the row. */
export type RowMask =
  | Tensor
  | readonly (number | boolean)[]
  | readonly unknown[]
  | Uint8Array
  | Float32Array
  | Float64Array
  | Int32Array;

/** @internal PyTorch's dim wrapping, with its IndexError text. */
export function wrapDim(dim: unknown, ndim: number, fn: string): number {
  const rank = Math.max(ndim, 1);
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < -rank || dim >= rank) {
    throw new ArgumentError(
      `${fn}: Dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${describe(dim)}).`,
      { code: 'E_INVALID_DIM', fn, argument: 'dim', received: dim, torchType: 'IndexError' },
    );
  }
  return dim < 0 ? dim + rank : dim;
}

/** @internal Two logit (or log-probability) tensors of one shape, floating, promoted dtype. */
export function pairOfTensors(
  a: unknown,
  b: unknown,
  fn: string,
  names: readonly [string, string],
): { a: Tensor; b: Tensor; dtype: FloatDType } {
  const ta = toTensor(a, fn, names[0]);
  const tb = toTensor(b, fn, names[1]);
  for (const [t, name] of [
    [ta, names[0]],
    [tb, names[1]],
  ] as const) {
    if (t.dtype === 'int32') {
      throw new DTypeError(
        `${fn}: argument '${name}' has dtype 'int32'; log_softmax and softmax need floating logits ("not implemented for 'Int'" in PyTorch).`,
        {
          code: 'E_INTEGRAL_INPUT',
          fn,
          argument: name,
          received: 'int32',
          torchType: 'RuntimeError',
        },
      );
    }
  }
  if (!sameShape(ta.shape, tb.shape)) {
    throw new ShapeError(
      `${fn}: arguments '${names[0]}' and '${names[1]}' must have the same shape; received ${formatShape(ta.shape)} and ${formatShape(tb.shape)}.`,
      {
        code: 'E_SHAPE_MISMATCH',
        fn,
        argument: names[1],
        received: [...tb.shape],
        torchType: 'RuntimeError',
      },
    );
  }
  // same shapes: both 0-d or neither, so PyTorch's result_type is plain promotion here
  return { a: ta, b: tb, dtype: resultType(ta, tb) as FloatDType };
}

/** @internal Decomposes a shape around `dim`: rows of length V, `outer` x `inner` of them. */
export function rowLayout(
  shape: readonly number[],
  dim: number,
): { outer: number; V: number; inner: number; rows: number } {
  if (shape.length === 0) return { outer: 1, V: 1, inner: 1, rows: 1 };
  const outer = numelOf(shape.slice(0, dim));
  const inner = numelOf(shape.slice(dim + 1));
  return { outer, V: shape[dim], inner, rows: outer * inner };
}

/** @internal A row mask as one keep-flag per row, validated against the logits' shape. */
export function rowMask(
  mask: unknown,
  shape: readonly number[],
  dim: number,
  fn: string,
): Uint8Array | undefined {
  if (mask === undefined) return undefined;
  const rowShape = shape.length === 0 ? [] : shape.filter((_, i) => i !== dim);
  // booleans and any typed array become numbers; tensor() then checks the rest
  const values = Array.isArray(mask)
    ? mask.flat(Number.POSITIVE_INFINITY).map((v) => (typeof v === 'boolean' ? Number(v) : v))
    : ArrayBuffer.isView(mask) && !(mask instanceof DataView)
      ? Float64Array.from(mask as unknown as ArrayLike<number>)
      : mask;
  const t = toTensor(values, fn, 'mask', { dtype: 'float64' });
  if (t.numel !== numelOf(rowShape)) {
    throw new ShapeError(
      `${fn}: option 'mask' needs one entry per row, shape ${formatShape(rowShape)} (the logits' shape without dim ${dim}); received ${t.numel} entries of shape ${formatShape(t.shape)}.`,
      { code: 'E_SHAPE_MISMATCH', fn, argument: 'mask', received: [...t.shape] },
    );
  }
  return Uint8Array.from(t.data, (v) => (v !== 0 && !Number.isNaN(v) ? 1 : 0));
}

/** @internal Row layout around `dim` with optional keep flags. */
export interface Rows {
  layout: { outer: number; V: number; inner: number; rows: number };
  keep: Uint8Array | undefined;
}

/** @internal Calls `visit(offset, stride)` for every row (kept rows only when masked). */
export function eachRow(rows: Rows, visit: (offset: number, stride: number) => void): void {
  const { outer, V, inner } = rows.layout;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      if (rows.keep !== undefined && rows.keep[o * inner + i] === 0) continue;
      visit(o * V * inner + i, inner);
    }
  }
}

/** @internal Number of rows a reduction counts. */
export function keptRows(rows: Rows): number {
  return rows.keep === undefined ? rows.layout.rows : rows.keep.reduce((a, b) => a + b, 0);
}

/**
 * @internal The divisor of a reduced sum. A mask zeroes rows and never changes `'batchmean'`'s
 * divisor (PyTorch's `shape[0]`, so an all-true mask equals no mask on any rank); `'mean'`
 * divides by kept elements and `'tokenmean'` by kept rows; 1 for 'sum' and 'none'.
 */
export function reductionDivisor(
  reduction: LogitsReduction,
  shape: readonly number[],
  rows: Rows,
): number {
  if (reduction === 'mean') return keptRows(rows) * rows.layout.V;
  if (reduction === 'tokenmean') return keptRows(rows);
  if (reduction === 'batchmean') return batchDivisor(shape);
  return 1;
}

/** @internal The options `logitsSettings` reads (every logits loss has them). */
export interface LogitsSettingsOptions {
  temperature?: number;
  dim?: number;
  reduction?: LogitsReduction;
  mask?: RowMask;
}

/** @internal Temperature, rows, reduction and divisor of a logits loss call on a shape. */
export interface LogitsSettings extends Rows {
  dim: number;
  k: number;
  tt: number;
  reduction: LogitsReduction;
  /** What the reduced sum is divided by (1 for 'sum' and 'none'). */
  divisor: number;
}

/**
 * @internal The option policy of the logits losses (KL and JSD) on a logits shape, shared with
 * the TensorFlow.js adapter (which has tf.Tensors, not kldiv Tensors).
 */
export function logitsSettings(
  fn: string,
  shape: readonly number[],
  opts: LogitsSettingsOptions,
  warnMean: boolean,
): LogitsSettings {
  const temperature = numberOption(
    opts.temperature,
    1,
    fn,
    'temperature',
    (v) => v > 0 && Number.isFinite(v),
    'a finite number > 0',
  );
  const dim = wrapDim(opts.dim ?? -1, shape.length, fn);
  const reduction = lossReduction(opts.reduction, 'batchmean', fn, warnMean);
  const rows: Rows = {
    layout: rowLayout(shape, dim),
    keep: rowMask(opts.mask, shape, dim, fn),
  };
  return {
    ...rows,
    dim,
    k: 1 / temperature,
    tt: temperature * temperature,
    reduction,
    divisor: reductionDivisor(reduction, shape, rows),
  };
}
