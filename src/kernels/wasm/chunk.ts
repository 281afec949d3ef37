/**
 * One chunk of a contiguous KL job through the WebAssembly kernels: copy the chunk's inputs
 * into the instance's scratch buffers, run the kernel, copy outputs back, return the partial
 * sum. `runKernel` also runs stringified inside worker threads, so it must stay
 * self-contained: no imports, no outer variables, no nested named functions.
 *
 * @module
 */

import { allocate } from './allocator.js';

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
    gradTarget: boolean,
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
    gradTarget: boolean,
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

/** Allocates the scratch an instance needs in its memory (allocator.ts) and returns the layout. */
export function makeScratch(exports: WasmExports): Scratch {
  const px = allocate(exports.memory, 5 * CHUNK_BYTES);
  return {
    exports,
    px,
    py: px + CHUNK_BYTES,
    pg: px + 2 * CHUNK_BYTES,
    p1: px + 3 * CHUNK_BYTES,
    p2: px + 4 * CHUNK_BYTES,
  };
}

/**
 * What a job computes: `Backward` both gradients, `BackwardInput` the input's only (a target
 * that is data); the kinds from `Backward` on read an upstream gradient. Numbers, because they cross into workers in an Int32 slot header; the worker
 * is given this object too (threads/worker.ts), so both sides name the same values.
 */
export const JobKind = { Sum: 0, Pointwise: 1, Backward: 2, BackwardInput: 3 } as const;
/** One of {@link JobKind}'s values. */
export type JobKind = (typeof JobKind)[keyof typeof JobKind];

/** What each chunk's kernel call needs to know besides the operands. */
export interface ChunkJob {
  kind: JobKind;
  f64: boolean;
  logTarget: boolean;
  divisor: number;
}

/** Typed arrays a chunk reads (`set` converts between them) or writes. */
type FloatArray = Float32Array | Float64Array;
type AnyArray = Float32Array | Float64Array | Int32Array;

/**
 * One operand of a job: its elements from `array[offset]` on, and `address`, the byte address of
 * that element in the shared memory where the array is a view of it (a `wasmArray`: the kernels
 * read or write it in place), else -1 (copied in or out).
 */
export interface Operand<A extends AnyArray = FloatArray> {
  array: A;
  offset: number;
  address: number;
}

/**
 * A contiguous job of `n` elements, from the backend entry (kernels.ts) through scheduling to
 * the kernels: inputs `x`, `y`, the upstream gradient `g` (backward; `gStride` 0: one scalar),
 * and the outputs: `loss` (pointwise) or `gradInput` (backward) in `out1`, `gradTarget`
 * (backward) in `out2`.
 */
export interface Job extends ChunkJob {
  n: number;
  x: Operand;
  y: Operand;
  g: Operand<AnyArray> | null;
  gStride: number;
  out1: Operand | null;
  out2: Operand | null;
}

/**
 * Runs the job's kernel on `count` elements already in the instance's memory: inputs at `px`,
 * `py`, `pg` (`gStride` 0: one scalar), outputs at `p1` (loss or gradInput) and `p2`
 * (gradTarget; unused by `BackwardInput`). Returns the loss sum for sum and backward jobs, else 0. Worker threads run it
 * stringified, on slots of the shared memory, so it must stay self-contained like everything in
 * this file: the kinds are passed in (`K`, {@link JobKind}) rather than read from the module.
 */
