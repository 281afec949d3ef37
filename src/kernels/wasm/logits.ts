/**
 * Rows of logits through the WebAssembly fused log-softmax + KL kernels: each row is copied
 * into a row-sized scratch area of the instance's memory (reallocated on demand; never the whole
 * batch), computed there, and the outputs copied back.
 *
 * @module
 */

import type { FloatArray, TensorData } from '../../tensor/dtype.js';
import { runtime } from '../runtime.js';
import { allocate, release } from './allocator.js';
import type { WasmExports } from './chunk.js';
import { wasmAddress } from './heap.js';
import { sharedWasm, wasmScratch } from './instance.js';

interface LogitsExports extends WasmExports {
  logitsRowForwardF32(
    V: number,
    ps: number,
    pt: number,
    pes: number,
    pet: number,
    k: number,
    pout: number,
    scale: number,
  ): number;
  logitsRowForwardF64(
    V: number,
    ps: number,
    pt: number,
    pes: number,
    pet: number,
    k: number,
    pout: number,
    scale: number,
  ): number;
  logitsRowBackwardF32(
    V: number,
    ps: number,
    pt: number,
    k: number,
    pg: number,
    gStride: number,
    coef: number,
    pgs: number,
    pgt: number,
    teacher: boolean,
  ): number;
  logitsRowBackwardF64(
    V: number,
    ps: number,
    pt: number,
    k: number,
    pg: number,
    gStride: number,
    coef: number,
    pgs: number,
    pgt: number,
    teacher: boolean,
  ): number;
}

/** Each instance's row area (`runtime.heap.rowAreas`): five buffers of `capacity` bytes from `base`. */
const areas = runtime.heap.rowAreas;

/** Five row buffers (s, t, g, out1, out2) of `bytes` each, reallocated when a row outgrows them. */
function rowBuffers(e: LogitsExports, rowBytes: number): number[] {
  // 8-byte aligned slots: a float64 view needs it even when a float32 row sized them before;
  // never empty: a scalar upstream gradient is read from `g` even for rows of length 0
  const bytes = Math.max(8, Math.ceil(rowBytes / 8) * 8);
  let area = areas.get(e);
  if (area === undefined || bytes > area.capacity) {
    // reallocated, not abandoned: the old area goes back first, so the new one can reuse it
    if (area !== undefined) release(e.memory, area.base, 5 * area.capacity);
    area = { base: allocate(e.memory, 5 * bytes), capacity: bytes };
    areas.set(e, area);
  }
  const { base, capacity } = area;
  return [0, 1, 2, 3, 4].map((i) => base + i * capacity);
}

function view(e: LogitsExports, f64: boolean, p: number, n: number): FloatArray {
  return f64 ? new Float64Array(e.memory.buffer, p, n) : new Float32Array(e.memory.buffer, p, n);
}

/**
 * @internal The kernels, when the WebAssembly backend is loaded: the shared-memory instance
 * where there is one, for rows with B x V outputs (they copy out of it faster, instance.ts) or
 * logits in `wasmArray`s (read in place).
 */
export function logitsExports(
  outputs: boolean,
  s: TensorData,
  t: TensorData,
): LogitsExports | undefined {
  const shared = sharedWasm()?.scratch.exports;
  const placed =
    wasmAddress(s, s instanceof Float64Array, 0) >= 0 ||
    wasmAddress(t, t instanceof Float64Array, 0) >= 0;
  const e = (outputs || placed ? shared : undefined) ?? wasmScratch()?.exports;
  return e as LogitsExports | undefined;
}

/** Byte address of element `o` of `a` when `e` can use it in place (a `wasmArray`), else -1. */
function inPlace(e: LogitsExports, f64: boolean, a: TensorData, o: number): number {
  return e === sharedWasm()?.scratch.exports ? wasmAddress(a, f64, o) : -1;
}

/**
 * Byte address of input row `[o, o + V)` of `a` to pass to the kernel: in place when it can be,
 * else copied into the row buffer at `p`.
 */
function rowAddress(
  e: LogitsExports,
  f64: boolean,
  a: TensorData,
  o: number,
  V: number,
  p: number,
): number {
  const at = inPlace(e, f64, a, o);
  if (at >= 0) return at;
  view(e, f64, p, V).set(a.subarray(o, o + V));
  return p;
}

