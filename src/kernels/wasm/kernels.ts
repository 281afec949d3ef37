/**
 * The WebAssembly backend: the JS kernel signatures, served by the SIMD kernels for contiguous
 * runs (the common case: same-shape tensors coalesce into one run) and by the JS kernels for
 * strided or short runs. Large jobs are split over worker threads (see threads/pool.ts).
 *
 * @module
 */

import type { TensorData } from '../../tensor/dtype.js';
import { klBackward, klPointwise, klSum, roundsTargetTerm } from '../js/kl-div.js';
import { threadsFor } from '../runtime.js';
import { ensureWorkers } from '../threads/pool.js';
import { runInPlace, runParallel } from '../threads/schedule.js';
import {
  addressesAt,
  allInPlace,
  CHUNK_BYTES,
  type Job,
  JobKind,
  type Operand,
  ROUND_CHUNKS,
  runChunk,
  type Scratch,
} from './chunk.js';
import { wasmAddress } from './heap.js';
import { sharedWasm, wasmScratch } from './instance.js';

type FloatArray = Float32Array | Float64Array;

/** Runs shorter than this stay in JS: copying into WebAssembly memory would cost more. */
const MIN_WASM = 64;

function isFloat(a: TensorData): a is FloatArray {
  return !(a instanceof Int32Array);
}

/** An operand `array[offset..]`, with its shared-memory address when it has one. */
function operand(array: FloatArray, offset: number, f64: boolean): Operand {
  return { array, offset, address: wasmAddress(array, f64, offset) };
}

/**
 * Runs a contiguous job over chunks: on worker threads when the thread count says so
 * (threads/schedule.ts), else on this thread. Returns the loss sum (sum and backward jobs).
 */
function runJob(job: Job): number {
  const shared = sharedWasm();
  const d = addressesAt(job, 0);
  const inPlace = Object.values(d).some((a) => a >= 0);
  // sums that copy: the unshared memory takes copies in faster; outputs come out of the shared
  // one faster (instance.ts)
  const local =
    shared !== undefined && (inPlace || job.kind !== JobKind.Sum) ? shared.scratch : wasmScratch()!;
  const chunk = CHUNK_BYTES / (job.f64 ? 8 : 4);
  const chunks = Math.ceil(job.n / chunk);
  const partials = new Float64Array(chunks);
  const threads = threadsFor(job.n);
  const workers = shared !== undefined && threads > 1 ? ensureWorkers(threads - 1, shared) : 0;
  const everyInPlace = allInPlace(job);
  if (workers > 0 && everyInPlace) runInPlace(local, job, workers, partials);
  else if (workers > 0) runParallel(local, job, workers, partials);
  else if (everyInPlace && job.kind === JobKind.Sum) sumInPlace(local, job, partials);
  else {
    for (let c = 0; c < chunks; c++) {
      const start = c * chunk;
      partials[c] = runChunk(local, job, start, Math.min(chunk, job.n - start));
    }
  }
  let total = 0;
  for (let c = 0; c < chunks; c++) total += partials[c];
  return total;
}

/**
 * A sum whose inputs both live in the shared memory, on this thread: the sums of
 * {@link ROUND_CHUNKS} chunks per kernel call (into the scratch's output buffer), the same chunks
 * as chunk-by-chunk calls, so the same bits.
 */
function sumInPlace(s: Scratch, job: Job, partials: Float64Array) {
  const { n } = job;
  const bytes = job.f64 ? 8 : 4;
  const chunk = CHUNK_BYTES / bytes;
  const span = chunk * ROUND_CHUNKS;
  const kernel = job.f64 ? s.exports.klSumChunksF64 : s.exports.klSumChunksF32;
  for (let start = 0; start < n; start += span) {
    const count = Math.min(span, n - start);
    const d = addressesAt(job, start);
    kernel(count, chunk, d.x, d.y, job.logTarget, s.p1);
    const sums = new Float64Array(s.exports.memory.buffer, s.p1, Math.ceil(count / chunk));
    partials.set(sums, start / chunk);
  }
}

/**
 * Whether a contiguous run can take the SIMD kernels: long enough, floating, and not a float32
 * target in a float64 result, whose own term PyTorch rounds to float32 (the JS kernels do that;
 * the WebAssembly ones compute one dtype throughout), so every backend gives those bits.
 */
const usable = (n: number, x: TensorData, y: TensorData) =>
  n >= MIN_WASM &&
  isFloat(x) &&
  isFloat(y) &&
  !roundsTargetTerm(x, y) &&
  wasmScratch() !== undefined;
const isF64 = (x: TensorData, y: TensorData) =>
  x instanceof Float64Array || y instanceof Float64Array;

/** See `klPointwise` in kernels/js/kl-div.ts. */
export const wasmPointwise: typeof klPointwise = (
  N,
  logTarget,
  divisor,
  x,
  sx,
  ox,
  y,
  sy,
  oy,
  out,
  so,
  oo,
) => {
  if (!usable(N, x, y) || sx !== 1 || sy !== 1 || so !== 1) {
    klPointwise(N, logTarget, divisor, x, sx, ox, y, sy, oy, out, so, oo);
    return;
  }
  const f64 = out instanceof Float64Array;
  runJob({
    kind: JobKind.Pointwise,
    f64,
    logTarget,
    divisor,
    n: N,
    x: operand(x as FloatArray, ox, f64),
    y: operand(y as FloatArray, oy, f64),
    g: null,
    gStride: 0,
    out1: operand(out, oo, f64),
    out2: null,
  });
};

/** See `klSum` in kernels/js/kl-div.ts. */
export const wasmSum: typeof klSum = (N, logTarget, x, sx, ox, y, sy, oy) => {
  if (!usable(N, x, y) || sx !== 1 || sy !== 1) return klSum(N, logTarget, x, sx, ox, y, sy, oy);
  const f64 = isF64(x, y);
  return runJob({
    kind: JobKind.Sum,
    f64,
    logTarget,
    divisor: 1,
    n: N,
    x: operand(x as FloatArray, ox, f64),
    y: operand(y as FloatArray, oy, f64),
    g: null,
    gStride: 0,
    out1: null,
    out2: null,
  });
};

/** See `klBackward` in kernels/js/kl-div.ts; needs `overwrite` (each gradient written once). */
export const wasmBackward: typeof klBackward = (...args) => {
  const [
    N,
    logTarget,
    divisor,
    g,
    sg,
    og,
    x,
    sx,
    ox,
    y,
    sy,
    oy,
    gx,
    sgx,
    ogx,
    gy,
    sgy,
    ogy,
    overwrite,
  ] = args;
  // a null gy (no target gradient): the input-only kernel, which computes none
  const contiguous = sx === 1 && sy === 1 && sgx === 1 && sgy === 1 && (sg === 0 || sg === 1);
  if (!overwrite || !contiguous || !usable(N, x, y) || ogx !== ogy) return klBackward(...args);
  const f64 = isF64(x, y);
  return runJob({
    kind: gy === null ? JobKind.BackwardInput : JobKind.Backward,
    f64,
    logTarget,
    divisor,
    n: N,
    x: operand(x as FloatArray, ox, f64),
    y: operand(y as FloatArray, oy, f64),
    // a scalar upstream gradient is copied (one element), never read in place
    g: { array: g, offset: og, address: sg === 1 ? wasmAddress(g, f64, og) : -1 },
    gStride: sg,
    out1: operand(gx as FloatArray, ogx, f64),
    out2: gy === null ? null : operand(gy, ogy, f64),
  });
};
