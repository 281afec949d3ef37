/**
 * The from-logits losses, checked without fixtures: against the unfused composition written
 * here from the definitions (log_softmax, softmax, klDiv), against finite differences, and
 * against identities (shift invariance, JSD symmetry and bound, accumulator chunking).
 */
import { describe, expect, test } from 'vitest';
import {
  jsDivergence,
  jsDivergenceBackward,
  jsDivergenceWithLogits,
  jsDivergenceWithLogitsBackward,
  klDiv,
  klDivWithLogits,
  klDivWithLogitsBackward,
  klEstimate,
  klEstimateBackward,
  type Tensor,
  tensor,
} from '../../src/index.js';
import { withConfig } from '../helpers/backends.js';
import { collectWarnings } from '../helpers/runners.js';

/** Deterministic pseudo-random logits. */
function logits(shape: number[], seed: number, scale = 3): Tensor {
  let a = seed >>> 0;
  const n = shape.reduce((x, y) => x * y, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    data[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5) * 2 * scale;
  }
  return tensor(data, { shape });
}

/** log_softmax / softmax of x / T along the last dim, written plainly (two-pass, max shift). */
function logSoftmaxLast(x: Tensor, T: number): Float64Array {
  const V = x.shape[x.shape.length - 1];
  const out = new Float64Array(x.numel);
  for (let r = 0; r < x.numel / V; r++) {
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < V; j++) m = Math.max(m, x.data[r * V + j] / T);
    let s = 0;
    for (let j = 0; j < V; j++) s += Math.exp(x.data[r * V + j] / T - m);
    for (let j = 0; j < V; j++) out[r * V + j] = x.data[r * V + j] / T - m - Math.log(s);
  }
  return out;
}

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

describe('klEstimate', () => {
  const logp = [-1.2, -0.7, -2.0, -0.1];
  const logq = [-1.0, -0.9, -2.5, -0.3];
  const lr = logq.map((v, i) => v - logp[i]);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

  test('k1, k2, k3 follow their definitions with r = q / p', () => {
    expect(klEstimate(logp, logq, { estimator: 'k1' }).item()).toBeCloseTo(
      mean(lr.map((v) => -v)),
      6,
    );
    expect(klEstimate(logp, logq, { estimator: 'k2' }).item()).toBeCloseTo(
      mean(lr.map((v) => (v * v) / 2)),
      6,
    );
    expect(klEstimate(logp, logq, { estimator: 'k3' }).item()).toBeCloseTo(
      mean(lr.map((v) => Math.exp(v) - 1 - v)),
      6,
    );
    expect(
      Array.from(klEstimate(logp, logq, { estimator: 'k3', reduction: 'none' }).data).every(
        (v) => v >= 0,
      ),
    ).toBe(true);
  });

  test('k1 and k3 are unbiased: their mean over samples of p approaches KL(p || q)', () => {
    // p = N(0, 1), q = N(0.5, 1): KL = 0.125; deterministic quasi-random samples
    const n = 200_000;
    const lp = new Float64Array(n);
    const lq = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = (i + 0.5) / n;
      // inverse normal CDF by bisection-free approximation (Acklam-free: use erf inverse via Newton)
      let x = 0;
      for (let k = 0; k < 30; k++) {
        const cdf = 0.5 * (1 + erf(x / Math.SQRT2));
        x -= (cdf - u) / (Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI));
      }
      lp[i] = -0.5 * x * x;
      lq[i] = -0.5 * (x - 0.5) ** 2;
    }
    for (const estimator of ['k1', 'k3'] as const) {
      expect(klEstimate(lp, lq, { estimator }).item()).toBeCloseTo(0.125, 3);
    }
  });

  test('gradients equal finite differences', () => {
    for (const estimator of ['k1', 'k2', 'k3'] as const) {
      const P = tensor(logp, { dtype: 'float64' });
      const Q = tensor(logq, { dtype: 'float64' });
      const g = klEstimateBackward(P, Q, { estimator });
      for (let i = 0; i < 4; i++) {
        const h = 1e-6;
        const bump = (x: Tensor, d: number) =>
          tensor(Float64Array.from(x.data, (v, j) => (j === i ? v + d : v)));
        const dq =
          (klEstimate(P, bump(Q, h), { estimator }).item() -
            klEstimate(P, bump(Q, -h), { estimator }).item()) /
          (2 * h);
        const dp =
          (klEstimate(bump(P, h), Q, { estimator }).item() -
            klEstimate(bump(P, -h), Q, { estimator }).item()) /
          (2 * h);
        expect(g.gradLogProbQ.data[i]).toBeCloseTo(dq, 7);
        expect(g.gradLogProbP.data[i]).toBeCloseTo(dp, 7);
      }
    }
  });

  test("an unknown estimator is E_OPTION_RANGE; 'batchmean' is refused", () => {
    expect(() => klEstimate([0], [0], { estimator: 'k4' as never })).toThrow(
      expect.objectContaining({ code: 'E_OPTION_RANGE' }),
    );
    expect(() => klEstimate([0], [0], { reduction: 'batchmean' as never })).toThrow(
      expect.objectContaining({ code: 'E_INVALID_REDUCTION' }),
    );
  });
});

function erf(x: number): number {
  // Numerical Recipes erfc Chebyshev fit (fractional error < 1.2e-7): enough to place samples
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    1 -
    t *
      Math.exp(
        -x * x -
          1.26551223 +
          t *
            (1.00002368 +
              t *
                (0.37409196 +
                  t *
                    (0.09678418 +
                      t *
                        (-0.18628806 +
                          t *
                            (0.27886807 +
                              t *
                                (-1.13520398 +
                                  t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
      );
  return x >= 0 ? y : -y;
}

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
