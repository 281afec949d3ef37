/**
 * The accuracy bounds stated in docs/numerics.md, each as a test. References: the float64
 * formula evaluated independently (helpers/reference.ts) and Neumaier-compensated summation.
 */
import { describe, expect, test } from 'vitest';
import { klDiv, klDivBackward, tensor } from '../src/index.js';
import { CONFIGS, withConfig } from './helpers/backends.js';
import { pointwise } from './helpers/reference.js';

const JS = CONFIGS[0];

const U = 2 ** -53;

/** Deterministic pseudo-random numbers (mulberry32), so bounds are checked on fixed data. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function data(n: number, seed: number) {
  const r = rng(seed);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = r() * 0.2;
    x[i] = -0.05 - r() * 8;
  }
  return { x, y };
}

/** Neumaier's compensated sum, with the sum of magnitudes for the error bound. */
function compensated(values: ArrayLike<number>) {
  let s = 0;
  let c = 0;
  let abs = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
    abs += Math.abs(v);
  }
  return { sum: s + c, abs };
}

/** |y log y| + |y x| (or e^t (|t| + |x|)): the magnitude the pointwise error scales with. */
function scale(x: number, y: number, logTarget: boolean): number {
  if (logTarget) return Math.exp(y) * (Math.abs(y) + Math.abs(x));
  return (y === 0 ? 0 : Math.abs(y * Math.log(y))) + Math.abs(y * x);
}

/** The largest |computed - float64 formula| / scale over a 'none' output. */
function worstScaledError(
  out: ArrayLike<number>,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  logTarget: boolean,
): number {
  let worst = 0;
  for (let i = 0; i < out.length; i++) {
    worst = Math.max(
      worst,
      Math.abs(out[i] - pointwise(x[i], y[i], logTarget)) / scale(x[i], y[i], logTarget),
    );
  }
  return worst;
}

describe('docs/numerics.md bounds, JS backend', () => {
  const jsTest = (name: string, fn: () => void) => test(name, () => withConfig(JS, fn));

  jsTest('float32 pointwise results are the float64 result rounded once', () => {
    const { x, y } = data(100_000, 1);
    const out32 = klDiv(x, y, { reduction: 'none' }).data;
    const out64 = klDiv(Float64Array.from(x), Float64Array.from(y), { reduction: 'none' }).data;
    let mismatches = 0;
    for (let i = 0; i < out32.length; i++) if (out32[i] !== Math.fround(out64[i])) mismatches++;
    expect(mismatches).toBe(0);
  });

  jsTest('float64 sum: |error| <= (1024 + N/1024) * 2^-53 * sum |l_i|', () => {
    const n = 2_000_000;
    const { x, y } = data(n, 2);
    const x64 = Float64Array.from(x);
    const y64 = Float64Array.from(y);
    const l = new Float64Array(n);
    for (let i = 0; i < n; i++) l[i] = pointwise(x64[i], y64[i], false);
    const ref = compensated(l);
    const got = klDiv(x64, y64, { reduction: 'sum' }).item();
    const bound = (1024 + n / 1024) * U * ref.abs;
    expect(Math.abs(got - ref.sum)).toBeLessThanOrEqual(bound);
  });

  jsTest(
    'float32 sum over 2e6 elements: within 2^-24 relative of the exact sum (one rounding)',
    () => {
      const n = 2_000_000;
      const { x, y } = data(n, 3);
      const l = new Float64Array(n);
      for (let i = 0; i < n; i++) l[i] = pointwise(x[i], y[i], false);
      const ref = compensated(l).sum;
      const got = klDiv(x, y, { reduction: 'sum' }).item();
      expect(Math.abs(got - ref) / Math.abs(ref)).toBeLessThanOrEqual(2 ** -24);
    },
  );

  jsTest('float32 gradients are the float64 gradients rounded once', () => {
    const { x, y } = data(50_000, 4);
    const g32 = klDivBackward(x, y, { reduction: 'batchmean' });
    const g64 = klDivBackward(Float64Array.from(x), Float64Array.from(y), {
      reduction: 'batchmean',
    });
    for (const key of ['gradInput', 'gradTarget'] as const) {
      let mismatches = 0;
      const a = g32[key].data;
      const b = g64[key].data;
      for (let i = 0; i < a.length; i++) if (a[i] !== Math.fround(b[i])) mismatches++;
      expect(mismatches, key).toBe(0);
    }
  });
});

