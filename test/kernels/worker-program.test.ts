/**
 * The worker program reads the slot layout and the job kinds from the data it is given
 * (threads/slots.ts, wasm/chunk.ts JobKind), never from literals of its own, so the caller and
 * the worker cannot disagree on where a field lives.
 */
import { describe, expect, test } from 'vitest';
import { SLOT } from '../../src/kernels/threads/slots.js';
import { WORKER_PROGRAM, workerData } from '../../src/kernels/threads/worker.js';
import { JobKind } from '../../src/kernels/wasm/chunk.js';

describe('worker program', () => {
  test.each([
    { name: 'literal header indices', pattern: /\b(i32|f64|h)\[\d+\]/ },
    { name: 'literal job kinds', pattern: /\.kind\s*===\s*\d/ },
    { name: 'literal slot states', pattern: /state\s*[!=]==\s*\d/ },
  ])('has no $name', ({ pattern }) => {
    expect(WORKER_PROGRAM.match(pattern)?.[0], 'a literal where the layout names one').toBe(
      undefined,
    );
  });

  test('is handed the layout and the kinds with its data', () => {
    const data = workerData({ module: {}, memory: {} } as never, 1024);
    expect(data.layout).toBe(SLOT);
    expect(data.kinds).toBe(JobKind);
    expect(data.base).toBe(1024);
  });

  test('header fields fit the header, Int32 and Float64 overlays as documented', () => {
    const ints = Object.values(SLOT.i32);
    expect(new Set(ints).size, 'distinct Int32 fields').toBe(ints.length);
    expect(Math.max(...ints), 'Int32 fields inside the header').toBeLessThan(SLOT.headerBytes / 4);
    // divisor overlays Int32 6-7 (unused), result overlays counter and sums (in-place tasks only)
    expect(
      ints.filter((i) => i === 2 * SLOT.f64.divisor || i === 2 * SLOT.f64.divisor + 1),
    ).toEqual([]);
    expect([SLOT.i32.counter, SLOT.i32.sums]).toEqual([
      2 * SLOT.f64.result,
      2 * SLOT.f64.result + 1,
    ]);
  });
});
