/**
 * Peak resident memory of a synchronous call: a worker thread samples /proc/self/statm every
 * millisecond while the main thread runs the call (Linux only; elsewhere peak is undefined).
 * It counts pages that become resident: memory the allocator reuses without returning it to
 * the system (small buffers, recycled arrays) is not seen, so small figures are lower bounds.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const SAMPLER = `
const { workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const ctl = new Int32Array(workerData.sab);       // [0] running flag, [1] ack
const peak = new Float64Array(workerData.sab, 8); // [0] peak bytes
const rss = () => Number(readFileSync('/proc/self/statm', 'utf8').split(' ')[1]) * 4096;
for (;;) {
  Atomics.wait(ctl, 0, 0);                        // sleep until a measurement starts
  if (Atomics.load(ctl, 0) === 2) break;
  let max = rss();
  Atomics.store(ctl, 1, 1); Atomics.notify(ctl, 1);
  while (Atomics.load(ctl, 0) === 1) { max = Math.max(max, rss()); Atomics.wait(ctl, 0, 1, 1); }
  peak[0] = Math.max(max, rss());
  Atomics.store(ctl, 1, 2); Atomics.notify(ctl, 1);
}
`;

const supported = existsSync('/proc/self/statm');
const sab = new SharedArrayBuffer(16);
const ctl = new Int32Array(sab);
const peak = new Float64Array(sab, 8);
let worker: Worker | undefined;

function rssNow(): number {
  return process.memoryUsage.rss();
}

/** Runs `fn` and returns its result with the peak RSS increase in bytes during the call. */
export function measurePeak<T>(fn: () => T): { result: T; peakBytes: number | undefined } {
  if (!supported) return { result: fn(), peakBytes: undefined };
  worker ??= new Worker(SAMPLER, { eval: true, workerData: { sab } });
  worker.unref();
  (globalThis as { gc?: () => void }).gc?.(); // start from collected garbage (node --expose-gc)
  const before = rssNow();
  Atomics.store(ctl, 1, 0);
  Atomics.store(ctl, 0, 1);
  Atomics.notify(ctl, 0);
  Atomics.wait(ctl, 1, 0, 1000); // sampler has taken its first reading
  let result: T;
  try {
    result = fn();
  } finally {
    Atomics.store(ctl, 0, 0);
    Atomics.notify(ctl, 0);
    Atomics.wait(ctl, 1, 1, 1000);
  }
  return { result, peakBytes: Math.max(0, peak[0] - before) };
}

export async function stopSampler(): Promise<void> {
  if (worker === undefined) return;
  Atomics.store(ctl, 0, 2);
  Atomics.notify(ctl, 0);
  await worker.terminate();
  worker = undefined;
}
