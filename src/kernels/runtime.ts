/**
 * kldiv's process-wide state, in one place: the backend and thread settings, the test seam on
 * thread use, a worker failure, the loaded WebAssembly instances, the worker rings and the
 * memories' bookkeeping. The modules that act on it (dispatch.ts for the settings,
 * threads/pool.ts for the rings and the failure, wasm/instance.ts for the instances,
 * wasm/allocator.ts and wasm/heap.ts for the memories) read and write this object; none
 * changes another's state at import time.
 * {@link resetRuntime} puts the settings back for tests.
 *
 * This module imports nothing at run time but the environment probes, so anything may import it.
 *
 * @module
 */

import { availableThreads } from './env.js';
import type { Ring } from './threads/pool.js';
import type { Block } from './wasm/allocator.js';
import type { Scratch } from './wasm/chunk.js';
import type { LiveBlock } from './wasm/heap.js';

/** Kernel backends: WebAssembly SIMD128 (default where available) or pure JavaScript. */
export type Backend = 'wasm' | 'js';

/** @internal The shared-memory build, its memory, and the calling thread's instance on it. */
export interface SharedWasm {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  scratch: Scratch;
}

/**
 * Jobs below this many elements stay on one thread: a hand-off to a worker costs tens of
 * microseconds, which pays only above about 1e5 elements (docs/benchmarks.md).
 *
 * @example
 * ```ts
 * import { PARALLEL_THRESHOLD } from 'kldiv';
 * console.log(PARALLEL_THRESHOLD); // 131072
 * ```
 */
export const PARALLEL_THRESHOLD = 1 << 17;

/** @internal The state {@link runtime} holds. */
export interface Runtime {
  /** `setBackend`'s choice, or the one detected on first use; undefined: not chosen yet. */
  backend: Backend | undefined;
  /** `setNumThreads`'s setting; undefined: every thread available. */
  threads: number | undefined;
  /**
   * Test seam: threads every WebAssembly job uses, however small (undefined: jobs below
   * {@link PARALLEL_THRESHOLD} stay on one thread), so tests reach the workers with small inputs.
   */
  forceThreads: number | undefined;
  /**
   * Why worker threads are disabled, if a worker failed (threads/pool.ts sets it); calls then run
   * on the calling thread until `terminateThreads()` clears it.
   */
  threadFailure: string | undefined;
  /** The WebAssembly kernels (wasm/instance.ts loads them). */
  wasm: {
    /** The compiled `kldiv.wasm`. */
    module: WebAssembly.Module | undefined;
    /** The calling thread's instance on its own memory. */
    scratch: Scratch | undefined;
    /** Why the kernels could not load, if they could not. */
    failure: string | undefined;
    /** The shared-memory build; undefined: not loaded yet, null: none here. */
    shared: SharedWasm | null | undefined;
  };
  /** The worker rings running now (threads/pool.ts starts and stops them). */
  pool: { rings: Ring[] };
  /** Bookkeeping of the WebAssembly memories (wasm/allocator.ts, wasm/heap.ts, wasm/logits.ts). */
  heap: {
    /** Each memory's free blocks, by ascending start. */
    freeLists: WeakMap<WebAssembly.Memory, Block[]>;
    /** `wasmArray`s alive, by start. */
    live: Map<number, LiveBlock>;
    /** Every `memory.buffer` a `wasmArray` was made on: views of the memory are recognised by it. */
    buffers: WeakSet<ArrayBufferLike>;
    /** `wasmArray`s made where there is no shared memory: ordinary arrays, freed by dropping them. */
    plain: WeakSet<object>;
    /** Each instance's logits row area. */
    rowAreas: WeakMap<object, { base: number; capacity: number }>;
  };
}

/** @internal kldiv's process-wide state (see the module's description). */
export const runtime: Runtime = {
  backend: undefined,
  threads: undefined,
  forceThreads: undefined,
  threadFailure: undefined,
  wasm: { module: undefined, scratch: undefined, failure: undefined, shared: undefined },
  pool: { rings: [] },
  heap: {
    freeLists: new WeakMap(),
    live: new Map(),
    buffers: new WeakSet(),
    plain: new WeakSet(),
    rowAreas: new WeakMap(),
  },
};

/**
 * @internal For tests: the backend detected afresh on next use, every available thread, no
 * forced threads. The loaded instances stay (`wasmArray`s live in their memory), and so do
 * worker threads: `await terminateThreads()` stops them and clears a worker failure.
 */
export function resetRuntime(): void {
  runtime.backend = undefined;
  runtime.threads = undefined;
  runtime.forceThreads = undefined;
}

/**
 * @internal The thread setting: `setNumThreads`'s value (every available thread by default),
 * capped at what this runtime has.
 */
export function threadSetting(): number {
  const available = availableThreads();
  return Math.min(runtime.threads ?? available, available);
}

/** @internal Threads a WebAssembly job of `n` elements should use (the calling one included). */
export function threadsFor(n: number): number {
  if (runtime.forceThreads !== undefined) return runtime.forceThreads;
  return n < PARALLEL_THRESHOLD ? 1 : threadSetting();
}
