/**
 * The program of the k-nearest-neighbour worker threads (see knn-threads.ts): the chunk search
 * and claiming that every thread runs, and the source text the workers are started from.
 *
 * @module
 */

import type { bruteKth } from './brute-force.js';
import type { KDTree, KthOptions } from './kd-tree.js';

/** What one search needs, in memory every thread sees. */
export interface SearchJob {
  tree: boolean;
  k: number;
  skipZero: boolean;
  d: number;
  /**
   * Queries (n for a tree, nx for brute force) in chunks of `chunk`, `chunks` per part. A tree
   * search has two parts, searched in either order: 0 is rho (x in x, needs x's tree), 1 is nu
   * (x in y, needs y's tree). Brute force has one, both distances per chunk.
   */
  nq: number;
  chunk: number;
  chunks: number;
  parts: number;
  /** Brute force: the points (x's first nx rows, y's first ny). */
  x: Float64Array;
  nx: number;
  y: Float64Array;
  ny: number;
  /** Tree: x in its tree's order, and that order (tree position -> input row). */
  qpoints: Float64Array;
  qindex: Int32Array;
  /** Tree: 0/1 per point of x and y in input order (null: all take part). */
  maskX: Int32Array | null;
  maskY: Int32Array | null;
  /** Squared k-th distances, input order (brute: row order of x). */
  rho2: Float64Array;
  nu2: Float64Array;
  /** [next chunk to claim of each of 2 parts, then 1 per finished chunk, part by part]. */
  counter: Int32Array;
}

/** What the searches need from kd-tree.js and brute-force.js (workers import them). */
export interface SearchLib {
  KDTree: typeof KDTree;
  bruteKth: typeof bruteKth;
}

/** A thread's own state: the call's points, its trees (built when first needed), masks. */
export interface ThreadState {
  x: Float64Array;
  n: number;
  y: Float64Array;
  m: number;
  tx: KDTree | null;
  ty: KDTree | null;
  /** The job the masks below are for. */
  job: SearchJob | null;
  mx: Int32Array | null;
  my: Int32Array | null;
  qmask: Int32Array | null;
  out: Float64Array | null;
}

/**
 * Searches chunk `c` of part `part` of `job`. Self-contained (it runs in the workers as source
 * text). The tree parts are the single-threaded calls restricted by a query mask (queries in
 * x's tree order, which every thread's tree of x shares: building is deterministic). Brute force
 * searches x's rows against all of x with k + 1 neighbours (the query itself is one of them, at
 * distance exactly 0) or k with `skipZero` (its own 0 is skipped): the same sums as the pairwise
 * self search, so the same k-th distances.
 */
export function searchChunk(
  lib: SearchLib,
  st: ThreadState,
  job: SearchJob,
  part: number,
  c: number,
) {
  const lo = c * job.chunk;
  const hi = Math.min(job.nq, lo + job.chunk);
  const { k, skipZero, d } = job;
  if (!job.tree) {
    const opts: KthOptions = { self: false, mask: null, skipZero, queryMask: null };
    const q = job.x.subarray(lo * d, hi * d);
    const brute = lib.bruteKth;
    brute(q, hi - lo, job.x, job.nx, d, skipZero ? k : k + 1, job.rho2.subarray(lo, hi), opts);
    brute(q, hi - lo, job.y, job.ny, d, k, job.nu2.subarray(lo, hi), opts);
    return;
  }
  const n = st.n;
  const tree = part === 0 ? st.tx : st.ty;
  if (tree === null) {
    // the first chunk of this part on this thread: its tree
    if (part === 0) st.tx = new lib.KDTree(st.x, n, d);
    else st.ty = new lib.KDTree(st.y, st.m, d);
    st.job = null;
  }
  const t = (part === 0 ? st.tx : st.ty) as KDTree;
  if (st.job !== job) {
    const permute = (mask: Int32Array | null, index: Int32Array) => {
      if (mask === null) return null;
      const out = new Int32Array(index.length);
      for (let p = 0; p < index.length; p++) out[p] = mask[index[p]];
      return out;
    };
    st.mx = permute(job.maskX, job.qindex);
    st.my = st.ty === null ? null : permute(job.maskY, st.ty.index);
    st.job = job;
  }
  if (st.qmask === null || st.qmask.length !== n) {
    st.qmask = new Int32Array(n);
    st.out = new Float64Array(n);
  }
  const { qmask, mx } = st;
  const out = st.out as Float64Array;
  for (let p = lo; p < hi; p++) qmask[p] = mx === null ? 1 : mx[p];
  const opts = { self: part === 0, mask: part === 0 ? mx : st.my, skipZero, queryMask: qmask };
  // rho: x's own tree's points (the self search needs them), in the order qindex describes
  const queries = part === 0 ? t.points : job.qpoints;
  const index = part === 0 ? t.index : job.qindex;
  t.kth(queries, hi, k, out, opts);
  const dist = part === 0 ? job.rho2 : job.nu2;
  for (let p = lo; p < hi; p++) {
    dist[index[p]] = out[p];
    qmask[p] = 0;
  }
}

