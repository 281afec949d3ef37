/**
 * Fuzz targets for the core losses: klDiv, klDivBackward, klEstimate (+ backward) and
 * KLAccumulator, each checked against a float64 reference written here from the formulas
 * (test/helpers/reference.ts for broadcasting), with per-element error bounds:
 * K * eps(dtype) * (magnitude of the terms) + the summation's n * 2^-52 * sum|terms|.
 */
import fc from 'fast-check';
import {
  KLAccumulator,
  klDiv,
  klDivBackward,
  klDivWithLogits,
  klEstimate,
  klEstimateBackward,
  LogitsKLAccumulator,
  type Tensor,
  tensor,
} from '../../src/index.js';
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
  finite,
  long,
  partner,
  shape,
  under,
  upstream,
  value,
} from './harness.js';

const K = 16;
const TINY = { float32: K * 2 ** -149, float64: K * 2 ** -1074 };
const FLT_MAX = 3.4028234663852886e38;
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
function point(
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

const estimators = fc.constantFrom<'k1' | 'k2' | 'k3'>('k1', 'k2', 'k3');
const estimateInput = fc
  .record({
    s: shape,
    dp: dtype,
    dq: dtype,
    estimator: estimators,
    reduction: fc.constantFrom<'none' | 'mean' | 'sum'>('none', 'mean', 'sum'),
  })
  .chain((c) =>
    fc.tuple(fc.constant(c), filled(c.s, c.dp, finite), filled(c.s, c.dq, finite), upstream),
  );

export const klEstimateTarget: FuzzTarget<
  typeof estimateInput extends fc.Arbitrary<infer T> ? T : never
> = {
  name: 'klEstimate',
  arbitrary: estimateInput,
  check([c, p, q, g]) {
    const out = c.dp === 'float64' || c.dq === 'float64' ? 'float64' : 'float32';
    const gradEps = c.dp === 'float32' || c.dq === 'float32' ? 'float32' : 'float64';
    const eps = out === 'float32' ? EPS.float32 : EPS.float64;
    const P = f64(p).data;
    const Q = f64(q).data;
    const vals: number[] = [];
    const tol: number[] = [];
    const grads: number[] = [];
    const gtol: number[] = [];
    const n = P.length;
    const scale = c.reduction === 'mean' ? 1 / n : 1;
    for (let i = 0; i < n; i++) {
      const lr = Q[i] - P[i];
      const m = Math.abs(Q[i]) + Math.abs(P[i]);
      const r = Math.exp(lr);
      const v = c.estimator === 'k1' ? -lr : c.estimator === 'k2' ? (lr * lr) / 2 : r - 1 - lr;
      vals.push(v);
      tol.push(K * eps * (m * (1 + Math.abs(lr)) + r + 1) + TINY[out]);
      const d = c.estimator === 'k1' ? -1 : c.estimator === 'k2' ? lr : r - 1;
      grads.push(g * scale * d);
      const gs = Math.abs(g * scale);
      gtol.push((gs === 0 ? 0 : gs * (m + r + 1) * K * EPS[gradEps]) + TINY[gradEps]);
    }
    if (out === 'float32' && vals.some((v) => Math.abs(v) > FLT_MAX / 8)) return;
    const est = quiet(() => klEstimate(p, q, { estimator: c.estimator, reduction: c.reduction }));
    if (c.reduction === 'none')
      assertClose('klEstimate', est, { shape: p.shape, values: vals, tol });
    else {
      const sum = vals.reduce((a, b) => a + b, 0);
      const t =
        tol.reduce((a, b) => a + b, 0) + n * 2 ** -52 * vals.reduce((a, b) => a + Math.abs(b), 0);
      const want = sum * scale;
      assertClose('klEstimate', est, {
        shape: [],
        values: [want],
        tol: [t * scale + eps * Math.abs(want)],
      });
    }
    if (gradEps === 'float32' && grads.some((v) => Math.abs(v) > FLT_MAX / 8)) return;
    if (c.reduction !== 'none') {
      const gOut = tensor(g, { dtype: 'float64' });
      const gr = quiet(() =>
        klEstimateBackward(p, q, { estimator: c.estimator, reduction: c.reduction }, gOut),
      );
      assertClose('gradLogProbQ', gr.gradLogProbQ, { shape: q.shape, values: grads, tol: gtol });
      assertClose('gradLogProbP', gr.gradLogProbP, {
        shape: p.shape,
        values: grads.map((v) => -v),
        tol: gtol,
      });
    }
  },
};

const accumulatorInput = fc
  .record({
    rows: fc.integer({ min: 0, max: 12 }),
    cols: fc.integer({ min: 1, max: 6 }),
    dt: dtype,
    logTarget: fc.boolean(),
  })
  .chain((c) =>
    fc.tuple(
      fc.constant(c),
      filled([c.rows, c.cols], c.dt, fc.double({ min: -20, max: 0, noNaN: true })),
      filled([c.rows, c.cols], c.dt, fc.double({ min: 0, max: 1, noNaN: true })),
      fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 12 }),
      fc.integer({ min: 0, max: 12 }),
    ),
  );

