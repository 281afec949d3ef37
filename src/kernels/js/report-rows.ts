/**
 * The row kernels of the model-comparison report (`kldiv/report`): one row of base logits x and
 * one of compare logits y (contiguous, length V), inverse temperature k = 1/T. They never
 * validate arguments, allocate or throw; arithmetic is float64 whatever the input dtype.
 *
 *   p = softmax(k x),  q = softmax(k y)
 *   KL(p || q) = sum_j p_j (log p_j - log q_j)        (SciPy's rel_entr convention:
 *                p_j = 0 adds 0 whatever q_j; p_j > 0 with q_j = 0 adds +inf)
 *
 * A probability is 0 exactly where its logit is -inf: a finite base logit facing a -inf compare
 * logit makes the KL +inf even where p_j underflows float64. With m_x = max_j x_j, m_y = max_j
 * y_j, e_j = exp(k (x_j - m_x)), S_x = sum_j e_j, S_y = sum_j exp(k (y_j - m_y)) and
 * d_j = (x_j - y_j) - (m_x - m_y):
 *
 *   log p_j - log q_j = k d_j - log S_x + log S_y,
 *   KL = k (sum_j e_j d_j) / S_x + log S_y - log S_x
 *
 * So two passes over the row: max, argmax and validity of both sides, then both exponential
 * sums and sum_j e_j d_j together (two exponentials per element, nothing kept per element).
 * d_j is small when the models are close, so the two terms of KL are both of the size of the
 * difference and KL keeps its relative accuracy down to tiny values. A row with -inf logits
 * makes that fused sum NaN (0 * inf) or +inf; NaN rows are redone by a branching pass, which is
 * rare, so clean rows pay no test per element for it.
 *
 * @module
 */

import type { FloatArray } from '../../tensor/dtype.js';

/** `out[ROW_KL]`: KL(p || q) of the row (+inf where q_j = 0 < p_j). */
export const ROW_KL = 0;
/** `out[ROW_TOP1_BASE]`: argmax of the base row (lowest index on ties). */
export const ROW_TOP1_BASE = 1;
/** `out[ROW_TOP1_COMPARE]`: argmax of the compare row (lowest index on ties). */
export const ROW_TOP1_COMPARE = 2;
/** `out[ROW_LOGP_BASE]`: log p(token) = k (x_token - m_x) - log S_x (when a token is given). */
export const ROW_LOGP_BASE = 3;
/** `out[ROW_LOGP_COMPARE]`: log q(token) = k (y_token - m_y) - log S_y. */
export const ROW_LOGP_COMPARE = 4;
/** `out[ROW_BAD_INDEX]`: index of an invalid row's first NaN or +inf (-1: no finite logit). */
export const ROW_BAD_INDEX = 5;
/** `out[ROW_BAD_VALUE]`: the value at `ROW_BAD_INDEX` (NaN or +inf; -inf: no finite logit). */
export const ROW_BAD_VALUE = 6;
/** Length of the `out` array of {@link reportRow}. */
export const ROW_SLOTS = 7;

/** {@link reportRow} result: the row is valid and `out` holds its values. */
export const ROW_OK = 0;
/** {@link reportRow} result: the base row holds NaN or +inf, or no finite logit. */
export const ROW_BAD_BASE = 1;
/** {@link reportRow} result: the compare row holds NaN or +inf, or no finite logit. */
export const ROW_BAD_COMPARE = 2;

/**
 * The per-token values of one row pair: KL, both argmaxes and, for `token >= 0`, the two
 * log-probabilities of the token. Returns {@link ROW_OK}, or {@link ROW_BAD_BASE} /
 * {@link ROW_BAD_COMPARE} with the first offending entry in `out[ROW_BAD_INDEX]` and
 * `out[ROW_BAD_VALUE]` (then the other slots are unspecified).
 */
