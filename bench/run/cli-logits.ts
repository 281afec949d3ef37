/**
 * The command-line case of `npm run bench` (skipped with --no-cli; alone with `npm run bench --
 * --sizes '' --distill '' --no-tfjs --no-samples --out /tmp/logits.json`): `kldiv logits` as a
 * whole process against the PyTorch script a user writes for the same report
 * (bench/torch_logits_report.py: load, log_softmax, per-row KL, mean, SE, percentiles, top-1),
 * both on 2 threads (issue 19, items 4 and 5; target kldiv / PyTorch <= 0.5).
 *
 * The inputs, written to a temporary folder and removed after: two seeded float32 .npy files
 * [2000, 32000], base ~ N(0, 3), compare = base + N(0, 0.05), and next-token ids sampled from
 * softmax(base). Each side runs once untimed first (the page cache then holds the files for
 * every timed run), then the two alternate, in turn order swapped every run, so a slow phase of
 * this shared machine falls on both; the same without and with --tokens. Every wall time is
 * printed, with the load average before and after. Peak resident memory is the whole process's
 * (GNU time's %M). The two reports' mean KL must agree, or the PyTorch row is reported as not
 * comparable.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { args, here, ROUNDS } from './options.js';
import { median, type Row } from './timing.js';

const ROWS = 2000;
const VOCAB = 32000;
const THREADS = 2;
/**
 * Timed runs per side and variant: the run's --rounds, at most 3. A run pair takes about 4 s
 * here, the files 6 s: three keep the case under 40 s.
 */
const RUNS = Math.min(ROUNDS, 3);

/** The prefix of the rows' `shape`, by which bench/report.ts tells the command-line rows apart. */
export const CLI_SHAPE = 'cli logits: ';
export const KLDIV_PEER = `kldiv logits (${THREADS} threads)`;
export const TORCH_PEER = `PyTorch script (${THREADS} threads)`;

/** A command-line row: the timing fields, and the peak resident memory of the whole process. */
export interface CliRow extends Row {
  maxResidentBytes?: number;
}

const root = join(here, '..');
const cli = join(root, 'packages', 'cli', 'dist', 'cli.js');
const script = join(here, 'torch_logits_report.py');
const GNU_TIME = '/usr/bin/time';

/** The header of a .npy (format 1.0) file. */
function npyHeader(descr: string, shape: number[]): Buffer {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += `${' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64)}\n`;
  const head = Buffer.alloc(10);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1')]);
}

const bytes = (a: Float32Array | Int32Array) =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * base ~ N(0, 3), compare = base + N(0, 0.05), tokens ~ softmax(base), a row at a time (the
 * generator of the former bench/cli-logits.mjs, seed 19: the same bytes as its runs).
 */
function generate(dir: string) {
  let s = 19;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const base = new Float32Array(VOCAB);
  const compare = new Float32Array(VOCAB);
  const tokens = new Int32Array(ROWS);
  const fb = openSync(join(dir, 'base.npy'), 'w');
  const fc = openSync(join(dir, 'compare.npy'), 'w');
  writeSync(fb, npyHeader('<f4', [ROWS, VOCAB]));
  writeSync(fc, npyHeader('<f4', [ROWS, VOCAB]));
  for (let r = 0; r < ROWS; r++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < VOCAB; j++) {
      base[j] = 3 * normal();
      compare[j] = base[j] + 0.05 * normal();
      max = Math.max(max, base[j]);
    }
    let sum = 0;
    for (let j = 0; j < VOCAB; j++) sum += Math.exp(base[j] - max);
    let u = uniform() * sum - Math.exp(base[0] - max);
    let t = 0;
    while (t < VOCAB - 1 && u > 0) u -= Math.exp(base[++t] - max);
    tokens[r] = t;
    writeSync(fb, bytes(base));
    writeSync(fc, bytes(compare));
  }
  closeSync(fb);
  closeSync(fc);
  const ft = openSync(join(dir, 'tokens.npy'), 'w');
  writeSync(ft, npyHeader('<i4', [ROWS]));
  writeSync(ft, bytes(tokens));
  closeSync(ft);
}

interface Timed {
  seconds: number;
  stdout: string;
  maxResidentBytes?: number;
}

