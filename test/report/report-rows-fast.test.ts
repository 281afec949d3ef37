/**
 * The fast row kernel of kldiv/report (src/kernels/js/report-rows.ts with exp64) against a
 * plain reference written here: the previous kernel's arithmetic, two scans then `Math.exp`.
 * Both paths of pass 2 are exercised: rows of real logits (every exp argument in [-708, 0], no
 * test per element) and rows with -inf logits or a range beyond 708 / k (checked exp, subnormal
 * and zero exponentials, rel_entr's masks). The fused pass 1 must report invalid rows exactly as
 * a scan of the base row, then of the compare row, would.
 *
 * Tolerance for KL and the log-probabilities: |actual - expected| <= 2e-15 + 1e-12 |expected|,
 * the tolerance of the NumPy comparisons (test/report/report-cases.test.ts), for the same
 * reasons: both sides are float64 sums of the same terms whose exponentials differ by at most
 * 1 ulp each (exp64 against Math.exp, test/kernels/exp64.test.ts), so values agree to a few
 * eps absolute where KL is small and to ~1e-15 relative where it is large (observed: 4.1 eps
 * where KL < 1, 1.2e-15 relative where KL >= 1). Argmaxima, statuses and invalid-row indices are
 * exact.
 */
import { describe, expect, test } from 'vitest';
import {
  ROW_BAD_BASE,
  ROW_BAD_COMPARE,
  ROW_BAD_INDEX,
  ROW_BAD_VALUE,
  ROW_KL,
  ROW_LOGP_BASE,
  ROW_LOGP_COMPARE,
  ROW_OK,
  ROW_SLOTS,
  ROW_TOP1_BASE,
  ROW_TOP1_COMPARE,
  reportRow,
} from '../../src/kernels/js/report-rows.js';

const NEG = Number.NEGATIVE_INFINITY;
const POS = Number.POSITIVE_INFINITY;

/** A seeded generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Row {
  status: number;
  kl: number;
  top1: [number, number];
  logp: [number, number];
  bad: [number, number];
}

/**
 * The reference: scan the base row (first NaN / +inf, else no finite logit), then the compare
 * row; then m = max, e = Math.exp(k (x - m)), KL = k sum e d / S_x + log S_y - log S_x with
 * rel_entr's rule at -inf entries, entry by entry.
 */
function reference(x: ArrayLike<number>, y: ArrayLike<number>, k: number, token: number): Row {
  const row: Row = { status: ROW_OK, kl: 0, top1: [-1, -1], logp: [0, 0], bad: [0, 0] };
  const scan = (v: ArrayLike<number>, code: number): number => {
    let m = NEG;
    let at = -1;
    for (let j = 0; j < v.length; j++) {
      if (!(v[j] < POS)) {
        row.status = code;
        row.bad = [j, v[j]];
        return -1;
      }
      if (v[j] > m) {
        m = v[j];
        at = j;
      }
    }
    if (at < 0) {
      row.status = code;
      row.bad = [-1, NEG];
    }
    return at;
  };
  const ax = scan(x, ROW_BAD_BASE);
  if (row.status !== ROW_OK) return row;
  const ay = scan(y, ROW_BAD_COMPARE);
  if (row.status !== ROW_OK) return row;
  const mx = x[ax];
  const my = y[ay];
  let sx = 0;
  let sy = 0;
  let s = 0;
  let infinite = false;
  for (let j = 0; j < x.length; j++) {
    const e = Math.exp((x[j] - mx) * k);
    sx += e;
    sy += Math.exp((y[j] - my) * k);
    if (x[j] === NEG) continue;
    if (y[j] === NEG) infinite = true;
    else s += e * (x[j] - y[j] - (mx - my));
  }
  const lx = Math.log(sx);
  const ly = Math.log(sy);
  row.kl = infinite ? POS : (k * s) / sx + (ly - lx);
  row.top1 = [ax, ay];
  if (token >= 0) row.logp = [(x[token] - mx) * k - lx, (y[token] - my) * k - ly];
  return row;
}

