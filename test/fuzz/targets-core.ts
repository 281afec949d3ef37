/**
 * Fuzz targets for the core losses: klDiv and klDivBackward here, klEstimate (+ backward) in
 * targets-core-estimate.ts, the accumulators in targets-core-accumulator.ts; each checked
 * against a float64 reference written from the formulas
 * (test/helpers/reference.ts for broadcasting), with per-element error bounds:
 * K * eps(dtype) * (magnitude of the terms) + the summation's n * 2^-52 * sum|terms|.
 */
import fc from 'fast-check';
import { klDiv, klDivBackward, type Tensor, tensor } from '../../src/index.js';
import { resultType } from '../../src/tensor/dtype.js';
import { at, broadcast, indices } from '../helpers/reference.js';
import { collectWarnings } from '../helpers/runners.js';
import {
  assertClose,
  coded,
  config,
  dtype,
  EPS,
  f64,
  filled,
  long,
  partner,
  shape,
  under,
  upstream,
  value,
} from './harness.js';

// The bounds' constants, shared with targets-core-estimate.ts and targets-core-accumulator.ts.
export const K = 16;
export const TINY = { float32: K * 2 ** -149, float64: K * 2 ** -1074 };
export const FLT_MAX = 3.4028234663852886e38;
const reductions = fc.constantFrom<'none' | 'sum' | 'mean' | 'batchmean'>(
  'none',
  'sum',
  'mean',
  'batchmean',
);

/** Runs without printing PyTorch's warnings; rethrows errors. */
export function quiet<T>(f: () => T): T {
  const r = collectWarnings(f);
  if (r.error !== undefined) throw r.error;
  return r.result as T;
}

export interface FuzzTarget<T = unknown> {
  name: string;
  arbitrary: fc.Arbitrary<T>;
  check(input: T): void;
}

const xlogy = (y: number) => (Number.isNaN(y) ? y : y === 0 ? 0 : y * Math.log(y));

/**
 * Pointwise loss and the magnitude of its terms (for the error bound). `f32Term`: a float32
 * target in a float64 result, whose own term PyTorch computes in float32 (float32 log or exp).
 */
export function point(
  x: number,
  y: number,
  logTarget: boolean,
  f32Term = false,
  yMeet = y,
): [number, number] {
  const r = f32Term ? Math.fround : (v: number) => v;
  if (logTarget) {
    const e = r(Math.exp(y));
    return [e * (yMeet - x), e * (Math.abs(yMeet) + Math.abs(x))];
  }
  const own = f32Term && y !== 0 && !Number.isNaN(y) ? r(y * r(Math.log(y))) : xlogy(y);
  return [own - yMeet * x, Math.abs(own) + Math.abs(yMeet * x)];
}

const pairOfShapes = shape.chain((b) =>
  fc
    .tuple(fc.constant(b), partner(b), fc.boolean())
    .map(([a, c, swap]) => (swap ? [c, a] : [a, c])),
);

const klDivInput = fc.oneof(
  {
    weight: 19,
    arbitrary: fc
      .record({
        cfg: config,
        dx: dtype,
        dy: dtype,
        reduction: reductions,
        logTarget: fc.boolean(),
        shapes: pairOfShapes,
      })
      .chain((c) => fc.tuple(fc.constant(c), filled(c.shapes[0], c.dx), filled(c.shapes[1], c.dy))),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        cfg: config,
        dx: dtype,
        dy: dtype,
        reduction: reductions,
        logTarget: fc.boolean(),
        shapes: fc.constant([[0], [0]]),
      })
      .chain((c) => fc.tuple(fc.constant(c), long(c.dx, false), long(c.dy, true)))
      .filter(([, x, y]) => x.numel === y.numel),
  },
);

type KlDivInput = typeof klDivInput extends fc.Arbitrary<infer T> ? T : never;

function broadcastOrNull(a: number[], b: number[]): number[] | null {
  try {
    return broadcast(a, b);
  } catch {
    return null;
  }
}

