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
 * So two passes over the row pair, each a loop in a function of its own (see the note above
 * `scanRows`). Pass 1 reads both rows in one loop (two streams: memory is read faster than by
 * two loops): maxima, argmaxima and minima; the first NaN or +inf sends the row to a scan that
 * reports it as a scan of the base row, then of the compare row, would. Pass 2 computes both
 * exponential sums and sum_j e_j d_j together (two exponentials per element, nothing kept per
 * element) with the float64 exp of exp64.ts (1.04 ulp at most, half the cost of `Math.exp`). When
 * the minima put every argument in [-708, 0] (every row of real logits), its arithmetic is
 * written out in the loop with no test per element; otherwise (-inf logits, or a range beyond
 * 708 / k) the loop calls {@link exp64}, which gives 0 at -inf and rounds subnormals.
 * That loop also applies rel_entr's convention at -inf logits, entry by entry; rows of real
 * logits never reach it, so they pay no test per element for it. d_j is small when the models
 * are close, so the two terms of KL are both of the size of the difference and KL keeps its
 * relative accuracy down to tiny values.
 *
 * @module
 */

import type { FloatArray } from '../../tensor/dtype.js';
import { EXP64_TABLE, exp64 } from './exp64.js';

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
  if (!scanRows(V, x, ox, y, oy)) return invalidRow(V, x, ox, y, oy, out);
  const mx = scanMaxX;
  const my = scanMaxY;
  if (scanArgX < 0) return bad(out, ROW_BAD_BASE, -1, Number.NEGATIVE_INFINITY);
  if (scanArgY < 0) return bad(out, ROW_BAD_COMPARE, -1, Number.NEGATIVE_INFINITY);
  let s: number;
  if ((scanMinX - mx) * k >= -708 && (scanMinY - my) * k >= -708) {
    s = expSums(V, k, x, ox, y, oy, mx, my, EXP64_TABLE);
  } else {
    s = expSumsChecked(V, k, x, ox, y, oy, mx, my, EXP64_TABLE);
  }
  const sx = sumX;
  const sy = sumY;
  const lx = Math.log(sx);
  const ly = Math.log(sy);
  out[ROW_KL] = (k * s) / sx + (ly - lx);
  out[ROW_TOP1_BASE] = scanArgX;
  out[ROW_TOP1_COMPARE] = scanArgY;
  if (token >= 0) {
    out[ROW_LOGP_BASE] = (x[ox + token] - mx) * k - lx;
    out[ROW_LOGP_COMPARE] = (y[oy + token] - my) * k - ly;
  }
  return ROW_OK;
}

// Results of the loops below beside their return values. Each loop has a function of its own
// that ends with stores to these module variables and a return, which need no type feedback:
// the code V8 compiles while a loop runs (on-stack replacement) otherwise meets code that has
// never run where the loop ends, bails out there, and can do so at every call (a row twice as
// slow, seen with `reportRow` as one function when calls switched from no token to a token).
let scanMaxX = 0;
let scanMaxY = 0;
let scanMinX = 0;
let scanMinY = 0;
let scanArgX = -1;
let scanArgY = -1;
let sumX = 0;
let sumY = 0;

/**
 * Pass 1 over both rows in one loop: maxima and argmaxima (strict >: the lowest index wins
 * ties; -1 for a row of -inf only), minima. False at the first NaN or +inf.
 */
function scanRows(V: number, x: FloatArray, ox: number, y: FloatArray, oy: number): boolean {
  let mx = Number.NEGATIVE_INFINITY;
  let my = Number.NEGATIVE_INFINITY;
  let nx = Number.POSITIVE_INFINITY;
  let ny = Number.POSITIVE_INFINITY;
  let ax = -1;
  let ay = -1;
  for (let j = 0; j < V; j++) {
    const a = x[ox + j];
    const b = y[oy + j];
    if (!(a < Number.POSITIVE_INFINITY && b < Number.POSITIVE_INFINITY)) return false;
    if (a > mx) {
      mx = a;
      ax = j;
    }
    if (b > my) {
      my = b;
      ay = j;
    }
    if (a < nx) nx = a;
    if (b < ny) ny = b;
  }
  scanMaxX = mx;
  scanMaxY = my;
  scanMinX = nx;
  scanMinY = ny;
  scanArgX = ax;
  scanArgY = ay;
  return true;
}

/**
 * Pass 2 for rows whose exp arguments all lie in [-708, 0]: S_x, S_y into sumX, sumY, and
 * sum_j e_j d_j returned, with exp64's form without tests (exp64Normal, exp64.ts).
 */