function kernel(
  x: Float32Array | Float64Array,
  y: Float32Array | Float64Array,
  k: number,
  token: number,
): Row {
  const out = new Float64Array(ROW_SLOTS).fill(Number.NaN);
  // the rows in the middle of larger arrays: offsets are honoured
  const pad = 3;
  const X = new (x.constructor as Float64ArrayConstructor)(x.length + 2 * pad).fill(Number.NaN);
  const Y = new (y.constructor as Float64ArrayConstructor)(y.length + 2 * pad + 1).fill(Number.NaN);
  X.set(x, pad);
  Y.set(y, pad + 1);
  const status = reportRow(x.length, k, X, pad, Y, pad + 1, token, out);
  return {
    status,
    kl: out[ROW_KL],
    top1: [out[ROW_TOP1_BASE], out[ROW_TOP1_COMPARE]],
    logp: token >= 0 ? [out[ROW_LOGP_BASE], out[ROW_LOGP_COMPARE]] : [0, 0],
    bad: [out[ROW_BAD_INDEX], out[ROW_BAD_VALUE]],
  };
}

const close = (a: number, e: number) =>
  Object.is(a, e) || Math.abs(a - e) <= 2e-15 + 1e-12 * Math.abs(e);

/** Compares a kernel row with the reference; returns a description of each mismatch. */
function compare(got: Row, want: Row): string[] {
  const out: string[] = [];
  if (got.status !== want.status) return [`status ${got.status} vs ${want.status}`];
  if (got.status !== ROW_OK) {
    if (!Object.is(got.bad[0], want.bad[0]) || !Object.is(got.bad[1], want.bad[1])) {
      out.push(`bad ${got.bad} vs ${want.bad}`);
    }
    return out;
  }
  if (!close(got.kl, want.kl)) out.push(`kl ${got.kl} vs ${want.kl}`);
  if (got.top1[0] !== want.top1[0] || got.top1[1] !== want.top1[1]) {
    out.push(`top1 ${got.top1} vs ${want.top1}`);
  }
  for (const i of [0, 1]) {
    if (!close(got.logp[i], want.logp[i])) out.push(`logp ${got.logp} vs ${want.logp}`);
  }
  return out;
}

describe('reportRow against the Math.exp reference', () => {
  test('1200 random row pairs: float32 / float64, temperatures, close and far models', () => {
    const next = rng(19);
    const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    const sizes = [1, 2, 3, 7, 64, 1000, 5000];
    const failures: string[] = [];
    let worstRel = 0; // relative difference where KL >= 1
    let worstAbs = 0; // absolute difference where KL < 1, in eps
    for (let trial = 0; trial < 1200; trial++) {
      const V = sizes[trial % sizes.length];
      const T = [0.25, 0.5, 1, 2, 7][Math.floor(next() * 5)];
      const sd = [0.1, 1, 3, 10][Math.floor(next() * 4)];
      const noise = [0, 1e-6, 1e-3, 0.3, 3][Math.floor(next() * 5)];
      const x = Float64Array.from({ length: V }, () => sd * normal());
      const y = Float64Array.from(x, (v) => v + noise * normal());
      const Ctor = trial % 2 === 0 ? Float32Array : Float64Array;
      const xs = Ctor.from(x);
      const ys = Ctor.from(y);
      const token = next() < 0.5 ? -1 : Math.floor(next() * V);
      const got = kernel(xs, ys, 1 / T, token);
      const want = reference(xs, ys, 1 / T, token);
      const errs = compare(got, want);
      if (errs.length > 0) failures.push(`trial ${trial} (V ${V}, T ${T}): ${errs.join('; ')}`);
      const d = Math.abs(got.kl - want.kl);
      if (want.kl >= 1) worstRel = Math.max(worstRel, d / want.kl);
      else worstAbs = Math.max(worstAbs, d / Number.EPSILON);
    }
    expect(failures).toEqual([]);
    // observed: 4.1 eps and 1.2e-15; bounds: the NumPy tolerance's floor (9 eps), and 10 eps
    // relative, which a lost ulp per exponential (a systematic error) would exceed at this size
    expect(worstAbs).toBeLessThanOrEqual(9);
    expect(worstRel).toBeLessThan(1e-14);
  });

  test('rows of range beyond 708 / k: subnormal and zero exponentials (checked path)', () => {
    const next = rng(20);
    const failures: string[] = [];
    let subnormal = 0;
    for (let trial = 0; trial < 300; trial++) {
      const V = 1 + Math.floor(next() * 300);
      const k = [1, 2, 0.5][trial % 3];
      // logits spread over [-1600, 0]: exp arguments down to -3200, many past -745
      const x = Float64Array.from({ length: V }, () => -1600 * next() ** 2);
      const y = Float64Array.from(x, (v) => v - 5 * next());
      for (const v of x) {
        const e = Math.exp((v - Math.max(...x)) * k);
        if (e > 0 && e < 2.2250738585072014e-308) subnormal++;
      }
      const token = Math.floor(next() * V);
      const errs = compare(kernel(x, y, k, token), reference(x, y, k, token));
      if (errs.length > 0) failures.push(`trial ${trial}: ${errs.join('; ')}`);
    }
    expect(failures).toEqual([]);
    expect(subnormal).toBeGreaterThan(10); // the rows do reach the subnormal range
  });

  test('-inf masks: in both rows, base only (adds 0), compare only (+inf KL)', () => {
    const next = rng(21);
    const failures: string[] = [];
    const kinds = { both: 0, base: 0, compare: 0 };
    for (let trial = 0; trial < 600; trial++) {
      const V = 2 + Math.floor(next() * 200);
      const x = Float64Array.from({ length: V }, () => 4 * (next() - 0.5));
      const y = Float64Array.from(x, (v) => v + 0.5 * (next() - 0.5));
      const kind = (['both', 'base', 'compare'] as const)[trial % 3];
      for (let j = 0; j < V; j++) {
        if (next() < 0.2 && j !== trial % V) {
          if (kind !== 'compare') x[j] = NEG;
          if (kind !== 'base') y[j] = NEG;
        }
      }
      kinds[kind]++;
      const k = [1, 0.5][trial % 2];
      const token = Math.floor(next() * V);
      const Ctor = trial % 4 < 2 ? Float32Array : Float64Array;
      const errs = compare(
        kernel(Ctor.from(x), Ctor.from(y), k, token),
        reference(Ctor.from(x), Ctor.from(y), k, token),
      );
      if (errs.length > 0) failures.push(`trial ${trial} (${kind}): ${errs.join('; ')}`);
    }
    expect(failures).toEqual([]);
    expect(kinds).toEqual({ both: 200, base: 200, compare: 200 });
  });

  test('a -inf entry appended to both rows (the checked path) leaves KL bitwise unchanged', () => {
    const next = rng(22);
    for (let trial = 0; trial < 100; trial++) {
      const V = 1 + Math.floor(next() * 500);
      const x = Float64Array.from({ length: V }, () => 6 * (next() - 0.5));
      const y = Float64Array.from(x, (v) => v + next() - 0.5);
      const plain = kernel(x, y, 1, V - 1);
      const masked = kernel(Float64Array.of(...x, NEG), Float64Array.of(...y, NEG), 1, V - 1);
      expect(masked.kl).toBe(plain.kl);
      expect(masked.logp).toEqual(plain.logp);
    }
  });
});

