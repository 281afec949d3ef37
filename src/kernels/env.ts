/**
 * Environment probes: what this JavaScript runtime offers kldiv (Node built-ins, a
 * cross-origin-isolated browser worker, cores). They read globals only and hold no state, so
 * every module may import them without creating a cycle.
 *
 * @module
 */

/**
 * @internal A Node built-in module where the runtime has `process.getBuiltinModule` (Node >= 20.16,
 * Deno, Bun); undefined elsewhere (browsers).
 */
export function builtin<T>(name: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(name) as T | undefined;
}

/** @internal Whether this is Node (or a runtime that says it is). */
export function isNode(): boolean {
  return (
    typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions
      ?.node === 'string'
  );
}

/** @internal A browser worker that may block (`Atomics.wait`) and share memory with its own workers. */
export function isolatedBrowserWorker(): boolean {
  const g = globalThis as { WorkerGlobalScope?: unknown; crossOriginIsolated?: boolean };
  return (
    typeof g.WorkerGlobalScope === 'function' &&
    globalThis instanceof (g.WorkerGlobalScope as new () => object) &&
    g.crossOriginIsolated === true &&
    typeof Worker === 'function'
  );
}

/**
 * @internal Threads this runtime can use: cores in Node (with `process.getBuiltinModule`) and in a
 * cross-origin-isolated browser worker; 1 elsewhere (a page's main thread may not block).
 */
export function availableThreads(): number {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return 1;
  if (isolatedBrowserWorker()) return Math.max(1, navigator.hardwareConcurrency ?? 1);
  const os = builtin<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os');
  if (os === undefined || builtin('node:worker_threads') === undefined) return 1;
  return os.availableParallelism?.() ?? os.cpus().length;
}
