/**
 * Worker threads for the k-nearest-neighbour searches of `knnKLDivergence` (Node only).
 *
 * The queries (the points of x) are cut into fixed chunks that the calling thread and the
 * workers claim from shared counters, so a thread that is late (still starting, or slowed by
 * other work) delays nobody. Every chunk is searched by the same code ({@link searchChunk}) on
 * the same points whoever claims it, and writes its squared k-th distances into shared arrays in
 * input order; the caller sums them as before, so the estimate has the same bits for any thread
 * count.
 *
 * k-d trees: building one costs about as much as searching all queries in it (n = m = 1e5 in
 * 2-D: 30 ms against 35 ms), so threads split the two searches rather than each building both
 * trees: the caller builds x's tree and searches rho (x in x), the first worker builds y's tree
 * meanwhile and searches nu (x in y, queries in x's tree order, shared), further workers take
 * rho and nu in turn. A worker never builds a tree for a part it was not given; the caller
 * does (it must finish everything) when chunks of nu are still unclaimed when it is done with
 * rho, e.g. while the workers are still starting. Brute force needs no tree: all threads take
 * chunks of both searches, each query against all of x (k + 1 neighbours, itself included)
 * instead of each pair once.
 *
 * Workers are Node `worker_threads` started from a source string (like the core's,
 * kernels/threads/worker.ts) that imports only kd-tree.js and brute-force.js next to this
 * module. They are started on first use, `unref()`ed and reused; commands reach them through a
 * MessagePort read synchronously (`receiveMessageOnPort`) after an `Atomics.notify`, so the
 * caller never needs its event loop. A worker that fails, or a chunk that makes no progress for
 * {@link STALL_MS}, is recomputed on the calling thread (same bits) and disables the workers
 * until {@link stopKnnThreads}. Browsers have no synchronous worker start: one thread there.
 *
 * @module
 */

import { availableThreads } from '../kernels/env.js';
import { bruteKth } from './brute-force.js';
import { type KDTree, KDTree as KDTreeClass } from './kd-tree.js';
import {
  disable,
  ensureWorkers,
  FAILED,
  knnThreadStats,
  type PoolWorker,
  pool,
  post,
  STALL_MS,
} from './knn-pool.js';
import {
  claimChunks,
  type SearchJob,
  type SearchLib,
  searchChunk,
  type ThreadState,
} from './knn-worker-program.js';

/** The tree part worker i searches: nu for the first (the caller searches rho), then in turn. */
function partOf(i: number): number {
  return i % 2 === 0 ? 1 : 0;
}

function shared(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, length) * 8));
}

/**
 * @internal The searches of one call to `knnKLDivergence` on `threads` threads (the calling one
 * included), the points copied once into shared memory. Use {@link ThreadedSearch.start}; null
 * means one thread.
 */
export class ThreadedSearch {
  private chunkMs = 0;
  private readonly st: ThreadState;
  private qpoints: Float64Array = new Float64Array(0);
  private qindex: Int32Array = new Int32Array(0);

  private constructor(
    private readonly workers: PoolWorker[],
    private readonly threads: number,
    private readonly d: number,
    private readonly sx: Float64Array,
    private readonly sy: Float64Array,
    x: Float64Array,
    n: number,
    y: Float64Array,
    m: number,
  ) {
    this.st = {
      x,
      n,
      y,
      m,
      tx: null,
      ty: null,
      job: null,
      mx: null,
      my: null,
      qmask: null,
      out: null,
    };
  }

  /**
   * Starts the workers for points x (n by d) and y (m by d); with `tree`, before the caller
   * builds x's tree (see {@link ThreadedSearch.useTree}): the workers build y's meanwhile.
   * Null where workers cannot run.
   */
  static start(
    x: { data: Float64Array; n: number; d: number },
    y: { data: Float64Array; n: number },
    tree: boolean,
    threads: number,
  ): ThreadedSearch | null {
    // more threads than cores would only take turns (and each holds the call's trees)
    const cap = knnThreadStats.maxThreads ?? availableThreads();
    const count = Math.min(threads, cap, x.n);
    if (count < 2) return null;
    const workers = ensureWorkers(count - 1);
    if (workers.length === 0) return null;
    // brute force copies its points here for each search (they may be a resample's)
    const sx = shared(x.n * x.d);
    const sy = shared(y.n * x.d);
    if (tree) {
      sx.set(x.data.subarray(0, x.n * x.d));
      sy.set(y.data.subarray(0, y.n * x.d));
      workers.forEach((w, i) => {
        post(w, { type: 'init', tree, x: sx, y: sy, n: x.n, m: y.n, d: x.d, part: partOf(i) });
      });
    }
    return new ThreadedSearch(workers, workers.length + 1, x.d, sx, sy, x.data, x.n, y.data, y.n);
  }

