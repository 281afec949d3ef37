/**
 * Loading the WebAssembly kernels in Node and in browsers: the module's bytes are embedded
 * (module.generated.ts), so there is no file or URL to resolve. Validation doubles as the SIMD
 * probe: an engine without SIMD128 rejects the module and kldiv stays on the JS kernels.
 *
 * Two builds of the same kernels: one owns its memory (every engine); in Node a second one
 * runs on a shared `WebAssembly.Memory`, which the worker threads' instances share, so a chunk
 * handed to a worker is copied once, not twice. It also serves every job that writes outputs
 * on the calling thread: V8 copies out of a shared memory about four times faster than out of
 * an unshared one (0.33 against 1.4 ns per float32, docs/decisions.md).
 *
 * @module
 */

import { isolatedBrowserWorker } from '../threads/pool.js';
import { makeScratch, type Scratch, type WasmExports } from './chunk.js';
import { SHARED_MAX_PAGES, WASM_BASE64, WASM_SHARED_BASE64 } from './module.generated.js';

let bytes: Uint8Array<ArrayBuffer> | undefined;
let module: WebAssembly.Module | undefined;
let scratch: Scratch | undefined;
let failure: string | undefined;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function wasmBytes(): Uint8Array<ArrayBuffer> {
  bytes ??= decode(WASM_BASE64);
  return bytes;
}

function instantiate(mod: WebAssembly.Module): Scratch {
  const instance = new WebAssembly.Instance(mod, {});
  return makeScratch(instance.exports as unknown as WasmExports);
}

/** True when this engine has WebAssembly with SIMD128 (the module validates). */
export function wasmSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(wasmBytes());
}

/**
 * The main-thread instance, compiled synchronously on first use; undefined (and the reason in
 * {@link wasmFailure}) where the engine cannot: no SIMD, or a browser main thread that refuses
 * synchronous compilation of modules above 4 KB (call {@link initWasm} there).
 */
export function wasmScratch(): Scratch | undefined {
  if (scratch !== undefined || failure !== undefined) return scratch;
  try {
    if (!wasmSupported()) throw new Error('WebAssembly SIMD128 is not available');
    module ??= new WebAssembly.Module(wasmBytes());
    scratch = instantiate(module);
  } catch (e) {
    failure = (e as Error).message;
  }
  return scratch;
}

/** Why the WebAssembly kernels are unavailable, if they are. */
export function wasmFailure(): string | undefined {
  return failure;
}

/**
 * Compiles the WebAssembly kernels asynchronously: needed once in browsers, whose main thread
 * refuses synchronous compilation; harmless elsewhere. Resolves to whether they are usable.
 *
 * @example
 * ```ts
 * import { initWasm } from 'kldiv';
 * console.log(await initWasm()); // true
 * ```
 */
export async function initWasm(): Promise<boolean> {
  if (scratch !== undefined) return true;
  try {
    if (!wasmSupported()) throw new Error('WebAssembly SIMD128 is not available');
    module ??= await WebAssembly.compile(wasmBytes());
    scratch = instantiate(module);
    failure = undefined;
  } catch (e) {
    failure = (e as Error).message;
  }
  return scratch !== undefined;
}

/** The shared-memory build, its memory, and the calling thread's instance on it. */
export interface SharedWasm {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  scratch: Scratch;
}

let shared: SharedWasm | null | undefined;

/**
 * The shared-memory instance (created on first use), or undefined where there is none: a
 * browser page's main thread (it may not block on workers, so it keeps one instance), a page
 * that is not cross-origin isolated (no shared memory), or an engine without threads.
 */
export function sharedWasm(): SharedWasm | undefined {
  if (shared !== undefined) return shared ?? undefined;
  shared = null;
  const isNode =
    typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions
      ?.node === 'string';
  if (
    !(isNode || isolatedBrowserWorker()) ||
    typeof SharedArrayBuffer === 'undefined' ||
    wasmScratch() === undefined
  ) {
    return undefined;
  }
  try {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
    const mod = new WebAssembly.Module(decode(WASM_SHARED_BASE64));
    const instance = new WebAssembly.Instance(mod, { env: { memory } });
    shared = {
      module: mod,
      memory,
      scratch: makeScratch(instance.exports as unknown as WasmExports),
    };
  } catch {
    // an engine without the threads proposal: the unshared instance serves everything
  }
  return shared ?? undefined;
}
