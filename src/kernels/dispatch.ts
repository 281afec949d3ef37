/**
 * The kernel table the public functions call, and the knobs that choose it: backend
 * (`'wasm'` SIMD kernels or pure `'js'`) and thread count. Every backend implements the same
 * strided signatures, so functional code never knows which one ran.
 *
 * @module
 */

import { ArgumentError, describe, KLDivError } from '../errors.js';
import { klBackward, klPointwise, klSum } from './js/kl-div.js';
import { availableThreads, startWorkers } from './threads/pool.js';
import { initSharedWasm, wasmFailure, wasmScratch } from './wasm/instance.js';
import { threadPolicy, wasmBackward, wasmPointwise, wasmSum } from './wasm/kernels.js';

/** The KL kernels a backend provides (signatures of `kernels/js/kl-div.ts`). */
export interface KLKernels {
  readonly name: Backend;
  readonly klPointwise: typeof klPointwise;
  readonly klSum: typeof klSum;
  readonly klBackward: typeof klBackward;
}

/** Kernel backends: WebAssembly SIMD128 (default where available) or pure JavaScript. */
export type Backend = 'wasm' | 'js';

/** The pure-JavaScript backend: always available. */
export const jsKernels: KLKernels = { name: 'js', klPointwise, klSum, klBackward };
const wasmKernels: KLKernels = {
  name: 'wasm',
  klPointwise: wasmPointwise,
  klSum: wasmSum,
  klBackward: wasmBackward,
};

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

let chosen: Backend | undefined;
let numThreads: number | undefined;

threadPolicy.threads = (n) => (n < PARALLEL_THRESHOLD ? 1 : getNumThreads());

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
  chosen ??= wasmScratch() !== undefined ? 'wasm' : 'js';
  return chosen;
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
      { code: 'E_OPTION_TYPE', fn: 'setBackend', argument: 'backend', received: backend },
    );
  }
  if (backend === 'wasm' && wasmScratch() === undefined) {
    throw new KLDivError(
      `setBackend: the WebAssembly backend is unavailable here (${wasmFailure()}); in a browser, await initWasm() first.`,
      { code: 'E_BACKEND_UNAVAILABLE', fn: 'setBackend', argument: 'backend', received: backend },
    );
  }
  chosen = backend;
}

/**
 * Threads a large call may use (the calling thread included): by default every core the
 * runtime reports, 1 where worker threads are unavailable (browsers, for now).
 *
 * @example
 * ```ts
 * import { getNumThreads } from 'kldiv';
 * console.log(getNumThreads() >= 1); // true
 * ```
 */
export function getNumThreads(): number {
  numThreads ??= availableThreads();
  return numThreads;
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
      { code: 'E_OPTION_TYPE', fn: 'setNumThreads', argument: 'n', received: n },
    );
  }
  numThreads = Math.min(n, availableThreads());
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
