// node --import tsx bench/report-rows.mjs [--rows N] [--old path/to/old/report-rows.ts]
//
// The row kernel of kldiv/report (src/kernels/js/report-rows.ts) in ns per element (one element
// = one base logit and one compare logit), on [rows, 32000] float32 logits (default 2000 rows,
// 2 x 256 MB), one thread: reportRow alone, then with a next-token id and top-10 overlap
// (topKShared), then LogitsReport.add (chunks of 32 rows, the CLI's unit). The logits are
// seeded normals (sd 3) and the compare model is the base plus noise of sd 0.3 (close models).
// `--old` times another copy of the kernel in the same run, e.g. the one before exp64:
//   git show ff0e507:src/kernels/js/report-rows.ts > /tmp/report-rows-old.ts
// Each figure is the best of 3 runs, as wall time and as this process's CPU time (less
// sensitive to other processes on a shared machine); the load average is printed beside.
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
};
const R = Number(option('--rows') ?? 2000);
const V = 32000;
const K = 10;
const oldPath = option('--old');

const kernels = [['new', await import('../src/kernels/js/report-rows.ts')]];
if (oldPath !== undefined)
  kernels.push(['old', await import(pathToFileURL(resolve(oldPath)).href)]);
const { LogitsReport } = await import('../src/report/index.ts');
const { tensor } = await import('../src/index.ts');

// mulberry32 normals (Box-Muller)
let seed = 19;
const uniform = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
const x = new Float32Array(R * V);
const y = new Float32Array(R * V);
for (let i = 0; i < R * V; i++) {
  x[i] = 3 * normal();
  y[i] = x[i] + 0.3 * normal();
}
const tokens = Int32Array.from({ length: R }, () => Math.floor(uniform() * V));

function time(fn) {
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  let value;
  for (let run = 0; run < 3; run++) {
    const c0 = process.cpuUsage().user;
    const t0 = performance.now();
    value = fn();
    wall = Math.min(wall, performance.now() - t0);
    cpu = Math.min(cpu, (process.cpuUsage().user - c0) / 1000);
  }
  const ns = (ms) => ((ms * 1e6) / (R * V)).toFixed(2).padStart(6);
  return { text: `${ns(wall)} wall ${ns(cpu)} cpu`, value };
}

/** Every row's KL (and the token's log-probabilities, the top-10 overlaps), as one array. */
function rows(mod, withTokens, withTopK) {
  const out = new Float64Array(mod.ROW_SLOTS);
  const heap = new Int32Array(2 * K);
  const mark = new Uint8Array(V);
  const values = new Float64Array(4 * R);
  for (let i = 0; i < R; i++) {
    mod.reportRow(V, 1, x, i * V, y, i * V, withTokens ? tokens[i] : -1, out);
    values[4 * i] = out[mod.ROW_KL];
    if (withTokens) {
      values[4 * i + 1] = out[mod.ROW_LOGP_BASE];
      values[4 * i + 2] = out[mod.ROW_LOGP_COMPARE];
    }
    if (withTopK) values[4 * i + 3] = mod.topKShared(V, K, x, i * V, y, i * V, heap, mark);
  }
  return values;
}

console.log(
  `[${R}, ${V}] float32, ns/element (best of 3), load average ${loadavg()[0].toFixed(2)}`,
);
const sums = {};
for (const [name, mod] of kernels) {
  for (const [label, tok, topk] of [
    ['reportRow', false, false],
    ['reportRow + token + top-10', true, true],
  ]) {
    const { text, value } = time(() => rows(mod, tok, topk));
    sums[`${name} ${label}`] = value;
    console.log(`${name.padEnd(4)} ${label.padEnd(28)} ${text}`);
  }
}
const chunk = 32;
const { text } = time(() => {
  const report = new LogitsReport({ topK: K });
  for (let i = 0; i < R; i += chunk) {
    const n = Math.min(chunk, R - i);
    report.add(
      tensor(x.subarray(i * V, (i + n) * V), { shape: [n, V] }),
      tensor(y.subarray(i * V, (i + n) * V), { shape: [n, V] }),
      { tokens: tokens.subarray(i, i + n) },
    );
  }
  return report.result().mean;
});
console.log(`new  ${'LogitsReport.add, tokens, top-10'.padEnd(28)} ${text}`);
if (oldPath !== undefined) {
  // per-row values of the two kernels: KL, log p(token), log q(token), top-10 overlap
  const a = sums['new reportRow + token + top-10'];
  const b = sums['old reportRow + token + top-10'];
  let rel = 0;
  let same = 0;
  for (let i = 0; i < a.length; i++) {
    if (Object.is(a[i], b[i])) same++;
    rel = Math.max(rel, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  }
  const largest = rel.toExponential(2);
  console.log(
    `new against old, ${a.length} per-row values: ${same} bitwise equal, largest relative difference ${largest}`,
  );
}
console.log(`load average after: ${loadavg()[0].toFixed(2)}`);
