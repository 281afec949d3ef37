/**
 * Worker threads for large contiguous jobs: Node `worker_threads`, and Web Workers inside a
 * browser's cross-origin-isolated worker (a page's main thread may not block). kldiv's API is
 * synchronous, so the calling thread takes part in the work and blocks with `Atomics.wait`
 * for the rest.
 *
 * Each worker owns a ring of slots in the shared WebAssembly memory (instance.ts), which its
 * own instance of the kernels shares with the caller's. The caller copies a chunk of the job
 * into a free slot and marks it ready; the worker runs the kernel on the slot in place
 * (`runKernel`) and marks it done; the caller copies outputs out. Whenever no slot is free the
 * caller computes the next chunk itself, so the split balances itself. A job whose operands all
 * live in the shared memory (`wasmArray`s) needs no slots: each worker is handed the job once
 * and every thread takes chunks from a shared counter (`runInPlace`). Sums are kept per chunk
 * and added in chunk order: results never depend on the thread count.
 *
 * In Node, workers are created on first use, `unref()`ed (they never keep a process alive)
 * and reused. A browser worker can only be started asynchronously: `initThreads()` starts
 * them, and calls use those that exist.
 *
 * @module
 */

import { KLDivError } from '../../errors.js';
import {
  CHUNK_BYTES,
  type ChunkJob,
  type Direct,
  directAt,
  floatView,
  ROUND_CHUNKS,
  runChunk,
  runKernel,
  type Scratch,
} from '../wasm/chunk.js';
import type { SharedWasm } from '../wasm/instance.js';

type FloatArray = Float32Array | Float64Array;
type AnyArray = FloatArray | Int32Array;

const SLOTS = 4;
const HEADER = 64;
const SLOT_BYTES = HEADER + 5 * CHUNK_BYTES;
// header Int32 indices
const STATE = 0;
const COUNT = 1;
const G_STRIDE = 2;
const KIND = 3;
const F64 = 4;
const LOG_TARGET = 5;
// byte addresses of operands read or written in place (-1: in the slot); Int32 6-9 hold
// DIVISOR and RESULT
const PX = 10;
const PY = 11;
const PG = 12;
const P1 = 13;
const P2 = 14;
// header Float64 indices
const DIVISOR = 3;
const RESULT = 4;
// a task of an in-place job (every operand in the shared memory) takes its chunks from a
// shared counter: MODE is 1 + the chunk reserved for this worker (0: a one-chunk task), and
// RESULT's bytes hold the byte addresses of the counter (Int32 next chunk, then the first
// reserved chunk) and of the job's float64 chunk sums
const COUNTER = 8;
const SUMS = 9;
const MODE = 15;
// slot states
const FREE = 0;
const READY = 1;
const DONE = 2;
const FAILED = 3;
const EXIT = 4;

/** Milliseconds without any progress after which the pool is declared broken. */
const STALL_MS = 30_000;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: string, fn: (...args: unknown[]) => void): void;
}

interface Ring {
  stop(): unknown; // a promise in Node (awaited), nothing in browsers
  memory: WebAssembly.Memory;
  base: number; // byte offset of slot 0 in the memory
  header: Int32Array[];
  next: number; // next slot to fill
  pending: (PendingChunk | undefined)[];
}

interface PendingChunk {
  chunk: number;
  count: number;
  outStart: number;
  /** Outputs written in place by the worker: nothing to copy out. */
  direct1: boolean;
  direct2: boolean;
}

let rings: Ring[] = [];
/** Ring areas of terminated workers, reused by the next ones (shared memory never shrinks). */
const freeBases: number[] = [];
let broken: string | undefined;
/** @internal Chunks computed by worker threads since the process started (diagnostics, tests). */
export const threadStats = { workerChunks: 0 };

/**
 * The worker's program, stringified into the worker: self-contained (hence the literal slot
 * states: 1 ready, 2 done, 3 failed, 4 exit, and header indices: 10-14 the addresses of operands
 * read or written in place), given the module, the memory and its ring by the prelude.
 */
