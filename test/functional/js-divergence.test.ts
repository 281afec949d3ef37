/**
 * The generalised Jensen-Shannon divergence, checked without fixtures: symmetry and the log 2
 * bound, its beta = 0 / 1 limits against klDiv, finite-difference gradients, and the from-logits
 * form against jsDivergence of log_softmax(x / T) written here.
 */
import { describe, expect, test } from 'vitest';
import {
  jsDivergence,
  jsDivergenceBackward,
  jsDivergenceWithLogits,
  jsDivergenceWithLogitsBackward,
  klDiv,
  type Tensor,
  tensor,
} from '../../src/index.js';
import { logits, logSoftmaxLast } from '../helpers/logits.js';

describe('jsDivergence', () => {
  const lp = (x: Tensor) => tensor(logSoftmaxLast(x, 1), { shape: x.shape });

  test('beta = 0.5 is symmetric and at most log 2 per row', () => {
    const q = lp(logits([6, 9], 12, 6));
    const p = lp(logits([6, 9], 13, 6));
    const a = jsDivergence(q, p).item();
    const b = jsDivergence(p, q).item();
    expect(a).toBeCloseTo(b, 13);
    expect(a).toBeLessThanOrEqual(Math.log(2));
    // disjoint supports reach log 2
    const far = jsDivergence(
      tensor([[0, -1e4]], { dtype: 'float64' }),
      tensor([[-1e4, 0]], { dtype: 'float64' }),
    ).item();
    expect(far).toBeCloseTo(Math.log(2), 12);
  });

  test('beta = 0 is KL(P || Q) and beta = 1 is KL(Q || P), as klDiv computes them', () => {
    const q = lp(logits([3, 5], 14));
    const p = lp(logits([3, 5], 15));
    const kl = (a: Tensor, b: Tensor) =>
      klDiv(a, b, { reduction: 'batchmean', logTarget: true }).item();
    expect(jsDivergence(q, p, { beta: 0 }).item()).toBeCloseTo(kl(q, p), 13);
    expect(jsDivergence(q, p, { beta: 1 }).item()).toBeCloseTo(kl(p, q), 13);
  });

  test('gradients (log-probabilities and logits) equal finite differences', () => {
    for (const beta of [0, 0.3, 1]) {
      const s = logits([2, 5], 16);
      const t = logits([2, 5], 17);
      const qs = lp(s);
      const pt = lp(t);
      const cases = [
        [
          qs,
          (a: Tensor) => jsDivergence(a, pt, { beta }).item(),
          jsDivergenceBackward(qs, pt, { beta }).gradStudent,
        ],
        [
          s,
          (a: Tensor) => jsDivergenceWithLogits(a, t, { beta, temperature: 1.5 }).item(),
          jsDivergenceWithLogitsBackward(s, t, { beta, temperature: 1.5 }).gradStudent,
        ],
      ] as const;
      for (const [x, f, grad] of cases) {
        for (let i = 0; i < x.numel; i++) {
          const h = 1e-6;
          const plus = Float64Array.from(x.data);
          const minus = Float64Array.from(x.data);
          plus[i] += h;
          minus[i] -= h;
          const fd =
            (f(tensor(plus, { shape: x.shape })) - f(tensor(minus, { shape: x.shape }))) / (2 * h);
          expect(grad!.data[i], `beta ${beta} [${i}]`).toBeCloseTo(fd, 6);
        }
      }
    }
  });

  test('from logits equals jsDivergence of log_softmax(x / T)', () => {
    const s = logits([3, 7], 18);
    const t = logits([3, 7], 19);
    const T = 2.5;
    const a = jsDivergenceWithLogits(s, t, { temperature: T, beta: 0.4 }).item();
    const b = jsDivergence(
      tensor(logSoftmaxLast(s, T), { shape: s.shape }),
      tensor(logSoftmaxLast(t, T), { shape: t.shape }),
      { beta: 0.4 },
    ).item();
    expect(a).toBeCloseTo(b, 13);
  });

  test('beta outside [0, 1] is E_OPTION_RANGE', () => {
    expect(() => jsDivergence([[0]], [[0]], { beta: 1.5 })).toThrow(
      expect.objectContaining({ code: 'E_OPTION_RANGE', argument: 'beta' }),
    );
  });
});