export function runKernel(
  e: WasmExports,
  K: typeof JobKind,
  job: ChunkJob,
  count: number,
  px: number,
  py: number,
  pg: number,
  gStride: number,
  p1: number,
  p2: number,
): number {
  if (job.kind === K.Sum) {
    return job.f64
      ? e.klSumF64(count, px, py, job.logTarget)
      : e.klSumF32(count, px, py, job.logTarget);
  }
  if (job.kind === K.Pointwise) {
    if (job.f64) e.klPointwiseF64(count, px, py, p1, job.logTarget, job.divisor);
    else e.klPointwiseF32(count, px, py, p1, job.logTarget, job.divisor);
    return 0;
  }
  // BackwardInput: the same kernel without the target's gradient (nothing written at p2)
  const both = job.kind === K.Backward;
  return job.f64
    ? e.klBackwardF64(count, pg, gStride, px, py, p1, p2, job.logTarget, job.divisor, both)
    : e.klBackwardF32(count, pg, gStride, px, py, p1, p2, job.logTarget, job.divisor, both);
}

/** A view of `n` elements of the job's dtype at byte `p` of a buffer. */
export function floatView(f64: boolean, buffer: ArrayBufferLike, p: number, n: number): FloatArray {
  return f64 ? new Float64Array(buffer, p, n) : new Float32Array(buffer, p, n);
}

/**
 * Byte addresses, in the shared memory, of a job's operands at one element: where the operand
 * is read or written in place; -1 where it is copied in or out.
 */
export interface Addresses {
  x: number;
  y: number;
  g: number;
  out1: number;
  out2: number;
}

/** The addresses of the job's operands at its element `start` (-1 stays -1). */
export function addressesAt(job: Job, start: number): Addresses {
  const bpe = job.f64 ? 8 : 4;
  const at = (o: Operand<AnyArray> | null) =>
    o === null || o.address < 0 ? -1 : o.address + start * bpe;
  return { x: at(job.x), y: at(job.y), g: at(job.g), out1: at(job.out1), out2: at(job.out2) };
}

/** Whether the job's operands all live in the shared memory (a scalar upstream gradient aside). */
export function allInPlace(job: Job): boolean {
  const d = addressesAt(job, 0);
  return (
    d.x >= 0 &&
    d.y >= 0 &&
    (job.kind === JobKind.Sum || d.out1 >= 0) &&
    (job.kind !== JobKind.Backward || d.out2 >= 0) &&
    (job.kind < JobKind.Backward || job.gStride === 0 || d.g >= 0)
  );
}

/**
 * Runs elements `[start, start + count)` (at most one chunk) of a job on the calling thread:
 * inputs copied into the scratch buffers, outputs copied out, save operands with a shared-memory
 * address, read or written in place. Returns the chunk's loss sum for sum and backward jobs,
 * else 0.
 */
export function runChunk(s: Scratch, job: Job, start: number, count: number): number {
  const buffer = s.exports.memory.buffer;
  const d = addressesAt(job, start);
  const { x, y, g, out1, out2 } = job;
  let { px, py, pg, p1, p2 } = s;
  if (d.x >= 0) px = d.x;
  else
    floatView(job.f64, buffer, px, count).set(
      x.array.subarray(x.offset + start, x.offset + start + count),
    );
  if (d.y >= 0) py = d.y;
  else
    floatView(job.f64, buffer, py, count).set(
      y.array.subarray(y.offset + start, y.offset + start + count),
    );
  if (d.g >= 0) pg = d.g;
  else if (job.kind >= JobKind.Backward && g !== null) {
    const gCount = job.gStride === 0 ? 1 : count;
    const gStart = g.offset + (job.gStride === 0 ? 0 : start);
    floatView(job.f64, buffer, pg, gCount).set(g.array.subarray(gStart, gStart + gCount));
  }
  if (d.out1 >= 0) p1 = d.out1;
  if (d.out2 >= 0) p2 = d.out2;
  const result = runKernel(s.exports, JobKind, job, count, px, py, pg, job.gStride, p1, p2);
  if (job.kind !== JobKind.Sum && d.out1 < 0 && out1 !== null) {
    out1.array.set(floatView(job.f64, buffer, p1, count), out1.offset + start);
  }
  if (job.kind === JobKind.Backward && d.out2 < 0 && out2 !== null) {
    out2.array.set(floatView(job.f64, buffer, p2, count), out2.offset + start);
  }
  return result;
}