/** One whole process, wall time around the spawn; under GNU time when there is one. */
function time(cmd: string, argv: string[], dir: string): Timed {
  const gnu = existsSync(GNU_TIME);
  const rss = join(dir, 'rss');
  const [file, rest] = gnu ? [GNU_TIME, ['-f', '%M', '-o', rss, cmd, ...argv]] : [cmd, argv];
  const t = process.hrtime.bigint();
  const r = spawnSync(file, rest, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) {
    const last = r.stderr.trim().split('\n').at(-1) ?? '';
    throw new Error(`${cmd === process.execPath ? 'kldiv' : 'PyTorch'} exit ${r.status}: ${last}`);
  }
  // GNU time prints kilobytes
  const kb = gnu ? Number(readFileSync(rss, 'utf8').trim().split('\n').at(-1)) : Number.NaN;
  return {
    seconds,
    stdout: r.stdout,
    maxResidentBytes: Number.isFinite(kb) ? kb * 1024 : undefined,
  };
}

/**
 * The figures both reports print, each with the largest difference that still means the same
 * computation. The mean KL (about 1.2e-3 here) and ln(PPL ratio) are printed with 6 decimals:
 * their rounding makes up to 1e-6, float32 PyTorch's error is far below (its log-sum-exp
 * rounding, 5e-7 a row at most, averages out over 2000 rows); top-1 agreement is a count printed
 * as a percentage with 3 decimals, so exact up to that rounding. Another file, temperature or
 * set of rows differs by more.
 */
const FIGURES: [name: string, kldiv: RegExp, torch: RegExp, tolerance: number, tokens?: true][] = [
  ['mean KL', /Mean\s+KLD:\s*(\S+)/, /Mean KLD:\s*(\S+)/, 2e-6],
  ['same top-1 %', /Same top-1:\s*(\S+)/, /Same top-1:\s*(\S+)/, 1.5e-3],
  [
    'ln(PPL ratio)',
    /Mean ln\(PPL\(compare\)\/PPL\(base\)\)\s*:\s*(\S+)/,
    /ln ratio\s+(\S+)/,
    2e-6,
    true,
  ],
];

/** The figures on which the two reports differ, or the empty string when they agree. */
function disagreement(ours: string, theirs: string, tokens: boolean): string {
  const wrong: string[] = [];
  for (const [name, a, b, tolerance, needsTokens] of FIGURES) {
    if (needsTokens && !tokens) continue;
    const x = Number(a.exec(ours)?.[1]);
    const y = Number(b.exec(theirs)?.[1]);
    if (!(Math.abs(x - y) <= tolerance)) wrong.push(`${name} ${x} (kldiv) against ${y} (PyTorch)`);
  }
  return wrong.join(', ');
}

