/**
 * The module's exports match the TypeScript side's declaration of them (src/kernels/wasm/abi.ts,
 * whose names `WasmExports` and the logits interface must cover): same names, same kinds, in
 * both builds, and each kernel takes the number of arguments its interface declares.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { WASM_EXPORTS, WASM_FUNCTION_EXPORTS } from '../../src/kernels/wasm/abi.js';
import type { WasmExports } from '../../src/kernels/wasm/chunk.js';

const wasmDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'kernels', 'wasm');

// Arity of each kernel as chunk.ts / logits.ts declare it (a function's `length` in the instance
// is its WebAssembly parameter count).
const ARITY: Record<(typeof WASM_FUNCTION_EXPORTS)[number], number> = {
  klSumF32: 4,
  klSumF64: 4,
  klSumChunksF32: 6,
  klSumChunksF64: 6,
  klPointwiseF32: 6,
  klPointwiseF64: 6,
  klBackwardF32: 10,
  klBackwardF64: 10,
  logitsRowForwardF32: 8,
  logitsRowForwardF64: 8,
  logitsRowBackwardF32: 10,
  logitsRowBackwardF64: 10,
};

// Compile-time half of the check: a WasmExports member missing from abi.ts fails tsc here (the
// runtime half below then ties abi.ts to the module).
type Listed = (typeof WASM_FUNCTION_EXPORTS)[number] | 'memory';
const everyMemberListed: [Exclude<keyof WasmExports, Listed>] extends [never] ? true : false = true;

describe.each(['kldiv.wasm', 'kldiv-shared.wasm'])('%s', (file) => {
  const module = new WebAssembly.Module(readFileSync(join(wasmDir, file)));
  const exported = Object.fromEntries(
    WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]),
  );

  test('exports exactly the declared names, with the declared kinds', () => {
    expect(everyMemberListed).toBe(true);
    expect(exported, `${file} exports vs src/kernels/wasm/abi.ts`).toEqual(WASM_EXPORTS);
  });

  test('each kernel takes the declared number of arguments', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 16384, shared: true });
    const instance = new WebAssembly.Instance(
      module,
      file.includes('shared') ? { env: { memory } } : {},
    );
    const arity = Object.fromEntries(
      WASM_FUNCTION_EXPORTS.map((n) => [
        n,
        (instance.exports[n] as (...a: unknown[]) => unknown).length,
      ]),
    );
    expect(arity, `${file} parameter counts`).toEqual(ARITY);
  });
});
