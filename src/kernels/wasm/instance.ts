/**
 * Loading the WebAssembly kernels in Node and in browsers: the module's bytes are embedded
 * (module.generated.ts), so there is no file or URL to resolve. Validation doubles as the SIMD
 * probe: an engine without SIMD128 rejects the module and kldiv stays on the JS kernels.
 *
 * @module
 */

import { makeScratch, type Scratch, type WasmExports } from './chunk.js';
import { WASM_BASE64 } from './module.generated.js';

let bytes: Uint8Array<ArrayBuffer> | undefined;
let module: WebAssembly.Module | undefined;
let scratch: Scratch | undefined;
let failure: string | undefined;

function wasmBytes(): Uint8Array<ArrayBuffer> {
  if (bytes === undefined) {
    const binary = atob(WASM_BASE64);
    bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  }
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

/** The compiled module (for worker threads), compiling it if needed. */
export function wasmModule(): WebAssembly.Module | undefined {
  wasmScratch();
  return module;
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
