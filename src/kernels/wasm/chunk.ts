/**
 * One chunk of a contiguous KL job through the WebAssembly kernels: copy the chunk's inputs
 * into the instance's scratch buffers, run the kernel, copy outputs back, return the partial
 * sum. `runKernel` also runs stringified inside worker threads, so it must stay
 * self-contained: no imports, no outer variables, no nested named functions.
 *
 * @module
 */

/** The exports of wasm/kl-div.ts. */
export interface WasmExports {
  memory: WebAssembly.Memory;
  klSumF32(n: number, px: number, py: number, logTarget: boolean): number;
  klSumF64(n: number, px: number, py: number, logTarget: boolean): number;
  klSumChunksF32(
    n: number,
    chunk: number,
    px: number,
    py: number,
    logTarget: boolean,
    pSums: number,
  ): void;
  klSumChunksF64(
    n: number,
    chunk: number,
    px: number,
    py: number,
    logTarget: boolean,
    pSums: number,
  ): void;
  klPointwiseF32(
    n: number,
    px: number,
    py: number,
    po: number,
    logTarget: boolean,
    divisor: number,
  ): void;
  klPointwiseF64(
    n: number,
    px: number,
    py: number,
    po: number,
    logTarget: boolean,
    divisor: number,
  ): void;
  klBackwardF32(
    n: number,
    pg: number,
    gStride: number,
    px: number,
    py: number,
    pgx: number,
    pgy: number,
    logTarget: boolean,
    divisor: number,
  ): number;
  klBackwardF64(
    n: number,
    pg: number,
    gStride: number,
    px: number,
    py: number,
    pgx: number,
    pgy: number,
    logTarget: boolean,
    divisor: number,
  ): number;
}

/** Bytes of each scratch buffer: a chunk is this many bytes of one operand. */
export const CHUNK_BYTES = 32768;

/**
 * Chunks per round of a job whose operands all live in the shared memory (2 MiB of each float32
 * operand): their sums fit a scratch buffer, and one kernel call or worker hand-off serves them.
 */
export const ROUND_CHUNKS = 256;

/**
 * An instance with five scratch buffers of {@link CHUNK_BYTES} each in its memory: inputs
 * `px`, `py`, upstream gradient `pg`, outputs `p1` (loss or gradInput) and `p2` (gradTarget).
 */
export interface Scratch {
  exports: WasmExports;
  px: number;
  py: number;
  pg: number;
  p1: number;
  p2: number;
}

/** Grows an instance's memory by the scratch it needs and returns the layout. */
export function makeScratch(exports: WasmExports): Scratch {
  const pages = Math.ceil((5 * CHUNK_BYTES) / 65536);
  const px = exports.memory.grow(pages) * 65536;
  return {
    exports,
    px,
    py: px + CHUNK_BYTES,
    pg: px + 2 * CHUNK_BYTES,
    p1: px + 3 * CHUNK_BYTES,
    p2: px + 4 * CHUNK_BYTES,
  };
}

/** What a job computes; arrays are any same-dtype typed arrays (user data or shared slots). */
export interface ChunkJob {
  kind: 0 | 1 | 2; // 0 sum, 1 pointwise, 2 backward
  f64: boolean;
  logTarget: boolean;
  divisor: number;
}

/** Typed arrays a chunk reads (`set` converts between them) or writes. */
type FloatArray = Float32Array | Float64Array;
type AnyArray = Float32Array | Float64Array | Int32Array;

/**
 * Runs the job's kernel on `count` elements already in the instance's memory: inputs at `px`,
 * `py`, `pg` (`gStride` 0: one scalar), outputs at `p1` (loss or gradInput) and `p2`
 * (gradTarget). Returns the loss sum for sum and backward jobs, else 0. Worker threads run it stringified, on
 * slots of the shared memory, so it must stay self-contained like everything in this file.
 */