export function reportRow(
  V: number,
  k: number,
  x: FloatArray,
  ox: number,
  y: FloatArray,
  oy: number,
  token: number,
  out: Float64Array,
): number {
  // pass 1: max and argmax (strict >: the lowest index wins ties), NaN and +inf refused
  let mx = Number.NEGATIVE_INFINITY;
  let ax = -1;
  for (let j = 0; j < V; j++) {
    const v = x[ox + j];
    if (!(v < Number.POSITIVE_INFINITY)) return bad(out, ROW_BAD_BASE, j, v);
    if (v > mx) {
      mx = v;
      ax = j;
    }
  }
  if (ax < 0) return bad(out, ROW_BAD_BASE, -1, Number.NEGATIVE_INFINITY);
  let my = Number.NEGATIVE_INFINITY;
  let ay = -1;
  for (let j = 0; j < V; j++) {
    const v = y[oy + j];
    if (!(v < Number.POSITIVE_INFINITY)) return bad(out, ROW_BAD_COMPARE, j, v);
    if (v > my) {
      my = v;
      ay = j;
    }
  }
  if (ay < 0) return bad(out, ROW_BAD_COMPARE, -1, Number.NEGATIVE_INFINITY);

  // pass 2: both exponential sums and sum_j e_j d_j
  const dm = mx - my;
  let sx = 0;
  let sy = 0;
  let s = 0;
  for (let j = 0; j < V; j++) {
    const a = x[ox + j];
    const b = y[oy + j];
    const e = Math.exp((a - mx) * k);
    sx += e;
    sy += Math.exp((b - my) * k);
    s += e * (a - b - dm);
  }
  // NaN only from -inf logits (0 * inf, or -inf - -inf): apply rel_entr's convention entry by entry
  if (Number.isNaN(s)) s = maskedSum(V, k, x, ox, y, oy, mx, dm);
  const lx = Math.log(sx);
  const ly = Math.log(sy);
  out[ROW_KL] = (k * s) / sx + (ly - lx);
  out[ROW_TOP1_BASE] = ax;
  out[ROW_TOP1_COMPARE] = ay;
  if (token >= 0) {
    out[ROW_LOGP_BASE] = (x[ox + token] - mx) * k - lx;
    out[ROW_LOGP_COMPARE] = (y[oy + token] - my) * k - ly;
  }
  return ROW_OK;
}

function bad(out: Float64Array, code: number, index: number, value: number): number {
  out[ROW_BAD_INDEX] = index;
  out[ROW_BAD_VALUE] = value;
  return code;
}

/**
 * sum_j e_j d_j for a row with -inf logits: an entry with x_j = -inf (p_j = 0) adds 0, one with
 * x_j finite and y_j = -inf (q_j = 0 < p_j) makes the sum +inf, however small e_j is.
 */
function maskedSum(
  V: number,
  k: number,
  x: FloatArray,
  ox: number,
  y: FloatArray,
  oy: number,
  mx: number,
  dm: number,
): number {
  let s = 0;
  for (let j = 0; j < V; j++) {
    const a = x[ox + j];
    if (a === Number.NEGATIVE_INFINITY) continue;
    const b = y[oy + j];
    if (b === Number.NEGATIVE_INFINITY) return Number.POSITIVE_INFINITY;
    s += Math.exp((a - mx) * k) * (a - b - dm);
  }
  return s;
}

/**
 * The number of indices the top-K sets of the two rows share, the top-K of a row being its K
 * largest logits with ties broken towards the lower index (a partial selection: a heap of the
 * K best so far, O(V log K)). `heap` holds at least 2K entries and `mark` at least V zeros, which
 * it leaves zero. Needs 1 <= K <= V.
 */
export function topKShared(
  V: number,
  K: number,
  x: FloatArray,
  ox: number,
  y: FloatArray,
  oy: number,
  heap: Int32Array,
  mark: Uint8Array,
): number {
  selectTopK(V, K, x, ox, heap, 0);
  selectTopK(V, K, y, oy, heap, K);
  for (let i = 0; i < K; i++) mark[heap[i]] = 1;
  let shared = 0;
  for (let i = K; i < 2 * K; i++) shared += mark[heap[i]];
  for (let i = 0; i < K; i++) mark[heap[i]] = 0;
  return shared;
}

/**
 * Writes to heap[h..h+K) the indices of the K largest entries of the row (in no particular
 * order): a min-heap whose root is the worst entry kept (the smallest value, then the highest
 * index), replaced whenever a better entry comes.
 */
function selectTopK(
  V: number,
  K: number,
  x: FloatArray,
  ox: number,
  heap: Int32Array,
  h: number,
): void {
  for (let j = 0; j < K; j++) {
    let i = j;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!worse(x, ox, j, heap[h + parent])) break;
      heap[h + i] = heap[h + parent];
      i = parent;
    }
    heap[h + i] = j;
  }
  for (let j = K; j < V; j++) {
    // a later index loses ties, so only a strictly larger value enters
    if (!(x[ox + j] > x[ox + heap[h]])) continue;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= K) break;
      let w = l;
      if (l + 1 < K && worse(x, ox, heap[h + l + 1], heap[h + l])) w = l + 1;
      if (!worse(x, ox, heap[h + w], j)) break;
      heap[h + i] = heap[h + w];
      i = w;
    }
    heap[h + i] = j;
  }
}

/** Whether entry a ranks below entry b: a smaller value, or the same value at a higher index. */
function worse(x: FloatArray, ox: number, a: number, b: number): boolean {
  const va = x[ox + a];
  const vb = x[ox + b];
  return va < vb || (va === vb && a > b);
}
