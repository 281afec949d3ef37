/**
 * The default warning sink, in a file of its own: its once-per-process memory is module state,
 * and Vitest gives each test file fresh modules.
 */
import { afterEach, expect, test, vi } from 'vitest';
import { klDiv, setWarningHandler } from '../src/index.js';

afterEach(() => {
  vi.restoreAllMocks();
  setWarningHandler(null);
});

test('the default handler emits each distinct message once per process as a UserWarning', () => {
  const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
  klDiv([-1], [1]);
  klDiv([-1], [1]);
  klDiv([-1], [1], { sizeAverage: false });
  klDiv([-1], [1], { sizeAverage: false });
  expect(emit).toHaveBeenCalledTimes(2);
  expect(emit.mock.calls[0][0]).toMatch(/^reduction: 'mean' divides the total loss/);
  expect(emit.mock.calls[0][1]).toEqual({ type: 'UserWarning', code: 'W_MEAN_REDUCTION' });
  expect(emit.mock.calls[1][0]).toBe(
    "size_average and reduce args will be deprecated, please use reduction='sum' instead.",
  );
});

test('a custom handler receives every warning; null restores the default', () => {
  const seen: string[] = [];
  const previous = setWarningHandler((w) => seen.push(w.code));
  klDiv([-1], [1]);
  klDiv([-1], [1]);
  expect(seen).toEqual(['W_MEAN_REDUCTION', 'W_MEAN_REDUCTION']);
  expect(typeof previous).toBe('function');
  const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
  setWarningHandler(null);
  klDiv([-1], [1], { reduce: false });
  expect(emit).toHaveBeenCalledTimes(1);
});

test('setWarningHandler rejects non-functions with a coded error', () => {
  expect(() => setWarningHandler('print' as never)).toThrow(
    expect.objectContaining({ code: 'E_OPTION_TYPE', fn: 'setWarningHandler' }),
  );
});
