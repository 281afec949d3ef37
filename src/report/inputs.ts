/**
 * The arguments of {@link LogitsReport#add}: logits as float Tensors, next-token ids, and the
 * error of an invalid row.
 *
 * @module
 */

import { ArgumentError, DTypeError, describe, formatShape, ShapeError } from '../errors.js';
import { ROW_BAD_BASE, ROW_BAD_INDEX, ROW_BAD_VALUE } from '../kernels/js/report-rows.js';
import { Tensor, toTensor } from '../tensor/tensor.js';

/** @internal The logits argument as a float Tensor: nested arrays read as float64 (no rounding). */
export function logits(value: unknown, fn: string, argument: string): Tensor {
  const t = toTensor(
    value,
    fn,
    argument,
    Array.isArray(value) || typeof value === 'number' ? { dtype: 'float64' } : {},
  );
  if (t.dtype === 'int32') {
    throw new DTypeError(
      `${fn}: argument '${argument}' has dtype 'int32'; logits must be float32 or float64.`,
      { code: 'E_INTEGRAL_INPUT', fn, argument, received: 'int32', torchType: 'RuntimeError' },
    );
  }
  if (t.shape.length === 0 || t.shape[t.shape.length - 1] === 0) {
    throw new ShapeError(
      `${fn}: argument '${argument}' must have a last dimension (the vocabulary) of size >= 1; received shape ${formatShape(t.shape)}.`,
      { code: 'E_INVALID_SHAPE', fn, argument, received: [...t.shape] },
    );
  }
  return t;
}

/** @internal The next-token ids as an Int32Array of `rows` ids in [0, vocab). */
export function readTokens(tokens: unknown, rows: number, vocab: number, fn: string): Int32Array {
  let values: ArrayLike<number | bigint>;
  if (tokens instanceof Int32Array || tokens instanceof BigInt64Array) values = tokens;
  else if (tokens instanceof Tensor) values = tokens.data;
  else if (Array.isArray(tokens))
    values = toTensor(tokens, fn, 'tokens', { dtype: 'float64' }).data;
  else {
    throw new ArgumentError(
      `${fn}: option 'tokens' must be an Int32Array, a BigInt64Array, an array of integers or a Tensor; received ${describe(tokens)}.`,
      { code: 'E_OPTION_TYPE', fn, argument: 'tokens', received: tokens },
    );
  }
  if (values.length !== rows) {
    throw new ShapeError(
      `${fn}: option 'tokens' must hold one id per token (${rows}); received ${values.length}.`,
      { code: 'E_SHAPE_MISMATCH', fn, argument: 'tokens', received: values.length },
    );
  }
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = values[i];
    const id = typeof v === 'bigint' ? (v >= 0n && v < BigInt(vocab) ? Number(v) : -1) : v;
    if (!(Number.isInteger(id) && id >= 0 && id < vocab)) {
      throw new ArgumentError(
        `${fn}: option 'tokens' must hold integer ids in [0, ${vocab}) (the vocabulary); received ${describe(v)} at index ${i}.`,
        { code: 'E_OPTION_RANGE', fn, argument: 'tokens', received: v },
      );
    }
    out[i] = id;
  }
  return out;
}

/** @internal The `E_NON_FINITE` error of an invalid row. */
export function nonFinite(
  fn: string,
  status: number,
  row: number,
  out: Float64Array,
): ArgumentError {
  const side = status === ROW_BAD_BASE ? 'base' : 'compare';
  const index = out[ROW_BAD_INDEX];
  const value = out[ROW_BAD_VALUE];
  const what =
    index < 0
      ? 'has no finite logit (every entry is -inf)'
      : `contains ${value} at vocab index ${index}`;
  return new ArgumentError(
    `${fn}: argument '${side}' row ${row} ${what}; such rows are refused by default: pass { nanRows: 'skip' } to new LogitsReport() to leave them out of the statistics (counted in skippedRows).`,
    { code: 'E_NON_FINITE', fn, argument: side, received: value },
  );
}