/** The newest modification time of the files under `dir`, in ms. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return t;
}

/** Every command-line row; prints the runs, the medians and the same-run ratios. */
export function cliLogitsRows(torchVersion: string | undefined): CliRow[] {
  const variants = [
    { label: 'without tokens', extra: [] as string[] },
    { label: 'with --tokens', extra: ['--tokens', 'tokens.npy'] },
  ];
  const shapeOf = (extra: string[]) =>
    `${CLI_SHAPE}${ROWS} x ${VOCAB}${extra.length > 0 ? ', --tokens' : ''}`;
  const base = (extra: string[]) => ({
    shape: shapeOf(extra),
    size: ROWS * VOCAB,
    dtype: 'float32' as const,
    op: 'forward' as const,
  });
  console.log(
    `\nkldiv logits against a PyTorch script, ${ROWS} x ${VOCAB} float32 .npy, whole process, ${THREADS} threads each`,
  );
  const library = join(root, 'dist', 'index.js');
  if (!existsSync(cli) || !existsSync(library)) {
    const skipped = 'packages/cli/dist or dist missing: run npm run build first';
    console.log(`  note: skipped: ${skipped}`);
    return variants.flatMap(({ extra }) => [
      { ...base(extra), peer: KLDIV_PEER, skipped },
      { ...base(extra), peer: TORCH_PEER, skipped },
    ]);
  }
  const built = Math.min(statSync(cli).mtimeMs, statSync(library).mtimeMs);
  if (Math.max(newest(join(root, 'src')), newest(join(root, 'packages', 'cli', 'src'))) > built)
    console.log('  note: a source file is newer than the build: the figures may be stale');
  const torchSkipped =
    torchVersion !== undefined
      ? undefined
      : args['no-torch']
        ? '--no-torch'
        : '/usr/bin/python3 cannot import torch';
  const dir = mkdtempSync(join(tmpdir(), 'kldiv-bench-cli-'));
  const rows: CliRow[] = [];
  const load = () =>
    loadavg()
      .map((v) => v.toFixed(2))
      .join(' ');
  try {
    generate(dir);
    const at = (f: string) => join(dir, f);
    console.log(`  load average before: ${load()}; ${RUNS} timed runs per side`);
    const kldivArgs = (extra: string[]) => [
      cli,
      'logits',
      at('base.npy'),
      at('compare.npy'),
      '--threads',
      String(THREADS),
      ...extra.map((a) => (a.endsWith('.npy') ? at(a) : a)),
    ];
    const torchArgs = (extra: string[]) => [script, ...kldivArgs(extra).slice(2)];
    const kldiv = (extra: string[]) => time(process.execPath, kldivArgs(extra), dir);
    const torch = (extra: string[]) => time('/usr/bin/python3', torchArgs(extra), dir);
    let warm = false;
    for (const { label, extra } of variants) {
      const tokens = extra.length > 0;
      const ours: Timed[] = [];
      const theirs: Timed[] = [];
      // a side that fails is reported, and the other goes on alone
      let oursFailed: string | undefined;
      let theirsFailed = torchSkipped;
      const sides = [
        { run: kldiv, into: ours, fail: (m: string) => (oursFailed ??= m) },
        { run: torch, into: theirs, fail: (m: string) => (theirsFailed ??= m) },
      ];
      const failedOf = (i: number) => (i === 0 ? oursFailed : theirsFailed);
      for (let i = warm ? 0 : -1; i < RUNS; i++) {
        // run -1 is the untimed one; the order swaps every run: neither side always follows the other
        for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
          if (failedOf(k) !== undefined) continue;
          try {
            const t = sides[k].run(extra);
            if (i >= 0) sides[k].into.push(t);
          } catch (e) {
            sides[k].fail(`failed: ${(e as Error).message}`);
          }
        }
      }
      warm = true;
      const peak = (v: Timed[]) =>
        v.some((t) => t.maxResidentBytes !== undefined)
          ? Math.max(...v.map((t) => t.maxResidentBytes ?? 0))
          : undefined;
      const timed = (peer: string, v: Timed[], ref: number): CliRow => {
        const s = median(v.map((t) => t.seconds));
        return {
          ...base(extra),
          peer,
          medianSeconds: s,
          nsPerElement: (s * 1e9) / (ROWS * VOCAB),
          melemPerSecond: (ROWS * VOCAB) / s / 1e6,
          ratioToKldiv: s / ref,
          maxResidentBytes: peak(v),
        };
      };
      if (oursFailed !== undefined) {
        rows.push({ ...base(extra), peer: KLDIV_PEER, skipped: oursFailed });
        rows.push({ ...base(extra), peer: TORCH_PEER, skipped: theirsFailed ?? 'kldiv failed' });
        console.log(`  ${label}: kldiv ${oursFailed}`);
        continue;
      }
      const ref = median(ours.map((t) => t.seconds));
      rows.push(timed(KLDIV_PEER, ours, ref));
      const differ =
        theirs.length > 0 ? disagreement(ours[0].stdout, theirs[0].stdout, tokens) : '';
      if (theirsFailed !== undefined) {
        rows.push({ ...base(extra), peer: TORCH_PEER, skipped: theirsFailed });
      } else if (differ !== '') {
        // a different number is a different computation: its time is not comparable
        rows.push({ ...base(extra), peer: TORCH_PEER, skipped: `not comparable: ${differ}` });
      } else {
        rows.push(timed(TORCH_PEER, theirs, ref));
      }
      const f = (v: Timed[]) => v.map((t) => t.seconds.toFixed(2)).join(' ');
      const mb = (v: Timed[]) => {
        const p = peak(v);
        return p === undefined ? '' : `, peak RSS ${(p / 2 ** 20).toFixed(0)} MB`;
      };
      const kl = Number(FIGURES[0][1].exec(ours[0].stdout)?.[1]);
      console.log(
        `  ${label} (mean KL ${kl}${theirs.length > 0 && differ === '' ? ', the same in both' : ''}):`,
      );
      console.log(
        `    ${KLDIV_PEER.padEnd(28)} ${f(ours)} s, median ${ref.toFixed(3)} s${mb(ours)}`,
      );
      const them = rows.at(-1)!;
      if (them.skipped !== undefined) {
        console.log(`    ${TORCH_PEER.padEnd(28)} skipped: ${them.skipped}`);
        continue;
      }
      console.log(
        `    ${TORCH_PEER.padEnd(28)} ${f(theirs)} s, median ${them.medianSeconds!.toFixed(3)} s${mb(theirs)}`,
      );
      console.log(
        `    same-run ratio, kldiv / PyTorch script: ${(ref / them.medianSeconds!).toFixed(3)} (target <= 0.5)`,
      );
    }
    console.log(`  load average after: ${load()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