describe('invalid rows: the fused scan reports what two scans would', () => {
  test('5000 small rows of 0, 1, -inf, NaN and +inf', () => {
    const next = rng(23);
    const values = [0, 1, NEG, Number.NaN, POS];
    const weights = [0.4, 0.3, 0.2, 0.05, 0.05];
    const draw = () => {
      let u = next();
      for (let i = 0; i < values.length; i++) {
        if (u < weights[i]) return values[i];
        u -= weights[i];
      }
      return 0;
    };
    const failures: string[] = [];
    const seen = new Set<string>();
    for (let trial = 0; trial < 5000; trial++) {
      const V = 1 + Math.floor(next() * 6);
      const x = Float64Array.from({ length: V }, draw);
      const y = Float64Array.from({ length: V }, draw);
      const want = reference(x, y, 1, -1);
      const got = kernel(x, y, 1, -1);
      seen.add(`${want.status}:${want.bad[0] < 0 ? 'none' : 'index'}`);
      const errs = compare(got, want);
      if (errs.length > 0) failures.push(`[${x}] [${y}]: ${errs.join('; ')}`);
    }
    expect(failures).toEqual([]);
    // every outcome occurs: valid, either side with an index, either side with no finite logit
    expect([...seen].sort()).toEqual(['0:index', '1:index', '1:none', '2:index', '2:none']);
  });

  test('the base row is reported first even when the compare row fails earlier', () => {
    const nan = Number.NaN;
    let r = kernel(Float64Array.of(0, 0, nan), Float64Array.of(nan, 0, 0), 1, -1);
    expect([r.status, ...r.bad]).toEqual([ROW_BAD_BASE, 2, nan]);
    // a base row of -inf only is reported before the compare row's +inf
    r = kernel(Float64Array.of(NEG, NEG), Float64Array.of(POS, 0), 1, -1);
    expect([r.status, ...r.bad]).toEqual([ROW_BAD_BASE, -1, NEG]);
    r = kernel(Float64Array.of(NEG, 1), Float64Array.of(0, POS), 1, -1);
    expect([r.status, ...r.bad]).toEqual([ROW_BAD_COMPARE, 1, POS]);
  });
});
