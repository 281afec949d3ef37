import { afterEach, describe, expect, test } from 'vitest';
import {
  getBackend,
  getNumThreads,
  initThreads,
  klDiv,
  PARALLEL_THRESHOLD,
  setBackend,
  setNumThreads,
  terminateThreads,
} from '../../src/index.js';
import { threadStats } from '../../src/kernels/threads/pool.js';

afterEach(() => {
  setBackend('wasm');
  setNumThreads(2);
});

describe('backend and thread controls', () => {
  test("the default backend is 'wasm' on Node 20 (WebAssembly SIMD128)", () => {
    expect(getBackend()).toBe('wasm');
  });

  test('setBackend switches and validates', () => {
    setBackend('js');
    expect(getBackend()).toBe('js');
    expect(() => setBackend('gpu' as never)).toThrow(
      expect.objectContaining({ code: 'E_OPTION_TYPE', fn: 'setBackend', argument: 'backend' }),
    );
    expect(getBackend()).toBe('js');
  });

  test('setNumThreads validates and caps at the cores available', async () => {
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
    setNumThreads(64);
    const { availableParallelism } = await import('node:os');
    expect(getNumThreads()).toBe(Math.min(64, availableParallelism()));
    for (const bad of [0, -1, 1.5, Number.NaN, 1000]) {
      expect(() => setNumThreads(bad)).toThrow(expect.objectContaining({ code: 'E_OPTION_TYPE' }));
    }
  });

  test('workers restart after terminateThreads and give the same result', async () => {
    setNumThreads(2);
    const n = PARALLEL_THRESHOLD * 2;
    const x = new Float32Array(n).fill(-1.5);
    const y = new Float32Array(n).fill(0.25);
    const a = klDiv(x, y, { reduction: 'sum' }).item();
    await terminateThreads();
    expect(klDiv(x, y, { reduction: 'sum' }).item()).toBe(a);
    setNumThreads(1);
    expect(klDiv(x, y, { reduction: 'sum' }).item()).toBe(a);
  });

  test('initThreads() resolves to the threads calls can use, and the worker takes chunks', async () => {
    setNumThreads(1);
    expect(await initThreads()).toBe(1);
    setNumThreads(2);
    expect(await initThreads()).toBe(getNumThreads());
    const before = threadStats.workerChunks;
    const n = PARALLEL_THRESHOLD * 8;
    klDiv(new Float32Array(n).fill(-1.5), new Float32Array(n).fill(0.25), { reduction: 'sum' });
    if (getNumThreads() > 1) expect(threadStats.workerChunks).toBeGreaterThan(before);
  });
});