/**
 * @internal Loss of one contiguous row `[o, o + V)`; writes `l * scale` to `out` when given.
 */
export function wasmLogitsRowForward(
  e: LogitsExports,
  f64: boolean,
  V: number,
  k: number,
  s: TensorData,
  t: TensorData,
  o: number,
  out: FloatArray | null,
  scale: number,
): number {
  const [bs, bt, pes, pet, po] = rowBuffers(e, V * (f64 ? 8 : 4));
  const ps = rowAddress(e, f64, s, o, V, bs);
  const pt = rowAddress(e, f64, t, o, V, bt);
  const fn = f64 ? e.logitsRowForwardF64 : e.logitsRowForwardF32;
  const total = fn(V, ps, pt, pes, pet, k, out === null ? 0 : po, scale);
  if (out !== null) out.set(view(e, f64, po, V), o);
  return total;
}

/** @internal Gradients of one contiguous row; returns the row's loss sum. */
export function wasmLogitsRowBackward(
  e: LogitsExports,
  f64: boolean,
  V: number,
  k: number,
  s: TensorData,
  t: TensorData,
  o: number,
  g: TensorData,
  perElement: boolean,
  coef: number,
  gs: FloatArray,
  gt: FloatArray | null,
): number {
  const [bs, bt, pg, b1, b2] = rowBuffers(e, V * (f64 ? 8 : 4));
  const ps = rowAddress(e, f64, s, o, V, bs);
  const pt = rowAddress(e, f64, t, o, V, bt);
  view(e, f64, pg, perElement ? V : 1).set(perElement ? g.subarray(o, o + V) : g.subarray(0, 1));
  // gradients that are wasmArrays (the `out` option) are written in place
  const d1 = inPlace(e, f64, gs, o);
  const d2 = gt === null ? -1 : inPlace(e, f64, gt, o);
  const fn = f64 ? e.logitsRowBackwardF64 : e.logitsRowBackwardF32;
  // without the teacher's gradient the kernel skips that arithmetic (b2: scratch for p)
  const total = fn(
    V,
    ps,
    pt,
    k,
    pg,
    perElement ? 1 : 0,
    coef,
    d1 >= 0 ? d1 : b1,
    d2 >= 0 ? d2 : b2,
    gt !== null,
  );
  if (d1 < 0) gs.set(view(e, f64, b1, V), o);
  if (d2 < 0) gt?.set(view(e, f64, b2, V), o);
  return total;
}

/**
 * @internal The fused log-softmax + KL row kernels of one call, for rows `[o, o + V)` along the
 * last dim: `forward` returns a row's loss (writing `l * scale` to `out` when given),
 * `backward` a row's loss while writing its gradients (see kernels/js/softmax-kl.ts for the
 * formula both backends implement).
 */
export interface LogitsRowKernels {
  forward(
    f64: boolean,
    V: number,
    k: number,
    s: TensorData,
    t: TensorData,
    o: number,
    out: FloatArray | null,
    scale: number,
  ): number;
  backward(
    f64: boolean,
    V: number,
    k: number,
    s: TensorData,
    t: TensorData,
    o: number,
    g: TensorData,
    perElement: boolean,
    coef: number,
    gs: FloatArray,
    gt: FloatArray | null,
  ): number;
}

/**
 * @internal The WebAssembly row kernels for a call on logits `s`, `t` (`outputs`: per-element
 * outputs or gradients are written), or undefined when the backend is not loaded.
 */
export function wasmLogitsRows(
  outputs: boolean,
  s: TensorData,
  t: TensorData,
): LogitsRowKernels | undefined {
  const e = logitsExports(outputs, s, t);
  if (e === undefined) return undefined;
  return {
    forward: (f64, V, k, s, t, o, out, scale) =>
      wasmLogitsRowForward(e, f64, V, k, s, t, o, out, scale),
    backward: (f64, V, k, s, t, o, g, perElement, coef, gs, gt) =>
      wasmLogitsRowBackward(e, f64, V, k, s, t, o, g, perElement, coef, gs, gt),
  };
}
