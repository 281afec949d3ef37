/**
 * Nested arrays of numbers into typed arrays: a fast pass that copies, and an error pass that
 * names the first fault; with the value and shape checks the other conversions share.
 *
 * @module
 */

import { ArgumentError, describe, formatShape, ShapeError } from '../errors.js';
import type { DataFor, DType, TensorData } from './dtype.js';
import { MAX_NUMEL, numelOf } from './shape.js';

/** Nested arrays of numbers, any depth (a number alone is a 0-d tensor). */
export type NestedArray = number | NestedArray[];

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

/** @internal Throws the coded error for a non-number element found at `at`. */
export function throwNotNumber(value: unknown, at: string, fn: string, argument: string): never {
  throw new ArgumentError(
    `${fn}: argument '${argument}' must hold only numbers; received ${describe(value)} at ${at}.`,
    { code: 'E_INVALID_DATA', fn, argument, received: value, torchType: 'TypeError' },
  );
}

/**
 * @internal Nested arrays into a new typed array of `dtype`, checking that they are
 * rectangular and hold only numbers. One pass writes straight into the result; messages are
 * built only on failure.
 */
export function flatten(
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

/**
 * @internal Flat values into a new typed array of `dtype`; int32 values must be integers in
 * range.
 */
export function fill<D extends DType>(
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
