/**
 * The neighbour searches of `knnKLDivergence`: x in x and x in y, by k-d tree or brute force,
 * on one thread or several (knn-threads.ts).
 *
 * @module
 */

import { bruteKth } from './brute-force.js';
import { KDTree, type KthOptions } from './kd-tree.js';
import { ThreadedSearch } from './knn-threads.js';
import type { Points } from './points.js';

/** Squared k-th neighbour distances of every point of x, in x's order (NaN: left out). */
export interface Distances {
  rho2: Float64Array;
  nu2: Float64Array;
}

/** The neighbour searches of x in x (self excluded) and of x in y, trees built once. */
export class NeighbourSearch {
  private readonly tx: KDTree | null = null;
  private readonly ty: KDTree | null = null;
  private readonly par: ThreadedSearch | null;

  constructor(
    private readonly x: Points,
    private readonly y: Points,
    readonly algorithm: 'kd-tree' | 'brute',
    threads: number,
  ) {
    // first, so that the workers build their trees while this thread builds its own
    this.par = ThreadedSearch.start(x, y, algorithm === 'kd-tree', threads);
    if (algorithm === 'kd-tree') {
      this.tx = new KDTree(x.data, x.n, x.d);
      // with workers, y's tree is built by those that search in it
      if (this.par === null) this.ty = new KDTree(y.data, y.n, y.d);
      else this.par.useTree(this.tx);
    }
  }

  /** Ends the call: worker threads drop its trees. */
  close(): void {
    this.par?.close();
  }

  /** With masks (in input order), points with 0 are left out. */
  kth(k: number, skipZero: boolean, maskX: Int32Array | null, maskY: Int32Array | null): Distances {
    const { x, y, tx, ty, par } = this;
    if (par !== null && tx !== null) return par.treeKth(k, skipZero, maskX, maskY);
    const rho2 = new Float64Array(x.n);
    const nu2 = new Float64Array(x.n);
    if (tx !== null && ty !== null) {
      const maskXT = maskX === null ? null : permute(maskX, tx.index);
      const maskYT = maskY === null ? null : permute(maskY, ty.index);
      const r = new Float64Array(x.n);
      const s = new Float64Array(x.n);
      const base = { skipZero, queryMask: maskXT };
      tx.kth(tx.points, x.n, k, r, { ...base, self: true, mask: maskXT });
      ty.kth(tx.points, x.n, k, s, { ...base, self: false, mask: maskYT });
      for (let p = 0; p < x.n; p++) {
        rho2[tx.index[p]] = r[p];
        nu2[tx.index[p]] = s[p];
      }
      return { rho2, nu2 };
    }
    if (par !== null && (maskX === null || maskY === null)) {
      const { r, s } = par.bruteKth(x.data, x.n, y.data, y.n, x.d, k, skipZero);
      return { rho2: r, nu2: s };
    }
    if (maskX === null || maskY === null) {
      const opts: KthOptions = { self: true, mask: null, skipZero, queryMask: null };
      bruteKth(x.data, x.n, x.data, x.n, x.d, k, rho2, opts);
      bruteKth(x.data, x.n, y.data, y.n, y.d, k, nu2, { ...opts, self: false });
      return { rho2, nu2 };
    }
    // a resample: only the points drawn take part, so search among those alone
    const cx = compact(x, maskX);
    const cy = compact(y, maskY);
    const nx = cx.rows.length;
    let r: Float64Array = new Float64Array(nx);
    let s: Float64Array = new Float64Array(nx);
    if (par !== null)
      ({ r, s } = par.bruteKth(cx.data, nx, cy.data, cy.rows.length, x.d, k, skipZero));
    else {
      const opts: KthOptions = { self: true, mask: null, skipZero, queryMask: null };
      bruteKth(cx.data, nx, cx.data, nx, x.d, k, r, opts);
      bruteKth(cx.data, nx, cy.data, cy.rows.length, x.d, k, s, { ...opts, self: false });
    }
    rho2.fill(Number.NaN);
    nu2.fill(Number.NaN);
    cx.rows.forEach((row, i) => {
      rho2[row] = r[i];
      nu2[row] = s[i];
    });
    return { rho2, nu2 };
  }
}

function permute(mask: Int32Array, index: Int32Array): Int32Array {
  const out = new Int32Array(index.length);
  for (let p = 0; p < index.length; p++) out[p] = mask[index[p]];
  return out;
}

/** The rows whose mask is not 0, copied together. */
function compact(pts: Points, mask: Int32Array) {
  const rows: number[] = [];
  for (let i = 0; i < pts.n; i++) if (mask[i] !== 0) rows.push(i);
  const data = new Float64Array(rows.length * pts.d);
  rows.forEach((row, i) => {
    data.set(pts.data.subarray(row * pts.d, (row + 1) * pts.d), i * pts.d);
  });
  return { rows, data };
}
