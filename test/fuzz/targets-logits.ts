/**
 * Fuzz targets for the logits losses (klDivWithLogits and its backward, jsDivergence and its
 * backward) against float64 references written here from PyTorch's composition:
 * log_softmax as z - max - log(sum(exp(z - max))), F.kl_div's xlogy(p, p) - p * log q, and
 * autograd's chain through both.
 */
import fc from 'fast-check';
import {
  jsDivergence,
  jsDivergenceBackward,
  klDivWithLogits,
  klDivWithLogitsBackward,
  type Tensor,
  tensor,
} from '../../src/index.js';
import {
  assertClose,
  coded,
  config,
  dtype,
  EPS,
  f64,
  filled,
  finite,
  under,
  upstream,
} from './harness.js';
import { type FuzzTarget, quiet } from './targets-core.js';

const K = 64;
/** Absolute floor: a few subnormal ulps of the output dtype. */
const TINY = { float32: 64 * 2 ** -149, float64: 64 * 2 ** -1074 };
const reductions = fc.constantFrom<'none' | 'sum' | 'mean' | 'batchmean' | 'tokenmean'>(
  'none',
  'sum',
  'mean',
  'batchmean',
  'tokenmean',
);

/** A logits shape: rank 0-3, sizes 0-6, at most 120 elements; a dim and a mask flag. */
const logitsShape = fc
  .array(fc.integer({ min: 0, max: 6 }), { maxLength: 3 })
  .filter((s) => s.reduce((a, b) => a * b, 1) <= 120)
  .chain((s) =>
    fc.tuple(
      fc.constant(s),
      fc.integer({ min: -Math.max(1, s.length), max: Math.max(1, s.length) - 1 }),
      fc.boolean(),
    ),
  );

interface Layout {
  rows: number[][]; // flat indices of each row along dim
  rowOf: number[]; // row number of each element
}

function layout(shape: number[], dim: number): Layout {
  if (shape.length === 0) return { rows: [[0]], rowOf: [0] };
  const d = dim < 0 ? dim + shape.length : dim;
  const outer = shape.slice(0, d).reduce((a, b) => a * b, 1);
  const inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
  const V = shape[d];
  const rows: number[][] = [];
  const rowOf = new Array<number>(outer * V * inner).fill(0);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const r: number[] = [];
      for (let j = 0; j < V; j++) {
        r.push(o * V * inner + j * inner + i);
        rowOf[o * V * inner + j * inner + i] = rows.length;
      }
      rows.push(r);
    }
  return { rows, rowOf };
}

/** PyTorch's log_softmax of one row of z, and the magnitude that bounds its rounding. */
function logSoftmax(z: number[]): { ls: number[]; mag: number } {
  const m = Math.max(...z);
  let s = 0;
  for (const v of z) s += Math.exp(v - m);
  const lse = Math.log(s);
  return { ls: z.map((v) => v - m - lse), mag: Math.abs(m) + Math.abs(lse) + 1 };
}

const logitsInput = fc
  .record({
    cfg: config,
    dt: dtype,
    reduction: reductions,
    T: fc.oneof(fc.constantFrom(1, 2, 0.5), fc.double({ min: 0.1, max: 10, noNaN: true })),
    geometry: logitsShape,
  })
  .chain((c) => {
    const [s, dim, masked] = c.geometry;
    const nRows = layout(s, dim).rows.length;
    const n = s.reduce((a, b) => a * b, 1);
    return fc.tuple(
      fc.constant(c),
      filled(s, c.dt, finite),
      filled(s, c.dt, finite),
      masked
        ? fc.array(fc.boolean(), { minLength: nRows, maxLength: nRows })
        : fc.constant(undefined),
      fc.array(upstream, { minLength: n, maxLength: n }),
      upstream,
    );
  });

type LogitsInput = typeof logitsInput extends fc.Arbitrary<infer T> ? T : never;

/**
 * What a reduction divides by (masks zero rows): 'batchmean' by shape[0] for the KL (PyTorch's,
 * masks or not) and by kept rows for the JSD (TRL's per-token mean), 'tokenmean' by kept rows.
 */
function divisorOf(
  reduction: string,
  shape: number[],
  kept: number,
  V: number,
  jsd: boolean,
): number {
  if (reduction === 'mean') return kept * V;
  if (reduction === 'tokenmean' || (reduction === 'batchmean' && jsd)) return kept;
  if (reduction === 'batchmean') return shape.length === 0 ? 1 : shape[0];
  return 1;
}

