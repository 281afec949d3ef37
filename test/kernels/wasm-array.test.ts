/**
 * `wasmArray` / `freeWasmArray`: arrays in kldiv's shared WebAssembly memory, read in place by
 * the kernels and the worker threads. Results must be bitwise those of the same data in
 * ordinary arrays (same chunks, same kernels), and the inputs must not be copied.
 */
import { afterEach, describe, expect, test } from 'vitest';
import {
  type FloatArray,
  freeWasmArray,
  klDiv,
  klDivBackward,
  klDivWithLogits,
  klDivWithLogitsBackward,
  type Reduction,
  setBackend,
  setNumThreads,
  tensor,
  wasmArray,
} from '../../src/index.js';
import { resetRuntime } from '../../src/kernels/runtime.js';
import { threadStats } from '../../src/kernels/threads/pool.js';
import { CHUNK_BYTES, ROUND_CHUNKS } from '../../src/kernels/wasm/chunk.js';
import { quiet } from '../fuzz/targets-core.js';
import { firstDifference } from '../helpers/fixtures.js';

afterEach(() => {
  resetRuntime();
});

/** Deterministic values: log-probabilities in [-9, 0), probabilities in [0, 1), some zeros. */
function fill(a: FloatArray, seed: number, kind: 'log' | 'prob'): FloatArray {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    a[i] = kind === 'log' ? -9 * u - 1e-3 : i % 97 === 0 ? 0 : u;
  }
  return a;
}

function placed(a: FloatArray): FloatArray {
  const w = wasmArray(a.length, a instanceof Float64Array ? 'float64' : 'float32');
  w.set(a);
  return w;
}

/**
 * How many `set` calls copy from or into one of `arrays` while `fn` runs (copies into or out of
 * WebAssembly memory).
 */
function copiesOf(arrays: FloatArray[], fn: () => void): number {
  let copies = 0;
  const protos = [Float32Array.prototype, Float64Array.prototype];
  const original = Object.getPrototypeOf(Float32Array.prototype).set;
  for (const proto of protos) {
    Object.defineProperty(proto, 'set', {
      configurable: true,
      value(this: FloatArray, source: ArrayLike<number>, offset?: number) {
        // bytes of one of `arrays` (the scratch shares their buffer, not their bytes)
        const ours = (v: unknown) =>
          ArrayBuffer.isView(v) &&
          arrays.some(
            (a) =>
              a.buffer === v.buffer &&
              v.byteOffset < a.byteOffset + a.byteLength &&
              a.byteOffset < v.byteOffset + v.byteLength,
          );
        if (ours(source) || ours(this)) copies++;
        return original.call(this, source, offset);
      },
    });
  }
  try {
    fn();
  } finally {
    for (const proto of protos) delete (proto as { set?: unknown }).set;
  }
  return copies;
}

