/**
 * A k-d tree for k-nearest-neighbour distances in low dimension, and the search options it
 * shares with the brute-force search.
 *
 * Points are copied once in tree order (children are contiguous ranges), nodes live in typed
 * arrays, splits are at the median of the widest coordinate (a balanced tree: no degenerate
 * depth on sorted or clustered input), and the search keeps the query's offset from the visited
 * cell along each coordinate (Arya and Mount's trick, as in SciPy's cKDTree), so a far child is
 * entered only if it can hold a closer point.
 *
 * Distances are sums of squared coordinate differences added in coordinate order, the same
 * arithmetic as the brute-force search: both give bitwise-identical k-th distances.
 *
 * @module
 */

/** @internal What a k-th-neighbour search counts. */
export interface KthOptions {
  /**
   * The queries are the reference points themselves, in the reference's order: query q does not
   * count reference q (its own self). Other points at the same place still count.
   */
  self: boolean;
  /**
   * Per reference point, in the reference's order: 0 leaves it out (null: none left out). The
   * bootstrap leaves out the points a resample did not draw.
   */
  mask: Int32Array | null;
  /** Ignore references at distance 0 (the `duplicates: 'skip'` policy). */
  skipZero: boolean;
  /** Queries with 0 here are not searched (their result is NaN); null: all are searched. */
  queryMask: Int32Array | null;
}

/** @internal Leaf size: measured best for d = 1..5 on 1e5 Gaussian points (8 and 16 are close). */
const LEAF = 12;

/** @internal A k-d tree over n points of dimension d. */
export class KDTree {
  readonly n: number;
  readonly d: number;
  /** The points in tree order, row-major. */
  readonly points: Float64Array;
  /** Tree position -> row of the input. */
  readonly index: Int32Array;
  // node arrays, preorder: the left child of node i is i + 1
  private readonly lo: Int32Array;
  private readonly hi: Int32Array;
  private readonly dim: Int32Array; // -1: leaf
  private readonly split: Float64Array;
  private readonly right: Int32Array;
  private count = 0;
  // search state (one search at a time)
  private query: Float64Array;
  private qo = 0;
  private best: Float64Array = new Float64Array(1);
  private k = 1;
  private worst = Number.POSITIVE_INFINITY;
  private readonly off: Float64Array;
  private exclude = -1;
  private mask: Int32Array | null = null;
  private skipZero = false;

  constructor(data: Float64Array, n: number, d: number) {
    this.n = n;
    this.d = d;
    const maxNodes = 2 * Math.ceil(n / Math.floor((LEAF + 1) / 2)) + 1;
    this.lo = new Int32Array(maxNodes);
    this.hi = new Int32Array(maxNodes);
    this.dim = new Int32Array(maxNodes);
    this.split = new Float64Array(maxNodes);
    this.right = new Int32Array(maxNodes);
    this.off = new Float64Array(d);
    const points = data.slice(0, n * d); // reordered in place into tree order
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    this.points = points;
    this.index = perm;
    this.query = points;
    this.build(0, n);
  }

  private build(lo: number, hi: number) {
    const node = this.count++;
    const { d, points } = this;
    this.lo[node] = lo;
    this.hi[node] = hi;
    this.dim[node] = -1;
    if (hi - lo <= LEAF) return;
    // the widest coordinate of the range
    let bestDim = -1;
    let bestSpread = 0;
    for (let t = 0; t < d; t++) {
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = lo * d + t, end = hi * d; i < end; i += d) {
        const v = points[i];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (max - min > bestSpread) {
        bestSpread = max - min;
        bestDim = t;
      }
    }
    if (bestDim < 0) return; // every point of the range at one place: one leaf
    const mid = (lo + hi) >> 1;
    select(points, this.index, d, bestDim, lo, hi - 1, mid);
    this.dim[node] = bestDim;
    this.split[node] = points[mid * d + bestDim];
    this.build(lo, mid);
    this.right[node] = this.count;
    this.build(mid, hi);
  }

  /**
   * Squared distance from each query to its k-th nearest reference point (the tree's points),
   * in `out` (+inf when fewer than k points count, NaN for skipped queries). Queries are
   * `nq` rows of `queries`; with `options.self`, `queries` must be `this.points`. Masks are in
   * tree order.
   */
  kth(queries: Float64Array, nq: number, k: number, out: Float64Array, options: KthOptions) {
    const { self, mask, skipZero, queryMask } = options;
    this.query = queries;
    this.k = k;
    if (this.best.length !== k) this.best = new Float64Array(k);
    this.mask = mask;
    this.skipZero = skipZero;
    const best = this.best;
    const off = this.off;
    for (let q = 0; q < nq; q++) {
      if (queryMask !== null && queryMask[q] === 0) {
        out[q] = Number.NaN;
        continue;
      }
      best.fill(Number.POSITIVE_INFINITY);
      off.fill(0);
      this.worst = Number.POSITIVE_INFINITY;
      this.qo = q * this.d;
      this.exclude = self ? q : -1;
      this.search(0);
      out[q] = best[k - 1];
    }
    this.query = this.points;
    this.mask = null;
  }