export const klDivWithLogitsTarget: FuzzTarget<LogitsInput> = {
  name: 'klDivWithLogits (+ backward)',
  arbitrary: logitsInput,
  check([c, s, t, mask, gNone, gScalar]) {
    const [shape, dim] = c.geometry;
    const opts = { temperature: c.T, dim, reduction: c.reduction, ...(mask ? { mask } : {}) };
    const { rows } = layout(shape, dim);
    const V = rows[0]?.length ?? 0;
    const keep = rows.map((_, r) => (mask ? mask[r] : true));
    const kept = keep.filter(Boolean).length;
    const div = divisorOf(c.reduction, shape, kept, V, false);
    const S = f64(s).data;
    const Tt = f64(t).data;
    const n = S.length;
    const k = 1 / c.T;
    const tt = c.T * c.T;
    const eps = EPS[c.dt];
    const loss = new Array<number>(n).fill(0);
    const ltol = new Array<number>(n).fill(0);
    const g = c.reduction === 'none' ? gNone : new Array<number>(n).fill(gScalar / div);
    const gs = new Array<number>(n).fill(0);
    const gt = new Array<number>(n).fill(0);
    const gsTol = new Array<number>(n).fill(0);
    const gtTol = new Array<number>(n).fill(0);
    const borderline: number[] = [];
    rows.forEach((row, r) => {
      if (!keep[r]) return;
      const a = logSoftmax(row.map((i) => S[i] * k));
      const b = logSoftmax(row.map((i) => Tt[i] * k));
      const pt = b.ls.map(Math.exp);
      const ps = a.ls.map(Math.exp);
      const err = a.mag + b.mag;
      const f = row.map((_, j) => err + Math.abs(a.ls[j]) + Math.abs(b.ls[j]));
      if (c.dt === 'float32' && pt.some((v) => v > 0 && v < 2 ** -145)) borderline.push(...row);
      // forward: T^2 (xlogy(pt, pt) - pt ls)
      row.forEach((i, j) => {
        const xl = pt[j] === 0 ? 0 : pt[j] * Math.log(pt[j]);
        loss[i] = tt * (xl - pt[j] * a.ls[j]);
        // exp(lt) carries lt's absolute error as relative error: scale by |lt| and |ls| too
        // (+ pt: log of a probability rounded near 1 has an absolute error of eps)
        // a subnormal probability keeps few bits: subnormal ulps times the other factors
        const floor = TINY[c.dt] * (1 + tt * (1 + f[j]));
        ltol[i] =
          K * eps * tt * (Math.abs(xl) + pt[j] * Math.abs(a.ls[j]) + pt[j]) * (1 + f[j]) + floor;
      });
      // student: d/d ls_j = -T^2 pt_j g_j; log_softmax backward; times k
      const dls = row.map((i, j) => -tt * pt[j] * g[i]);
      const sumDls = dls.reduce((x, y) => x + y, 0);
      const sumAbs = dls.reduce((x, y) => x + Math.abs(y), 0);
      // teacher: d/d pt_j = T^2 g_j (log pt_j [0 at 0] + pt_j / pt_j - ls_j); softmax backward
      // (a float32 teacher probability underflows to 0 where float64 does not, as in PyTorch)
      const zero = (v: number) => (c.dt === 'float32' ? Math.fround(v) === 0 : v === 0);
      const dpt = row.map((i, j) =>
        zero(pt[j]) ? Number.NaN : tt * g[i] * ((pt[j] === 0 ? 0 : Math.log(pt[j])) + 1 - a.ls[j]),
      );
      const dot = dpt.reduce((x, y, j) => x + pt[j] * y, 0);
      const dotAbs = dpt.reduce((x, y, j) => x + pt[j] * Math.abs(y), 0);
      row.forEach((i, j) => {
        gs[i] = k * (dls[j] - ps[j] * sumDls);
        const floor = TINY[c.dt] * (1 + k * (1 + f[j]) * (tt * Math.abs(g[i]) + sumAbs));
        gsTol[i] = K * eps * k * (Math.abs(dls[j]) + ps[j] * sumAbs) * (1 + f[j]) + floor;
        gt[i] = k * pt[j] * (dpt[j] - dot);
        gtTol[i] =
          K * eps * k * pt[j] * (Math.abs(dpt[j]) + dotAbs) * (1 + f[j]) +
          TINY[c.dt] * (1 + k * (Math.abs(dpt[j]) + dotAbs) * (1 + f[j]));
      });
    });
    const run = coded(() => under(c.cfg, () => quiet(() => klDivWithLogits(s, t, opts))));
    if (!run.ok) throw run.error;
    if (c.reduction === 'none') assertClose('loss', run.value, { shape, values: loss, tol: ltol });
    else {
      const sum = loss.reduce((x, y) => x + y, 0);
      const abs = loss.reduce((x, y) => x + Math.abs(y), 0);
      const want = sum / div;
      const tol =
        (ltol.reduce((x, y) => x + y, 0) + n * 2 ** -52 * abs) / div + eps * Math.abs(want);
      assertClose(`loss ${c.reduction}`, run.value, { shape: [], values: [want], tol: [tol] });
    }
    const gradOutput =
      c.reduction === 'none'
        ? tensor(Float64Array.from(gNone), { shape })
        : tensor(gScalar, { dtype: 'float64' });
    const back = coded(() =>
      under(c.cfg, () => quiet(() => klDivWithLogitsBackward(s, t, opts, gradOutput))),
    );
    if (!back.ok) throw back.error;
    // rows with a float32 probability at the underflow threshold may or may not round to 0
    // (and so get PyTorch's NaN teacher gradient) depending on the order of operations
    for (const i of borderline) {
      gt[i] = back.value.gradTeacher!.data[i];
      gtTol[i] = 0;
    }
    assertClose('gradStudent', back.value.gradStudent, { shape, values: gs, tol: gsTol });
    assertClose('gradTeacher', back.value.gradTeacher as Tensor, { shape, values: gt, tol: gtTol });
  },
};

