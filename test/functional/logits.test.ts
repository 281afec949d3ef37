/**
 * The from-logits KL losses, checked without fixtures: against the unfused composition written
 * here from the definitions (log_softmax, softmax, klDiv), against finite differences, and
 * against identities (shift invariance, the transposed problem).
 */
import { describe, expect, test } from 'vitest';
import {
  klDiv,
  klDivWithLogits,
  klDivWithLogitsBackward,
  type Tensor,
  tensor,
} from '../../src/index.js';
import { withConfig } from '../helpers/backends.js';
import { logits, logSoftmaxLast } from '../helpers/logits.js';
import { collectWarnings } from '../helpers/runners.js';

const quiet = <T>(f: () => T): T => collectWarnings(f).result as T;

describe('klDivWithLogits', () => {
  test.each([1, 2, 4.5])(
    'equals klDiv(log_softmax(s/T), softmax(t/T)) * T*T, unfused (T = %s)',
    (T) => {
      const s = logits([5, 11], 1);
      const t = logits([5, 11], 2);
      const logq = tensor(logSoftmaxLast(s, T), { shape: s.shape });
      const p = tensor(logSoftmaxLast(t, T).map(Math.exp), { shape: t.shape });
      for (const reduction of ['batchmean', 'sum', 'mean', 'none'] as const) {
        const fused = quiet(() => klDivWithLogits(s, t, { temperature: T, reduction }));
        const unfused = quiet(() => klDiv(logq, p, { reduction }));
        Array.from(fused.data).forEach((v, i) => {
          expect(v, `${reduction}[${i}]`).toBeCloseTo(unfused.data[i] * T * T, 12);
        });
      }
    },
  );

  test('is invariant to shifting a row of logits, and stable for magnitudes of 1e4', () => {
    const s = logits([3, 50], 3);
    const t = logits([3, 50], 4);
    const shifted = (x: Tensor, c: number) =>
      tensor(
        Float64Array.from(x.data, (v) => v + c),
        { shape: x.shape },
      );
    const base = klDivWithLogits(s, t).item();
    const big = klDivWithLogits(shifted(s, 1e4), shifted(t, -1e4)).item();
    expect(Number.isFinite(big)).toBe(true);
    expect(big).toBeCloseTo(base, 9);
    const f32 = klDivWithLogits(
      tensor(shifted(s, 1e4).data, { dtype: 'float32', shape: [3, 50] }),
      tensor(shifted(t, 1e4).data, { dtype: 'float32', shape: [3, 50] }),
    ).item();
    expect(Number.isFinite(f32)).toBe(true);
  });

  test('dim selects the class axis: dim 0 equals the transposed problem along dim -1', () => {
    const s = logits([4, 3], 5);
    const t = logits([4, 3], 6);
    const transpose = (x: Tensor) =>
      tensor(
        Float64Array.from({ length: 12 }, (_, i) => x.data[(i % 4) * 3 + Math.floor(i / 4)]),
        { shape: [3, 4] },
      );
    const a = klDivWithLogits(s, t, { dim: 0, reduction: 'sum' }).item();
    const b = klDivWithLogits(transpose(s), transpose(t), { dim: -1, reduction: 'sum' }).item();
    expect(a).toBeCloseTo(b, 12);
  });

  test('gradients equal central finite differences (both logits, every reduction, dim 1 of 3-d)', () => {
    for (const reduction of ['batchmean', 'sum', 'mean', 'none'] as const) {
      const s = logits([2, 4, 3], 7);
      const t = logits([2, 4, 3], 8);
      const opts = { temperature: 1.7, dim: 1, reduction };
      const gOut = reduction === 'none' ? logits([2, 4, 3], 9, 1) : undefined;
      const f = (a: Tensor, b: Tensor) => {
        const out = quiet(() => klDivWithLogits(a, b, opts));
        let v = 0;
        for (let i = 0; i < out.numel; i++) v += out.data[i] * (gOut ? gOut.data[i] : 1);
        return v;
      };
      const { gradStudent, gradTeacher } = klDivWithLogitsBackward(s, t, opts, gOut);
      for (const [which, grad] of [
        ['s', gradStudent],
        ['t', gradTeacher],
      ] as const) {
        const base = which === 's' ? s : t;
        for (let i = 0; i < base.numel; i++) {
          const h = 1e-6;
          const plus = Float64Array.from(base.data);
          const minus = Float64Array.from(base.data);
          plus[i] += h;
          minus[i] -= h;
          const tp = tensor(plus, { shape: base.shape });
          const tm = tensor(minus, { shape: base.shape });
          const fd =
            which === 's' ? (f(tp, t) - f(tm, t)) / (2 * h) : (f(s, tp) - f(s, tm)) / (2 * h);
          expect(grad!.data[i], `${reduction} grad${which}[${i}]`).toBeCloseTo(fd, 6);
        }
      }
    }
  });

  test('a row mask zeroes rows: batchmean keeps shape[0], tokenmean counts kept rows', () => {
    const s = logits([4, 6], 10);
    const t = logits([4, 6], 11);
    const rows = (keep: number[]) =>
      tensor(
        keep.flatMap((r) => Array.from(s.data.slice(r * 6, r * 6 + 6))),
        { shape: [keep.length, 6], dtype: 'float64' },
      );
    const rowsT = (keep: number[]) =>
      tensor(
        keep.flatMap((r) => Array.from(t.data.slice(r * 6, r * 6 + 6))),
        { shape: [keep.length, 6], dtype: 'float64' },
      );
    const mask = [true, false, true, false];
    const kept = klDivWithLogits(rows([0, 2]), rowsT([0, 2]), { reduction: 'sum' }).item();
    // 'batchmean' divides by shape[0] = 4 with or without a mask (the masked rows count as 0)
    expect(klDivWithLogits(s, t, { mask }).item()).toBeCloseTo(kept / 4, 12);
    expect(klDivWithLogits(s, t, { mask, reduction: 'tokenmean' }).item()).toBeCloseTo(
      kept / 2,
      12,
    );
    const g = klDivWithLogitsBackward(s, t, { mask: [1, 0, 1, 0] }).gradStudent;
    expect(Array.from(g.data.slice(6, 12))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => klDivWithLogits(s, t, { mask: [1, 0] })).toThrow(
      expect.objectContaining({ code: 'E_SHAPE_MISMATCH', argument: 'mask' }),
    );
  });

  test('bad options get coded errors with PyTorch wording where it has one', () => {
    const s = logits([2, 3], 1);
    for (const temperature of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => klDivWithLogits(s, s, { temperature })).toThrow(
        expect.objectContaining({ code: 'E_OPTION_RANGE', argument: 'temperature' }),
      );
    }
    expect(() => klDivWithLogits(s, s, { dim: 2 })).toThrow(
      'Dimension out of range (expected to be in range of [-2, 1], but got 2)',
    );
    expect(() => klDivWithLogits(s, logits([2, 4], 1))).toThrow(
      expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }),
    );
    expect(() => klDivWithLogits(s, s, { temprature: 2 } as never)).toThrow(
      "Did you mean 'temperature'?",
    );
    expect(() => klDivWithLogits(tensor([1], { dtype: 'int32' }), [1])).toThrow(
      expect.objectContaining({ code: 'E_INTEGRAL_INPUT' }),
    );
  });
});

