/**
 * node --import tsx bench/wake-up.ts: what a pause between calls costs a 2-thread call. A
 * float32 'sum' over 1e6 elements in `wasmArray`s (no copies) on 2 threads, timed after a pause
 * of busy work on this thread of 0 to 20 ms: after a few milliseconds the worker thread has gone
 * to sleep (`Atomics.wait`, docs/decisions.md 47) and the call pays for waking it. Medians of 31.
 */
import { klDiv, setNumThreads, tensor, terminateThreads, wasmArray } from '../src/index.js';

const N = 1e6;
const x = wasmArray(N);
const y = wasmArray(N);
for (let i = 0; i < N; i++) {
  x[i] = -8 + (i % 1000) / 126;
  y[i] = ((i * 7919) % 1000) / 5000 + 1e-7;
}
const input = tensor(x);
const target = tensor(y);
setNumThreads(2);
const busy = (ms: number) => {
  const t = performance.now();
  let s = 0;
  while (performance.now() - t < ms) s += Math.sqrt(s + 1);
  return s;
};
for (let r = 0; r < 50; r++) klDiv(input, target, { reduction: 'sum' }); // warm-up, workers started
console.log('pause (ms)  median call (ms)  Melem/s');
for (const pause of [0, 0.2, 1, 5, 20]) {
  const times: number[] = [];
  for (let r = 0; r < 31; r++) {
    if (pause > 0) busy(pause);
    const t = performance.now();
    klDiv(input, target, { reduction: 'sum' });
    times.push(performance.now() - t);
  }
  const median = times.sort((a, b) => a - b)[15];
  console.log(
    `${String(pause).padStart(10)}  ${median.toFixed(3).padStart(16)}  ${(N / median / 1e3).toFixed(0).padStart(7)}`,
  );
}
await terminateThreads();