describe.each(CONFIGS.slice(1))('docs/numerics.md bounds, backend $name', (config) => {
  const wasmTest = (name: string, fn: () => void) => test(name, () => withConfig(config, fn));

  for (const logTarget of [false, true]) {
    wasmTest(
      `float32 pointwise${logTarget ? ' (logTarget)' : ''}: |error| <= 2^-22 * scale`,
      () => {
        const { x, y } = data(100_000, 5);
        if (logTarget) for (let i = 0; i < y.length; i++) y[i] = Math.log(y[i] + 1e-3);
        const out = klDiv(x, y, { reduction: 'none', logTarget }).data;
        expect(worstScaledError(out, x, y, logTarget)).toBeLessThanOrEqual(2 ** -22);
      },
    );

    wasmTest(
      `float64 pointwise${logTarget ? ' (logTarget)' : ''}: |error| <= 2^-50 * scale`,
      () => {
        const { x: x32, y: y32 } = data(100_000, 6);
        const x = Float64Array.from(x32, (v) => v + 1e-9 * Math.sin(v * 1e4));
        const y = Float64Array.from(y32, (v) => (logTarget ? Math.log(v + 1e-3) : v));
        const out = klDiv(x, y, { reduction: 'none', logTarget }).data;
        expect(worstScaledError(out, x, y, logTarget)).toBeLessThanOrEqual(2 ** -50);
      },
    );
  }

  wasmTest(
    'float32 sum over 2e6 elements: |error| <= 2^-22 * sum scale + (4096 + N/8192) u sum |l|',
    () => {
      const n = 2_000_000;
      const { x, y } = data(n, 3);
      const l = new Float64Array(n);
      let scales = 0;
      for (let i = 0; i < n; i++) {
        l[i] = pointwise(x[i], y[i], false);
        scales += scale(x[i], y[i], false);
      }
      const ref = compensated(l);
      const got = klDiv(x, y, { reduction: 'sum' }).item();
      const bound =
        2 ** -22 * scales + (4096 + n / 8192) * U * ref.abs + 2 ** -24 * Math.abs(ref.sum);
      expect(Math.abs(got - ref.sum)).toBeLessThanOrEqual(bound);
    },
  );
});

describe.each(CONFIGS)('accumulation is float64 on every backend: $name', (config) => {
  test('a float32 sum keeps 2^20 small terms beside a large one', () => {
    withConfig(config, () => {
      // 1 large term and 2^20 small ones: float32 accumulation would drop the small ones.
      const n = (1 << 20) + 1;
      const y = new Float32Array(n).fill(1e-4);
      const x = new Float32Array(n).fill(-1);
      y[0] = 1;
      x[0] = -1e4;
      const got = klDiv(tensor(x), tensor(y), { reduction: 'sum' }).item();
      const small = Math.fround(1e-4) * (Math.log(Math.fround(1e-4)) + 1);
      const exact = 1e4 + (n - 1) * small;
      expect(Math.abs(got - exact) / exact).toBeLessThanOrEqual(2 ** -22);
    });
  });

  test('thread count does not change results (bitwise)', () => {
    const { x, y } = data(600_000, 9);
    const bytes = (a: Float32Array | Float64Array) =>
      Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const run = (threads: number) =>
      withConfig({ ...config, threads }, () => ({
        sum: klDiv(x, y, { reduction: 'sum' }).item(),
        none: bytes(klDiv(x, y, { reduction: 'none' }).data),
        grad: bytes(klDivBackward(x, y, { reduction: 'batchmean' }).gradTarget.data),
      }));
    const one = run(1);
    const two = run(2);
    expect(two.sum).toBe(one.sum);
    expect(two.none.equals(one.none)).toBe(true);
    expect(two.grad.equals(one.grad)).toBe(true);
  });
});
