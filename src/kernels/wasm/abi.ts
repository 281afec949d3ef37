/**
 * The exports of kldiv.wasm and kldiv-shared.wasm (built from wasm/kl-div.ts), by name and kind:
 * what `WasmExports` (chunk.ts) and the logits kernels' interface (logits.ts) declare. A test
 * (test/kernels/wasm-abi.test.ts) compares this list with `WebAssembly.Module.exports()` of both
 * builds, so the hand-typed interfaces cannot drift from the module.
 *
 * @module
 */

/** Kernel function exports, float32 and float64 twins. */
export const WASM_FUNCTION_EXPORTS = [
  'klSumF32',
  'klSumF64',
  'klSumChunksF32',
  'klSumChunksF64',
  'klPointwiseF32',
  'klPointwiseF64',
  'klBackwardF32',
  'klBackwardF64',
  'logitsRowForwardF32',
  'logitsRowForwardF64',
  'logitsRowBackwardF32',
  'logitsRowBackwardF64',
] as const;

/** Every export: the kernels and the memory (the shared build re-exports the one it imports). */
export const WASM_EXPORTS: Readonly<Record<string, 'function' | 'memory'>> = {
  ...Object.fromEntries(WASM_FUNCTION_EXPORTS.map((name) => [name, 'function'])),
  memory: 'memory',
};