  /**
   * The caller's tree of x: its order is the tree searches' query order (shared with the
   * workers). This thread builds y's tree only if it comes to search nu.
   */
  useTree(tx: KDTree): void {
    this.st.tx = tx;
    this.qpoints = shared(tx.points.length);
    this.qpoints.set(tx.points);
    this.qindex = new Int32Array(new SharedArrayBuffer(Math.max(1, tx.n) * 4));
    this.qindex.set(tx.index);
  }

  /**
   * Tree search: squared k-th distances of every point of x in x (self excluded) and in y, in
   * input order, as `NeighbourSearch.kth` computes them on one thread (masks as there).
   */
  treeKth(
    k: number,
    skipZero: boolean,
    maskX: Int32Array | null,
    maskY: Int32Array | null,
  ): { rho2: Float64Array; nu2: Float64Array } {
    const n = this.st.n;
    const share = (mask: Int32Array | null) => {
      if (mask === null) return null;
      const out = new Int32Array(new SharedArrayBuffer(mask.length * 4));
      out.set(mask);
      return out;
    };
    const job = this.job(true, k, skipZero, n, shared(n), shared(n));
    job.maskX = share(maskX);
    job.maskY = share(maskY);
    this.run(job);
    return { rho2: job.rho2, nu2: job.nu2 };
  }

  /**
   * Brute force: squared k-th distances of the `nx` rows of `xd` among themselves (self
   * excluded) and in the `ny` rows of `yd`, as `bruteKth` computes them on one thread.
   */
  bruteKth(
    xd: Float64Array,
    nx: number,
    yd: Float64Array,
    ny: number,
    d: number,
    k: number,
    skipZero: boolean,
  ): { r: Float64Array; s: Float64Array } {
    // the call's own points, or a resample's distinct rows (fewer): copied where workers see them
    this.sx.set(xd.subarray(0, nx * d));
    this.sy.set(yd.subarray(0, ny * d));
    const job = this.job(false, k, skipZero, nx, shared(nx), shared(nx));
    job.nx = nx;
    job.ny = ny;
    this.run(job);
    return { r: job.rho2, s: job.nu2 };
  }

  private job(
    tree: boolean,
    k: number,
    skipZero: boolean,
    nq: number,
    rho2: Float64Array,
    nu2: Float64Array,
  ): SearchJob {
    // a few chunks per thread: claims balance uneven chunks and threads slowed by other work
    const chunk = Math.ceil(nq / Math.min(nq, 8 * this.threads));
    const chunks = Math.ceil(nq / chunk);
    const parts = tree ? 2 : 1;
    return {
      tree,
      k,
      skipZero,
      d: this.d,
      nq,
      chunk,
      chunks,
      parts,
      x: this.sx,
      nx: 0,
      y: this.sy,
      ny: 0,
      qpoints: this.qpoints,
      qindex: this.qindex,
      maskX: null,
      maskY: null,
      rho2,
      nu2,
      counter: new Int32Array(new SharedArrayBuffer((2 + parts * chunks) * 4)),
    };
  }

  /** Lets the workers drop this call's points and trees (the call is over). */
  close(): void {
    if (pool.failure === undefined) for (const w of this.workers) post(w, { type: 'release' });
  }

  /** Hands `job` to the workers, claims chunks here too (rho first), then awaits the rest. */
  private run(job: SearchJob): void {
    // after a failure (an earlier search of this call) this thread searches alone
    if (pool.failure === undefined) {
      this.workers.forEach((w, i) => {
        post(w, { type: 'search', job, part: job.tree ? partOf(i) : 0 });
      });
    }
    const lib = { KDTree: KDTreeClass, bruteKth };
    const t0 = Date.now();
    const mine = claimChunks(lib, this.st, job, 0, true, searchChunk);
    if (mine > 0) this.chunkMs = Math.max(this.chunkMs, (Date.now() - t0) / mine);
    knnThreadStats.workerChunks += job.parts * job.chunks - mine;
    for (let part = 0; part < job.parts; part++) {
      for (let c = 0; c < job.chunks; c++) this.await(lib, job, part, c);
    }
  }

  /** Waits for a chunk; a failed worker or a stalled chunk is searched here (the same bits). */
  private await(lib: SearchLib, job: SearchJob, part: number, c: number): void {
    const flag = 2 + part * job.chunks + c;
    const stall = Math.max(STALL_MS, 20 * this.chunkMs);
    const start = Date.now();
    while (Atomics.load(job.counter, flag) === 0) {
      const failed = this.workers.some((w) => Atomics.load(w.control, FAILED) !== 0);
      if (pool.failure !== undefined || failed || Date.now() - start > stall) {
        if (pool.failure === undefined) {
          disable(
            failed
              ? 'a kldiv knn worker thread failed'
              : 'a kldiv knn worker thread stopped responding',
          );
        }
        searchChunk(lib, this.st, job, part, c);
        knnThreadStats.workerChunks--;
        return;
      }
      Atomics.wait(job.counter, flag, 0, 20);
    }
  }
}