function expSums(
  V: number,
  k: number,
  x: FloatArray,
  ox: number,
  y: FloatArray,
  oy: number,
  mx: number,
  my: number,
  table: Float64Array,
): number {
  const dm = mx - my;
  let sx = 0;
  let sy = 0;
  let s = 0;
  for (let j = 0; j < V; j++) {
    const a = x[ox + j];
    const b = y[oy + j];
    // exp64Normal((a - mx) k) and exp64Normal((b - my) k), written out: V8 inlines the call
    // only in some processes (seen: 14 against 20-25 ns per element, from one run to the next)
    let t = (a - mx) * k;
    let n = t * 369.3299304675746 + 6755399441055744 - 6755399441055744;
    let i = n | 0;
    let r = t - n * 0.002707606173999011 - n * 6.327543041662719e-14;
    let p = r + r * r * (0.5 + r * (0.16666667812155952 + r * 0.04166666857581546));
    let c = table[i & 255];
    const e = (c + c * p) * table[1278 + (i >> 8)];
    t = (b - my) * k;
    n = t * 369.3299304675746 + 6755399441055744 - 6755399441055744;
    i = n | 0;
    r = t - n * 0.002707606173999011 - n * 6.327543041662719e-14;
    p = r + r * r * (0.5 + r * (0.16666667812155952 + r * 0.04166666857581546));
    c = table[i & 255];
    sx += e;
    sy += (c + c * p) * table[1278 + (i >> 8)];
    s += e * (a - b - dm);
  }
  sumX = sx;
  sumY = sy;
  return s;
}

/**
 * {@link expSums} for any row: exp64 with its tests (0 at -inf, subnormals), and rel_entr's
 * convention entry by entry: x_j = -inf (p_j = 0) adds 0 to the sum, x_j finite facing
 * y_j = -inf (q_j = 0 < p_j) makes it +inf, however small e_j is.
 */
function expSumsChecked(
  V: number,
  k: number,
  x: FloatArray,
  ox: number,
  y: FloatArray,
  oy: number,
  mx: number,
  my: number,
  table: Float64Array,
): number {
  const dm = mx - my;
  const neg = Number.NEGATIVE_INFINITY;
  const pos = Number.POSITIVE_INFINITY;
  let sx = 0;
  let sy = 0;
  let s = 0;
  for (let j = 0; j < V; j++) {
    const a = x[ox + j];
    const b = y[oy + j];
    const e = exp64((a - mx) * k, table);
    sx += e;
    sy += exp64((b - my) * k, table);
    if (a === neg) continue;
    // +inf stays +inf: the terms that follow are finite
    if (b === neg) s = pos;
    else s += e * (a - b - dm);
  }
  sumX = sx;
  sumY = sy;
  return s;
}

/**
 * The status of a row pair holding a NaN or +inf: the base row's first NaN / +inf, else a base
 * row with no finite logit, else the same of the compare row (what a scan of the base row, then
 * one of the compare row, finds first).
 */
function invalidRow(
  V: number,
  x: FloatArray,
  ox: number,
  y: FloatArray,
  oy: number,
  out: Float64Array,
): number {
  let finite = false;
  for (let j = 0; j < V; j++) {
    const v = x[ox + j];
    if (!(v < Number.POSITIVE_INFINITY)) return bad(out, ROW_BAD_BASE, j, v);
    if (v > Number.NEGATIVE_INFINITY) finite = true;
  }
  if (!finite) return bad(out, ROW_BAD_BASE, -1, Number.NEGATIVE_INFINITY);
  for (let j = 0; j < V; j++) {
    const v = y[oy + j];
    if (!(v < Number.POSITIVE_INFINITY)) return bad(out, ROW_BAD_COMPARE, j, v);
  }
  // unreachable: the caller found a NaN or +inf in one of the rows
  return bad(out, ROW_BAD_COMPARE, -1, Number.NEGATIVE_INFINITY);
}

function bad(out: Float64Array, code: number, index: number, value: number): number {
  out[ROW_BAD_INDEX] = index;
  out[ROW_BAD_VALUE] = value;
  return code;
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
  // the root's value, kept in a local: the scan reads one entry per element
  let worst = x[ox + heap[h]];
  for (let j = K; j < V; j++) {
    // a later index loses ties, so only a strictly larger value enters; a tight loop of its own
    // finds it (the sift below runs about K log(V / K) times in a row of random order)
    j = nextAbove(x, ox, j, V, worst);
    if (j === V) break;
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
    worst = x[ox + heap[h]];
  }
}

/** The first index j in [from, V) with x[ox + j] > value, else V. */
function nextAbove(x: FloatArray, ox: number, from: number, V: number, value: number): number {
  let j = from;
  while (j < V && !(x[ox + j] > value)) j++;
  return j;
}

/** Whether entry a ranks below entry b: a smaller value, or the same value at a higher index. */
function worse(x: FloatArray, ox: number, a: number, b: number): boolean {
  const va = x[ox + a];
  const vb = x[ox + b];
  return va < vb || (va === vb && a > b);
}
