/**
 * The fixture of logits-nonfinite.test.ts (test/data/logits-nonfinite.json) and its comparison
 * rule: non-finite values exactly, finite ones within `TOL[dtype] * (|expected| + scale)`, the
 * scales derived from the inputs as that file's header states.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { type Tensor, tensor, wasmArray } from '../../src/index.js';
import { decodeNumber, placement, show } from '../helpers/fixtures.js';

export type Encoded = number | 'nan' | 'inf' | '-inf';

export interface Case {
  name: string;
  dtype: 'float32' | 'float64';
  shape: number[];
  dim: number;
  temperature: number;
  student: Encoded[];
  teacher: Encoded[];
  gradOutput: Encoded[];
  kl: {
    none: Encoded[];
    sum: Encoded;
    batchmean: Encoded;
    gradSum: { student: Encoded[]; teacher: Encoded[] };
    gradNone: { student: Encoded[]; teacher: Encoded[] };
  };
  jsd: { beta: number; none: Encoded[]; sum: Encoded; gradSum: Encoded[]; gradNone: Encoded[] };
  jsdLogProbs: { none: Encoded[]; sum: Encoded; gradSum: Encoded[]; gradNone: Encoded[] };
}

export const data = JSON.parse(
  readFileSync(new URL('../data/logits-nonfinite.json', import.meta.url), 'utf8'),
) as { generator: string; torch: string; cases: Case[] };

/** 16 roundings of the dtype (see the header). */
export const TOL = { float32: 16 * 2 ** -24, float64: 16 * 2 ** -53 };

export function decodeAll(a: Encoded[]): number[] {
  return a.map(decodeNumber);
}

/** A float buffer of the case's dtype: a `wasmArray` under the WASM_ARRAYS configuration. */
export function buffer(c: Case, n: number): Float32Array | Float64Array {
  if (!placement.wasmArrays)
    return c.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  const placed = wasmArray(n, c.dtype);
  placement.placed.push(placed);
  return placed;
}

export function asTensor(c: Case, values: Encoded[]): Tensor {
  const data = buffer(c, values.length);
  data.set(decodeAll(values));
  return tensor(data, { shape: c.shape, dtype: c.dtype });
}

/**
 * Per-element term magnitudes `(p_i + q_i) L_row` and per-row `|lse(k s)| + |lse(k t)|` of a
 * case (see the header); rows with a NaN, +inf or no finite logit are 0 (PyTorch's values
 * there are NaN, compared exactly).
 */
export function termScales(c: Case, beta: number | null): { element: Float64Array; lse: number } {
  const k = 1 / c.temperature;
  const s = decodeAll(c.student);
  const t = decodeAll(c.teacher);
  const n = s.length;
  const nd = c.shape.length;
  const dim = nd === 0 ? 0 : c.dim < 0 ? c.dim + nd : c.dim;
  const V = nd === 0 ? 1 : c.shape[dim];
  const inner = c.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const outer = n / (V * inner);
  const element = new Float64Array(n);
  let lse = 0;
  const betaLogs =
    beta === null ? 0 : Math.max(Math.abs(Math.log(beta)), Math.abs(Math.log(1 - beta)));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const idx = Array.from({ length: V }, (_, j) => o * V * inner + i + j * inner);
      const logSoftmax = (x: number[]) => {
        const m = Math.max(...idx.map((j) => x[j] * k));
        if (!Number.isFinite(m)) return null;
        const l = m + Math.log(idx.reduce((acc, j) => acc + Math.exp(x[j] * k - m), 0));
        return { lse: l, values: idx.map((j) => x[j] * k - l) };
      };
      const ls = logSoftmax(s);
      const lt = logSoftmax(t);
      if (ls === null || lt === null) continue;
      let L = 1 + (Number.isFinite(betaLogs) ? betaLogs : 0);
      for (const v of [...ls.values, ...lt.values])
        if (Number.isFinite(v)) L = Math.max(L, 1 + Math.abs(v));
      idx.forEach((j, r) => {
        element[j] = (Math.exp(ls.values[r]) + Math.exp(lt.values[r])) * L;
      });
      lse += Math.abs(ls.lse) + Math.abs(lt.lse);
    }
  }
  return { element, lse };
}

export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++)
    if (Number.isFinite(values[i])) m = Math.max(m, Math.abs(values[i]));
  return m;
}

/** The scale of a reduced result: twice the element scales plus the rows' log-sum-exps. */
export function reducedScale(sc: { element: Float64Array; lse: number }, factor: number): number {
  return factor * (2 * sc.element.reduce((a, b) => a + b, 0) + sc.lse);
}

/**
 * Mismatches of `actual` against `expected` as readable lines (empty when they agree): NaN and
 * infinities exactly, finite values within `tol * (|e| + scale[i])`.
 */
function mismatches(
  what: string,
  actual: ArrayLike<number>,
  expected: number[],
  tol: number,
  scale: (i: number) => number,
): string[] {
  const out: string[] = [];
  if (actual.length !== expected.length) {
    return [`${what}: ${actual.length} values, expected ${expected.length}`];
  }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const bound = tol * (Math.abs(e) + scale(i));
    let ok: boolean;
    if (Number.isNaN(e)) ok = Number.isNaN(a);
    else if (!Number.isFinite(e)) ok = a === e;
    else ok = Number.isFinite(a) && Math.abs(a - e) <= bound;
    if (!ok) {
      const note = Number.isFinite(e) ? ` (bound ${bound.toExponential(2)})` : '';
      out.push(`${what}[${i}]: got ${show(a)}, PyTorch ${show(e)}${note}`);
    }
  }
  return out;
}

/** Elementwise results: `factor` times the element scales. */
export function elementwise(
  what: string,
  actual: ArrayLike<number>,
  expected: Encoded[],
  tol: number,
  element: Float64Array,
  factor: number,
) {
  return mismatches(what, actual, decodeAll(expected), tol, (i) => factor * element[i]);
}

export function reduced(
  what: string,
  actual: number,
  expected: Encoded,
  tol: number,
  scale: number,
) {
  return mismatches(what, [actual], [decodeNumber(expected)], tol, () => scale);
}

/** The case's inputs, printed for a failure message. */
function describeCase(c: Case): string {
  const fmt = (a: Encoded[]) =>
    `[${a.map((v) => (typeof v === 'number' ? v.toPrecision(4) : v)).join(', ')}]`;
  return `shape [${c.shape}], dim ${c.dim}, T ${c.temperature}, beta ${c.jsd.beta}\n  student ${fmt(c.student)}\n  teacher ${fmt(c.teacher)}`;
}

export function check(c: Case, config: string, problems: string[]): void {
  if (problems.length > 0) {
    const shown = problems.slice(0, 12).join('\n  ');
    const more = problems.length > 12 ? `\n  ... ${problems.length - 12} more` : '';
    expect.fail(`${c.name} [${config}]\n${describeCase(c)}\n  ${shown}${more}`);
  }
}
