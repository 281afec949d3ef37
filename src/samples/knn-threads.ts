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

import { availableThreads, builtin } from '../kernels/env.js';
import { bruteKth } from './brute-force.js';
import { type KDTree, KDTree as KDTreeClass, type KthOptions } from './kd-tree.js';

/** Milliseconds a claimed chunk may go without finishing before its worker counts as failed. */
const STALL_MS = 30_000;

/**
 * Control words of a worker (the worker's source text uses the numbers): messages posted, a
 * failure flag, a ready flag (its modules loaded).
 */
const POSTED = 0;
const FAILED = 1;
const READY = 2;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: string, fn: (...args: unknown[]) => void): void;
}

interface NodePort {
  postMessage(message: unknown): void;
  unref?(): void;
  close(): void;
}

interface PoolWorker {
  worker: NodeWorker;
  port: NodePort;
  control: Int32Array;
}

/** @internal The workers, and why they are disabled, if one failed. */
const pool: { workers: PoolWorker[]; failure: string | undefined } = {
  workers: [],
  failure: undefined,
};

/** @internal Test seams and diagnostics: chunks searched by workers; a module URL override. */
export const knnThreadStats = {
  workerChunks: 0,
  /** Test seam: the URL the workers import the search from (undefined: next to this module). */
  moduleUrl: undefined as string | undefined,
  /** Test seam: the most threads a call uses (undefined: the cores available). */
  maxThreads: undefined as number | undefined,
};

/** @internal Why the workers are disabled, if one failed (undefined: they are not). */
export function knnThreadFailure(): string | undefined {
  return pool.failure;
}

/**
 * @internal Stops the workers and clears a failure (tests). Workers never keep a process alive,
 * so nothing else needs to call this.
 */
export async function stopKnnThreads(): Promise<void> {
  const old = pool.workers;
  pool.workers = [];
  pool.failure = undefined;
  for (const w of old) w.port.close();
  await Promise.all(old.map((w) => w.worker.terminate()));
}

/**
 * @internal Starts up to `count` workers now and resolves to how many are ready (0 if they
 * cannot run or one failed). Optional: searches start them on first use, and the calling thread
 * searches whatever they have not claimed while they start. Tests use it to reach the workers.
 */
export async function startKnnThreads(count: number): Promise<number> {
  const workers = ensureWorkers(count);
  const sleep = () => new Promise((resolve) => setTimeout(resolve, 10));
  const start = Date.now();
  while (workers.some((w) => Atomics.load(w.control, READY) === 0)) {
    if (workers.some((w) => Atomics.load(w.control, FAILED) !== 0)) break;
    if (Date.now() - start > STALL_MS) break;
    await sleep();
  }
  if (workers.some((w) => Atomics.load(w.control, FAILED) !== 0)) {
    disable('a kldiv knn worker thread failed');
  }
  return pool.failure === undefined ? workers.length : 0;
}

/** What one search needs, in memory every thread sees. */
interface SearchJob {
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
interface SearchLib {
  KDTree: typeof KDTree;
  bruteKth: typeof bruteKth;
}

/** A thread's own state: the call's points, its trees (built when first needed), masks. */
interface ThreadState {
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
function searchChunk(lib: SearchLib, st: ThreadState, job: SearchJob, part: number, c: number) {
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
function claimChunks(
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
function workerSource(): string {
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

/** URLs of the search modules the workers import: next to this module, with its extension. */
function moduleUrls():
  | { kdTree: string; bruteForce: string; source: boolean; self: string }
  | undefined {
  try {
    const self = knnThreadStats.moduleUrl ?? import.meta.url;
    const source = self.endsWith('.ts');
    const ext = source ? '.ts' : '.js';
    return {
      kdTree: new URL(`./kd-tree${ext}`, self).href,
      bruteForce: new URL(`./brute-force${ext}`, self).href,
      source,
      self: import.meta.url,
    };
  } catch {
    return undefined; // no import.meta.url (a CommonJS bundle)
  }
}

interface WorkerThreadsModule {
  Worker: new (src: string, opts: object) => NodeWorker;
  MessageChannel: new () => { port1: NodePort; port2: NodePort };
}

/** Node itself: other runtimes' `worker_threads` differ in what this relies on. */
function isNodeItself(): boolean {
  const versions = (globalThis as { process?: { versions?: Record<string, string> } }).process
    ?.versions;
  return typeof versions?.node === 'string' && !versions.bun && !versions.deno;
}

/** Up to `count` workers (fewer, possibly none, where they cannot run). */
function ensureWorkers(count: number): PoolWorker[] {
  if (!isNodeItself()) return [];
  if (pool.workers.some((w) => Atomics.load(w.control, FAILED) !== 0)) {
    disable('a kldiv knn worker thread failed');
  }
  if (pool.failure !== undefined) return [];
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return [];
  const wt = builtin<WorkerThreadsModule>('node:worker_threads');
  const urls = moduleUrls();
  if (wt === undefined || urls === undefined) return [];
  const fs = builtin<{ existsSync(p: URL): boolean }>('node:fs');
  if (fs !== undefined && !fs.existsSync(new URL(urls.kdTree))) {
    pool.failure = `the search modules are not next to knn-threads (${urls.kdTree})`;
    return [];
  }
  try {
    while (pool.workers.length < count) {
      const control = new Int32Array(new SharedArrayBuffer(3 * 4));
      const { port1, port2 } = new wt.MessageChannel();
      const worker = new wt.Worker(workerSource(), {
        eval: true,
        // not the parent's flags (see kernels/threads/pool.ts)
        execArgv: [],
        workerData: { control: control.buffer, port: port2, ...urls },
        transferList: [port2],
      });
      worker.unref();
      port1.unref?.();
      worker.on('error', () => {
        Atomics.store(control, FAILED, 1);
      });
      pool.workers.push({ worker, port: port1, control });
    }
  } catch (e) {
    pool.failure = `a kldiv knn worker failed to start: ${(e as Error)?.message ?? e}`;
    return [];
  }
  return pool.workers.slice(0, count);
}

/** Stops the workers (without waiting) and keeps them off until {@link stopKnnThreads}. */
function disable(reason: string): void {
  pool.failure = reason;
  for (const w of pool.workers) {
    w.port.close();
    void w.worker.terminate();
  }
  pool.workers = [];
}

function post(w: PoolWorker, message: unknown): void {
  w.port.postMessage(message);
  Atomics.add(w.control, POSTED, 1);
  Atomics.notify(w.control, POSTED);
}

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