function workerMain(): void {
  // biome-ignore lint/suspicious/noExplicitAny: set by the worker's prelude
  const { module, memory, base, slots, slotBytes, header, chunkBytes } = (globalThis as any)
    .__kldivWorkerData;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  // biome-ignore lint/suspicious/noExplicitAny: injected beside this function
  const run = (globalThis as any).__kldivRunKernel;
  // a browser parent waits for this before it relies on the worker (Node's parent need not)
  // biome-ignore lint/suspicious/noExplicitAny: injected beside this function
  (globalThis as any).__kldivReady?.();
  const i32s: Int32Array[] = [];
  const f64s: Float64Array[] = [];
  for (let slot = 0; slot < slots; slot++) {
    i32s.push(new Int32Array(memory.buffer, base + slot * slotBytes, header / 4));
    f64s.push(new Float64Array(memory.buffer, base + slot * slotBytes, header / 8));
  }
  for (let slot = 0; ; slot = (slot + 1) % slots) {
    const i32 = i32s[slot];
    const f64 = f64s[slot];
    let state = Atomics.load(i32, 0);
    // spin first: waking a sleeping thread costs tens of microseconds, a chunk's work about ten
    for (let spin = 0; spin < 20000 && state !== 1 && state !== 4; spin++) {
      state = Atomics.load(i32, 0);
    }
    // wait on the value just read: a change between a check and the wait must wake us
    while (state !== 1 && state !== 4) {
      Atomics.wait(i32, 0, state);
      state = Atomics.load(i32, 0);
    }
    if (state === 4) return;
    try {
      const p = base + slot * slotBytes + header;
      const job = { kind: i32[3], f64: i32[4] === 1, logTarget: i32[5] === 1, divisor: f64[3] };
      if (i32[15] > 0) {
        // in place, chunks from the shared counter (header indices 8, 9, 15: see MODE)
        const n = i32[1];
        const bytes = job.f64 ? 8 : 4;
        const per = chunkBytes / bytes;
        const counter = new Int32Array(memory.buffer, i32[8], 2);
        const sums = new Float64Array(memory.buffer, i32[9], Math.ceil(n / per));
        const limit = counter[1];
        // the reserved chunk, then chunks below the reserved ones while the counter has any
        let c = i32[15] - 1;
        do {
          const at = c * per * bytes;
          sums[c] = run(
            instance.exports,
            job,
            Math.min(per, n - c * per),
            i32[10] + at,
            i32[11] + at,
            i32[2] === 0 ? i32[12] : i32[12] + at,
            i32[2],
            i32[13] + at,
            i32[14] + at,
          );
          c = Atomics.add(counter, 0, 1);
        } while (c < limit);
        Atomics.store(i32, 0, 2);
        Atomics.notify(i32, 0);
        continue;
      }
      f64[4] = run(
        instance.exports,
        job,
        i32[1],
        i32[10] >= 0 ? i32[10] : p,
        i32[11] >= 0 ? i32[11] : p + chunkBytes,
        i32[12] >= 0 ? i32[12] : p + 2 * chunkBytes,
        i32[2],
        i32[13] >= 0 ? i32[13] : p + 3 * chunkBytes,
        i32[14] >= 0 ? i32[14] : p + 4 * chunkBytes,
      );
      Atomics.store(i32, 0, 2);
    } catch {
      Atomics.store(i32, 0, 3);
    }
    Atomics.notify(i32, 0);
  }
}

function builtin<T>(name: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(name) as T | undefined;
}

/** A browser worker that may block (`Atomics.wait`) and share memory with its own workers. */
export function isolatedBrowserWorker(): boolean {
  const g = globalThis as { WorkerGlobalScope?: unknown; crossOriginIsolated?: boolean };
  return (
    typeof g.WorkerGlobalScope === 'function' &&
    globalThis instanceof (g.WorkerGlobalScope as new () => object) &&
    g.crossOriginIsolated === true &&
    typeof Worker === 'function'
  );
}

/**
 * Threads this runtime can use: cores in Node (with `process.getBuiltinModule`) and in a
 * cross-origin-isolated browser worker; 1 elsewhere (a page's main thread may not block).
 */
export function availableThreads(): number {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return 1;
  if (isolatedBrowserWorker()) return Math.max(1, navigator.hardwareConcurrency ?? 1);
  const os = builtin<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os');
  if (os === undefined || builtin('node:worker_threads') === undefined) return 1;
  return os.availableParallelism?.() ?? os.cpus().length;
}

