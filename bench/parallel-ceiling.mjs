// node bench/parallel-ceiling.mjs: the float32 sum kernel alone on 1 and on 2 worker threads,
// each on private data already in its own WebAssembly memory (no copies, no hand-offs): the
// most any 2-thread kldiv call could reach on this machine (docs/benchmarks.md targets).
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const N = 1 << 20;
const REPS = 40;
const program = `
const { parentPort, workerData } = require('node:worker_threads');
const e = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes), {}).exports;
const N = ${N};
const base = e.memory.grow(Math.ceil((N * 8) / 65536) + 1) * 65536;
const x = new Float32Array(e.memory.buffer, base, N);
const y = new Float32Array(e.memory.buffer, base + N * 4, N);
for (let i = 0; i < N; i++) { x[i] = -8 + (i % 1000) / 126; y[i] = ((i * 7919) % 1000) / 5000 + 1e-7; }
parentPort.on('message', (reps) => {
  const t = performance.now();
  for (let r = 0; r < reps; r++)
    for (let i = 0; i < N; i += 8192) e.klSumF32(8192, base + i * 4, base + N * 4 + i * 4, false);
  parentPort.postMessage(performance.now() - t);
});`;
const bytes = readFileSync(new URL('../wasm/build/kldiv.wasm', import.meta.url));
const workers = [0, 1].map(() => new Worker(program, { eval: true, workerData: { bytes } }));
const run = (w, reps) =>
  new Promise((resolve) => {
    w.once('message', resolve);
    w.postMessage(reps);
  });
await Promise.all(workers.map((w) => run(w, 5))); // warm-up
const one = await run(workers[0], REPS);
const t0 = performance.now();
await Promise.all(workers.map((w) => run(w, REPS)));
const both = performance.now() - t0;
const ns = (ms, elements) => ((ms * 1e6) / elements).toFixed(3);
console.log(
  `1 thread:  ${ns(one, REPS * N)} ns/element, ${((REPS * N) / one / 1e3).toFixed(0)} Melem/s`,
);
console.log(
  `2 threads: ${ns(both, 2 * REPS * N)} ns/element, ${((2 * REPS * N) / both / 1e3).toFixed(0)} Melem/s (aggregate)`,
);
await Promise.all(workers.map((w) => w.terminate()));
