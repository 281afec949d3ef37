import { availableParallelism } from 'node:os';
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
import { resetRuntime, runtime, threadSetting, threadsFor } from '../../src/kernels/runtime.js';
import { threadStats } from '../../src/kernels/threads/pool.js';

afterEach(async () => {
  await terminateThreads();
  resetRuntime();
});

const cores = availableParallelism();

describe('backend and thread controls', () => {
  test("the default backend is 'wasm' on Node 20 (WebAssembly SIMD128)", () => {
    expect(getBackend()).toBe('wasm');
  });

  test('setBackend switches and validates', () => {
    setBackend('js');
    expect(getBackend()).toBe('js');
    // a string naming no backend is out of range; a non-string has the wrong type
    expect(() => setBackend('gpu' as never)).toThrow(
      expect.objectContaining({ code: 'E_OPTION_RANGE', fn: 'setBackend', argument: 'backend' }),
    );
    expect(() => setBackend(1 as never)).toThrow(
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
    const bad: [number, string][] = [
      [0, 'E_OPTION_RANGE'],
      [-1, 'E_OPTION_RANGE'],
      [1000, 'E_OPTION_RANGE'],
      [1.5, 'E_OPTION_TYPE'],
      [Number.NaN, 'E_OPTION_TYPE'],
    ];
    for (const [n, code] of bad) {
      expect(() => setNumThreads(n), `setNumThreads(${n})`).toThrow(
        expect.objectContaining({ code }),
      );
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

describe('the runtime object', () => {
  test('resetRuntime() restores the defaults: detected backend, every core, no forced threads', () => {
    setBackend('js');
    setNumThreads(1);
    runtime.forceThreads = 2;
    resetRuntime();
    expect(runtime).toMatchObject({
      backend: undefined,
      threads: undefined,
      forceThreads: undefined,
    });
    expect(getBackend()).toBe('wasm');
    expect(getNumThreads()).toBe(cores);
  });

  // the WebAssembly kernels read the thread rule from the runtime object (nothing is installed
  // into them at import time)
  test.each([
    {
      name: 'below the threshold',
      threads: 2,
      force: undefined,
      n: PARALLEL_THRESHOLD - 1,
      want: 1,
    },
    {
      name: 'at the threshold',
      threads: 2,
      force: undefined,
      n: PARALLEL_THRESHOLD,
      want: Math.min(2, cores),
    },
    { name: 'one thread set', threads: 1, force: undefined, n: PARALLEL_THRESHOLD * 4, want: 1 },
    {
      name: 'more than the cores',
      threads: 256,
      force: undefined,
      n: PARALLEL_THRESHOLD,
      want: cores,
    },
    { name: 'forced, however small', threads: 1, force: 2, n: 1, want: 2 },
  ])('threads for a job: $name', ({ threads, force, n, want }) => {
    setNumThreads(threads);
    runtime.forceThreads = force;
    expect(threadSetting(), 'the setting, capped at the cores').toBe(Math.min(threads, cores));
    expect(
      threadsFor(n),
      `threadsFor(${n}) with setNumThreads(${threads}), forceThreads ${force}`,
    ).toBe(want);
  });

  test.each([
    { name: 'the default', set: () => {}, want: cores },
    { name: 'setNumThreads(1)', set: () => setNumThreads(1), want: 1 },
    { name: 'setNumThreads(2)', set: () => setNumThreads(2), want: Math.min(2, cores) },
    { name: "the 'js' backend", set: () => setBackend('js'), want: 1 },
    {
      name: 'after a worker failure',
      set: () => {
        runtime.threadFailure = 'a kldiv worker thread failed (forced by a test)';
      },
      want: 1,
    },
  ])('getNumThreads() reports the threads calls can use: $name', ({ set, want }) => {
    set();
    expect(getNumThreads()).toBe(want);
  });

  test.skipIf(cores < 2)(
    'terminateThreads() clears a worker failure, and threads start again',
    async () => {
      setNumThreads(2);
      const n = PARALLEL_THRESHOLD * 4;
      const x = new Float32Array(n).fill(-1.5);
      const y = new Float32Array(n).fill(0.25);
      const chunksOf = (f: () => number) => {
        const before = threadStats.workerChunks;
        const value = f();
        return { value, workerChunks: threadStats.workerChunks - before };
      };
      const sum = () => klDiv(x, y, { reduction: 'sum' }).item();
      const healthy = chunksOf(sum);
      expect(healthy.workerChunks, 'workers take chunks before the failure').toBeGreaterThan(0);

      // the state a failed worker leaves (threads/pool.ts sets it when a worker fails)
      runtime.threadFailure = 'a kldiv worker thread failed (forced by a test)';
      expect(getNumThreads()).toBe(1);
      expect(await initThreads()).toBe(1);
      const failed = chunksOf(sum);
      expect(failed.workerChunks, 'no worker takes chunks after a failure').toBe(0);
      expect(Object.is(failed.value, healthy.value)).toBe(true);

      await terminateThreads();
      expect(runtime.threadFailure).toBeUndefined();
      expect(getNumThreads()).toBe(2);
      const restarted = chunksOf(sum);
      expect(restarted.workerChunks, 'workers take chunks again').toBeGreaterThan(0);
      expect(Object.is(restarted.value, healthy.value)).toBe(true);
    },
  );
});