/** A ring's area of the shared memory, its slots marked free. */
function ringArea(memory: WebAssembly.Memory): number {
  const base = freeBases.pop() ?? memory.grow(Math.ceil((SLOTS * SLOT_BYTES) / 65536)) * 65536;
  // a reused area may hold a terminated ring's states
  for (let s = 0; s < SLOTS; s++) new Int32Array(memory.buffer, base + s * SLOT_BYTES, 1)[0] = FREE;
  return base;
}

function makeRing(memory: WebAssembly.Memory, base: number, stop: Ring['stop']): Ring {
  const header = Array.from(
    { length: SLOTS },
    (_, s) => new Int32Array(memory.buffer, base + s * SLOT_BYTES, HEADER / 4),
  );
  return { stop, memory, base, header, next: 0, pending: new Array(SLOTS).fill(undefined) };
}

/** What a worker is given: the module, the memory, its ring and the layout. */
function workerData(wasm: SharedWasm, base: number) {
  return {
    module: wasm.module,
    memory: wasm.memory,
    base,
    slots: SLOTS,
    slotBytes: SLOT_BYTES,
    header: HEADER,
    chunkBytes: CHUNK_BYTES,
  };
}

// esbuild (tsx, vitest) may wrap nested functions in __name(); the shim makes that a no-op.
const WORKER_PROGRAM = `var __name = (f) => f;
globalThis.__kldivRunKernel = ${runKernel.toString()};
var __kldivMain = ${workerMain.toString()};`;

function startNodeRing(wasm: SharedWasm): Ring {
  const { Worker } = builtin<{ Worker: new (src: string, opts: object) => NodeWorker }>(
    'node:worker_threads',
  )!;
  const base = ringArea(wasm.memory);
  const source = `${WORKER_PROGRAM}
globalThis.__kldivWorkerData = require('node:worker_threads').workerData;
__kldivMain();`;
  const worker = new Worker(source, {
    eval: true,
    // not the parent's flags: `--input-type=module` (node -e) would make this CommonJS source
    // an ES module without `require`, and loaders like `--import tsx` only slow the start
    execArgv: [],
    workerData: workerData(wasm, base),
  });
  worker.unref();
  worker.on('error', (e) => {
    broken = `a kldiv worker thread failed: ${(e as Error)?.message ?? e}`;
  });
  return makeRing(wasm.memory, base, () => worker.terminate());
}

/** Starts a Web Worker on a ring; resolves once its instance exists. */
function startBrowserRing(wasm: SharedWasm): Promise<Ring> {
  const base = ringArea(wasm.memory);
  const source = `${WORKER_PROGRAM}
self.onmessage = (event) => {
  self.onmessage = null;
  globalThis.__kldivWorkerData = event.data;
  globalThis.__kldivReady = () => self.postMessage('ready');
  __kldivMain();
};`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url);
  return new Promise<Ring>((resolve, reject) => {
    worker.onmessage = () => {
      URL.revokeObjectURL(url);
      // from now on a failure disables threads, as in Node; the ring's area stays taken
      worker.onerror = (e) => {
        broken = `a kldiv worker thread failed: ${e.message}`;
      };
      resolve(makeRing(wasm.memory, base, () => worker.terminate()));
    };
    worker.onerror = (e) => {
      URL.revokeObjectURL(url);
      freeBases.push(base);
      reject(
        new KLDivError(`initThreads: a kldiv worker failed to start (${e.message}).`, {
          code: 'E_THREAD_FAILURE',
          fn: 'initThreads',
          argument: 'threads',
        }),
      );
    };
    worker.postMessage(workerData(wasm, base));
  });
}

/**
 * @internal Up to `count` worker rings, started here in Node; in a browser only those that
 * {@link startWorkers} started. Returns how many there are (0 when threads are disabled).
 */
export function ensureWorkers(count: number, wasm: SharedWasm): number {
  if (broken !== undefined) return 0;
  if (!isolatedBrowserWorker()) while (rings.length < count) rings.push(startNodeRing(wasm));
  return Math.min(count, rings.length);
}

/** @internal Starts `count` worker rings where that must be asynchronous (browsers). */
export async function startWorkers(count: number, wasm: SharedWasm): Promise<number> {
  if (!isolatedBrowserWorker()) return ensureWorkers(count, wasm);
  while (rings.length < count) rings.push(await startBrowserRing(wasm));
  return Math.min(count, rings.length);
}

