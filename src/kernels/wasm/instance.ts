/**
 * Loading the WebAssembly kernels: two files beside this module, each loaded only where it
 * is used.
 *
 * - `kldiv.wasm` owns its memory (every engine with SIMD128). Node reads it synchronously on
 *   first use; browsers, whose main thread refuses synchronous compilation anyway, fetch and
 *   compile it in {@link initWasm}. Validation doubles as the SIMD probe: an engine without
 *   SIMD128 rejects the module and kldiv stays on the JS kernels.
 * - `kldiv-shared.wasm` is the same kernels on a shared `WebAssembly.Memory`, which the worker
 *   threads' instances share, so a chunk handed to a worker is copied once, not twice. In Node
 *   it also serves every job that writes outputs on the calling thread: V8 copies out of a
 *   shared memory about four times faster than out of an unshared one (0.33 against 1.4 ns per
 *   float32, docs/decisions.md). It is loaded only where threads can run: read in Node, fetched
 *   by `initThreads()` in a cross-origin-isolated browser worker. A page never downloads it.
 *
 * Both are located with `new URL('./file.wasm', import.meta.url)`, the pattern bundlers
 * (webpack 5, Vite, Parcel) recognise to ship the file; it stays spelled out at each use.
 *
 * @module
 */

import { KLDivError } from '../../errors.js';
import { builtin, isNode, isolatedBrowserWorker } from '../env.js';
import { runtime, type SharedWasm } from '../runtime.js';
import { makeScratch, type Scratch, type WasmExports } from './chunk.js';
import { SHARED_MAX_PAGES } from './module.generated.js';

/** @internal The shared-memory build, its memory, and the calling thread's instance on it. */
export type { SharedWasm } from '../runtime.js';

/** The instances' state lives in the runtime object (runtime.ts). */
const state = runtime.wasm;

interface NodeFs {
  readFileSync(path: URL): Uint8Array<ArrayBuffer>;
}

/** Node's fs where the runtime has one (`process.getBuiltinModule`: Node >= 20.16, Deno, Bun). */
function nodeFs(): NodeFs | undefined {
  return builtin<NodeFs>('node:fs');
}

/**
 * The file at `url` read synchronously, or undefined where it cannot be: no file system
 * (browsers), or a URL that is not a file (a bundle served over HTTP to Electron or Deno).
 */
function readSync(url: () => URL): Uint8Array<ArrayBuffer> | undefined {
  const fs = nodeFs();
  if (fs === undefined) return undefined;
  let at: URL;
  try {
    at = url();
  } catch {
    throw new Error('import.meta.url is unavailable in this build: bundle kldiv as an ES module');
  }
  if (at.protocol !== 'file:') return undefined;
  try {
    return fs.readFileSync(at);
  } catch (e) {
    throw new Error(`could not read ${at.href} (${(e as Error).message})`);
  }
}

/** The file at `url` compiled asynchronously: read where there is a file system, else fetched. */
async function compileAsync(url: () => URL): Promise<WebAssembly.Module> {
  const bytes = readSync(url);
  if (bytes !== undefined) return WebAssembly.compile(validated(bytes, url));
  let response: Response;
  try {
    response = await fetch(url());
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  } catch (e) {
    throw new Error(`could not fetch ${safeHref(url)} (${(e as Error).message})`);
  }
  return WebAssembly.compile(validated(new Uint8Array(await response.arrayBuffer()), url));
}

function safeHref(url: () => URL): string {
  try {
    return url().href;
  } catch {
    return 'the .wasm file (import.meta.url is unavailable in this build)';
  }
}

/** `bytes` if they validate: the SIMD probe, and a check that a served file is WebAssembly. */
function validated(bytes: Uint8Array<ArrayBuffer>, url: () => URL): Uint8Array<ArrayBuffer> {
  if (WebAssembly.validate(bytes)) return bytes;
  // "\0asm": a module this engine rejects, so one using SIMD128, which it lacks
  const magic = bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
  throw new Error(
    magic
      ? 'WebAssembly SIMD128 is not available'
      : `${safeHref(url)} is not a WebAssembly module: serve kldiv's .wasm files beside its JavaScript (see the README on bundlers)`,
  );
}

function instantiate(mod: WebAssembly.Module): Scratch {
  const instance = new WebAssembly.Instance(mod, {});
  return makeScratch(instance.exports as unknown as WasmExports);
}