/**
 * Claims and searches chunks of `job`, part `first` before the other, until none is left;
 * returns how many it searched. Without `build`, only parts whose tree this thread has: a tree
 * costs about as much as searching its whole part, so a worker never builds one for the last
 * chunks (the caller does, if they are still unclaimed: someone must). Self-contained.
 */
export function claimChunks(
  lib: SearchLib,
  st: ThreadState,
  job: SearchJob,
  first: number,
  build: boolean,
  chunk: typeof searchChunk,
): number {
  let done = 0;
  for (let i = 0; i < job.parts; i++) {
    const part = (first + i) % job.parts;
    if (job.tree && !build && (part === 0 ? st.tx : st.ty) === null) continue;
    for (;;) {
      const c = Atomics.add(job.counter, part, 1);
      if (c >= job.chunks) break;
      chunk(lib, st, job, part, c);
      const flag = 2 + part * job.chunks + c;
      Atomics.store(job.counter, flag, 1);
      Atomics.notify(job.counter, flag);
      done++;
    }
  }
  return done;
}

/**
 * A worker's loop: waits until a message is posted, reads it synchronously, and takes the
 * call's points (`init`, building the tree of the worker's part at once, while the caller builds
 * x's), claims chunks of a search, or drops the points (`release`), forever. Self-contained.
 */
function workerMain(
  // biome-ignore lint/suspicious/noExplicitAny: node:worker_threads, in a CommonJS worker
  wt: any,
  // biome-ignore lint/suspicious/noExplicitAny: the worker's data
  data: any,
  lib: SearchLib,
  chunk: typeof searchChunk,
  claim: typeof claimChunks,
): void {
  const control = new Int32Array(data.control);
  const port = data.port;
  const empty = new Float64Array(0);
  const none = (): ThreadState => ({
    x: empty,
    n: 0,
    y: empty,
    m: 0,
    tx: null,
    ty: null,
    job: null,
    mx: null,
    my: null,
    qmask: null,
    out: null,
  });
  let st = none();
  for (let handled = 0; ; ) {
    while (Atomics.load(control, 0) === handled) Atomics.wait(control, 0, handled);
    let message = wt.receiveMessageOnPort(port);
    // posted after the message was queued; a missing one would be a bug: fail, do not hang
    for (let i = 0; message === undefined && i < 100; i++) {
      Atomics.wait(control, 1, 0, 10);
      message = wt.receiveMessageOnPort(port);
    }
    const m = message?.message;
    if (m === undefined) throw new Error('kldiv knn worker: a message went missing');
    if (m.type === 'search') claim(lib, st, m.job, m.part, false, chunk);
    else if (m.type === 'init') {
      // the tree of this worker's part, built while the caller builds x's
      st = { ...none(), x: m.x, n: m.n, y: m.y, m: m.m };
      if (m.tree && m.part === 0) st.tx = new lib.KDTree(m.x, m.n, m.d);
      if (m.tree && m.part === 1) st.ty = new lib.KDTree(m.y, m.m, m.d);
    } else st = none();
    handled++;
  }
}

/** The worker's program: the functions above as text, then a prelude that starts them. */
export function workerSource(): string {
  return `var __name = (f) => f;
const __main = ${workerMain.toString()};
const __chunk = ${searchChunk.toString()};
const __claim = ${claimChunks.toString()};
const wt = require('node:worker_threads');
const data = wt.workerData;
const control = new Int32Array(data.control);
const fail = () => { Atomics.store(control, 1, 1); };
const load = async () => {
  if (data.source) {
    // TypeScript sources (tests): tsx's loader, found from the sources' folder
    const req = require('node:module').createRequire(data.self);
    const api = req.resolve('tsx/esm').replace(/index[.]mjs$/, 'api/index.mjs');
    (await import(require('node:url').pathToFileURL(api).href)).register();
  }
  return Promise.all([import(data.kdTree), import(data.bruteForce)]);
};
load().then(([kd, bf]) => {
  Atomics.store(control, 2, 1);
  try { __main(wt, data, { KDTree: kd.KDTree, bruteKth: bf.bruteKth }, __chunk, __claim); } catch { fail(); }
}, fail);`;
}
