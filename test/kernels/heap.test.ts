/**
 * One owner of each WebAssembly memory (allocator.ts): areas that outgrow themselves are
 * reallocated, not abandoned, so the memory stays bounded by what is live.
 */
import { afterEach, describe, expect, test } from 'vitest';
import {
  freeWasmArray,
  klDivWithLogits,
  klDivWithLogitsBackward,
  setBackend,
  setNumThreads,
  tensor,
  wasmArray,
} from '../../src/index.js';
import { allocate, release } from '../../src/kernels/wasm/allocator.js';
import { sharedWasm, wasmScratch } from '../../src/kernels/wasm/instance.js';

afterEach(() => {
  setBackend('wasm');
  setNumThreads(2);
});

/** Logits rows of `V` floats with varied values. */
function row(V: number, seed: number): Float32Array {
  return Float32Array.from({ length: V }, (_, i) => Math.sin(i * 0.37 + seed) * 3);
}

// Rows of 1,000 growing to 64,000 float32: the largest row area is five buffers of 64,000 x 4
// bytes (1.28 MB); abandoning each outgrown area grew a memory by 44 MB.
const LARGEST_AREA = 5 * 64000 * 4;

describe('logits row areas', () => {
  test('rows growing from 1,000 to 64,000 floats keep both instances small', () => {
    setBackend('wasm');
    setNumThreads(1);
    // a scalar loss runs on the unshared instance; per-element losses and gradients on the
    // shared one
    klDivWithLogits([[0, 1]], [[1, 0]]);
    const memories = [
      { name: 'unshared instance', memory: wasmScratch()?.exports.memory },
      { name: 'shared instance', memory: sharedWasm()?.memory },
    ];
    const before = memories.map((m) => m.memory?.buffer.byteLength ?? 0);
    for (let V = 1000; V <= 64000; V += 1000) {
      const s = tensor(row(V, 1), { shape: [1, V] });
      const t = tensor(row(V, 2), { shape: [1, V] });
      klDivWithLogits(s, t, { reduction: 'batchmean' });
      klDivWithLogits(s, t, { reduction: 'none' });
      klDivWithLogitsBackward(s, t, { reduction: 'batchmean' });
    }
    memories.forEach(({ name, memory }, i) => {
      expect(memory, `${name} exists in Node`).toBeDefined();
      const grown = (memory?.buffer.byteLength ?? 0) - before[i];
      // the largest area, plus the page rounding of extending a free area at the memory's end
      expect(
        grown,
        `${name} grew by ${grown} bytes; the largest row area is ${LARGEST_AREA}`,
      ).toBeLessThanOrEqual(LARGEST_AREA + 2 * 65536);
    });
  });
});

describe('allocator', () => {
  test('a freed area is reused and the memory grows only by what the free tail lacks', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const a = allocate(memory, 40000);
    expect(a, 'areas come from grown pages, after the initial memory').toBe(65536);
    const b = allocate(memory, 100);
    expect(b, 'the rest of the page, 64-byte aligned').toBe(65536 + 40000);
    release(memory, a, 40000);
    expect(allocate(memory, 30000), 'first fit reuses the freed area').toBe(65536);
    release(memory, b, 100);
    // free: [95536, 131072) at the end; 70000 bytes need one more page, not two
    const pages = memory.buffer.byteLength / 65536;
    expect(allocate(memory, 70000), 'extends the free tail').toBe(65536 + 30016);
    expect(memory.buffer.byteLength / 65536 - pages, 'pages grown').toBe(1);
  });

  test('wasmArrays, rings and scratch share one allocator on the shared memory', () => {
    setBackend('wasm');
    const shared = sharedWasm();
    expect(shared, 'shared memory in Node').toBeDefined();
    const x = wasmArray(1000);
    freeWasmArray(x);
    const y = wasmArray(1000);
    expect(y.byteOffset, 'a freed wasmArray block is reused').toBe(x.byteOffset);
    freeWasmArray(y);
  });
});
