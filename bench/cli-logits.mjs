/**
 * `kldiv logits` as a whole process against the PyTorch script a user writes for the same
 * report (bench/torch_logits_report.py), both on 2 threads (issue 19, item 4):
 *
 *   npm run build && node bench/cli-logits.mjs [--runs 5] [--rows 2000] [--vocab 32000] [--dir D]
 *
 * Generates (once, in D, default $TMPDIR/kldiv-bench-logits) two float32 .npy files
 * [rows, vocab]: base ~ N(0, 3), compare = base + N(0, 0.05), and next-token ids sampled from
 * softmax(base). Then times, alternately so that both see the same machine, `node
 * packages/cli/dist/cli.js logits base.npy compare.npy --threads 2` and `/usr/bin/python3
 * bench/torch_logits_report.py base.npy compare.npy --threads 2` (each once untimed first: the
 * page cache holds both files for every timed run), then the same with --tokens. Prints every
 * wall time, the medians, the ratio kldiv / PyTorch (target <= 0.5), and the load average before
 * and after: the machine may be shared, and the load says how much.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const runs = Number(arg('runs', 5));
const rows = Number(arg('rows', 2000));
const vocab = Number(arg('vocab', 32000));
const dir = arg('dir', join(tmpdir(), 'kldiv-bench-logits'));
const threads = arg('threads', '2');
const at = (name) => join(dir, `${name}-${rows}x${vocab}.npy`);

/** The header of a .npy (format 1.0) file. */
function npyHeader(descr, shape) {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += `${' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64)}\n`;
  const head = Buffer.alloc(10);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1')]);
}

const bytes = (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** base ~ N(0, 3), compare = base + N(0, 0.05), tokens ~ softmax(base): a row at a time. */
function generate() {
  mkdirSync(dir, { recursive: true });
  let s = 19;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const base = new Float32Array(vocab);
  const compare = new Float32Array(vocab);
  const tokens = new Int32Array(rows);
  const fb = openSync(at('base'), 'w');
  const fc = openSync(at('compare'), 'w');
  writeSync(fb, npyHeader('<f4', [rows, vocab]));
  writeSync(fc, npyHeader('<f4', [rows, vocab]));
  for (let r = 0; r < rows; r++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < vocab; j++) {
      base[j] = 3 * normal();
      compare[j] = base[j] + 0.05 * normal();
      max = Math.max(max, base[j]);
    }
    let sum = 0;
    for (let j = 0; j < vocab; j++) sum += Math.exp(base[j] - max);
    let u = uniform() * sum - Math.exp(base[0] - max);
    let t = 0;
    while (t < vocab - 1 && u > 0) u -= Math.exp(base[++t] - max);
    tokens[r] = t;
    writeSync(fb, bytes(base));
    writeSync(fc, bytes(compare));
  }
  closeSync(fb);
  closeSync(fc);
  const ft = openSync(at('tokens'), 'w');
  writeSync(ft, npyHeader('<i4', [rows]));
  writeSync(ft, bytes(tokens));
  closeSync(ft);
}

function time(cmd, args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return { seconds, stdout: r.stdout };
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

if (![at('base'), at('compare'), at('tokens')].every(existsSync)) {
  console.log(`generating ${rows} x ${vocab} float32 files in ${dir} ...`);
  generate();
}
const cli = join(root, 'packages', 'cli', 'dist', 'cli.js');
const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
console.log(`kldiv logits vs PyTorch, ${rows} x ${vocab} float32 .npy, ${threads} threads each`);
console.log(`load average before: ${load()}`);
for (const tokens of [false, true]) {
  const extra = tokens ? ['--tokens', at('tokens')] : [];
  const kldiv = [cli, 'logits', at('base'), at('compare'), '--threads', threads, ...extra];
  const torch = [
    join(root, 'bench', 'torch_logits_report.py'),
    at('base'),
    at('compare'),
    '--threads',
    threads,
    ...extra,
  ];
  time(process.execPath, kldiv);
  time('/usr/bin/python3', torch);
  const k = [];
  const p = [];
  for (let i = 0; i < runs; i++) {
    k.push(time(process.execPath, kldiv).seconds);
    p.push(time('/usr/bin/python3', torch).seconds);
  }
  const mk = median(k);
  const mp = median(p);
  const f = (v) => v.map((x) => x.toFixed(2)).join(' ');
  console.log(`${tokens ? 'with --tokens' : 'without tokens'}:`);
  console.log(`  kldiv   ${f(k)} s, median ${mk.toFixed(3)} s`);
  console.log(`  PyTorch ${f(p)} s, median ${mp.toFixed(3)} s`);
  console.log(`  ratio kldiv / PyTorch: ${(mk / mp).toFixed(2)} (target <= 0.5)`);
}
console.log(`load average after: ${load()}`);
