/**
 * Samples as points: `[n, d]` float64 data read from Tensors, nested arrays, typed arrays and
 * other libraries' tensors, with the checks every sample estimator makes.
 *
 * @module
 */

import { ArgumentError, describe, formatShape, ShapeError } from '../errors.js';
import { toTensor } from '../tensor/tensor.js';

/** @internal n points of dimension d, row-major float64. */
export interface Points {
  data: Float64Array;
  n: number;
  d: number;
}

/**
 * @internal Reads `value` as `[n, d]` points: a 2-D input is n rows of d coordinates, a 1-D input
 * n points of dimension 1 (a flat buffer of d-dimensional points is passed with its shape, e.g.
 * `{ data, shape: [n, d] }`, never guessed). Float64 data is used in place, anything else is
 * converted once. Throws `E_INVALID_SHAPE` for other ranks or empty input and `E_NON_FINITE`
 * naming the first NaN or infinity.
 */
export function toPoints(value: unknown, fn: string, argument: string): Points {
  const t = toTensor(value, fn, argument, { dtype: 'float64' });
  const { shape } = t;
  if (shape.length !== 1 && shape.length !== 2) {
    throw new ShapeError(
      `${fn}: argument '${argument}' must be 1-D (n points) or 2-D ([n, d] points); received shape ${formatShape(shape)}.`,
      { code: 'E_INVALID_SHAPE', fn, argument, received: shape },
    );
  }
  const n = shape[0];
  const d = shape.length === 2 ? shape[1] : 1;
  if (n === 0 || d === 0) {
    throw new ShapeError(
      `${fn}: argument '${argument}' must hold at least one point of dimension >= 1; received shape ${formatShape(shape)}.`,
      { code: 'E_INVALID_SHAPE', fn, argument, received: shape },
    );
  }
  const data = t.data as Float64Array;
  for (let i = 0; i < data.length; i++) {
    if (Number.isFinite(data[i])) continue;
    const at = shape.length === 2 ? `row ${Math.floor(i / d)} column ${i % d}` : `element ${i}`;
    throw new ArgumentError(
      `${fn}: argument '${argument}' ${at} is ${describe(data[i])}; samples must be finite.`,
      { code: 'E_NON_FINITE', fn, argument, received: data[i] },
    );
  }
  return { data, n, d };
}

/** @internal Throws `E_SHAPE_MISMATCH` unless both samples have the same dimension. */
export function checkSameDimension(x: Points, y: Points, fn: string): void {
  if (x.d === y.d) return;
  throw new ShapeError(
    `${fn}: x and y must have the same dimension d; received x of ${x.n} points of dimension ${x.d} and y of ${y.n} points of dimension ${y.d}.`,
    { code: 'E_SHAPE_MISMATCH', fn, argument: 'y', received: [y.n, y.d] },
  );
}

/**
 * @internal Sum in blocks of 1024 (decisions.md 3): the error grows with 1024 + n / 1024, not n,
 * and the order is fixed whatever produced the terms.
 */
export function blockedSum(values: Float64Array): number {
  let total = 0;
  for (let start = 0; start < values.length; start += 1024) {
    const end = Math.min(start + 1024, values.length);
    let block = 0;
    for (let i = start; i < end; i++) block += values[i];
    total += block;
  }
  return total;
}

/** @internal Reads a string option that must be one of `values`. */
export function choiceOption<T extends string>(
  value: unknown,
  values: readonly T[],
  fallback: T,
  fn: string,
  name: string,
): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
  throw new ArgumentError(
    `${fn}: option '${name}' must be one of ${values.map((v) => `'${v}'`).join(' | ')}; received ${describe(value)}.`,
    {
      code: typeof value === 'string' ? 'E_OPTION_RANGE' : 'E_OPTION_TYPE',
      fn,
      argument: name,
      received: value,
    },
  );
}