describe('klDivWithLogits on both backends', () => {
  const configs = [
    { name: 'js', backend: 'js' as const, threads: 1 },
    { name: 'wasm', backend: 'wasm' as const, threads: 1 },
  ];
  const run = <T>(backend: 'js' | 'wasm', f: () => T) =>
    withConfig({ name: backend, backend, threads: 1 }, f);

  test.each(configs)('backward also returns the forward loss ($name)', ({ backend }) => {
    const s = logits([3, 40], 30);
    const t = logits([3, 40], 31);
    for (const reduction of ['batchmean', 'sum', 'mean', 'none'] as const) {
      const fwd = run(backend, () =>
        quiet(() => klDivWithLogits(s, t, { reduction, temperature: 1.3 })),
      );
      const { loss } = run(backend, () =>
        klDivWithLogitsBackward(s, t, { reduction, temperature: 1.3 }),
      );
      expect(loss.shape).toEqual(fwd.shape);
      Array.from(loss.data).forEach((v, i) => {
        expect(v, `${reduction}[${i}]`).toBeCloseTo(fwd.data[i], 12);
      });
    }
  });

  test('the WebAssembly rows agree with the JS rows (float32 and float64, masks, long rows)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const s = tensor(logits([5, 1003], 32, 8).data, { shape: [5, 1003], dtype });
      const t = tensor(logits([5, 1003], 33, 8).data, { shape: [5, 1003], dtype });
      const opts = { temperature: 2, mask: [1, 0, 1, 1, 1] };
      const tol = dtype === 'float32' ? 5e-6 : 1e-12;
      const a = run('wasm', () => klDivWithLogitsBackward(s, t, opts));
      const b = run('js', () => klDivWithLogitsBackward(s, t, opts));
      expect(Math.abs(a.loss.item() - b.loss.item())).toBeLessThan(tol * Math.abs(b.loss.item()));
      for (const key of ['gradStudent', 'gradTeacher'] as const) {
        for (let i = 0; i < s.numel; i++) {
          expect(Math.abs(a[key]!.data[i] - b[key]!.data[i]), `${dtype} ${key}[${i}]`).toBeLessThan(
            tol * 1e-2 + tol * Math.abs(b[key]!.data[i]),
          );
        }
      }
    }
  });

  test.each(configs)(
    'teacher probabilities that underflow: finite loss and student gradient, NaN teacher row as PyTorch ($name)',
    ({ backend }) => {
      const s = tensor([[0, 1, 2, 3]], { dtype: 'float32' });
      const t = tensor([[0, -200, 5, 1]], { dtype: 'float32' }); // exp(-205) underflows float32
      const { loss, gradStudent, gradTeacher } = run(backend, () => klDivWithLogitsBackward(s, t));
      expect(Number.isFinite(loss.item())).toBe(true);
      expect(Array.from(gradStudent.data).every(Number.isFinite)).toBe(true);
      expect(Array.from(gradTeacher!.data).every(Number.isNaN)).toBe(true);
    },
  );
});

