/**
 * The WebAssembly backend against the JS backend on random data (fast-check, seeded): every
 * special value lands in the same class (NaN, +inf, -inf, finite), finite values agree within
 * the bounds of docs/numerics.md: 2^-22 (float32) or 2^-50 (float64) of the element's scale
 * |y log y| + |y x| (e^t (|t| + |x|) for log targets), summed for reductions, plus a few
 * subnormal quanta where an intermediate underflows.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type FloatDType,
  klDiv,
  klDivBackward,
  type Reduction,
  type Tensor,
  tensor,
} from '../../src/index.js';
import { CONFIGS, withConfig } from '../helpers/backends.js';
import { collectWarnings } from '../helpers/runners.js';

// endOnFailure: report the first failing case rather than spend minutes shrinking large arrays
fc.configureGlobal({
  seed: Number(process.env.FC_SEED ?? 20261127),
  numRuns: 120,
  endOnFailure: true,
});

const [JS, WASM] = CONFIGS;
const quiet = <T>(f: () => T): T => collectWarnings(f).result as T;

function scaleOf(x: number, y: number, logTarget: boolean): number {
  if (logTarget) return Math.exp(y) * (Math.abs(y) + Math.abs(x));
  return (
    (y === 0 || !Number.isFinite(y) ? 0 : Math.abs(y * Math.log(Math.abs(y)))) + Math.abs(y * x)
  );
}

function sameClass(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return true;
}

const special = fc.constantFrom(
  0,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -Number.POSITIVE_INFINITY,
  1e-40,
  1e-310,
);
const inputValue = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: -30, max: 0, noNaN: true }) },
  { weight: 1, arbitrary: special },
);
const probValue = fc.oneof(
  { weight: 10, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ min: -1, max: 0, noNaN: true }) },
  { weight: 1, arbitrary: special },
);
// log targets above ~80 overflow float32 exp(t) inside the kernel but not in float64: not
// log-probabilities, and outside the stated domain
const logValue = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: -100, max: 30, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, -Number.POSITIVE_INFINITY, 0) },
);

const problem = fc
  .record({
    n: fc.integer({ min: 0, max: 1200 }),
    dtype: fc.constantFrom<FloatDType>('float32', 'float64'),
    logTarget: fc.boolean(),
  })
  .chain(({ n, dtype, logTarget }) =>
    fc.record({
      dtype: fc.constant(dtype),
      logTarget: fc.constant(logTarget),
      x: fc.array(inputValue, { minLength: n, maxLength: n }),
      y: fc.array(logTarget ? logValue : probValue, { minLength: n, maxLength: n }),
      g: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: n, maxLength: n }),
    }),
  );

function compare(
  label: string,
  a: Tensor,
  b: Tensor,
  scales: Float64Array,
  dtype: FloatDType,
): void {
  const eps = dtype === 'float32' ? 2 ** -22 : 2 ** -50;
  expect(a.shape, label).toEqual(b.shape);
  for (let i = 0; i < a.numel; i++) {
    const u = a.data[i];
    const v = b.data[i];
    expect(sameClass(u, v), `${label}[${i}]: wasm ${u}, js ${v}`).toBe(true);
    if (Number.isFinite(v)) {
      // plus the subnormal quantum times the scale's factors: intermediates such as exp(-90)
      // in float32 lose relative precision to gradual underflow, in either backend
      const tiny = dtype === 'float32' ? 2 ** -149 : 2 ** -1074;
      const tol =
        eps * scales[i] + (dtype === 'float32' ? 2 ** -23 : 2 ** -51) * Math.abs(v) + tiny * 1e3;
      expect(Math.abs(u - v), `${label}[${i}]: wasm ${u}, js ${v}, tol ${tol}`).toBeLessThanOrEqual(
        tol,
      );
    }
  }
}

describe('wasm backend agrees with the JS backend', () => {
  test('forward, every reduction, float32 and float64', () => {
    fc.assert(
      fc.property(
        problem,
        fc.constantFrom<Reduction>('none', 'sum', 'batchmean', 'mean'),
        (p, reduction) => {
          const x = tensor(p.x, { dtype: p.dtype });
          const y = tensor(p.y, { dtype: p.dtype });
          const opts = { reduction, logTarget: p.logTarget };
          const a = withConfig(WASM, () => quiet(() => klDiv(x, y, opts)));
          const b = withConfig(JS, () => quiet(() => klDiv(x, y, opts)));
          const scales = Float64Array.from(x.data, (v, i) => scaleOf(v, y.data[i], p.logTarget));
          if (reduction === 'none') {
            compare('none', a, b, scales, p.dtype);
          } else {
            let total = 0;
            for (const s of scales) total += s;
            const divisor = reduction === 'sum' ? 1 : Math.max(1, x.numel);
            compare(reduction, a, b, Float64Array.of(total / divisor), p.dtype);
          }
        },
      ),
    );
  });

  test('gradients, per-element and scalar upstream gradients', () => {
    fc.assert(
      fc.property(problem, fc.boolean(), (p, perElement) => {
        const x = tensor(p.x, { dtype: p.dtype });
        const y = tensor(p.y, { dtype: p.dtype });
        const reduction: Reduction = perElement ? 'none' : 'batchmean';
        const g = perElement ? tensor(p.g, { dtype: p.dtype }) : undefined;
        const opts = { reduction, logTarget: p.logTarget };
        const a = withConfig(WASM, () => klDivBackward(x, y, opts, g));
        const b = withConfig(JS, () => klDivBackward(x, y, opts, g));
        const gs = (i: number) => (g ? Math.abs(g.data[i]) : 1 / Math.max(1, x.shape[0] ?? 1));
        const sx = Float64Array.from(
          x.data,
          (_, i) => gs(i) * (p.logTarget ? Math.exp(y.data[i]) : Math.abs(y.data[i])),
        );
        // magnitudes of the gradient's terms: s (|log y| + 1 + |x|), or s e^t (|t| + |x| + 1);
        // where s y underflows the dtype, PyTorch's (s y) / y term is lost, in float32 as in torch
        const normalMin = p.dtype === 'float32' ? 2 ** -126 : 2 ** -1022;
        const sy = Float64Array.from(x.data, (v, i) => {
          const t = y.data[i];
          const terms = Math.abs(t === 0 ? 0 : Math.log(Math.abs(t))) + 1 + Math.abs(v);
          const lost =
            Math.abs(gs(i) * t) < normalMin ? 1 / (p.dtype === 'float32' ? 2 ** -22 : 2 ** -50) : 0;
          return (
            gs(i) * (p.logTarget ? Math.exp(t) * (Math.abs(t) + Math.abs(v) + 1) : terms + lost)
          );
        });
        compare('gradInput', a.gradInput, b.gradInput, sx, p.dtype);
        compare('gradTarget', a.gradTarget, b.gradTarget, sy, p.dtype);
      }),
      { numRuns: 60 },
    );
  });

  test('broadcast calls (strided runs fall back to JS inside the wasm backend)', () => {
    const x = tensor(
      Float32Array.from({ length: 300 }, (_, i) => -0.1 - (i % 17) * 0.3),
      { shape: [300, 1] },
    );
    const y = tensor(
      Float32Array.from({ length: 200 }, (_, i) => 0.001 + (i % 13) * 0.05),
      { shape: [1, 200] },
    );
    for (const reduction of ['none', 'sum'] as const) {
      const a = withConfig(WASM, () => klDiv(x, y, { reduction }));
      const b = withConfig(JS, () => klDiv(x, y, { reduction }));
      const scale = reduction === 'sum' ? 1e5 : 10;
      for (let i = 0; i < a.numel; i++)
        expect(Math.abs(a.data[i] - b.data[i])).toBeLessThan(2 ** -22 * scale);
    }
  });
});
