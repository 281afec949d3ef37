/**
 * A worker-thread failure (E_THREAD_FAILURE) is raised deep in the pool, which knows no caller;
 * the error names the public function that was called. The kernels are replaced by ones that
 * fail as the pool does, so the failure is provoked without breaking real threads.
 */
import { describe, expect, test, vi } from 'vitest';
import { ERROR_TABLE, inPublicCall, KLDivError } from '../src/errors.js';

function poolFailure(): KLDivError {
  // what src/kernels/threads/pool.ts throws, naming no caller of its own
  return new KLDivError(
    'a kldiv worker thread stopped responding; worker threads are now disabled',
    {
      code: 'E_THREAD_FAILURE',
      fn: 'klDiv',
      argument: 'threads',
    },
  );
}

vi.mock('../src/kernels/dispatch.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/kernels/dispatch.js')>();
  const failing = () => {
    throw poolFailure();
  };
  return {
    ...original,
    kernels: () => ({
      ...original.kernels(),
      klSum: failing,
      klPointwise: failing,
      klBackward: failing,
    }),
  };
});

const { klDiv, klDivBackward, KLAccumulator, KLDivLoss } = await import('../src/index.js');

const x = [[-1.2, -0.4]];
const y = [[0.3, 0.7]];

describe('a thread failure names the public function called', () => {
  test.each([
    ['klDiv', () => klDiv(x, y, { reduction: 'sum' })],
    ['klDiv', () => klDiv(x, y, { reduction: 'none' })],
    ['klDiv', () => new KLDivLoss({ reduction: 'batchmean' }).forward(x, y)],
    ['klDivBackward', () => klDivBackward(x, y, { reduction: 'sum' })],
    ['klDivBackward', () => klDivBackward(x, y, { reduction: 'none' })],
    ['KLAccumulator.add', () => new KLAccumulator().add(x, y)],
  ] as const)('%s', (fn, run) => {
    let error: unknown;
    try {
      run();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KLDivError);
    const e = error as KLDivError;
    expect(e.code).toBe('E_THREAD_FAILURE');
    // exactly the class and torchType of its ERROR_TABLE row
    expect(Object.getPrototypeOf(e)).toBe(KLDivError.prototype);
    expect(ERROR_TABLE.E_THREAD_FAILURE.class).toBe('KLDivError');
    expect(ERROR_TABLE.E_THREAD_FAILURE.torchTypes).toContain(e.torchType);
    expect(e.fn).toBe(fn);
    expect(e.argument).toBe('threads');
    expect(e.message).toMatch(/^a kldiv worker thread stopped responding/);
  });
});

describe('inPublicCall', () => {
  test('returns what the work returns', () => {
    expect(inPublicCall('klDiv', () => 42)).toBe(42);
  });
  test('passes other errors through unchanged', () => {
    const other = new Error('other');
    expect(() =>
      inPublicCall('klDiv', () => {
        throw other;
      }),
    ).toThrow(other);
  });
});