export const klDivTarget: FuzzTarget<KlDivInput> = {
  name: 'klDiv',
  arbitrary: klDivInput,
  check([c, x, y]) {
    const run = coded(() =>
      under(c.cfg, () =>
        quiet(() => klDiv(x, y, { reduction: c.reduction, logTarget: c.logTarget })),
      ),
    );
    const shape = broadcastOrNull(x.shape, y.shape);
    if (shape === null) {
      if (run.ok || run.error.code !== 'E_BROADCAST')
        throw new Error(`shapes [${x.shape}] and [${y.shape}] should give E_BROADCAST`);
      return;
    }
    if (!run.ok) throw run.error;
    // PyTorch's result_type: a 0-d float64 operand does not promote a dimensioned float32 one
    const out = resultType(x, y) as 'float32' | 'float64';
    const eps = EPS[out];
    const X = f64(x);
    const Y = f64(y);
    const f32Term = out === 'float64' && c.dy === 'float32';
    // a 0-d float64 operand of a float32 result meets the other one rounded to float32 (the
    // target's own term stays float64, then rounds: within the bound)
    const cast = (t: Tensor, v: number) =>
      out === 'float32' && t.dtype === 'float64' ? Math.fround(v) : v;
    const terms = indices(shape).map((idx) => {
      const yv = at(Y, idx);
      return point(cast(x, at(X, idx)), yv, c.logTarget, f32Term, cast(y, yv));
    });
    // float32 arithmetic overflows where float64 does not: PyTorch's float32 path does too
    if (out === 'float32' && terms.some(([l, m]) => m > FLT_MAX / 8 || Math.abs(l) > FLT_MAX / 8))
      return;
    const tol = terms.map(([, m]) => K * eps * m + TINY[out]);
    if (c.reduction === 'none') {
      assertClose('klDiv none', run.value, { shape, values: terms.map(([l]) => l), tol });
      return;
    }
    let sum = 0;
    let abs = 0;
    let t = 0;
    for (let i = 0; i < terms.length; i++) {
      sum += terms[i][0];
      abs += Math.abs(terms[i][0]);
      t += tol[i];
    }
    const n = terms.length;
    // partial sums near DBL_MAX overflow or not depending on the summation order
    if (abs > Number.MAX_VALUE / 4) return;
    const div =
      c.reduction === 'mean'
        ? n
        : c.reduction === 'batchmean'
          ? x.shape.length === 0
            ? 1
            : x.shape[0]
          : 1;
    const want = sum / div;
    const bound = (t + n * 2 ** -52 * abs) / div + eps * Math.abs(want) + TINY[out];
    assertClose(`klDiv ${c.reduction}`, run.value, { shape: [], values: [want], tol: [bound] });
  },
};