/**
 * @internal The main-thread instance, compiled synchronously on first use; undefined (and the reason in
 * {@link wasmFailure}) where the engine cannot: no SIMD, or a runtime without a synchronous
 * file system, browsers among them (call {@link initWasm} there).
 */
export function wasmScratch(): Scratch | undefined {
  if (state.scratch !== undefined || state.failure !== undefined) return state.scratch;
  try {
    if (typeof WebAssembly !== 'object') throw new Error('WebAssembly is not available');
    const url = () => new URL('./kldiv.wasm', import.meta.url);
    const bytes = readSync(url);
    if (bytes === undefined) throw new Error('this runtime loads kldiv.wasm asynchronously');
    state.module ??= new WebAssembly.Module(validated(bytes, url));
    state.scratch = instantiate(state.module);
  } catch (e) {
    state.failure = (e as Error).message;
  }
  return state.scratch;
}

/** @internal Why the WebAssembly kernels are unavailable, if they are. */
export function wasmFailure(): string | undefined {
  return state.failure;
}

/**
 * Loads and compiles the WebAssembly kernels asynchronously: needed once in browsers (which
 * fetch `kldiv.wasm` from beside kldiv's JavaScript, or from where the bundler put it),
 * harmless elsewhere. Resolves to whether the kernels are usable; if not, the JS kernels
 * compute the same results and `setBackend('wasm')` throws with the reason.
 *
 * @example
 * ```ts
 * import { initWasm } from 'kldiv';
 * console.log(await initWasm()); // true
 * ```
 */
export async function initWasm(): Promise<boolean> {
  if (state.scratch !== undefined) return true;
  try {
    if (typeof WebAssembly !== 'object') throw new Error('WebAssembly is not available');
    state.module ??= await compileAsync(() => new URL('./kldiv.wasm', import.meta.url));
    state.scratch = instantiate(state.module);
    state.failure = undefined;
  } catch (e) {
    state.failure = (e as Error).message;
  }
  return state.scratch !== undefined;
}

function makeShared(mod: WebAssembly.Module): SharedWasm {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
  const instance = new WebAssembly.Instance(mod, { env: { memory } });
  return {
    module: mod,
    memory,
    scratch: makeScratch(instance.exports as unknown as WasmExports),
  };
}

/**
 * @internal The shared-memory instance, or undefined where there is none: a browser page's main thread
 * (it may not block on workers, so it keeps one instance), a page that is not cross-origin
 * isolated (no shared memory), an engine without threads, a browser worker before
 * {@link initSharedWasm}, or a Node bundle that left kldiv-shared.wasm out. Node reads the
 * file on first use.
 */
export function sharedWasm(): SharedWasm | undefined {
  if (state.shared === undefined && isNode()) {
    state.shared = null;
    if (typeof SharedArrayBuffer !== 'undefined' && wasmScratch() !== undefined) {
      try {
        const url = () => new URL('./kldiv-shared.wasm', import.meta.url);
        const bytes = readSync(url);
        if (bytes !== undefined) {
          state.shared = makeShared(new WebAssembly.Module(validated(bytes, url)));
        }
      } catch {
        // no file or no threads proposal: the unshared instance serves everything, on the
        // calling thread, with the same results
      }
    }
  }
  return state.shared ?? undefined;
}

/**
 * @internal The shared-memory instance, fetched and compiled first in a cross-origin-isolated browser
 * worker (`initThreads()` awaits this); elsewhere as {@link sharedWasm}.
 */
export async function initSharedWasm(): Promise<SharedWasm | undefined> {
  if (
    state.shared === undefined &&
    !isNode() &&
    isolatedBrowserWorker() &&
    typeof SharedArrayBuffer !== 'undefined' &&
    wasmScratch() !== undefined
  ) {
    let mod: WebAssembly.Module;
    try {
      mod = await compileAsync(() => new URL('./kldiv-shared.wasm', import.meta.url));
    } catch (e) {
      throw new KLDivError(`initThreads: ${(e as Error).message}.`, {
        code: 'E_THREAD_FAILURE',
        fn: 'initThreads',
        argument: 'threads',
      });
    }
    try {
      state.shared ??= makeShared(mod);
    } catch {
      state.shared = null; // an engine without the threads proposal
    }
  }
  return sharedWasm();
}
