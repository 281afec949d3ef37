/**
 * The NumPy mechanics SciPy's functions lean on, in float64: conversion, broadcasting to a
 * common shape, and sums along an axis.
 *
 * @module
 */

import { ArgumentError, describe } from '../errors.js';
import { broadcastShapes, expandData, numelOf, sameShape } from '../tensor/shape.js';
import { type Tensor, toTensor } from '../tensor/tensor.js';

/** A float64 array with its shape. */
export interface Array64 {
  data: Float64Array;
  shape: number[];
}

/** @internal Any tensor-like value as float64 (a copy when it is not float64 already). */
export function asArray64(value: unknown, fn: string, argument: string): Array64 {
  const t: Tensor = toTensor(value, fn, argument, { dtype: 'float64' });
  return { data: t.data as Float64Array, shape: t.shape };
}

/** @internal Both arrays materialised at their broadcast shape (NumPy's broadcast_arrays). */
export function broadcastPair(
  a: Array64,
  b: Array64,
  fn: string,
  names: readonly [string, string],
): [Array64, Array64] {
  const shape = broadcastShapes(a.shape, b.shape, fn, names);
  const expand = (x: Array64): Array64 =>
    sameShape(x.shape, shape) ? x : { data: expandData(x.data, x.shape, shape), shape };
  return [expand(a), expand(b)];
}

/** @internal NumPy's axis normalisation, with NumPy's AxisError wording (null: every axis). */
export function normaliseAxis(axis: unknown, ndim: number, fn: string): number | null {
  if (axis === null) return null;
  // NumPy reduces a 0-d array along axis 0 or -1 as if it were 1-d.
  const rank = Math.max(ndim, 1);
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ArgumentError(
      `${fn}: axis ${describe(axis)} is out of bounds for array of dimension ${ndim}.`,
      {
        code: 'E_INVALID_DIM',
        fn,
        argument: 'axis',
        received: axis,
        torchType: 'IndexError',
      },
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * @internal Calls `visit(offset, stride, length, line)` for every line along `axis`; with
 * `axis` null the whole (row-major) array is one line.
 */
export function eachLine(
  shape: readonly number[],
  axis: number | null,
  visit: (offset: number, stride: number, length: number, line: number) => void,
): void {
  if (axis === null) {
    visit(0, 1, numelOf(shape), 0);
    return;
  }
  if (shape.length === 0) {
    visit(0, 1, 1, 0);
    return;
  }
  const outer = numelOf(shape.slice(0, axis));
  const inner = numelOf(shape.slice(axis + 1));
  const n = shape[axis];
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) visit(o * n * inner + i, inner, n, o * inner + i);
}

/** @internal `x / sum(x, axis, keepdims=True)`. */
export function normaliseAlong(a: Array64, axis: number | null): Array64 {
  const out = new Float64Array(a.data.length);
  eachLine(a.shape, axis, (o, st, n) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += a.data[o + j * st];
    for (let j = 0; j < n; j++) out[o + j * st] = a.data[o + j * st] / s;
  });
  return { data: out, shape: a.shape };
}

/**
 * @internal `sum(f(i), axis, keepdims)` for every line: one value per line, the shape without
 * `axis` (with it as 1 under `keepdims`; `axis` null reduces every axis).
 */
export function sumAlong(
  shape: readonly number[],
  axis: number | null,
  f: (index: number) => number,
  keepdims = false,
): Array64 {
  let reduced: number[];
  if (axis === null) reduced = keepdims ? shape.map(() => 1) : [];
  else if (shape.length === 0) reduced = [];
  else reduced = shape.map((d, i) => (i === axis ? 1 : d)).filter((_, i) => keepdims || i !== axis);
  const out = new Float64Array(numelOf(reduced));
  eachLine(shape, axis, (o, st, n, line) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += f(o + j * st);
    out[line] = s;
  });
  return { data: out, shape: reduced };
}