/**
 * Stops every worker thread (they are recreated on demand). Workers never keep a process
 * alive, so calling this is optional; it frees their memory.
 *
 * @example
 * ```ts
 * import { terminateThreads } from 'kldiv';
 * await terminateThreads();
 * ```
 */
export async function terminateThreads(): Promise<void> {
  const old = rings;
  rings = [];
  for (const ring of old) {
    for (const h of ring.header) {
      Atomics.store(h, STATE, EXIT);
      Atomics.notify(h, STATE);
    }
  }
  await Promise.all(old.map((r) => r.stop()));
  for (const ring of old) freeBases.push(ring.base);
}

/** @internal Why threads were disabled, if a worker failed. */
export function poolFailure(): string | undefined {
  return broken;
}

function threadFailure(reason: string): KLDivError {
  return new KLDivError(
    `${reason}; worker threads are now disabled (setNumThreads(1) to silence).`,
    {
      code: 'E_THREAD_FAILURE',
      fn: 'klDiv',
      argument: 'threads',
    },
  );
}

function waitWhile(h: Int32Array, state: number): void {
  for (let spin = 0; spin < 20000; spin++) if (Atomics.load(h, STATE) !== state) return;
  const start = Date.now();
  while (Atomics.load(h, STATE) === state) {
    Atomics.wait(h, STATE, state, 1000);
    if (Date.now() - start > STALL_MS) {
      broken = 'a kldiv worker thread stopped responding';
      throw threadFailure(broken);
    }
  }
}

/** Waits until a worker is done with a slot; if it failed, disables threads and throws. */
function awaitTask(h: Int32Array): void {
  waitWhile(h, READY);
  if (Atomics.load(h, STATE) === FAILED) {
    broken = 'a kldiv worker thread failed while computing';
    throw threadFailure(broken);
  }
}

/**
 * Posts a task to the ring's next slot (which must be free): `count` elements of `job` at the
 * addresses of `d` (-1: the operand is in the slot), or, with `shared`, a task that takes its
 * chunks from the counter at `shared.counter` after its reserved chunk (see MODE).
 */
function postTask(
  ring: Ring,
  job: ChunkJob,
  count: number,
  gStride: number,
  d: Direct,
  shared?: { reserved: number; counter: number; sums: number },
): void {
  const slot = ring.next;
  const h = ring.header[slot];
  new Float64Array(ring.memory.buffer, ring.base + slot * SLOT_BYTES, HEADER / 8)[DIVISOR] =
    job.divisor;
  h[COUNT] = count;
  h[G_STRIDE] = gStride;
  h[KIND] = job.kind;
  h[F64] = job.f64 ? 1 : 0;
  h[LOG_TARGET] = job.logTarget ? 1 : 0;
  h[PX] = d.x;
  h[PY] = d.y;
  h[PG] = d.g;
  h[P1] = d.out1;
  h[P2] = d.out2;
  h[MODE] = shared === undefined ? 0 : shared.reserved + 1;
  if (shared !== undefined) {
    h[COUNTER] = shared.counter;
    h[SUMS] = shared.sums;
  }
  ring.next = (slot + 1) % SLOTS;
  Atomics.store(h, STATE, READY);
  Atomics.notify(h, STATE);
}

/**
 * @internal Runs a job whose operands all live in the shared memory (`direct` has an address for
 * every operand the job reads or writes, save a scalar upstream gradient, which is copied) on
 * `workers` worker rings plus the calling thread, without hand-offs per chunk: each worker is
 * given the job once and every thread takes the next chunk from a shared counter until none is
 * left, so the work balances itself chunk by chunk. Each worker first computes one of the last
 * chunks, reserved for it, so every worker takes part however late it wakes. Chunk sums land in
 * `partials` as with {@link runParallel}: the same chunks, so the same bits.
 */