describe('wasmArray(length, dtype)', () => {
  test('returns a zero-filled array of the dtype, on the shared memory in Node', () => {
    const a = wasmArray(1000);
    const b = wasmArray(3, 'float64');
    expect(a).toBeInstanceOf(Float32Array);
    expect(b).toBeInstanceOf(Float64Array);
    expect(a.length).toBe(1000);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.every((v) => v === 0) && b.every((v) => v === 0)).toBe(true);
    freeWasmArray(a);
    freeWasmArray(b);
  });

  test('a freed block is reused, zero-filled again', () => {
    const a = wasmArray(5000);
    a.fill(7);
    const offset = a.byteOffset;
    freeWasmArray(a);
    const b = wasmArray(5000);
    expect(b.byteOffset).toBe(offset);
    expect(b.every((v) => v === 0)).toBe(true);
    freeWasmArray(b);
  });

  test('neighbouring free blocks merge: two freed arrays hold one of their joint size', () => {
    const a = wasmArray(4096);
    const b = wasmArray(4096);
    const guard = wasmArray(16);
    expect(b.byteOffset).toBe(a.byteOffset + a.byteLength);
    freeWasmArray(a);
    freeWasmArray(b);
    const c = wasmArray(8192);
    expect(c.byteOffset).toBe(a.byteOffset);
    freeWasmArray(c);
    freeWasmArray(guard);
  });

  test('arrays keep their values when later allocations grow the memory', () => {
    const a = fill(wasmArray(1000), 1, 'prob');
    const copy = Float32Array.from(a);
    const big = wasmArray(1 << 22);
    expect(firstDifference(a, copy)).toBe(-1);
    expect(a.buffer.byteLength).toBeLessThan(big.buffer.byteLength);
    freeWasmArray(big);
    freeWasmArray(a);
  });

  test('bad arguments, foreign, partial and double frees, and exhaustion get coded errors', () => {
    const bad: [unknown, string][] = [
      [-1, 'E_OPTION_RANGE'],
      [1.5, 'E_OPTION_TYPE'],
      [Number.NaN, 'E_OPTION_TYPE'],
      ['4', 'E_OPTION_TYPE'],
    ];
    for (const [length, code] of bad) {
      expect(() => wasmArray(length as number), `wasmArray(${String(length)})`).toThrow(
        expect.objectContaining({ code, fn: 'wasmArray', argument: 'length' }),
      );
    }
    expect(() => wasmArray(4, 'int32' as never)).toThrow(
      expect.objectContaining({ code: 'E_INVALID_DTYPE', argument: 'dtype' }),
    );
    const a = wasmArray(64);
    const invalidFree = expect.objectContaining({
      code: 'E_INVALID_FREE',
      fn: 'freeWasmArray',
      argument: 'array',
    });
    expect(() => freeWasmArray(new Float32Array(64))).toThrow(invalidFree);
    expect(() => freeWasmArray(a.subarray(0, 32))).toThrow(invalidFree);
    freeWasmArray(a);
    expect(() => freeWasmArray(a)).toThrow(invalidFree);
    expect(() => wasmArray(2 ** 29)).toThrow(
      expect.objectContaining({ code: 'E_OUT_OF_MEMORY', fn: 'wasmArray', received: 2 ** 29 }),
    );
    // a failed allocation leaves the allocator usable
    const b = wasmArray(10);
    freeWasmArray(b);
  });
});

const REDUCTIONS: Reduction[] = ['none', 'sum', 'mean', 'batchmean'];

describe.each([1, 2])('inputs in wasmArrays, %i thread(s)', (threads) => {
  // 3e5 elements: above the threshold, so a second thread takes chunks
  const cases = (['float32', 'float64'] as const).flatMap((dtype) =>
    [false, true].flatMap((logTarget) =>
      REDUCTIONS.map((reduction) => ({ dtype, logTarget, reduction })),
    ),
  );

  test.each(cases)(
    'klDiv and klDivBackward on $dtype, $reduction, logTarget $logTarget are bitwise those of ordinary arrays',
    ({ dtype, logTarget, reduction }) => {
      setNumThreads(threads);
      const Ctor = dtype === 'float64' ? Float64Array : Float32Array;
      const n = 300_001;
      const x = fill(new Ctor(n), 3, 'log');
      const y = fill(new Ctor(n), 4, logTarget ? 'log' : 'prob');
      const [wx, wy] = [placed(x), placed(y)];
      const options = { reduction, logTarget };
      const shape = { shape: [1, n] };
      const a = quiet(() => klDiv(tensor(x, shape), tensor(y, shape), options));
      const before = threadStats.workerChunks;
      const b = quiet(() => klDiv(tensor(wx, shape), tensor(wy, shape), options));
      if (threads > 1) expect(threadStats.workerChunks).toBeGreaterThan(before);
      expect(firstDifference(a.data, b.data), 'first differing loss element').toBe(-1);
      const ga = klDivBackward(tensor(x, shape), tensor(y, shape), options);
      const gb = klDivBackward(tensor(wx, shape), tensor(wy, shape), options);
      expect(firstDifference(ga.gradInput.data, gb.gradInput.data), 'gradInput').toBe(-1);
      expect(firstDifference(ga.gradTarget.data, gb.gradTarget.data), 'gradTarget').toBe(-1);
      expect(firstDifference(ga.loss.data, gb.loss.data), 'loss').toBe(-1);
      freeWasmArray(wx);
      freeWasmArray(wy);
    },
  );

  test("a 'sum' never copies inputs that are wasmArrays; ordinary arrays are copied", () => {
    setNumThreads(threads);
    const n = 300_000;
    const [x, y] = [fill(new Float32Array(n), 5, 'log'), fill(new Float32Array(n), 6, 'prob')];
    const [wx, wy] = [placed(x), placed(y)];
    expect(copiesOf([wx, wy], () => klDiv(wx, wy, { reduction: 'sum' }))).toBe(0);
    expect(copiesOf([x, y], () => klDiv(x, y, { reduction: 'sum' }))).toBeGreaterThan(0);
    freeWasmArray(wx);
    freeWasmArray(wy);
  });

  test('gradients into wasmArray out buffers: written in place (no copy), the same bits', () => {
    setNumThreads(threads);
    const n = 300_000;
    const [x, y] = [fill(new Float32Array(n), 13, 'log'), fill(new Float32Array(n), 14, 'prob')];
    const [wx, wy] = [placed(x), placed(y)];
    const out = { gradInput: wasmArray(n), gradTarget: wasmArray(n) };
    const fresh = klDivBackward(x, y, { reduction: 'batchmean' });
    const copies = copiesOf([out.gradInput, out.gradTarget, wx, wy], () =>
      klDivBackward(wx, wy, { reduction: 'batchmean', out }),
    );
    expect(copies).toBe(0);
    expect(firstDifference(out.gradInput, fresh.gradInput.data), 'gradInput').toBe(-1);
    expect(firstDifference(out.gradTarget, fresh.gradTarget.data), 'gradTarget').toBe(-1);
    // ordinary inputs, wasmArray buffers: the inputs are copied in, the gradients are not copied out
    const outCopies = copiesOf([out.gradInput, out.gradTarget], () =>
      klDivBackward(x, y, { reduction: 'batchmean', out }),
    );
    expect(outCopies).toBe(0);
    expect(firstDifference(out.gradTarget, fresh.gradTarget.data), 'gradTarget, copied in').toBe(
      -1,
    );
    for (const a of [wx, wy, out.gradInput, out.gradTarget]) freeWasmArray(a);
  });

  test('mixed placements, offsets into a wasmArray and mixed dtypes give the ordinary result', () => {
    setNumThreads(threads);
    const n = 200_003;
    const x = fill(new Float32Array(n + 1), 7, 'log');
    const y = fill(new Float32Array(n), 8, 'prob');
    const [wx, wy] = [placed(x), placed(y)];
    const expected = klDiv(x.subarray(1), y, { reduction: 'sum' }).item();
    expect(klDiv(wx.subarray(1), y, { reduction: 'sum' }).item()).toBe(expected);
    expect(klDiv(x.subarray(1), wy, { reduction: 'sum' }).item()).toBe(expected);
    expect(klDiv(wx.subarray(1), wy, { reduction: 'sum' }).item()).toBe(expected);
    // float64 promotion: the float32 wasmArray is converted, not read in place
    const y64 = Float64Array.from(y);
    expect(klDiv(wx.subarray(1), y64, { reduction: 'sum' }).item()).toBe(
      klDiv(x.subarray(1), y64, { reduction: 'sum' }).item(),
    );
    freeWasmArray(wx);
    freeWasmArray(wy);
  });
});

