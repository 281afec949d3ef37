/**
 * Bugs the fuzzer found, kept as named cases (seeded fast-check counterexamples, minimised).
 */
import { expect, test } from 'vitest';
import { klDivWithLogits, klDivWithLogitsBackward, setBackend, tensor } from '../src/index.js';
import { relEntr } from '../src/scipy/index.js';

test('float64 logit rows after float32 rows of odd length: 8-byte aligned WebAssembly row buffers', () => {
  setBackend('wasm');
  // sizes the row buffers at 3 * 4 = 12 bytes: a float64 view at offset 12 used to throw RangeError
  klDivWithLogits(tensor([[1, 2, 3]]), tensor([[3, 2, 1]]));
  const s = tensor([0.5], { dtype: 'float64' });
  const t = tensor([-0.5], { dtype: 'float64' });
  expect(klDivWithLogits(s, t, { reduction: 'none', temperature: 0.1 }).item()).toBe(0);
  expect(klDivWithLogitsBackward(s, t, { reduction: 'none' }).gradStudent.item()).toBe(0);
});

test('empty logit rows on the WebAssembly backend: a scalar upstream gradient still has scratch', () => {
  setBackend('wasm');
  // rows of length 0 sized the row buffers at 0 bytes: the scalar gradient view threw RangeError
  const s = tensor(new Float32Array(0), { shape: [0] });
  const { loss, gradStudent } = klDivWithLogitsBackward(s, s, { reduction: 'mean' });
  expect(gradStudent.shape).toEqual([0]);
  expect(Number.isNaN(loss.item())).toBe(true); // PyTorch: the mean of nothing is nan
});

test('scipy broadcasting of empty arrays keeps NumPy shapes ([3, 0, 1] with [3, 0, 2] is [3, 0, 2])', () => {
  const a = tensor(new Float64Array(0), { shape: [3, 0, 1] });
  const b = tensor(new Float64Array(0), { shape: [3, 0, 2] });
  expect(relEntr(a, b).shape).toEqual([3, 0, 2]);
});