describe('klDivWithLogitsBackward without the teacher gradient', () => {
  test.each(['js', 'wasm'] as const)(
    'gradTeacher: false gives the same student gradient and loss, no teacher buffer (%s)',
    (backend) => {
      const s = logits([4, 37], 40);
      const t = logits([4, 37], 41);
      for (const dim of [-1, 0]) {
        const both = withConfig({ name: backend, backend, threads: 1 }, () =>
          klDivWithLogitsBackward(s, t, { dim, temperature: 2 }),
        );
        const one = withConfig({ name: backend, backend, threads: 1 }, () =>
          klDivWithLogitsBackward(s, t, { dim, temperature: 2, gradTeacher: false }),
        );
        expect(one.gradTeacher).toBeUndefined();
        expect(Array.from(one.gradStudent.data)).toEqual(Array.from(both.gradStudent.data));
        expect(one.loss.item()).toBe(both.loss.item());
      }
      expect(() => klDivWithLogitsBackward(s, t, { gradTeacher: 'no' as never })).toThrow(
        expect.objectContaining({ code: 'E_OPTION_TYPE' }),
      );
      expect(() => klDivWithLogits(s, t, { gradTeacher: false } as never)).toThrow(
        expect.objectContaining({ code: 'E_UNKNOWN_OPTION' }),
      );
    },
  );
});
