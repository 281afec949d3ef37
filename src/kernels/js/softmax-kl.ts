/**
 * Fused log-softmax + KL kernels over one row of logits (the `dim` axis), strided. They never
 * allocate, validate or throw. Arithmetic is float64.
 *
 * For student logits s, teacher logits t and inverse temperature k = 1/T:
 *   log q = k s - lse(k s)      (log_softmax)
 *   log p = k t - lse(k t),  p = exp(log p)      (softmax)
 *   l_j = xlogy(p_j, p_j) - p_j log q_j          (F.kl_div, 'none')
 * The loss computes lse online (one pass keeps a running maximum and rescales the running
 * sum), so a row is read twice; the gradients keep exp(k x - max) in their own output buffers,
 * so they need two exponentials per element and nothing of the row's size is allocated.
 * Non-finite logits take PyTorch's values (its max-shifted log_softmax and softmax, then
 * `F.kl_div`): the gradients take the maximum first, as PyTorch does, and the online
 * log-sum-exp redoes the rare rows it cannot (tests: test/functional/logits-nonfinite.test.ts).
 *
 * @module
 */

import type { FloatArray, TensorData } from '../../tensor/dtype.js';

/**
 * log(sum_j exp(k x_j)) over a strided row, online: stable for any magnitude of x. A row with
 * a non-finite value (NaN, +inf, or a -inf before the first finite value) comes out
 * non-finite and is redone by {@link maxShiftedLogSumExpRow}, so finite rows pay one test.
 */
export function logSumExpRow(V: number, x: TensorData, sx: number, ox: number, k: number): number {
  let m = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let i = ox;
  for (let j = 0; j < V; j++) {
    const v = x[i] * k;
    if (v > m) {
      sum = sum * Math.exp(m - v) + 1;
      m = v;
    } else {
      sum += Math.exp(v - m);
    }
    i += sx;
  }
  const lse = m + Math.log(sum);
  return Number.isFinite(lse) || V === 0 ? lse : maxShiftedLogSumExpRow(V, x, sx, ox, k);
}

/**
 * log(sum_j exp(k x_j)) as PyTorch's log_softmax and softmax compute it: the maximum m first,
 * then m + log(sum_j exp(k x_j - m)). So a row holding NaN, or whose maximum is +inf (inf -
 * inf) or -inf (every entry -inf), gives NaN, which makes the whole row of log-probabilities
 * and probabilities NaN, as in PyTorch; -inf entries of a row with a finite maximum add 0.
 */
function maxShiftedLogSumExpRow(
  V: number,
  x: TensorData,
  sx: number,
  ox: number,
  k: number,
): number {
  const m = maxRow(V, x, sx, ox, k);
  let sum = 0;
  let i = ox;
  for (let j = 0; j < V; j++) {
    sum += Math.exp(x[i] * k - m);
    i += sx;
  }
  return m + Math.log(sum);
}

/**
 * Returns the row's sum of `l_j`; when `out` is given also writes `l_j * scale` to it. `lseS`,
 * `lseT` are {@link logSumExpRow} of the student and teacher rows.
 */
export function logitsKlRow(
  V: number,
  k: number,
  s: TensorData,
  ss: number,
  os: number,
  lseS: number,
  t: TensorData,
  st: number,
  ot: number,
  lseT: number,
  out: FloatArray | null,
  so: number,
  oo: number,
  scale: number,
): number {
  let total = 0;
  let is = os;
  let it = ot;
  let io = oo;
  for (let j = 0; j < V; j++) {
    const logq = s[is] * k - lseS;
    const logp = t[it] * k - lseT;
    const p = Math.exp(logp);
    // xlogy(p, p) = p log p, 0 where p underflows to 0
    const l = (p === 0 ? 0 : p * logp) - p * logq;
    total += l;
    if (out !== null) out[io] = l * scale;
    is += ss;
    it += st;
    io += so;
  }
  return total;
}