  private search(node: number): void {
    const dm = this.dim[node];
    if (dm < 0) {
      this.scan(this.lo[node], this.hi[node]);
      return;
    }
    const diff = this.query[this.qo + dm] - this.split[node];
    let far: number;
    if (diff < 0) {
      this.search(node + 1);
      far = this.right[node];
    } else {
      this.search(this.right[node]);
      far = node + 1;
    }
    // The far cell lies |diff| or more away along dm. Its squared distance is summed afresh from
    // the offsets, in coordinate order like a point's: rounding is monotone, so it is never
    // above the computed distance of a point inside, and pruning never drops a closer point.
    const off = this.off;
    const old = off[dm];
    off[dm] = diff;
    let rd = 0;
    for (let t = 0; t < this.d; t++) rd += off[t] * off[t];
    if (rd < this.worst) this.search(far);
    off[dm] = old;
  }

  private scan(lo: number, hi: number): void {
    const d = this.d;
    const pts = this.points;
    const q = this.query;
    const qo = this.qo;
    const mask = this.mask;
    const exclude = this.exclude;
    if (d === 1) {
      const q0 = q[qo];
      for (let p = lo; p < hi; p++) {
        const a = pts[p] - q0;
        const s = a * a;
        if (s < this.worst && p !== exclude) this.offer(s, p, mask);
      }
    } else if (d === 2) {
      const q0 = q[qo];
      const q1 = q[qo + 1];
      for (let p = lo; p < hi; p++) {
        const a = pts[2 * p] - q0;
        const b = pts[2 * p + 1] - q1;
        const s = a * a + b * b;
        if (s < this.worst && p !== exclude) this.offer(s, p, mask);
      }
    } else {
      for (let p = lo; p < hi; p++) {
        const o = p * d;
        let s = 0;
        for (let t = 0; t < d; t++) {
          const a = pts[o + t] - q[qo + t];
          s += a * a;
        }
        if (s < this.worst && p !== exclude) this.offer(s, p, mask);
      }
    }
  }

  private offer(s: number, p: number, mask: Int32Array | null): void {
    if ((s === 0 && this.skipZero) || (mask !== null && mask[p] === 0)) return;
    this.worst = insertBest(this.best, 0, this.k, s);
  }
}

/**
 * @internal Inserts `s` (below the k-th value) into the ascending k-best list at
 * `best[base .. base + k)`, returns the new k-th value.
 */
export function insertBest(best: Float64Array, base: number, k: number, s: number) {
  let i = base + k - 1;
  while (i > base && best[i - 1] > s) {
    best[i] = best[i - 1];
    i--;
  }
  best[i] = s;
  return best[base + k - 1];
}

/**
 * Floyd and Rivest's selection on coordinate `t` of the rows `l..r` of `points` (whole rows
 * move, and `perm` alongside): afterwards row k holds the value of rank k, no larger one before
 * it and no smaller one after. Large ranges first select within a sample around k, so the
 * partition that follows lands close to k: about 1.5 passes instead of quickselect's 3.4.
 */
function select(
  points: Float64Array,
  perm: Int32Array,
  d: number,
  t: number,
  l: number,
  r: number,
  k: number,
) {
  while (r > l) {
    if (r - l > 600) {
      const n = r - l + 1;
      const i = k - l + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (i - n / 2 < 0 ? -1 : 1);
      const nl = Math.max(l, Math.floor(k - (i * s) / n + sd));
      const nr = Math.min(r, Math.floor(k + ((n - i) * s) / n + sd));
      select(points, perm, d, t, nl, nr, k);
    }
    const x = points[k * d + t];
    let i = l;
    let j = r;
    swapRows(points, perm, d, l, k);
    if (points[r * d + t] > x) swapRows(points, perm, d, l, r);
    while (i < j) {
      swapRows(points, perm, d, i, j);
      i++;
      j--;
      while (points[i * d + t] < x) i++;
      while (points[j * d + t] > x) j--;
    }
    if (points[l * d + t] === x) swapRows(points, perm, d, l, j);
    else {
      j++;
      swapRows(points, perm, d, j, r);
    }
    if (j <= k) l = j + 1;
    if (k <= j) r = j - 1;
  }
}

function swapRows(points: Float64Array, perm: Int32Array, d: number, i: number, j: number) {
  const pt = perm[i];
  perm[i] = perm[j];
  perm[j] = pt;
  for (let a = i * d, b = j * d, end = a + d; a < end; a++, b++) {
    const v = points[a];
    points[a] = points[b];
    points[b] = v;
  }
}
