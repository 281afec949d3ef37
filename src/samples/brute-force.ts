/**
 * Brute-force k-th-neighbour distances, for dimensions where a k-d tree prunes too little.
 *
 * Two queries against four reference points at a time: eight independent running sums per
 * coordinate step instead of one, so the additions do not wait on each other, and each
 * coordinate loaded serves four (or two) distances. Each sum still adds the squared differences
 * in coordinate order, the k-d tree's arithmetic, so both searches give identical bits. A sample
 * against itself computes each pair once and offers it to both points.
 *
 * @module
 */

import { insertBest, type KthOptions } from './kd-tree.js';

/**
 * @internal Squared distance from each of the `nq` query rows to its k-th nearest row of `refs`
 * (`nr` rows of dimension d), in `out`; options as {@link KDTree.kth} (with `self`, `queries`
 * and `refs` are the same points and query q skips row q).
 */
export function bruteKth(
  queries: Float64Array,
  nq: number,
  refs: Float64Array,
  nr: number,
  d: number,
  k: number,
  out: Float64Array,
  options: KthOptions,
): void {
  const { self, mask, skipZero, queryMask } = options;
  if (self) {
    bruteSelf(refs, nr, d, k, out, options);
    return;
  }
  const best = new Float64Array(2 * k);
  const sums = new Float64Array(8);
  const inf = Number.POSITIVE_INFINITY;
  // offers candidate s (reference r) to query slot `slot` (0 or 1); returns the new worst
  const offer = (slot: number, r: number, s: number, worst: number): number => {
    if (!(s < worst) || (skipZero && s === 0) || (mask !== null && mask[r] === 0)) return worst;
    return insertBest(best, slot * k, k, s);
  };
  for (let q = 0; q < nq; q += 2) {
    const q1 = q + 1 < nq ? q + 1 : q; // an odd last query pairs with itself
    const skip0 = queryMask !== null && queryMask[q] === 0;
    const skip1 = q1 === q || (queryMask !== null && queryMask[q1] === 0);
    if (skip0 && skip1) {
      out[q] = Number.NaN;
      if (q1 !== q) out[q1] = Number.NaN;
      continue;
    }
    best.fill(inf);
    let worst0 = inf;
    let worst1 = inf;
    const a = q * d;
    const b = q1 * d;
    let r = 0;
    for (; r + 4 <= nr; r += 4) {
      block2x4(queries, a, b, refs, r * d, d, sums);
      const s00 = sums[0];
      const s01 = sums[1];
      const s02 = sums[2];
      const s03 = sums[3];
      const s10 = sums[4];
      const s11 = sums[5];
      const s12 = sums[6];
      const s13 = sums[7];
      if (!skip0) {
        if (s00 < worst0) worst0 = offer(0, r, s00, worst0);
        if (s01 < worst0) worst0 = offer(0, r + 1, s01, worst0);
        if (s02 < worst0) worst0 = offer(0, r + 2, s02, worst0);
        if (s03 < worst0) worst0 = offer(0, r + 3, s03, worst0);
      }
      if (!skip1) {
        if (s10 < worst1) worst1 = offer(1, r, s10, worst1);
        if (s11 < worst1) worst1 = offer(1, r + 1, s11, worst1);
        if (s12 < worst1) worst1 = offer(1, r + 2, s12, worst1);
        if (s13 < worst1) worst1 = offer(1, r + 3, s13, worst1);
      }
    }
    for (; r < nr; r++) {
      const o = r * d;
      let s0 = 0;
      let s1 = 0;
      for (let t = 0; t < d; t++) {
        const e0 = queries[a + t] - refs[o + t];
        const e1 = queries[b + t] - refs[o + t];
        s0 += e0 * e0;
        s1 += e1 * e1;
      }
      if (!skip0) worst0 = offer(0, r, s0, worst0);
      if (!skip1) worst1 = offer(1, r, s1, worst1);
    }
    out[q] = skip0 ? Number.NaN : worst0;
    if (q1 !== q) out[q1] = skip1 ? Number.NaN : worst1;
  }
}