describe.each([1, 2])(
  'every operand in wasmArrays, longer than one round (ROUND_CHUNKS chunks), %i thread(s)',
  (threads) => {
    const cases = [
      { dtype: 'float32', logTarget: false },
      { dtype: 'float64', logTarget: true },
    ] as const;
    // two whole rounds and part of a third, ending inside a chunk
    const length = (Ctor: typeof Float32Array | typeof Float64Array) =>
      2 * ROUND_CHUNKS * (CHUNK_BYTES / Ctor.BYTES_PER_ELEMENT) + 12_345;

    test.each(cases)(
      'a $dtype sum (logTarget $logTarget) has the bits of ordinary arrays',
      ({ dtype, logTarget }) => {
        setNumThreads(threads);
        const Ctor = dtype === 'float64' ? Float64Array : Float32Array;
        const n = length(Ctor);
        const x = fill(new Ctor(n), 21, 'log');
        const y = fill(new Ctor(n), 22, logTarget ? 'log' : 'prob');
        const [wx, wy] = [placed(x), placed(y)];
        const expected = klDiv(x, y, { reduction: 'sum', logTarget }).item();
        const before = threadStats.workerChunks;
        expect(klDiv(wx, wy, { reduction: 'sum', logTarget }).item()).toBe(expected);
        if (threads > 1) expect(threadStats.workerChunks).toBeGreaterThan(before);
        freeWasmArray(wx);
        freeWasmArray(wy);
      },
    );

    test.each(cases)(
      '$dtype gradients into wasmArray out buffers, per-element and scalar upstream gradients, have the ordinary bits',
      ({ dtype, logTarget }) => {
        setNumThreads(threads);
        const Ctor = dtype === 'float64' ? Float64Array : Float32Array;
        const n = length(Ctor);
        const x = fill(new Ctor(n), 23, 'log');
        const y = fill(new Ctor(n), 24, logTarget ? 'log' : 'prob');
        const g = fill(new Ctor(n), 25, 'prob');
        const [wx, wy, wg] = [placed(x), placed(y), placed(g)];
        const out = { gradInput: placed(new Ctor(n)), gradTarget: placed(new Ctor(n)) };
        for (const [reduction, upstream, placedUpstream] of [
          ['none', tensor(g), tensor(wg)],
          ['batchmean', undefined, undefined],
        ] as const) {
          const options = { reduction, logTarget };
          const fresh = klDivBackward(x, y, options, upstream);
          const before = threadStats.workerChunks;
          const inPlace = klDivBackward(wx, wy, { ...options, out }, placedUpstream);
          if (threads > 1) expect(threadStats.workerChunks).toBeGreaterThan(before);
          expect(
            firstDifference(out.gradInput, fresh.gradInput.data),
            `${reduction} gradInput`,
          ).toBe(-1);
          expect(
            firstDifference(out.gradTarget, fresh.gradTarget.data),
            `${reduction} gradTarget`,
          ).toBe(-1);
          expect(inPlace.loss.data[0]).toBe(fresh.loss.data[0]);
        }
        for (const a of [wx, wy, wg, out.gradInput, out.gradTarget]) freeWasmArray(a);
      },
    );
  },
);