export const accumulatorTarget: FuzzTarget<
  typeof accumulatorInput extends fc.Arbitrary<infer T> ? T : never
> = {
  name: 'KLAccumulator, LogitsKLAccumulator',
  arbitrary: accumulatorInput,
  check([c, x, y, cuts, split]) {
    // rows in random chunks into one accumulator, and across two merged ones
    const rowsOf = (t: Tensor, a: number, b: number) =>
      tensor(t.data.slice(a * c.cols, b * c.cols), { shape: [b - a, c.cols], dtype: c.dt });
    const one = new KLAccumulator({ logTarget: c.logTarget });
    const left = new KLAccumulator({ logTarget: c.logTarget });
    const right = new KLAccumulator({ logTarget: c.logTarget });
    // from logits: x as student logits, 10 y as teacher logits
    const T = 1 + (c.rows % 3);
    const teacher = tensor(
      Float64Array.from(y.data, (v) => 10 * v),
      { shape: y.shape, dtype: c.dt },
    );
    const logits = new LogitsKLAccumulator({ temperature: T });
    let start = 0;
    for (const k of [...cuts, c.rows]) {
      const end = Math.min(c.rows, start + k);
      if (end > start) {
        one.add(rowsOf(x, start, end), rowsOf(y, start, end));
        (start < split ? left : right).add(rowsOf(x, start, end), rowsOf(y, start, end));
        logits.add(rowsOf(x, start, end), rowsOf(teacher, start, end));
      }
      start = end;
      if (start >= c.rows) break;
    }
    left.merge(right.state());
    const oneShot = quiet(() =>
      klDivWithLogits(x, teacher, { temperature: T, reduction: 'sum' }),
    ).item();
    const logitsBound =
      1e-12 * (1 + Math.abs(oneShot)) * Math.max(1, x.numel) +
      (c.dt === 'float32' ? 2 ** -24 * 64 * T * T * (Math.abs(oneShot) + 40 * c.rows) : 0);
    if (!(Math.abs(logits.result('sum').item() - oneShot) <= logitsBound)) {
      throw new Error(
        `LogitsKLAccumulator sum ${logits.result('sum').item()}, one-shot ${oneShot}, bound ${logitsBound}`,
      );
    }
    // float32 data is evaluated in float32 lanes by the wasm kernels, where a chunk boundary
    // can move an element between the SIMD body and the scalar tail: allow K eps32 per term
    const X = f64(x).data;
    const Y = f64(y).data;
    let mag = 0;
    for (let i = 0; i < X.length; i++) mag += point(X[i], Y[i], c.logTarget)[1];
    for (const reduction of ['sum', 'mean', 'batchmean'] as const) {
      const whole = quiet(() => klDiv(x, y, { reduction, logTarget: c.logTarget })).item();
      const n = Math.max(1, x.numel);
      // the one-shot float32 result is rounded to float32; the accumulator keeps float64
      const div = reduction === 'sum' ? 1 : reduction === 'mean' ? n : Math.max(1, c.rows);
      const f32 = c.dt === 'float32' ? 2 ** -24 * (Math.abs(whole) + (K * mag) / div) : 0;
      const bound = 1e-12 * (1 + Math.abs(whole)) * n + f32;
      for (const [label, acc] of [
        ['one accumulator', one],
        ['merged', left],
      ] as const) {
        const got = acc.result(reduction).item();
        const same = Number.isNaN(whole) ? Number.isNaN(got) : Math.abs(got - whole) <= bound;
        if (!same)
          throw new Error(`${label} ${reduction}: ${got}, one-shot klDiv ${whole}, bound ${bound}`);
      }
    }
  },
};

export { value };