/** The `self` search: each unordered pair once, offered to both points. */
function bruteSelf(
  points: Float64Array,
  n: number,
  d: number,
  k: number,
  out: Float64Array,
  options: KthOptions,
): void {
  const { mask, skipZero, queryMask } = options;
  const inf = Number.POSITIVE_INFINITY;
  const best = new Float64Array(n * k).fill(inf);
  const sums = new Float64Array(8);
  // worst[i]: the k-th best of point i so far; -inf for points not searched, so nothing is offered
  const worst = new Float64Array(n).fill(inf);
  if (queryMask !== null) for (let i = 0; i < n; i++) if (queryMask[i] === 0) worst[i] = -inf;
  // offers s (the distance to a point whose mask is w) to point i
  const offer = (i: number, s: number, w: number) => {
    if (!(s < worst[i]) || w === 0 || (skipZero && s === 0)) return;
    worst[i] = insertBest(best, i * k, k, s);
  };
  const wt = (i: number) => (mask === null ? 1 : mask[i]);
  for (let q = 0; q < n; q += 2) {
    const a = q * d;
    if (q + 1 === n) {
      // the last point of an odd n: every pair with it is done already
      break;
    }
    const q1 = q + 1;
    const b = a + d;
    const w0 = wt(q);
    const w1 = wt(q1);
    {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const e = points[a + t] - points[b + t];
        s += e * e;
      }
      offer(q, s, w1);
      offer(q1, s, w0);
    }
    let r = q + 2;
    for (; r + 4 <= n; r += 4) {
      block2x4(points, a, b, points, r * d, d, sums);
      const s00 = sums[0];
      const s01 = sums[1];
      const s02 = sums[2];
      const s03 = sums[3];
      const s10 = sums[4];
      const s11 = sums[5];
      const s12 = sums[6];
      const s13 = sums[7];
      if (s00 < worst[q]) offer(q, s00, wt(r));
      if (s01 < worst[q]) offer(q, s01, wt(r + 1));
      if (s02 < worst[q]) offer(q, s02, wt(r + 2));
      if (s03 < worst[q]) offer(q, s03, wt(r + 3));
      if (s10 < worst[q1]) offer(q1, s10, wt(r));
      if (s11 < worst[q1]) offer(q1, s11, wt(r + 1));
      if (s12 < worst[q1]) offer(q1, s12, wt(r + 2));
      if (s13 < worst[q1]) offer(q1, s13, wt(r + 3));
      if (s00 < worst[r]) offer(r, s00, w0);
      if (s10 < worst[r]) offer(r, s10, w1);
      if (s01 < worst[r + 1]) offer(r + 1, s01, w0);
      if (s11 < worst[r + 1]) offer(r + 1, s11, w1);
      if (s02 < worst[r + 2]) offer(r + 2, s02, w0);
      if (s12 < worst[r + 2]) offer(r + 2, s12, w1);
      if (s03 < worst[r + 3]) offer(r + 3, s03, w0);
      if (s13 < worst[r + 3]) offer(r + 3, s13, w1);
    }
    for (; r < n; r++) {
      const o = r * d;
      let s0 = 0;
      let s1 = 0;
      for (let t = 0; t < d; t++) {
        const e0 = points[a + t] - points[o + t];
        const e1 = points[b + t] - points[o + t];
        s0 += e0 * e0;
        s1 += e1 * e1;
      }
      const wr = wt(r);
      offer(q, s0, wr);
      offer(q1, s1, wr);
      offer(r, s0, w0);
      offer(r, s1, w1);
    }
  }
  for (let i = 0; i < n; i++) out[i] = worst[i] === -inf ? Number.NaN : worst[i];
}

/**
 * The squared distances of two query rows (at `a`, `b` of `x`) to four consecutive rows of `y`
 * (from `o0`), in `sums` (query-major: s00, s01, s02, s03, s10, ...): eight independent running
 * sums, each adding the squared differences in coordinate order (the k-d tree's arithmetic).
 */
function block2x4(
  x: Float64Array,
  a: number,
  b: number,
  y: Float64Array,
  o0: number,
  d: number,
  sums: Float64Array,
): void {
  const o1 = o0 + d;
  const o2 = o1 + d;
  const o3 = o2 + d;
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s03 = 0;
  let s10 = 0;
  let s11 = 0;
  let s12 = 0;
  let s13 = 0;
  for (let t = 0; t < d; t++) {
    const x0 = x[a + t];
    const x1 = x[b + t];
    const y0 = y[o0 + t];
    const y1 = y[o1 + t];
    const y2 = y[o2 + t];
    const y3 = y[o3 + t];
    let e = x0 - y0;
    s00 += e * e;
    e = x0 - y1;
    s01 += e * e;
    e = x0 - y2;
    s02 += e * e;
    e = x0 - y3;
    s03 += e * e;
    e = x1 - y0;
    s10 += e * e;
    e = x1 - y1;
    s11 += e * e;
    e = x1 - y2;
    s12 += e * e;
    e = x1 - y3;
    s13 += e * e;
  }
  sums[0] = s00;
  sums[1] = s01;
  sums[2] = s02;
  sums[3] = s03;
  sums[4] = s10;
  sums[5] = s11;
  sums[6] = s12;
  sums[7] = s13;
}
