/**
 * The fuzzing harness: value and shape generators with the special values that break numeric
 * code, backend/thread configurations (threads forced on small inputs so the worker path is
 * exercised), and comparisons that report index, actual, expected and tolerance.
 */
import fc from 'fast-check';
import { type DType, KLDivError, type Tensor, tensor } from '../../src/index.js';
import { type BackendConfig, CONFIGS, withConfig } from '../helpers/backends.js';

/** Every error code the library documents: anything else thrown is a crash. */
export const CODES = new Set([
  'E_INVALID_REDUCTION',
  'E_INTEGRAL_INPUT',
  'E_BROADCAST',
  'E_UNKNOWN_OPTION',
  'E_OPTION_TYPE',
  'E_INVALID_DATA',
  'E_RAGGED',
  'E_DATA_LENGTH',
  'E_INVALID_SHAPE',
  'E_INVALID_DTYPE',
  'E_GRAD_SHAPE',
  'E_TOO_LARGE',
  'E_NOT_SCALAR',
  'E_OPTION_RANGE',
  'E_INVALID_DIM',
  'E_SHAPE_MISMATCH',
  'E_INVALID_PARAMETER',
  'E_MISSING_PARAMETER',
  'E_OUT_OF_SUPPORT',
  'E_NOT_IMPLEMENTED',
]);

/** Runs `f`; a thrown error must be a coded KLDivError (returned), anything else rethrows. */
export function coded<T>(f: () => T): { ok: true; value: T } | { ok: false; error: KLDivError } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof KLDivError && CODES.has(e.code) && e.message.length > 0)
      return { ok: false, error: e };
    throw new Error(`not a coded KLDivError: ${(e as Error)?.stack ?? e}`);
  }
}

const SPECIAL = [
  0,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  5e-324,
  2.2250738585072014e-308,
  1e-300,
  1e300,
  3.4e38,
  1e-45,
  1.2e-38,
  1,
  -1,
];

/** Doubles weighted towards what breaks numeric code: zeros, subnormals, infinities, NaN, extremes. */
export const value = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -20, max: 20, noNaN: true }) },
  { weight: 5, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 1, arbitrary: fc.double() },
);

/** Finite, moderate values (for logits and log-probabilities). */
export const finite = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -30, max: 30, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ min: -1e4, max: 1e4, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 5e-324, -1e-300) },
);

/**
 * Upstream gradients: 0 or normal numbers of either sign. (A subnormal upstream gradient keeps
 * a few bits, so any two orders of multiplication disagree by far more than an ulp.)
 */
export const upstream = fc.oneof(
  fc.constant(0),
  fc.double({ min: 1e-6, max: 4, noNaN: true }),
  fc.double({ min: -4, max: -1e-6, noNaN: true }),
);

export const dtype = fc.constantFrom<'float32' | 'float64'>('float32', 'float64');

/** A shape of rank 0-4 with at most 240 elements (sizes 0-5). */
export const shape = fc
  .array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 })
  .filter((s) => s.reduce((a, b) => a * b, 1) <= 240);

/** A second shape that broadcasts with `base` (leading dims dropped, some set to 1), or rarely any shape. */
export function partner(base: number[]): fc.Arbitrary<number[]> {
  const derived = fc
    .tuple(
      fc.integer({ min: 0, max: base.length }),
      fc.array(fc.boolean(), { minLength: base.length, maxLength: base.length }),
    )
    .map(([drop, ones]) => base.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
  return fc.oneof({ weight: 9, arbitrary: derived }, { weight: 1, arbitrary: shape });
}

export function filled(s: readonly number[], dt: DType, values = value): fc.Arbitrary<Tensor> {
  const n = s.reduce((a, b) => a * b, 1);
  return fc
    .array(values, { minLength: n, maxLength: n })
    .map((v) => tensor(Float64Array.from(v), { shape: s, dtype: dt }));
}

/** A long 1-D tensor (several WebAssembly chunks) from a seed: values of every kind. */
export function long(dt: 'float32' | 'float64', probabilities: boolean): fc.Arbitrary<Tensor> {
  return fc.tuple(fc.integer({ min: 4097, max: 20000 }), fc.integer()).map(([n, seed]) => {
    let s = seed >>> 0;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const u = s / 2 ** 32;
      out[i] = i % 997 === 0 ? SPECIAL[i % SPECIAL.length] : probabilities ? u : -20 * u;
    }
    return tensor(out, { dtype: dt });
  });
}

export const config = fc.constantFrom(...CONFIGS);

/** Runs under a backend configuration; with threads, small jobs use the workers too. */
export function under<T>(c: BackendConfig, f: () => T): T {
  return withConfig({ ...c, forceThreads: true }, f);
}

/** Machine epsilon (half an ulp of 1) of a dtype. */
export const EPS = { float32: 2 ** -24, float64: 2 ** -53, int32: 0 } as const;

/**
 * Asserts `got` (a tensor) equals `want` elementwise within `tol`: NaN only where NaN,
 * infinities exactly; the message names the index, both values and the tolerance.
 */
export function assertClose(
  label: string,
  got: Tensor,
  want: { shape: number[]; values: number[]; tol: number[] },
): void {
  if (got.shape.join() !== want.shape.join()) {
    throw new Error(`${label}: shape [${got.shape}] but the reference has [${want.shape}]`);
  }
  for (let i = 0; i < want.values.length; i++) {
    const a = got.data[i];
    const e = want.values[i];
    const ok = Number.isNaN(e)
      ? Number.isNaN(a)
      : !Number.isFinite(e)
        ? a === e
        : Number.isFinite(a) && Math.abs(a - e) <= want.tol[i];
    if (!ok) {
      throw new Error(
        `${label}[${i}]: actual ${a}, expected ${e} (float64 reference), tolerance ${want.tol[i]}`,
      );
    }
  }
}

/** Stored values of a tensor as float64 (what the reference computes from). */
export const f64 = (t: Tensor) => ({ shape: t.shape, data: Float64Array.from(t.data) });