export function runKernel(
  e: WasmExports,
  job: ChunkJob,
  count: number,
  px: number,
  py: number,
  pg: number,
  gStride: number,
  p1: number,
  p2: number,
): number {
  if (job.kind === 0) {
    return job.f64
      ? e.klSumF64(count, px, py, job.logTarget)
      : e.klSumF32(count, px, py, job.logTarget);
  }
  if (job.kind === 1) {
    if (job.f64) e.klPointwiseF64(count, px, py, p1, job.logTarget, job.divisor);
    else e.klPointwiseF32(count, px, py, p1, job.logTarget, job.divisor);
    return 0;
  }
  return job.f64
    ? e.klBackwardF64(count, pg, gStride, px, py, p1, p2, job.logTarget, job.divisor)
    : e.klBackwardF32(count, pg, gStride, px, py, p1, p2, job.logTarget, job.divisor);
}

/** A view of `n` elements of the job's dtype at byte `p` of a buffer. */
export function floatView(f64: boolean, buffer: ArrayBufferLike, p: number, n: number): FloatArray {
  return f64 ? new Float64Array(buffer, p, n) : new Float32Array(buffer, p, n);
}

/**
 * Byte addresses, in the shared memory, of a job's operands at the job's element 0: where an
 * input is a view of that memory (`wasmArray`) the kernels read it in place, where an output is
 * one they write it in place; -1 where it is copied in or out.
 */
export interface Direct {
  x: number;
  y: number;
  g: number;
  out1: number;
  out2: number;
}

/** The addresses of `d` moved to the job's element `start` (-1 stays -1). */
export function directAt(d: Direct, f64: boolean, start: number): Direct {
  const at = (base: number) => (base < 0 ? -1 : base + start * (f64 ? 8 : 4));
  return { x: at(d.x), y: at(d.y), g: at(d.g), out1: at(d.out1), out2: at(d.out2) };
}

/**
 * Runs `count` elements (at most one chunk) of a job on the calling thread: inputs copied from
 * `x[xStart..]`, `y[yStart..]` and `g[gStart..]` into the scratch buffers, outputs copied to
 * `out1[outStart..]` (loss or gradInput) and `out2[outStart..]` (gradTarget); operands with a
 * byte address in `d` (`Direct` at this chunk, -1: copy) are read or written in place there.
 * Returns the chunk's loss sum for sum and backward jobs, else 0.
 */
export function runChunk(
  s: Scratch,
  job: ChunkJob,
  count: number,
  x: FloatArray,
  xStart: number,
  y: FloatArray,
  yStart: number,
  g: AnyArray | null,
  gStride: number,
  gStart: number,
  out1: FloatArray | null,
  out2: FloatArray | null,
  outStart: number,
  d: Direct,
): number {
  const buffer = s.exports.memory.buffer;
  let { px, py, pg, p1, p2 } = s;
  if (d.x >= 0) px = d.x;
  else floatView(job.f64, buffer, px, count).set(x.subarray(xStart, xStart + count));
  if (d.y >= 0) py = d.y;
  else floatView(job.f64, buffer, py, count).set(y.subarray(yStart, yStart + count));
  if (d.g >= 0) pg = d.g;
  else if (job.kind === 2) {
    const gCount = gStride === 0 ? 1 : count;
    floatView(job.f64, buffer, pg, gCount).set((g as AnyArray).subarray(gStart, gStart + gCount));
  }
  if (d.out1 >= 0) p1 = d.out1;
  if (d.out2 >= 0) p2 = d.out2;
  const result = runKernel(s.exports, job, count, px, py, pg, gStride, p1, p2);
  if (job.kind >= 1 && d.out1 < 0) {
    (out1 as FloatArray).set(floatView(job.f64, buffer, p1, count), outStart);
  }
  if (job.kind === 2 && d.out2 < 0) {
    (out2 as FloatArray).set(floatView(job.f64, buffer, p2, count), outStart);
  }
  return result;
}