test('logits in wasmArrays: klDivWithLogits and its backward are bitwise those of ordinary arrays', () => {
  const [B, V] = [6, 40_000];
  for (const dtype of ['float32', 'float64'] as const) {
    const Ctor = dtype === 'float64' ? Float64Array : Float32Array;
    const s = fill(new Ctor(B * V), 9, 'log').map((v) => v * 3);
    const t = fill(new Ctor(B * V), 10, 'log').map((v) => v * 2);
    const [ws, wt] = [placed(s), placed(t)];
    const shape = { shape: [B, V] };
    for (const reduction of ['none', 'batchmean'] as const) {
      const options = { reduction, temperature: 2 };
      const a = klDivWithLogits(tensor(s, shape), tensor(t, shape), options);
      const b = klDivWithLogits(tensor(ws, shape), tensor(wt, shape), options);
      expect(firstDifference(a.data, b.data), `${dtype} ${reduction} loss`).toBe(-1);
      const ga = klDivWithLogitsBackward(tensor(s, shape), tensor(t, shape), options);
      const gb = klDivWithLogitsBackward(tensor(ws, shape), tensor(wt, shape), options);
      expect(firstDifference(ga.gradStudent.data, gb.gradStudent.data), 'gradStudent').toBe(-1);
      expect(firstDifference(ga.gradTeacher!.data, gb.gradTeacher!.data), 'gradTeacher').toBe(-1);
    }
    expect(
      copiesOf([ws, wt], () =>
        klDivWithLogits(tensor(ws, shape), tensor(wt, shape), { reduction: 'batchmean' }),
      ),
    ).toBe(0);
    // gradients into wasmArray out buffers: written in place, the same bits
    const out = { gradStudent: wasmArray(B * V, dtype), gradTeacher: wasmArray(B * V, dtype) };
    const options = { temperature: 2 };
    const fresh = klDivWithLogitsBackward(tensor(s, shape), tensor(t, shape), options);
    const copies = copiesOf([ws, wt, out.gradStudent, out.gradTeacher], () =>
      klDivWithLogitsBackward(tensor(ws, shape), tensor(wt, shape), { ...options, out }),
    );
    expect(copies).toBe(0);
    expect(out.gradStudent).toBeInstanceOf(Ctor);
    expect(firstDifference(out.gradStudent, fresh.gradStudent.data), 'gradStudent').toBe(-1);
    expect(firstDifference(out.gradTeacher, fresh.gradTeacher!.data), 'gradTeacher').toBe(-1);
    freeWasmArray(out.gradStudent);
    freeWasmArray(out.gradTeacher);
    freeWasmArray(ws);
    freeWasmArray(wt);
  }
});

test("on the 'js' backend wasmArrays are ordinary inputs", () => {
  setBackend('js');
  const x = fill(wasmArray(1000), 11, 'log');
  const y = fill(wasmArray(1000), 12, 'prob');
  const expected = klDiv(Float32Array.from(x), Float32Array.from(y), { reduction: 'sum' }).item();
  expect(klDiv(x, y, { reduction: 'sum' }).item()).toBe(expected);
  freeWasmArray(x);
  freeWasmArray(y);
});
