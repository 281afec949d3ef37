/**
 * The WebAssembly backend: the JS kernel signatures, served by the SIMD kernels for contiguous
 * runs (the common case: same-shape tensors coalesce into one run) and by the JS kernels for
 * strided or short runs. Large jobs are split over worker threads (see threads/pool.ts).
 *
 * @module
 */

import type { TensorData } from '../../tensor/dtype.js';
import { klBackward, klPointwise, klSum, roundsTargetTerm } from '../js/kl-div.js';
import { ensureWorkers, runInPlace, runParallel } from '../threads/pool.js';
import { CHUNK_BYTES, type ChunkJob, type Direct, ROUND_CHUNKS, type Scratch } from './chunk.js';
import { wasmAddress } from './heap.js';
import { sharedWasm, wasmScratch } from './instance.js';

type FloatArray = Float32Array | Float64Array;

/** Runs shorter than this stay in JS: copying into WebAssembly memory would cost more. */
const MIN_WASM = 64;

/** @internal Thread policy, set by dispatch.ts: threads to use for a job of `n` elements. */
export const threadPolicy = { threads: (_n: number): number => 1 };

function isFloat(a: TensorData): a is FloatArray {
  return !(a instanceof Int32Array);
}

/** Runs a contiguous job over chunks, on worker threads when the policy says so. */
function runJob(
  job: ChunkJob,
  n: number,
  x: FloatArray,
  ox: number,
  y: FloatArray,
  oy: number,
  g: TensorData | null,
  gStride: number,
  og: number,
  out1: FloatArray | null,
  out2: FloatArray | null,
  oo: number,
): number {
  const shared = sharedWasm();
  // operands in the shared memory (wasmArray) are read or written in place; a scalar upstream
  // gradient is copied (one element)
  const direct: Direct = {
    x: wasmAddress(x, job.f64, ox),
    y: wasmAddress(y, job.f64, oy),
    g: g !== null && gStride === 1 ? wasmAddress(g, job.f64, og) : -1,
    out1: out1 === null ? -1 : wasmAddress(out1, job.f64, oo),
    out2: out2 === null ? -1 : wasmAddress(out2, job.f64, oo),
  };
  const inPlace = Object.values(direct).some((a) => a >= 0);
  // sums that copy: the unshared memory takes copies in faster; outputs come out of the shared
  // one faster (instance.ts)
  const local =
    shared !== undefined && (inPlace || job.kind !== 0) ? shared.scratch : wasmScratch()!;
  const chunk = CHUNK_BYTES / (job.f64 ? 8 : 4);
  const chunks = Math.ceil(n / chunk);
  const partials = new Float64Array(chunks);
  const threads = threadPolicy.threads(n);
  // with no worker rings, every chunk is computed on this thread
  const workers = shared !== undefined && threads > 1 ? ensureWorkers(threads - 1, shared) : 0;
  // every operand in the shared memory (a scalar upstream gradient is copied once)
  const allInPlace =
    direct.x >= 0 &&
    direct.y >= 0 &&
    (job.kind === 0 || direct.out1 >= 0) &&
    (job.kind < 2 || (direct.out2 >= 0 && (gStride === 0 || direct.g >= 0)));
  if (allInPlace && workers > 0) {
    runInPlace(local, job, n, workers, g, gStride, og, direct, partials);
  } else if (allInPlace && job.kind === 0) {
    sumInPlace(local, job, n, direct, partials);
  } else {
    runParallel(
      local,
      job,
      n,
      workers,
      x,
      ox,
      y,
      oy,
      g,
      gStride,
      og,
      out1,
      out2,
      oo,
      direct,
      partials,
    );
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
function sumInPlace(s: Scratch, job: ChunkJob, n: number, d: Direct, partials: Float64Array) {
  const bytes = job.f64 ? 8 : 4;
  const chunk = CHUNK_BYTES / bytes;
  const span = chunk * ROUND_CHUNKS;
  const kernel = job.f64 ? s.exports.klSumChunksF64 : s.exports.klSumChunksF32;
  for (let start = 0; start < n; start += span) {
    const count = Math.min(span, n - start);
    kernel(count, chunk, d.x + start * bytes, d.y + start * bytes, job.logTarget, s.p1);
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
  const job: ChunkJob = { kind: 1, f64: out instanceof Float64Array, logTarget, divisor };
  runJob(job, N, x as FloatArray, ox, y as FloatArray, oy, null, 0, 0, out, null, oo);
};

/** See `klSum` in kernels/js/kl-div.ts. */
export const wasmSum: typeof klSum = (N, logTarget, x, sx, ox, y, sy, oy) => {
  if (!usable(N, x, y) || sx !== 1 || sy !== 1) return klSum(N, logTarget, x, sx, ox, y, sy, oy);
  const job: ChunkJob = { kind: 0, f64: isF64(x, y), logTarget, divisor: 1 };
  return runJob(job, N, x as FloatArray, ox, y as FloatArray, oy, null, 0, 0, null, null, 0);
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
  const contiguous = sx === 1 && sy === 1 && sgx === 1 && sgy === 1 && (sg === 0 || sg === 1);
  if (!overwrite || !contiguous || !usable(N, x, y) || ogx !== ogy) return klBackward(...args);
  const job: ChunkJob = { kind: 2, f64: isF64(x, y), logTarget, divisor };
  return runJob(job, N, x as FloatArray, ox, y as FloatArray, oy, g, sg, og, gx, gy, ogx);
};
