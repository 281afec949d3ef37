/**
 * Reading the reference fixtures (test/fixtures, copied unchanged from the PyTorch/SciPy
 * generator) and comparing results against them with the fixtures' own tolerance rule:
 * |actual - expected| <= atol + rtol * |expected|; NaN matches only NaN, an infinity only the
 * same infinity.
 */

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type DType,
  type FloatArray,
  freeWasmArray,
  Tensor,
  type TensorData,
  wasmArray,
} from '../../src/index.js';

/** A tensor as the fixtures store it. */
export interface TensorSpec {
  dtype: 'float32' | 'float64' | 'int64' | 'int32';
  shape: number[];
  data?: (number | string)[];
  base64?: string;
}

export interface Tolerance {
  rtol: number;
  atol: number;
  /**
   * Per-element absolute bounds (row-major, added to `atol`): the differential sets
   * (test/data/differential) derive one per element from the formula's conditioning.
   */
  elementAtol?: TensorSpec;
  /** How the bound was derived (documentation only). */
  derivation?: string;
}

export interface FixtureFile<C> {
  meta: Record<string, unknown>;
  cases: C[];
}

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export function loadFixture<C>(pathOrName: string): FixtureFile<C> {
  const path = pathOrName.includes('/') ? pathOrName : join(FIXTURE_DIR, pathOrName);
  return JSON.parse(readFileSync(path, 'utf8')) as FixtureFile<C>;
}

/** A fixture number: JSON numbers as they are, 'nan', 'inf', '-inf' and '-0' decoded. */
export function decodeNumber(v: number | string): number {
  if (typeof v === 'number') return v;
  switch (v) {
    case 'nan':
      return Number.NaN;
    case 'inf':
      return Number.POSITIVE_INFINITY;
    case '-inf':
      return Number.NEGATIVE_INFINITY;
    case '-0':
      return -0;
    default:
      throw new Error(`fixture: unknown number encoding ${JSON.stringify(v)}`);
  }
}

/** Expected values as float64 numbers, row-major. */
export function specValues(spec: TensorSpec): Float64Array {
  if (spec.base64 !== undefined) {
    const bytes = Buffer.from(spec.base64, 'base64');
    const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    return Float64Array.from(
      spec.dtype === 'float64' ? new Float64Array(copy) : new Float32Array(copy),
    );
  }
  return Float64Array.from((spec.data ?? []).map(decodeNumber));
}

/**
 * Where {@link specTensor} puts float data: in `wasmArray`s while `wasmArrays` is set (a
 * configuration of helpers/backends.ts), freed together by `free()`, which also resets it.
 */
export const placement = {
  wasmArrays: false,
  placed: [] as FloatArray[],
  free() {
    for (const a of this.placed) freeWasmArray(a);
    this.placed = [];
    this.wasmArrays = false;
  },
};

/** The fixture tensor as a kldiv Tensor (int64 becomes int32: fixtures hold small integers). */
export function specTensor(spec: TensorSpec): Tensor {
  const values = specValues(spec);
  const dtype: DType = spec.dtype === 'int64' ? 'int32' : spec.dtype;
  let data: TensorData =
    dtype === 'float64'
      ? values
      : dtype === 'int32'
        ? Int32Array.from(values)
        : Float32Array.from(values);
  if (placement.wasmArrays && dtype !== 'int32') {
    const placed = wasmArray(values.length, dtype);
    placed.set(data);
    placement.placed.push(placed);
    data = placed;
  }
  return new Tensor(data, spec.shape, dtype);
}

/** A number for a failure message, -0 shown as such. */
export function show(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = index % shape[i];
    index = Math.floor(index / shape[i]);
  }
  return out;
}

/** True when `actual` matches `expected` under the fixture rule. */
export function closeEnough(actual: number, expected: number, tol: Tolerance): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  if (!Number.isFinite(actual)) return false;
  return Math.abs(actual - expected) <= tol.atol + tol.rtol * Math.abs(expected);
}

/**
 * Compares a result with an expected fixture tensor; returns one line per problem, each naming
 * the label, flat and N-d index, actual, expected and tolerance (at most `limit` element lines).
 */
export function compareTensor(
  label: string,
  actual: Tensor,
  expected: TensorSpec,
  tol: Tolerance,
  limit = 5,
): string[] {
  const problems: string[] = [];
  const wantDtype = expected.dtype === 'int64' ? 'int32' : expected.dtype;
  if (actual.dtype !== wantDtype) {
    problems.push(`${label}: dtype ${actual.dtype}, expected ${wantDtype}`);
  }
  if (actual.shape.join(',') !== expected.shape.join(',')) {
    problems.push(`${label}: shape [${actual.shape}], expected [${expected.shape}]`);
    return problems;
  }
  const want = specValues(expected);
  const perElement = tol.elementAtol === undefined ? undefined : specValues(tol.elementAtol);
  let bad = 0;
  for (let i = 0; i < want.length; i++) {
    const a = actual.data[i];
    const e = want[i];
    const atol = tol.atol + (perElement === undefined ? 0 : perElement[i]);
    if (closeEnough(a, e, { rtol: tol.rtol, atol })) continue;
    bad++;
    if (bad <= limit) {
      const bound = atol + tol.rtol * Math.abs(e);
      problems.push(
        `${label}[${i}] (index [${unravel(i, expected.shape)}]): actual ${show(a)}, expected ${show(e)}, |diff| ${Math.abs(a - e)} > atol + rtol*|expected| = ${bound} (atol ${atol}, rtol ${tol.rtol})`,
      );
    }
  }
  if (bad > limit) problems.push(`${label}: ${bad - limit} more mismatching elements`);
  return problems;
}

/** First index where two arrays differ bitwise (NaN equal to NaN, -0 unequal to 0), or -1. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}
