/**
 * The worker pool of the threaded k-nearest-neighbour searches (see knn-threads.ts): starting the
 * workers, reusing them, stopping them, and the failure that disables them.
 *
 * @module
 */

import { builtin } from '../kernels/env.js';
import { workerSource } from './knn-worker-program.js';

/** Milliseconds a claimed chunk may go without finishing before its worker counts as failed. */
export const STALL_MS = 30_000;

/**
 * Control words of a worker (the worker's source text uses the numbers): messages posted, a
 * failure flag, a ready flag (its modules loaded).
 */
const POSTED = 0;
export const FAILED = 1;
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

export interface PoolWorker {
  worker: NodeWorker;
  port: NodePort;
  control: Int32Array;
}

/** @internal The workers, and why they are disabled, if one failed. */
export const pool: { workers: PoolWorker[]; failure: string | undefined } = {
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
export function ensureWorkers(count: number): PoolWorker[] {
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
    pool.failure = `the search modules are not next to knn-pool (${urls.kdTree})`;
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
export function disable(reason: string): void {
  pool.failure = reason;
  for (const w of pool.workers) {
    w.port.close();
    void w.worker.terminate();
  }
  pool.workers = [];
}

export function post(w: PoolWorker, message: unknown): void {
  w.port.postMessage(message);
  Atomics.add(w.control, POSTED, 1);
  Atomics.notify(w.control, POSTED);
}
