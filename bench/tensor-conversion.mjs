// node bench/tensor-conversion.mjs [rows] [cols]
//
// tensor() of a nested float array (default [1000, 32000], a batch of vocabulary logits) against
// Float32Array.from(arr.flat()) and a plain nested copy loop on the same data: best of 5 of
// each, interleaved. The test suite bounds the ratio on [200, 32000] (test/tensor/tensor.test.ts).
import { tensor } from '../dist/index.js';

const rows = Number(process.argv[2] ?? 1000);
const cols = Number(process.argv[3] ?? 32000);
const arr = Array.from({ length: rows }, (_, r) =>
  Array.from({ length: cols }, (_, c) => Math.sin(r * cols + c)),
);
const runs = {
  'tensor()': () => tensor(arr),
  'Float32Array.from(arr.flat())': () => Float32Array.from(arr.flat()),
  'copy loop': () => {
    const out = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      const row = arr[r];
      for (let c = 0; c < cols; c++) out[r * cols + c] = row[c];
    }
    return out;
  },
};
const best = Object.fromEntries(Object.keys(runs).map((k) => [k, Number.POSITIVE_INFINITY]));
for (let i = 0; i < 5; i++) {
  for (const [k, f] of Object.entries(runs)) {
    const t0 = performance.now();
    f();
    best[k] = Math.min(best[k], performance.now() - t0);
  }
}
for (const [k, ms] of Object.entries(best))
  console.log(`[${rows}, ${cols}] ${k.padEnd(30)} ${ms.toFixed(0)} ms`);