export function runInPlace(
  local: Scratch,
  job: ChunkJob,
  n: number,
  workers: number,
  g: AnyArray | null,
  gStride: number,
  og: number,
  direct: Direct,
  partials: Float64Array,
): void {
  const bytes = job.f64 ? 8 : 4;
  const chunk = CHUNK_BYTES / bytes;
  const chunks = Math.ceil(n / chunk);
  const e = local.exports;
  // a scalar upstream gradient is copied once, into the scratch, where every thread reads it
  if (job.kind === 2 && gStride === 0) {
    floatView(job.f64, e.memory.buffer, local.pg, 1).set((g as AnyArray).subarray(og, og + 1));
  }
  for (let first = 0; first < chunks; first += ROUND_CHUNKS) {
    const count = Math.min(ROUND_CHUNKS, chunks - first);
    const size = Math.min(count * chunk, n - first * chunk);
    const d = directAt(direct, job.f64, first * chunk);
    const active = rings.slice(0, Math.min(workers, count - 1));
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
      Atomics.store(h, STATE, FREE);
    }
    threadStats.workerChunks += count - mine;
    partials.set(sums, first);
  }
}

/**
 * @internal Runs a contiguous job chunk by chunk on `workers` worker rings plus the calling
 * thread (0 workers: all on the calling thread). Arguments as {@link runChunk}, offsets and
 * `direct` addresses at element 0 of the job; each chunk's loss sum (sum and backward jobs)
 * lands in `partials` at its index.
 */
export function runParallel(
  local: Scratch,
  job: ChunkJob,
  n: number,
  workers: number,
  x: FloatArray,
  ox: number,
  y: FloatArray,
  oy: number,
  g: AnyArray | null,
  gStride: number,
  og: number,
  out1: FloatArray | null,
  out2: FloatArray | null,
  oo: number,
  direct: Direct,
  partials: Float64Array,
): void {
  const bpe = job.f64 ? 8 : 4;
  const chunk = CHUNK_BYTES / bpe;
  const chunks = Math.ceil(n / chunk);
  const active = rings.slice(0, workers);
  const collect = (ring: Ring, slot: number) => {
    const h = ring.header[slot];
    const p = ring.pending[slot];
    if (p === undefined) return;
    awaitTask(h);
    const buffer = ring.memory.buffer;
    const at = (k: number, count: number) =>
      floatView(job.f64, buffer, ring.base + slot * SLOT_BYTES + HEADER + k * CHUNK_BYTES, count);
    if (job.kind !== 1) {
      partials[p.chunk] = new Float64Array(buffer, ring.base + slot * SLOT_BYTES, HEADER / 8)[
        RESULT
      ];
    }
    if (job.kind >= 1 && !p.direct1) out1!.set(at(3, p.count), oo + p.outStart);
    if (job.kind === 2 && !p.direct2) out2!.set(at(4, p.count), oo + p.outStart);
    ring.pending[slot] = undefined;
    threadStats.workerChunks++;
    Atomics.store(h, STATE, FREE);
  };
  const tryDispatch = (c: number): boolean => {
    for (const ring of active) {
      const slot = ring.next;
      const h = ring.header[slot];
      const state = Atomics.load(h, STATE);
      if (state === READY) continue;
      if (state === DONE || state === FAILED) collect(ring, slot);
      const start = c * chunk;
      const count = Math.min(chunk, n - start);
      const buffer = ring.memory.buffer;
      const at = (k: number, count: number) =>
        floatView(job.f64, buffer, ring.base + slot * SLOT_BYTES + HEADER + k * CHUNK_BYTES, count);
      const d = directAt(direct, job.f64, start);
      if (d.x < 0) at(0, count).set(x.subarray(ox + start, ox + start + count));
      if (d.y < 0) at(1, count).set(y.subarray(oy + start, oy + start + count));
      if (d.g < 0 && job.kind === 2) {
        const gCount = gStride === 0 ? 1 : count;
        const gStart = og + (gStride === 0 ? 0 : start);
        at(2, gCount).set(g!.subarray(gStart, gStart + gCount));
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
      const count = Math.min(chunk, n - start);
      const gStart = og + (gStride === 0 ? 0 : start);
      partials[c] = runChunk(
        local,
        job,
        count,
        x,
        ox + start,
        y,
        oy + start,
        g,
        gStride,
        gStart,
        out1,
        out2,
        oo + start,
        directAt(direct, job.f64, start),
      );
    }
  } finally {
    for (const ring of active) for (let s = 0; s < SLOTS; s++) collect(ring, s);
  }
}
