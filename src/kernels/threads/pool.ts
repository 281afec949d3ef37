/**
 * Worker threads' lifecycle and failure: Node `worker_threads`, and Web Workers inside a
 * browser's cross-origin-isolated worker (a page's main thread may not block). Each worker owns
 * a ring of slots (slots.ts) in the shared WebAssembly memory (instance.ts), allocated through
 * allocator.ts, and runs the worker program (worker.ts) on its own instance of the kernels;
 * schedule.ts hands rings their tasks. A worker that fails or stops responding disables threads
 * until `terminateThreads()`.
 *
 * In Node, workers are created on first use, `unref()`ed (they never keep a process alive)
 * and reused. A browser worker can only be started asynchronously: `initThreads()` starts
 * them, and calls use those that exist.
 *
 * @module
 */

import { KLDivError } from '../../errors.js';
import { builtin, isolatedBrowserWorker } from '../env.js';
import { runtime } from '../runtime.js';
import { allocate, release } from '../wasm/allocator.js';
import type { SharedWasm } from '../wasm/instance.js';
import { SLOT } from './slots.js';
import { WORKER_PROGRAM, workerData } from './worker.js';

const { slots: SLOTS, slotBytes: SLOT_BYTES, headerBytes: HEADER } = SLOT;
const STATE = SLOT.i32.state;
const { free: FREE, ready: READY, failed: FAILED, exit: EXIT } = SLOT.state;

/** Milliseconds without any progress after which the pool is declared failed. */
const STALL_MS = 30_000;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: string, fn: (...args: unknown[]) => void): void;
}

/** @internal A worker's ring of slots, and what the caller knows of it. */
export interface Ring {
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

/** @internal The worker rings running now (schedule.ts hands them tasks). */
export function activeRings(): readonly Ring[] {
  return runtime.pool.rings;
}

/** @internal Chunks computed by worker threads since the process started (diagnostics, tests). */
export const threadStats = { workerChunks: 0 };

/** A ring's area of the shared memory, its slots marked free. */
function ringArea(memory: WebAssembly.Memory): number {
  const base = allocate(memory, SLOTS * SLOT_BYTES);
  // a reused area holds earlier data
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
    runtime.threadFailure = `a kldiv worker thread failed: ${(e as Error)?.message ?? e}`;
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
        runtime.threadFailure = `a kldiv worker thread failed: ${e.message}`;
      };
      resolve(makeRing(wasm.memory, base, () => worker.terminate()));
    };
    worker.onerror = (e) => {
      URL.revokeObjectURL(url);
      release(wasm.memory, base, SLOTS * SLOT_BYTES);
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
  if (runtime.threadFailure !== undefined) return 0;
  const { rings } = runtime.pool;
  if (!isolatedBrowserWorker()) while (rings.length < count) rings.push(startNodeRing(wasm));
  return Math.min(count, rings.length);
}

/** @internal Starts `count` worker rings where that must be asynchronous (browsers). */
export async function startWorkers(count: number, wasm: SharedWasm): Promise<number> {
  if (!isolatedBrowserWorker()) return ensureWorkers(count, wasm);
  const { rings } = runtime.pool;
  while (rings.length < count) rings.push(await startBrowserRing(wasm));
  return Math.min(count, rings.length);
}

/**
 * Stops every worker thread (they are recreated on demand) and clears a worker failure, so
 * that threads can start again. Workers never keep a process alive, so calling this is
 * optional; it frees their memory.
 *
 * @example
 * ```ts
 * import { terminateThreads } from 'kldiv';
 * await terminateThreads();
 * ```
 */
export async function terminateThreads(): Promise<void> {
  const old = runtime.pool.rings;
  runtime.pool.rings = [];
  for (const ring of old) {
    for (const h of ring.header) {
      Atomics.store(h, STATE, EXIT);
      Atomics.notify(h, STATE);
    }
  }
  await Promise.all(old.map((r) => r.stop()));
  for (const ring of old) release(ring.memory, ring.base, SLOTS * SLOT_BYTES);
  runtime.threadFailure = undefined;
}

/** @internal Why threads were disabled, if a worker failed. */
export function poolFailure(): string | undefined {
  return runtime.threadFailure;
}

function threadFailure(reason: string): KLDivError {
  return new KLDivError(
    `${reason}; worker threads are now disabled (setNumThreads(1) to silence).`,
    {
      code: 'E_THREAD_FAILURE',
      // the pool knows no caller: the public function re-labels it (errors.ts inPublicCall)
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
      runtime.threadFailure = 'a kldiv worker thread stopped responding';
      throw threadFailure(runtime.threadFailure);
    }
  }
}

/** @internal Waits until a worker is done with a slot; if it failed, disables threads and throws. */
export function awaitTask(h: Int32Array): void {
  waitWhile(h, READY);
  if (Atomics.load(h, STATE) === FAILED) {
    runtime.threadFailure = 'a kldiv worker thread failed while computing';
    throw threadFailure(runtime.threadFailure);
  }
}