export const klDivBackwardTarget: FuzzTarget<[KlDivInput[0], Tensor, Tensor, number[]]> = {
  name: 'klDivBackward',
  arbitrary: klDivInput.chain(([c, x, y]) => {
    const s = broadcastOrNull(x.shape, y.shape) ?? [];
    const n = c.reduction === 'none' ? s.reduce((a, b) => a * b, 1) : 1;
    return fc.tuple(
      fc.constant(c),
      fc.constant(x),
      fc.constant(y),
      fc.array(upstream, { minLength: n, maxLength: n }),
    );
  }),
  check([c, x, y, g]) {
    const shape = broadcastOrNull(x.shape, y.shape);
    const gradOutput =
      c.reduction === 'none'
        ? tensor(Float64Array.from(g), { shape: shape ?? [g.length] })
        : tensor(g[0], { dtype: 'float64' });
    const run = coded(() =>
      under(c.cfg, () =>
        klDivBackward(x, y, { reduction: c.reduction, logTarget: c.logTarget }, gradOutput),
      ),
    );
    if (shape === null) {
      if (run.ok || run.error.code !== 'E_BROADCAST') throw new Error('expected E_BROADCAST');
      return;
    }
    if (!run.ok) throw run.error;
    const X = f64(x);
    const Y = f64(y);
    const all = indices(shape);
    const n = all.length;
    const div =
      c.reduction === 'mean'
        ? n
        : c.reduction === 'batchmean'
          ? x.shape.length === 0
            ? 1
            : x.shape[0]
          : 1;
    const anyF32 = c.dx === 'float32' || c.dy === 'float32';
    const eps = anyF32 ? EPS.float32 : EPS.float64;
    // a 0-d float64 operand of a float32 result meets the other one rounded to float32
    const out = resultType(x, y);
    const cast = (t: Tensor, v: number) =>
      out === 'float32' && t.dtype === 'float64' ? Math.fround(v) : v;
    const tiny = anyF32 ? TINY.float32 : TINY.float64;
    const gx = new Float64Array(x.numel);
    const gy = new Float64Array(y.numel);
    const tx = new Float64Array(x.numel);
    const ty = new Float64Array(y.numel);
    const ax = new Float64Array(x.numel);
    const ay = new Float64Array(y.numel);
    const flat = (t: { shape: number[] }, idx: number[]) => {
      const lead = idx.length - t.shape.length;
      let f = 0;
      for (let d = 0; d < t.shape.length; d++)
        f = f * t.shape[d] + (t.shape[d] === 1 ? 0 : idx[lead + d]);
      return f;
    };
    let overflow = false;
    all.forEach((idx, i) => {
      const s = (c.reduction === 'none' ? g[i] : g[0]) / div;
      const xv = cast(x, at(X, idx));
      const yv = at(Y, idx);
      let dx: number;
      let dy: number;
      let mx: number;
      let my: number;
      if (c.logTarget) {
        const e = Math.exp(yv);
        dx = -s * e;
        // autograd's order: (g (y - x)) e + g e, which overflows where PyTorch's does
        dy = s * (cast(y, yv) - xv) * e + s * e;
        mx = Math.abs(s) * e;
        // (0 when e^y underflows, even if |y| + |x| overflows)
        my = mx === 0 ? 0 : mx * (Math.abs(yv) + Math.abs(xv) + 1);
      } else {
        dx = -s * cast(y, yv);
        // autograd of xlogy(y, y) - y x: log y (0 at y == 0) + y / y - x: NaN at y == 0
        dy = s * (yv === 0 ? 0 : Math.log(yv)) + (s * yv) / yv - s * xv;
        mx = Math.abs(s * yv);
        my = Math.abs(s) * (Math.abs(Math.log(Math.abs(yv) || 1)) + 1 + Math.abs(xv));
      }
      if (anyF32 && (mx > FLT_MAX / 8 || my > FLT_MAX / 8)) overflow = true;
      const fx = flat(x, idx);
      const fy = flat(y, idx);
      gx[fx] += dx;
      gy[fy] += dy;
      // a float32 upstream factor below 2^-126 keeps few bits: subnormal ulps times the other factors
      const raw = 2 + Math.abs(xv) + Math.abs(yv) + Math.abs(Math.log(Math.abs(yv) || 1));
      const other = Number.isFinite(raw) ? raw : Number.POSITIVE_INFINITY;
      tx[fx] += K * eps * mx + tiny * other;
      ty[fy] += K * eps * my + tiny * other;
      ax[fx] += Math.abs(dx);
      ay[fy] += Math.abs(dy);
    });
    if (overflow) return;
    // an empty broadcast: autograd still differentiates the target's own term, on a zero
    // gradient: xlogy(0, y) + 0 * y / y (NaN at y = 0, +-inf, NaN) or 0 * exp(y)
    if (n === 0) {
      Y.data.forEach((yv, i) => {
        gy[i] = c.logTarget ? 0 * Math.exp(yv) : (Number.isNaN(yv) ? yv : 0) + (0 * yv) / yv;
      });
    }
    const bound = (t: Float64Array, a: Float64Array, v: Float64Array) =>
      Array.from(t, (tv, i) => tv + n * 2 ** -52 * a[i] + eps * Math.abs(v[i]));
    assertClose('gradInput', run.value.gradInput, {
      shape: x.shape,
      values: Array.from(gx),
      tol: bound(tx, ax, gx),
    });
    assertClose('gradTarget', run.value.gradTarget, {
      shape: y.shape,
      values: Array.from(gy),
      tol: bound(ty, ay, gy),
    });
  },
};

export { value };
