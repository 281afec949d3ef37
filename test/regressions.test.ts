/**
 * Bugs the fuzzer or the tests found, kept as named cases (fuzz counterexamples minimised).
 */
import { expect, test } from 'vitest';
import {
  jsDivergenceBackward,
  jsDivergenceWithLogitsBackward,
  klDivWithLogits,
  klDivWithLogitsBackward,
  klEstimateBackward,
  setBackend,
  tensor,
} from '../src/index.js';
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

test.each(['js', 'wasm'] as const)(
  "backward of a 'none' loss without gradOutput uses ones everywhere, like klDivBackward (%s)",
  (backend) => {
    setBackend(backend);
    // the per-element gradient was read past the default scalar 1: NaN (JS) or stale
    // WebAssembly scratch (logit rows) from the second element on
    const a = tensor(
      Float32Array.from({ length: 2 * 300 }, (_, i) => Math.sin(i) - 2),
      {
        shape: [2, 300],
      },
    );
    const b = tensor(
      Float32Array.from({ length: 2 * 300 }, (_, i) => Math.cos(i) - 2),
      {
        shape: [2, 300],
      },
    );
    const ones = tensor(new Float32Array(600).fill(1), { shape: [2, 300] });
    const none = { reduction: 'none' } as const;
    const pairs: [string, ArrayLike<number>, ArrayLike<number>][] = [
      [
        'klDivWithLogitsBackward',
        klDivWithLogitsBackward(a, b, none).gradStudent.data,
        klDivWithLogitsBackward(a, b, none, ones).gradStudent.data,
      ],
      [
        'jsDivergenceBackward',
        jsDivergenceBackward(a, b, none).gradStudent.data,
        jsDivergenceBackward(a, b, none, ones).gradStudent.data,
      ],
      [
        'jsDivergenceWithLogitsBackward',
        jsDivergenceWithLogitsBackward(a, b, none).gradStudent.data,
        jsDivergenceWithLogitsBackward(a, b, none, ones).gradStudent.data,
      ],
      [
        'klEstimateBackward',
        klEstimateBackward(a, b, { reduction: 'none', estimator: 'k3' }).gradLogProbQ.data,
        klEstimateBackward(a, b, { reduction: 'none', estimator: 'k3' }, ones).gradLogProbQ.data,
      ],
    ];
    for (const [name, implicit, explicit] of pairs) {
      expect(Array.from(implicit), name).toEqual(Array.from(explicit));
      expect(Array.from(implicit).every(Number.isFinite), name).toBe(true);
    }
  },
);
