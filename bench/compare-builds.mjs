// node bench/compare-builds.mjs <before/dist/index.js> [after/dist/index.js]
//
// Same-run A/B of two builds of kldiv (e.g. a worktree of an older commit, built with
// `npm run build`, against this one): both load in one process and are timed in interleaved
// rounds, best of 15 after two warm-up calls, so machine phases hit both alike. Prints each
// row's before/after times and the ratio. It measures only kldiv against itself; the peers
// against PyTorch are `npm run bench`.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [beforePath, afterPath = 'dist/index.js'] = process.argv.slice(2);
if (beforePath === undefined) {
  console.error(
    'usage: node bench/compare-builds.mjs <before/dist/index.js> [after/dist/index.js]',
  );
  process.exit(2);
}
const load = (p) => import(pathToFileURL(resolve(p)).href);
const [A, B] = [await load(beforePath), await load(afterPath)];
const fill = (n, f) => Float32Array.from({ length: n }, (_, i) => f(i));
const cases = [];
for (const n of [1e6, 1e7]) {
  const x = fill(n, (i) => -1 - (i % 97) / 50);
  const y = fill(n, (i) => ((i % 89) + 1) / 90);
  for (const threads of [1, 2]) {
    cases.push([
      `klDiv sum f32 ${n} ${threads}t`,
      threads,
      (L) => L.klDiv(x, y, { reduction: 'sum' }),
    ]);
  }
  cases.push([`klDiv none f32 ${n} 1t`, 1, (L) => L.klDiv(x, y, { reduction: 'none' })]);
  cases.push([`klDivBackward f32 ${n} 1t`, 1, (L) => L.klDivBackward(x, y, { reduction: 'sum' })]);
}
const s = fill(64 * 32000, (i) => Math.sin(i) * 3);
const t = fill(64 * 32000, (i) => Math.cos(i * 1.3) * 3);
cases.push([
  'distillation [64, 32000] T 2, student grad 1t',
  1,
  (L) =>
    L.klDivWithLogitsBackward(
      L.tensor(s, { shape: [64, 32000] }),
      L.tensor(t, { shape: [64, 32000] }),
      {
        temperature: 2,
        gradTeacher: false,
      },
    ),
]);
const time = (L, threads, run) => {
  L.setNumThreads(threads);
  run(L);
  run(L);
  const t0 = performance.now();
  run(L);
  return performance.now() - t0;
};
for (const [name, threads, run] of cases) {
  let a = Number.POSITIVE_INFINITY;
  let b = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 15; r++) {
    a = Math.min(a, time(A, threads, run));
    b = Math.min(b, time(B, threads, run));
  }
  console.log(
    `${name.padEnd(46)} before ${a.toFixed(2).padStart(8)} ms  after ${b.toFixed(2).padStart(8)} ms  after/before ${(b / a).toFixed(3)}`,
  );
}
await Promise.all([A.terminateThreads(), B.terminateThreads()]);