/** Writes `exp(k x_j - m)` of a strided row to `e` and returns their float64 sum. */
function expSumRow(
  V: number,
  x: TensorData,
  sx: number,
  ox: number,
  k: number,
  m: number,
  e: FloatArray,
  se: number,
  oe: number,
): number {
  let sum = 0;
  let i = ox;
  let ie = oe;
  for (let j = 0; j < V; j++) {
    const v = Math.exp(x[i] * k - m);
    e[ie] = v;
    sum += v;
    i += sx;
    ie += se;
  }
  return sum;
}

/** max_j k x_j of a strided row; NaN when the row holds a NaN (Math.max propagates it). */
function maxRow(V: number, x: TensorData, sx: number, ox: number, k: number): number {
  let m = Number.NEGATIVE_INFINITY;
  let i = ox;
  for (let j = 0; j < V; j++) {
    m = Math.max(m, x[i] * k);
    i += sx;
  }
  return m;
}

/**
 * Writes the gradients of `sum_j c_j l_j` (c_j = g_j * coef; `sg` 0 for a scalar g) with
 * respect to the student and teacher logits, as PyTorch autograd computes them through
 * log_softmax and softmax, and returns the row's loss sum `sum_j l_j` on the way:
 *   d/ds_i = k (q_i sum_j c_j p_j - c_i p_i)
 *   d/dt_i = k p_i (w_i - sum_j p_j w_j),    w_j = c_j (log p_j + p_j / p_j - log q_j)
 * (so, as in PyTorch, a teacher probability that underflows to 0 makes its row's teacher
 * gradient NaN). Two exponentials per element: `exp(k x - max)` is kept in `gs` / `gt` and
 * turned into q and p, which the last pass reads back.
 */
export function logitsKlRowBackward(
  V: number,
  k: number,
  s: TensorData,
  ss: number,
  os: number,
  t: TensorData,
  st: number,
  ot: number,
  g: TensorData,
  sg: number,
  og: number,
  coef: number,
  gs: FloatArray,
  sgs: number,
  ogs: number,
  gt: FloatArray,
  sgt: number,
  ogt: number,
): number {
  const ms = maxRow(V, s, ss, os, k);
  const mt = maxRow(V, t, st, ot, k);
  const sumS = expSumRow(V, s, ss, os, k, ms, gs, sgs, ogs);
  const sumT = expSumRow(V, t, st, ot, k, mt, gt, sgt, ogt);
  const lseS = ms + Math.log(sumS);
  const lseT = mt + Math.log(sumT);
  let loss = 0;
  let sumCP = 0;
  let sumPW = 0;
  let is = os;
  let it = ot;
  let ig = og;
  let ia = ogs;
  let ib = ogt;
  for (let j = 0; j < V; j++) {
    const q = gs[ia] / sumS;
    const p = gt[ib] / sumT;
    const logq = s[is] * k - lseS;
    const logp = t[it] * k - lseT;
    const c = g[ig] * coef;
    loss += (p === 0 ? 0 : p * logp) - p * logq;
    sumCP += c * p;
    sumPW += p * (c * (logp + p / p - logq));
    gs[ia] = q;
    gt[ib] = p;
    is += ss;
    it += st;
    ig += sg;
    ia += sgs;
    ib += sgt;
  }
  is = os;
  it = ot;
  ig = og;
  ia = ogs;
  ib = ogt;
  for (let j = 0; j < V; j++) {
    const q = gs[ia];
    const p = gt[ib];
    const c = g[ig] * coef;
    const logq = s[is] * k - lseS;
    const logp = t[it] * k - lseT;
    gs[ia] = k * (q * sumCP - c * p);
    gt[ib] = k * p * (c * (logp + p / p - logq) - sumPW);
    is += ss;
    it += st;
    ig += sg;
    ia += sgs;
    ib += sgt;
  }
  return loss;
}
