/**
 * Scheduling a contiguous job over worker threads plus the calling thread (the caller runs
 * single-threaded jobs itself: wasm/kernels.ts). Two strategies:
 * - {@link runParallel}: the caller copies a chunk into a free slot of a worker's ring and marks
 *   it ready; the worker runs the kernel on the slot and marks it done; the caller copies the
 *   outputs out. Whenever no slot is free the caller computes the next chunk itself, so the
 *   split balances itself.
 * - {@link runInPlace}: every operand lives in the shared memory (`wasmArray`s), so no slots are
 *   needed: each worker is handed the job once and every thread takes chunks from a shared
 *   counter.
 * Sums are kept per chunk and added in chunk order: results never depend on the thread count.
 *
 * @module
 */

import {
  type Addresses,
  addressesAt,
  type ChunkJob,
  floatView,
  type Job,
  JobKind,
  ROUND_CHUNKS,
  runChunk,
  runKernel,
  type Scratch,
} from '../wasm/chunk.js';
import { activeRings, awaitTask, type Ring, threadStats } from './pool.js';
import { SLOT } from './slots.js';

const {
  i32: I,
  f64: F,
  state: S,
  slots: SLOTS,
  slotBytes: SLOT_BYTES,
  chunkBytes: CHUNK_BYTES,
} = SLOT;

/**
 * Posts a task to the ring's next slot (which must be free): `count` elements of `job` at the
 * addresses `d` (-1: the operand is in the slot), or, with `shared`, a task that takes its
 * chunks from the counter at `shared.counter` after its reserved chunk (see slots.ts).
 */
function postTask(
  ring: Ring,
  job: ChunkJob,
  count: number,
  gStride: number,
  d: Addresses,
  shared?: { reserved: number; counter: number; sums: number },
): void {
  const slot = ring.next;
  const h = ring.header[slot];
  new Float64Array(ring.memory.buffer, ring.base + slot * SLOT_BYTES, SLOT.headerBytes / 8)[
    F.divisor
  ] = job.divisor;
  h[I.count] = count;
  h[I.gStride] = gStride;
  h[I.kind] = job.kind;
  h[I.f64] = job.f64 ? 1 : 0;
  h[I.logTarget] = job.logTarget ? 1 : 0;
  h[I.px] = d.x;
  h[I.py] = d.y;
  h[I.pg] = d.g;
  h[I.p1] = d.out1;
  h[I.p2] = d.out2;
  h[I.mode] = shared === undefined ? 0 : shared.reserved + 1;
  if (shared !== undefined) {
    h[I.counter] = shared.counter;
    h[I.sums] = shared.sums;
  }
  ring.next = (slot + 1) % SLOTS;
  Atomics.store(h, I.state, S.ready);
  Atomics.notify(h, I.state);
}

/**
 * @internal Runs a job whose operands all live in the shared memory (save a scalar upstream
 * gradient, which is copied) on `workers` worker rings plus the calling thread, without
 * hand-offs per chunk: each worker is given the job once and every thread takes the next chunk
 * from a shared counter until none is left, so the work balances itself chunk by chunk. Each
 * worker first computes one of the last chunks, reserved for it, so every worker takes part
 * however late it wakes. Chunk sums land in `partials` as with {@link runParallel}: the same
 * chunks, so the same bits.
 */
export function runInPlace(local: Scratch, job: Job, workers: number, partials: Float64Array) {
  const { n, gStride, g } = job;
  const bytes = job.f64 ? 8 : 4;
  const chunk = CHUNK_BYTES / bytes;
  const chunks = Math.ceil(n / chunk);
  const e = local.exports;
  // a scalar upstream gradient is copied once, into the scratch, where every thread reads it
  if (job.kind >= JobKind.Backward && gStride === 0 && g !== null) {
    floatView(job.f64, e.memory.buffer, local.pg, 1).set(g.array.subarray(g.offset, g.offset + 1));
  }
  for (let first = 0; first < chunks; first += ROUND_CHUNKS) {
    const count = Math.min(ROUND_CHUNKS, chunks - first);
    const size = Math.min(count * chunk, n - first * chunk);
    const d = addressesAt(job, first * chunk);
    const active = activeRings().slice(0, Math.min(workers, count - 1));
    const limit = count - active.length;
    const counter = new Int32Array(e.memory.buffer, local.px, 2);
    counter[0] = 0;
    counter[1] = limit;
    const task = gStride === 0 ? { ...d, g: local.pg } : d;
    active.forEach((ring, w) => {
      postTask(ring, job, size, gStride, task, {
        reserved: limit + w,
        counter: local.px,
        sums: local.p1,
      });
    });
    const sums = new Float64Array(e.memory.buffer, local.p1, count);
    let mine = 0;
    for (let c = Atomics.add(counter, 0, 1); c < limit; c = Atomics.add(counter, 0, 1)) {
      const at = c * CHUNK_BYTES;
      sums[c] = runKernel(
        e,
        JobKind,
        job,
        Math.min(chunk, size - c * chunk),
        d.x + at,
        d.y + at,
        gStride === 0 ? task.g : task.g + at,
        gStride,
        d.out1 + at,
        d.out2 + at,
      );
      mine++;
    }
    for (const ring of active) {
      const h = ring.header[(ring.next + SLOTS - 1) % SLOTS];
      awaitTask(h);
      Atomics.store(h, I.state, S.free);
    }
    threadStats.workerChunks += count - mine;
    partials.set(sums, first);
  }
}

