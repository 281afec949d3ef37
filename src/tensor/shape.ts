/**
 * Shapes, strides and NumPy/PyTorch broadcasting.
 *
 * @module
 */

import { ShapeError } from '../errors.js';

/**
 * Largest element count kldiv will allocate for one tensor. Typed arrays in current engines
 * stop at 2^32 - 1 elements; refusing earlier turns an opaque RangeError (or an out-of-memory
 * crash) into a coded error before anything is allocated.
 */
export const MAX_NUMEL = 2 ** 32 - 1;

/** @internal Product of a shape's sizes (1 for a 0-d shape). */
export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** @internal Row-major contiguous strides. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** @internal True when two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Broadcast shape of `a` and `b`, PyTorch's `infer_size`: sizes align from the right, a size of
 * 1 stretches. The message is PyTorch's, so `a`/`b` keep PyTorch's order for the operation.
 *
 * @internal
 */
export function broadcastShapes(
  a: readonly number[],
  b: readonly number[],
  fn: string,
  names: readonly [string, string],
): number[] {
  const ndim = Math.max(a.length, b.length);
  const out = new Array<number>(ndim);
  for (let i = ndim - 1; i >= 0; i--) {
    const offset = ndim - 1 - i;
    const sa = a.length - 1 - offset >= 0 ? a[a.length - 1 - offset] : 1;
    const sb = b.length - 1 - offset >= 0 ? b[b.length - 1 - offset] : 1;
    if (sa !== sb && sa !== 1 && sb !== 1) {
      throw new ShapeError(
        `${fn}: The size of tensor a (${sa}) must match the size of tensor b (${sb}) at non-singleton dimension ${i} (${names[0]} shape [${a.join(', ')}], ${names[1]} shape [${b.join(', ')}]).`,
        {
          code: 'E_BROADCAST',
          fn,
          argument: names[0],
          received: [...a],
          torchType: 'RuntimeError',
        },
      );
    }
    out[i] = sa === 1 ? sb : sa;
  }
  return out;
}

/**
 * Strides that read a contiguous tensor of `shape` as if it had the broadcast shape `outShape`:
 * 0 along every stretched or prepended dimension.
 *
 * @internal
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = contiguousStrides(shape);
  const lead = outShape.length - shape.length;
  const strides = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    strides[lead + i] = shape[i] === 1 && outShape[lead + i] !== 1 ? 0 : own[i];
  }
  return strides;
}

/**
 * Visits an N-d index space as a sequence of 1-d runs, the way a strided kernel wants it:
 * `visit(n, offsets, strides)` gets the run length, each operand's starting offset and each
 * operand's stride within the run. Size-1 dimensions are dropped and adjacent dimensions that
 * are contiguous for every operand are merged first, so a same-shape call is a single run.
 *
 * `offsets` and `strides` are arrays reused across calls (no per-run allocation).
 *
 * @internal
 */
export function forEachRun(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  visit: (n: number, offsets: number[], innerStrides: readonly number[]) => void,
): void {
  const k = strides.length;
  const dims: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 0) return;
    if (shape[i] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, j) => st[j][last] === s[i] * shape[i])) {
      dims[last] *= shape[i];
      for (let j = 0; j < k; j++) st[j][last] = strides[j][i];
      continue;
    }
    dims.push(shape[i]);
    for (let j = 0; j < k; j++) st[j].push(strides[j][i]);
  }
  const offsets = new Array<number>(k).fill(0);
  if (dims.length === 0) {
    visit(
      1,
      offsets,
      offsets.map(() => 0),
    );
    return;
  }
  const outer = dims.length - 1;
  const n = dims[outer];
  const innerStrides = st.map((s) => s[outer]);
  const counter = new Array<number>(outer).fill(0);
  for (;;) {
    visit(n, offsets, innerStrides);
    // Odometer over the outer dimensions.
    let d = outer - 1;
    for (; d >= 0; d--) {
      counter[d]++;
      for (let j = 0; j < k; j++) offsets[j] += st[j][d];
      if (counter[d] < dims[d]) break;
      for (let j = 0; j < k; j++) offsets[j] -= st[j][d] * dims[d];
      counter[d] = 0;
    }
    if (d < 0) return;
  }
}

/**
 * Materialises row-major `data` of `shape` at its broadcast shape `outShape` (NumPy's
 * `broadcast_to` copied, PyTorch's `expand().contiguous()`): `data` itself when the shapes are
 * equal, else a new array. The one broadcast expansion (distribution parameters, scipy operands).
 *
 * @internal
 */
export function expandData(
  data: Float64Array,
  shape: readonly number[],
  outShape: readonly number[],
): Float64Array {
  // compare shapes, not sizes alone, which would pass an empty [0, 1] off as [0, 0]
  if (sameShape(shape, outShape)) return data;
  const out = new Float64Array(numelOf(outShape));
  forEachRun(
    outShape,
    [broadcastStrides(shape, outShape), contiguousStrides(outShape)],
    (n, o, s) => {
      for (let i = 0; i < n; i++) out[o[1] + i * s[1]] = data[o[0] + i * s[0]];
    },
  );
  return out;
}
