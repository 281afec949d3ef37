/**
 * The kernel table the public functions call, and the knobs that choose it: backend
 * (`'wasm'` SIMD kernels or pure `'js'`) and thread count, kept in the runtime object
 * (runtime.ts). Every backend implements the same strided signatures, so functional code never
 * knows which one ran.
 *
 * @module
 */

import { ArgumentError, describe, KLDivError } from '../errors.js';
import type { TensorData } from '../tensor/dtype.js';
import { isolatedBrowserWorker } from './env.js';
import { klBackward, klPointwise, klSum } from './js/kl-div.js';
import { type Backend, PARALLEL_THRESHOLD, runtime, threadSetting } from './runtime.js';
import { startWorkers } from './threads/pool.js';
import { overlaps } from './wasm/heap.js';
import { initSharedWasm, sharedWasm, wasmFailure, wasmScratch } from './wasm/instance.js';
import { wasmBackward, wasmPointwise, wasmSum } from './wasm/kernels.js';
import { type LogitsRowKernels, wasmLogitsRows } from './wasm/logits.js';

export type { Backend };
export { PARALLEL_THRESHOLD };

/**
 * @internal The kernels a backend provides: the KL kernels (signatures of `kernels/js/kl-div.ts`), the
 * fused logits rows, and the aliasing check of `out` buffers. JSD and strided logits rows have
 * JS kernels only (kernels/js), which every backend uses.
 */
export interface KLKernels {
  readonly name: Backend;
  readonly klPointwise: typeof klPointwise;
  readonly klSum: typeof klSum;
  readonly klBackward: typeof klBackward;
  /**
   * Kernels for rows along the last dim of logits `s`, `t` (`outputs`: per-element outputs or
   * gradients are written), or undefined: the JS row kernels (kernels/js/softmax-kl.ts) run them.
   */
  readonly logitsRows: (
    outputs: boolean,
    s: TensorData,
    t: TensorData,
  ) => LogitsRowKernels | undefined;
  /** Whether two views share bytes, `wasmArray`s included (whatever backend made them). */
  readonly overlaps: typeof overlaps;
}

/** @internal The pure-JavaScript backend: always available. */
export const jsKernels: KLKernels = {
  name: 'js',
  klPointwise,
  klSum,
  klBackward,
  logitsRows: () => undefined,
  overlaps,
};
const wasmKernels: KLKernels = {
  name: 'wasm',
  klPointwise: wasmPointwise,
  klSum: wasmSum,
  klBackward: wasmBackward,
  logitsRows: wasmLogitsRows,
  overlaps,
};

/** @internal The backend in use. */
export function kernels(): KLKernels {
  return getBackend() === 'wasm' ? wasmKernels : jsKernels;
}

/**
 * The backend in use: `'wasm'` where WebAssembly SIMD128 works (Node, current browsers),
 * otherwise `'js'`, unless {@link setBackend} chose one.
 *
 * @example
 * ```ts
 * import { getBackend } from 'kldiv';
 * console.log(getBackend()); // wasm
 * ```
 */
export function getBackend(): Backend {
  runtime.backend ??= wasmScratch() !== undefined ? 'wasm' : 'js';
  return runtime.backend;
}

/**
 * Chooses the kernel backend for every later call. `'wasm'` throws `E_BACKEND_UNAVAILABLE`
 * (with the reason) where the engine lacks WebAssembly SIMD128; in a browser, `await initWasm()`
 * first. Results agree across backends within the accuracy stated in docs/numerics.md.
 *
 * @example
 * ```ts
 * import { getBackend, setBackend } from 'kldiv';
 * setBackend('js');
 * console.log(getBackend()); // js
 * setBackend('wasm');
 * ```
 */
export function setBackend(backend: Backend): void {
  if (backend !== 'js' && backend !== 'wasm') {
    throw new ArgumentError(
      `setBackend: argument 'backend' must be 'wasm' or 'js'; received ${describe(backend)}.`,
      {
        // a string that names no backend is out of range; anything else has the wrong type
        code: typeof backend === 'string' ? 'E_OPTION_RANGE' : 'E_OPTION_TYPE',
        fn: 'setBackend',
        argument: 'backend',
        received: backend,
      },
    );
  }
  if (backend === 'wasm' && wasmScratch() === undefined) {
    throw new KLDivError(
      `setBackend: the WebAssembly backend is unavailable here (${wasmFailure()}); in a browser, await initWasm() first.`,
      { code: 'E_BACKEND_UNAVAILABLE', fn: 'setBackend', argument: 'backend', received: backend },
    );
  }
  runtime.backend = backend;
}

/**
 * Threads a call above {@link PARALLEL_THRESHOLD} elements can use now (the calling thread
 * included): the {@link setNumThreads} setting (by default every core the runtime reports),
 * capped at the cores available, and 1 where worker threads cannot run: a browser page's main
 * thread or any runtime without shared memory or workers, a Node bundle without
 * `kldiv-shared.wasm`, the `'js'` backend, or after a worker failed (until
 * `terminateThreads()`). In a cross-origin-isolated browser worker, calls use the threads
 * once `initThreads()` has started them.
 *
 * @example
 * ```ts
 * import { getNumThreads } from 'kldiv';
 * console.log(getNumThreads() >= 1); // true
 * ```
 */
export function getNumThreads(): number {
  const threads = threadSetting();
  if (threads < 2 || runtime.backend === 'js' || runtime.threadFailure !== undefined) return 1;
  if (isolatedBrowserWorker()) return threads;
  return sharedWasm() === undefined ? 1 : threads;
}

/**
 * Sets how many threads (the calling one included) the WebAssembly backend may use for calls
 * above {@link PARALLEL_THRESHOLD} elements; `1` disables worker threads. Results do not
 * depend on it: sums are combined in a fixed chunk order.
 *
 * @example
 * ```ts
 * import { getNumThreads, setNumThreads } from 'kldiv';
 * setNumThreads(1);
 * console.log(getNumThreads()); // 1
 * ```
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new ArgumentError(
      `setNumThreads: argument 'n' must be an integer from 1 to 256; received ${describe(n)}.`,
      {
        code: Number.isInteger(n) ? 'E_OPTION_RANGE' : 'E_OPTION_TYPE',
        fn: 'setNumThreads',
        argument: 'n',
        received: n,
      },
    );
  }
  runtime.threads = n;
}

/**
 * Starts the worker threads that large calls may use ({@link getNumThreads} in all, the
 * calling thread included) and resolves to how many threads calls can now use. Node starts
 * workers on first use, so this is optional there. In a browser, threads work inside a
 * cross-origin-isolated Web Worker (a page's main thread may not block), whose workers can
 * only start asynchronously: await this (after `initWasm()`) before the first large call.
 * Elsewhere it resolves to 1.
 *
 * @example
 * ```ts
 * import { initThreads } from 'kldiv';
 * console.log((await initThreads()) >= 1); // true
 * ```
 */
export async function initThreads(): Promise<number> {
  const shared = await initSharedWasm();
  const threads = getNumThreads();
  if (shared === undefined || threads < 2) return 1;
  return 1 + (await startWorkers(threads - 1, shared));
}