/**
 * @internal Runs a contiguous job chunk by chunk on `workers` (at least 1) worker rings plus the
 * calling thread; each chunk's loss sum (sum and backward jobs) lands in `partials` at its
 * index.
 */
export function runParallel(local: Scratch, job: Job, workers: number, partials: Float64Array) {
  const { n, gStride, x, y, g, out1, out2 } = job;
  const bpe = job.f64 ? 8 : 4;
  const chunk = CHUNK_BYTES / bpe;
  const chunks = Math.ceil(n / chunk);
  const active = activeRings().slice(0, workers);
  // the slot's buffer `k` (x, y, g, out1, out2) of `count` elements
  const slotView = (ring: Ring, slot: number, k: number, count: number) =>
    floatView(
      job.f64,
      ring.memory.buffer,
      ring.base + slot * SLOT_BYTES + SLOT.headerBytes + k * CHUNK_BYTES,
      count,
    );
  const collect = (ring: Ring, slot: number) => {
    const h = ring.header[slot];
    const p = ring.pending[slot];
    if (p === undefined) return;
    awaitTask(h);
    if (job.kind !== JobKind.Pointwise) {
      partials[p.chunk] = new Float64Array(
        ring.memory.buffer,
        ring.base + slot * SLOT_BYTES,
        SLOT.headerBytes / 8,
      )[F.result];
    }
    if (job.kind !== JobKind.Sum && !p.direct1 && out1 !== null) {
      out1.array.set(slotView(ring, slot, 3, p.count), out1.offset + p.outStart);
    }
    if (job.kind === JobKind.Backward && !p.direct2 && out2 !== null) {
      out2.array.set(slotView(ring, slot, 4, p.count), out2.offset + p.outStart);
    }
    ring.pending[slot] = undefined;
    threadStats.workerChunks++;
    Atomics.store(h, I.state, S.free);
  };
  const tryDispatch = (c: number): boolean => {
    for (const ring of active) {
      const slot = ring.next;
      const h = ring.header[slot];
      const state = Atomics.load(h, I.state);
      if (state === S.ready) continue;
      if (state === S.done || state === S.failed) collect(ring, slot);
      const start = c * chunk;
      const count = Math.min(chunk, n - start);
      const d = addressesAt(job, start);
      if (d.x < 0) {
        slotView(ring, slot, 0, count).set(
          x.array.subarray(x.offset + start, x.offset + start + count),
        );
      }
      if (d.y < 0) {
        slotView(ring, slot, 1, count).set(
          y.array.subarray(y.offset + start, y.offset + start + count),
        );
      }
      if (d.g < 0 && job.kind >= JobKind.Backward && g !== null) {
        const gCount = gStride === 0 ? 1 : count;
        const gStart = g.offset + (gStride === 0 ? 0 : start);
        slotView(ring, slot, 2, gCount).set(g.array.subarray(gStart, gStart + gCount));
      }
      ring.pending[slot] = {
        chunk: c,
        count,
        outStart: start,
        direct1: d.out1 >= 0,
        direct2: d.out2 >= 0,
      };
      postTask(ring, job, count, gStride, d);
      return true;
    }
    return false;
  };
  try {
    for (let c = 0; c < chunks; c++) {
      if (tryDispatch(c)) continue;
      const start = c * chunk;
      partials[c] = runChunk(local, job, start, Math.min(chunk, n - start));
    }
  } finally {
    for (const ring of active) for (let s = 0; s < SLOTS; s++) collect(ring, s);
  }
}
