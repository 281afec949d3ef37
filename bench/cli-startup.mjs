// node bench/cli-startup.mjs [runs] [path/to/cli.js ...]
//
// Start-up time of the `kldiv` command line (issue 18): the median wall time of `node -e ''`,
// `kldiv --version` and `kldiv loss a.npy b.npy` on two 4 x 3 files, each run `runs` times
// (default 21) in interleaved rounds so that machine phases hit all alike, and what the CLI
// adds to a bare Node. Also times `import('kldiv')` and `import('kldiv/scipy')` alone, to show
// how much of the start-up is the core library's. Run `npm run build` first. Several CLI paths
// (e.g. an older build beside packages/cli/dist) are timed in the same rounds, for an A/B.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 21);
const clis = process.argv.slice(3).map((p) => resolve(p));
if (clis.length === 0) clis.push(join(root, 'packages', 'cli', 'dist', 'cli.js'));

/** A C-order float32 .npy file (format 1.0), enough for the benchmark. */
function npy(path, data, shape) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  header += `${' '.repeat(63 - ((10 + header.length) % 64))}\n`;
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.from(Float32Array.from(data).buffer);
  writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}

const dir = mkdtempSync(join(tmpdir(), 'kldiv-startup-'));
npy(join(dir, 'a.npy'), [-2, -6, -8, -7, -1, -2, -1, -9, -2.3, -1.9, -2.8, -5.4], [4, 3]);
npy(join(dir, 'b.npy'), [0.8, 0.1, 0.1, 0.1, 0.7, 0.2, 0.5, 0.2, 0.3, 0.4, 0.3, 0.3], [4, 3]);

const tag = (cli) => (clis.length > 1 ? ` [${cli.replace(`${root}/`, '')}]` : '');
const cases = [
  ["node -e ''", ['-e', '']],
  ...clis.flatMap((cli) => [
    [`kldiv --version${tag(cli)}`, [cli, '--version']],
    [
      `kldiv loss a.npy b.npy${tag(cli)}`,
      [cli, 'loss', join(dir, 'a.npy'), join(dir, 'b.npy'), '--reduction', 'sum'],
    ],
  ]),
  ["import('kldiv')", ['--input-type=module', '-e', "await import('kldiv')"]],
  ["import('kldiv/scipy')", ['--input-type=module', '-e', "await import('kldiv/scipy')"]],
];
const times = cases.map(() => []);
for (let round = -1; round < runs; round++) {
  cases.forEach(([name, args], i) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${name} failed (${r.status}): ${r.stderr}`);
    if (round >= 0) times[i].push(ms); // round -1 warms the file cache
  });
}
rmSync(dir, { recursive: true, force: true });

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const m = times.map(median);
console.log(`node ${process.version}, ${runs} runs each, median wall time`);
cases.forEach(([name], i) => {
  const extra = i === 0 ? '' : `  (+${(m[i] - m[0]).toFixed(1)} ms over node -e '')`;
  console.log(`${name.padEnd(30)} ${m[i].toFixed(1).padStart(7)} ms${extra}`);
});