const jsdInput = fc
  .record({
    dt: dtype,
    reduction: reductions,
    beta: fc.oneof(fc.constantFrom(0, 1, 0.5), fc.double({ min: 0, max: 1, noNaN: true })),
    geometry: logitsShape,
  })
  .chain((c) => {
    const [s, dim, masked] = c.geometry;
    const nRows = layout(s, dim).rows.length;
    const n = s.reduce((a, b) => a * b, 1);
    const logp = fc.double({ min: -30, max: 0, noNaN: true });
    return fc.tuple(
      fc.constant(c),
      filled(s, c.dt, logp),
      filled(s, c.dt, logp),
      masked
        ? fc.array(fc.boolean(), { minLength: nRows, maxLength: nRows })
        : fc.constant(undefined),
      fc.array(upstream, { minLength: n, maxLength: n }),
      upstream,
    );
  });

export const jsDivergenceTarget: FuzzTarget<
  typeof jsdInput extends fc.Arbitrary<infer T> ? T : never
> = {
  name: 'jsDivergence (+ backward)',
  arbitrary: jsdInput,
  check([c, a, b, mask, gNone, gScalar]) {
    const [shape, dim] = c.geometry;
    const { rows, rowOf } = layout(shape, dim);
    const V = rows[0]?.length ?? 0;
    const keep = rows.map((_, r) => (mask ? mask[r] : true));
    const kept = keep.filter(Boolean).length;
    const div = divisorOf(c.reduction, shape, kept, V, true);
    const A = f64(a).data;
    const B = f64(b).data;
    const n = A.length;
    const eps = EPS[c.dt];
    const beta = c.beta;
    const loss: number[] = [];
    const tol: number[] = [];
    const grad: number[] = [];
    const gtol: number[] = [];
    for (let i = 0; i < n; i++) {
      const g = keep[rowOf[i]] ? (c.reduction === 'none' ? gNone[i] : gScalar / div) : 0;
      if (!keep[rowOf[i]]) {
        loss.push(0);
        tol.push(0);
        grad.push(0);
        gtol.push(0);
        continue;
      }
      const p = Math.exp(B[i]);
      const q = Math.exp(A[i]);
      // M in probability space (the library works in log space)
      const logM = Math.log(beta * p + (1 - beta) * q);
      const l =
        beta === 0
          ? p * (B[i] - A[i])
          : beta === 1
            ? q * (A[i] - B[i])
            : beta * p * (B[i] - logM) + (1 - beta) * q * (A[i] - logM);
      const d =
        beta === 0 ? -p : beta === 1 ? q * (A[i] - B[i] + 1) : (1 - beta) * q * (A[i] - logM);
      const mag = (p + q) * (Math.abs(A[i]) + Math.abs(B[i]) + Math.abs(logM) + 1);
      loss.push(l);
      tol.push(K * eps * mag + TINY[c.dt]);
      grad.push(g * d);
      gtol.push(K * eps * Math.abs(g) * mag + TINY[c.dt]);
    }
    const opts = { beta, dim, reduction: c.reduction, ...(mask ? { mask } : {}) };
    const out = quiet(() => jsDivergence(a, b, opts));
    if (c.reduction === 'none') assertClose('jsd', out, { shape, values: loss, tol });
    else {
      const want = loss.reduce((x, y) => x + y, 0) / div;
      const t =
        (tol.reduce((x, y) => x + y, 0) +
          n * 2 ** -52 * loss.reduce((x, y) => x + Math.abs(y), 0)) /
          div +
        eps * Math.abs(want);
      assertClose(`jsd ${c.reduction}`, out, { shape: [], values: [want], tol: [t] });
    }
    const gradOutput =
      c.reduction === 'none'
        ? tensor(Float64Array.from(gNone), { shape })
        : tensor(gScalar, { dtype: 'float64' });
    const back = quiet(() => jsDivergenceBackward(a, b, opts, gradOutput));
    assertClose('gradStudent', back.gradStudent, { shape, values: grad, tol: gtol });
  },
};
