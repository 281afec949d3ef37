// node --expose-gc bench/speed-floors.mjs   (after `npm run build`)
//
// Where the time of issue 19's two input-only steps goes, on ordinary arrays, 1 thread, float32:
// the kernel alone on data already in WebAssembly memory, the copies of ordinary arrays into it
// and of the gradient out, the page faults of a fresh gradient array, then the public call three
// ways (fresh arrays; a reused `out` buffer; operands and buffers in `wasmArray`s). Minimum and
// median of interleaved repetitions, ns per element. PyTorch's time for the same work is the
// `forward+input-grad` and student-only distillation rows of `npm run bench`.
import { readFileSync } from 'node:fs';
import {
  freeWasmArray,
  klDivBackward,
  klDivWithLogitsBackward,
  setNumThreads,
  wasmArray,
} from '../dist/index.js';

setNumThreads(1);
const REPS = Number(process.argv[2] ?? 15);
const N = 313 * 32000; // issue 19's input-gradient case, about 1e7
const [B, V] = [64, 32000]; // its distillation case
const fill = (n, f) => Float32Array.from({ length: n }, (_, i) => f(i));
const x = fill(N, (i) => -0.05 - ((i * 7919) % 7950) / 1000);
const y = fill(N, (i) => 1e-6 + ((i * 104729) % 2000) / 10000);
const s = fill(B * V, (i) => Math.sin(i) * 4);
const t = fill(B * V, (i) => Math.cos(i * 1.3) * 4);

// the kernels alone: the module's exports on data in its own memory, chunked as the library does
const e = new WebAssembly.Instance(
  new WebAssembly.Module(readFileSync(new URL('../dist/kernels/wasm/kldiv.wasm', import.meta.url))),
  {},
).exports;
const C = 8192;
const base = e.memory.grow(Math.ceil((16 * C + 5 * 4 * V + 64) / 65536) + 1) * 65536;
const [px, py, p1, p2] = [0, 1, 2, 3].map((k) => base + k * 4 * C);
const pg = base + 16 * C;
new Float32Array(e.memory.buffer, pg, 1)[0] = 1;
new Float32Array(e.memory.buffer, px, C).set(x.subarray(0, C));
new Float32Array(e.memory.buffer, py, C).set(y.subarray(0, C));
const rows = [0, 1, 2, 3, 4].map((k) => pg + 64 + k * 4 * V);
new Float32Array(e.memory.buffer, rows[0], V).set(s.subarray(0, V));
new Float32Array(e.memory.buffer, rows[1], V).set(t.subarray(0, V));
const heapX = new Float32Array(e.memory.buffer, px, C);

const wx = wasmArray(N, 'float32');
const wy = wasmArray(N, 'float32');
wx.set(x);
wy.set(y);
const wg = wasmArray(N, 'float32');
const reused = new Float32Array(N);
const reusedS = new Float32Array(B * V);

const cases = [
  [
    'input grad: kernel alone (data in wasm memory)',
    N,
    () => {
      for (let c = 0; c < N; c += C) e.klBackwardF32(C, pg, 0, px, py, p1, p2, false, 1, false);
    },
  ],
  [
    'input grad: copy x and y into wasm memory',
    N,
    () => {
      for (let c = 0; c < N; c += C) {
        heapX.set(x.subarray(c, c + C));
        heapX.set(y.subarray(c, c + C));
      }
    },
  ],
  [
    'input grad: copy the gradient out',
    N,
    () => {
      for (let c = 0; c < N; c += C) reused.set(heapX, Math.min(c, N - C));
    },
  ],
  [
    'input grad: first touch of a fresh Float32Array',
    N,
    () => {
      new Float32Array(N).fill(1);
    },
  ],
  [
    'input grad: the same fill of a reused array',
    N,
    () => {
      reused.fill(1);
    },
  ],
  [
    'input grad: klDivBackward, ordinary arrays',
    N,
    () => {
      klDivBackward(x, y, { reduction: 'sum', gradTarget: false });
    },
  ],
  [
    'input grad: klDivBackward, reused out buffer',
    N,
    () => {
      klDivBackward(x, y, { reduction: 'sum', gradTarget: false, out: { gradInput: reused } });
    },
  ],
  [
    'input grad: klDivBackward, all in wasmArrays',
    N,
    () => {
      klDivBackward(wx, wy, { reduction: 'sum', gradTarget: false, out: { gradInput: wg } });
    },
  ],
  [
    'distillation: student row kernel alone',
    V,
    () => {
      e.logitsRowBackwardF32(V, rows[0], rows[1], 0.5, pg, 0, 0.1, rows[2], rows[3], false);
    },
  ],
  [
    'distillation: klDivWithLogitsBackward, ordinary arrays',
    B * V,
    () => {
      klDivWithLogitsBackward(s, t, { temperature: 2, reduction: 'batchmean', gradTeacher: false });
    },
  ],
  [
    'distillation: klDivWithLogitsBackward, reused out buffer',
    B * V,
    () => {
      klDivWithLogitsBackward(s, t, {
        temperature: 2,
        reduction: 'batchmean',
        gradTeacher: false,
        out: { gradStudent: reusedS },
      });
    },
  ],
];
const times = cases.map(() => []);
for (const [, , f] of cases) f();
for (let r = 0; r < REPS; r++) {
  cases.forEach(([, , f], i) => {
    globalThis.gc?.();
    const t0 = performance.now();
    f();
    times[i].push(performance.now() - t0);
  });
}
console.log(`speed floors, 1 thread, float32, ${REPS} interleaved repetitions (ns per element)`);
cases.forEach(([name, n], i) => {
  const v = times[i].sort((a, b) => a - b);
  const ns = (ms) => ((ms * 1e6) / n).toFixed(2);
  console.log(
    `${name.padEnd(58)} min ${ns(v[0]).padStart(6)}  median ${ns(v[v.length >> 1]).padStart(6)}`,
  );
});
freeWasmArray(wx);
freeWasmArray(wy);
freeWasmArray(wg);
