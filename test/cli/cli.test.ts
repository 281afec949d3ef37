/**
 * The kldiv command line end to end: spawned processes on real files (.npy streamed in chunks,
 * .json, .csv/.tsv, stdin), the logit report against an independent float64 computation, and
 * every error path (one line on stderr naming the file, exit code 2, no partial output file).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { npyBytes, writeNpy } from '../helpers/npy.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'packages', 'cli', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'kldiv-cli-'));
const artefacts = join(root, '.vitest-artifacts');
const at = (name: string) => join(dir, name);

function run(args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, ['--no-warnings', cli, ...args], {
    input,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Deterministic logits: a small LCG, so the test needs no library to make data.
function logits(rows: number, vocab: number, seed: number, shift?: Float32Array): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(rows * vocab);
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (shift ? shift[i] : 0) + 3 * (s / 2 ** 32 - 0.5);
  }
  return out;
}

/** The report by hand: float64 softmax, per-row KL, NumPy-style percentiles. */
function reference(
  base: Float32Array,
  compare: Float32Array,
  rows: number,
  vocab: number,
  T: number,
  k: number,
) {
  const logSoftmax = (a: Float32Array, r: number) => {
    const z = Array.from(a.subarray(r * vocab, (r + 1) * vocab), (v) => v / T);
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((acc, v) => acc + Math.exp(v - m), 0));
    return z.map((v) => v - lse);
  };
  const kl: number[] = [];
  let same = 0;
  let overlap = 0;
  const top = (a: Float32Array, r: number) =>
    Array.from({ length: vocab }, (_, j) => j)
      .sort((x, y) => a[r * vocab + y] - a[r * vocab + x] || x - y)
      .slice(0, k);
  for (let r = 0; r < rows; r++) {
    const lp = logSoftmax(base, r);
    const lq = logSoftmax(compare, r);
    kl.push(lp.reduce((acc, v, j) => acc + Math.exp(v) * (v - lq[j]), 0));
    if (top(base, r)[0] === top(compare, r)[0]) same++;
    const tb = new Set(top(base, r));
    overlap += top(compare, r).filter((j) => tb.has(j)).length / k;
  }
  const mean = kl.reduce((a, b) => a + b, 0) / rows;
  const sd = Math.sqrt(kl.reduce((a, b) => a + (b - mean) ** 2, 0) / (rows - 1));
  const sorted = [...kl].sort((a, b) => a - b);
  const pct = (p: number) => {
    const i = (p / 100) * (rows - 1);
    return (
      sorted[Math.floor(i)] + (sorted[Math.ceil(i)] - sorted[Math.floor(i)]) * (i - Math.floor(i))
    );
  };
  return {
    kl,
    mean,
    se: sd / Math.sqrt(rows),
    median: pct(50),
    p999: pct(99.9),
    p99: pct(99),
    p1: pct(1),
    max: sorted[rows - 1],
    same: same / rows,
    overlap: overlap / rows,
  };
}

describe('kldiv logits', () => {
  const rows = 300;
  const vocab = 40;
  const base = logits(rows, vocab, 1);
  const compare = logits(rows, vocab, 2, base);
  writeNpy(at('base.npy'), base, [rows, vocab]);
  writeNpy(at('compare.npy'), compare, [rows, vocab]);
  const ref = reference(base, compare, rows, vocab, 2, 5);

  test('streams .npy in chunks smaller than the file and matches an independent computation', () => {
    const r = run([
      'logits',
      at('base.npy'),
      at('compare.npy'),
      '--temperature',
      '2',
      '--top-k',
      '5',
      '--chunk-rows',
      '64',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(''); // no progress bar when stderr is not a terminal
    const rep = JSON.parse(r.stdout);
    const near = (a: number, b: number, what: string) =>
      expect(Math.abs(a - b) <= 1e-9 * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`).toBe(true);
    expect(rep.tokens).toBe(rows);
    near(rep.mean, ref.mean, 'mean');
    near(rep.standardError, ref.se, 'standard error');
    near(rep.median, ref.median, 'median');
    near(rep.percentiles['99.9'], ref.p999, '99.9th percentile');
    near(rep.percentiles['1'], ref.p1, '1st percentile');
    near(rep.max, ref.max, 'max');
    near(rep.sameTop1, ref.same, 'top-1 agreement');
    near(rep.topKOverlap, ref.overlap, 'top-5 overlap');
  });

  test.skipIf(!existsSync('/usr/bin/script'))(
    'a progress bar on stderr when it is a terminal',
    () => {
      // util-linux `script` gives the CLI a pseudo-terminal; stdout goes to /dev/null
      const cmd = `${process.execPath} ${cli} logits ${at('base.npy')} ${at('compare.npy')} --chunk-rows 64 >/dev/null`;
      const r = spawnSync('/usr/bin/script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('kldiv logits [');
      expect(r.stdout).toContain(`${rows}/${rows} tokens`);
    },
  );

  test('the text report, the per-row CSV, the SVG histogram and the CDF', () => {
    const csv = at('per-row.csv');
    const svg = at('hist.svg');
    const cdf = at('cdf.svg');
    const r = run([
      'logits',
      at('base.npy'),
      at('compare.npy'),
      '--temperature',
      '2',
      '--out',
      csv,
      '--plot',
      svg,
      '--plot-cdf',
      cdf,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Mean    KLD: ${ref.mean.toFixed(6)} ± ${ref.se.toFixed(6)}`);
    expect(r.stdout).toContain(`Same top-1: ${(100 * ref.same).toFixed(3)}`);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('token,kl,top1_base,top1_compare');
    expect(lines).toHaveLength(rows + 1);
    expect(Math.abs(Number(lines[1].split(',')[1]) - ref.kl[0])).toBeLessThan(1e-12);
    const plot = readFileSync(svg, 'utf8');
    expect(plot.startsWith('<svg')).toBe(true);
    expect(plot).toContain('per-token KL divergence');
    // the log-bin histogram marks the report's median and 99th percentile (3 significant digits)
    const mark = (svg: string, name: string) =>
      Number(new RegExp(`>${name} ([^<]+)<`).exec(svg)?.[1]);
    expect(Math.abs(mark(plot, 'median') / ref.median - 1)).toBeLessThan(5e-3);
    expect(Math.abs(mark(plot, 'p99') / ref.p99 - 1)).toBeLessThan(5e-3);
    expect(plot).toContain(`${rows} tokens`);
    const cumulative = readFileSync(cdf, 'utf8');
    expect(cumulative.startsWith('<svg')).toBe(true);
    expect(cumulative).toContain('tokens with smaller KL');
    expect(cumulative).toContain('mark-line');
    expect(Math.abs(mark(cumulative, 'median') / ref.median - 1)).toBeLessThan(5e-3);
    mkdirSync(artefacts, { recursive: true });
    writeFileSync(join(artefacts, 'cli-histogram.svg'), plot);
  });

  test('JSON and CSV inputs and stdin give the same report as .npy', () => {
    const toJson = (a: Float32Array) =>
      JSON.stringify(
        Array.from({ length: rows }, (_, r) => Array.from(a.subarray(r * vocab, (r + 1) * vocab))),
      );
    writeFileSync(at('base.json'), toJson(base));
    const csv = Array.from({ length: rows }, (_, r) =>
      Array.from(compare.subarray(r * vocab, (r + 1) * vocab)).join(','),
    ).join('\n');
    writeFileSync(at('compare.csv'), csv);
    const a = JSON.parse(run(['logits', at('base.json'), at('compare.csv'), '--json']).stdout);
    const b = JSON.parse(
      run(['logits', '-', at('compare.npy'), '--json'], npyBytes(base, [rows, vocab])).stdout,
    );
    const c = JSON.parse(run(['logits', at('base.npy'), at('compare.npy'), '--json']).stdout);
    expect(a.mean).toBeCloseTo(c.mean, 12);
    expect(b.mean).toBe(c.mean);
  });
});

describe('kldiv loss and kldiv dist', () => {
  const input = '-2,-6,-8\n-7,-1,-2\n-1,-9,-2.3\n-1.9,-2.8,-5.4\n';
  const target = [
    [0.8, 0.1, 0.1],
    [0.1, 0.7, 0.2],
    [0.5, 0.2, 0.3],
    [0.4, 0.3, 0.3],
  ];
  writeFileSync(at('input.csv'), input);
  writeFileSync(at('target.json'), JSON.stringify(target));

  test('prints the blog example as PyTorch does', () => {
    expect(
      run(['loss', at('input.csv'), at('target.json'), '--reduction', 'batchmean']).stdout,
    ).toBe('tensor(1.8626)\n');
    expect(
      run(
        ['loss', at('input.csv'), '-', '--reduction', 'sum', '--dtype', 'float64'],
        JSON.stringify(target),
      ).stdout,
    ).toBe('tensor(7.4506, dtype=torch.float64)\n');
    const json = JSON.parse(
      run(['loss', at('input.csv'), at('target.json'), '--reduction', 'none', '--json']).stdout,
    );
    expect(json.shape).toEqual([4, 3]);
    expect(json.data[0][0]).toBeCloseTo(0.8 * (Math.log(0.8) + 2), 6);
  });

  test("the default 'mean' warns on stderr as PyTorch does", () => {
    const r = spawnSync(process.execPath, [cli, 'loss', at('input.csv'), at('target.json')], {
      encoding: 'utf8',
    });
    expect(r.stdout).toBe('tensor(0.6209)\n');
    expect(r.stderr).toContain(
      "reduction: 'mean' divides the total loss by both the batch size and the support size",
    );
  });

  test('dist: entropy, both KLs and the Jensen-Shannon distance against a hand computation', () => {
    writeFileSync(at('p.tsv'), '1\t2\t3\t4\n');
    writeFileSync(at('q.tsv'), '4\t3\t2\t1\n');
    const r = JSON.parse(run(['dist', at('p.tsv'), at('q.tsv'), '--base', '2', '--json']).stdout);
    const p = [0.1, 0.2, 0.3, 0.4];
    const q = [0.4, 0.3, 0.2, 0.1];
    const kl = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * Math.log2(v / b[i]), 0);
    const m = p.map((v, i) => (v + q[i]) / 2);
    expect(r['entropy(P)']).toBeCloseTo(-p.reduce((s, v) => s + v * Math.log2(v), 0), 12);
    expect(r['KL(P || Q)']).toBeCloseTo(kl(p, q), 12);
    expect(r['KL(Q || P)']).toBeCloseTo(kl(q, p), 12);
    expect(r['Jensen-Shannon distance']).toBeCloseTo(Math.sqrt((kl(p, m) + kl(q, m)) / 2), 12);
  });

  test('dist: infinite KL prints inf (text) and "inf" (JSON), never null; p = 0 bins add 0', () => {
    // P = [1, 0, 3] / 4, Q = [1, 0, 0]: KL(P || Q) = +inf (P gives 3/4 where Q gives 0);
    // KL(Q || P) = 1 ln(1 / (1/4)) = ln 4, the empty middle bin and Q's empty last bin adding 0
    writeFileSync(at('p-inf.csv'), '1,0,3\n');
    writeFileSync(at('q-inf.csv'), '1,0,0\n');
    const text = run(['dist', at('p-inf.csv'), at('q-inf.csv')]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('KL(P || Q):               inf nats\n');
    expect(text.stdout).toContain(`KL(Q || P):               ${Math.log(4)} nats\n`);
    expect(text.stdout).not.toContain('null');
    const json = run(['dist', at('p-inf.csv'), at('q-inf.csv'), '--json']);
    expect(json.stdout).not.toContain('null');
    expect(JSON.parse(json.stdout)['KL(P || Q)']).toBe('inf');
    // along an axis: one value per row, the infinite one still spelled out
    writeFileSync(at('p2.csv'), '1,0,3\n1,1,2\n');
    writeFileSync(at('q2.csv'), '1,0,0\n1,1,2\n');
    const rows = run(['dist', at('p2.csv'), at('q2.csv'), '--axis', '1']);
    expect(rows.stdout).toContain('KL(P || Q):               [inf,0] nats\n');
    expect(
      JSON.parse(run(['dist', at('p2.csv'), at('q2.csv'), '--axis', '1', '--json']).stdout)[
        'KL(P || Q)'
      ],
    ).toEqual(['inf', 0]);
  });

  test('dist: NaN in p or q is an error naming the file and the index, with no output', () => {
    writeFileSync(at('nan.csv'), '1,2,3\n4,nan,6\n');
    writeFileSync(at('ok.csv'), '1,2,3\n4,5,6\n');
    for (const [args, where] of [
      [[at('nan.csv')], at('nan.csv')],
      [[at('ok.csv'), at('nan.csv')], at('nan.csv')],
    ] as const) {
      const r = run(['dist', ...args, '--json']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `kldiv: ${where}: NaN at index [1, 1]; histograms and probability vectors must not hold NaN\n`,
      );
    }
  });
});

describe('errors: one line naming the file, exit code 2, no partial output', () => {
  writeNpy(at('ints.npy'), Int32Array.from([1, 2, 3, 4]), [2, 2]);
  writeNpy(at('fortran.npy'), new Float32Array(4), [2, 2], { fortran: true });
  writeFileSync(at('truncated.npy'), npyBytes(new Float32Array(100), [10, 10]).subarray(0, 200));
  writeFileSync(at('ragged.csv'), '1,2,3\n4,5\n');
  writeFileSync(at('words.csv'), '1,2\n3,x\n');
  writeNpy(at('other.npy'), new Float32Array(6), [2, 3]);
  writeNpy(at('small.npy'), new Float32Array(4), [2, 2]);
  writeNpy(at('vector.npy'), new Float32Array(4), [4]);

  test.each([
    ['a missing file', ['logits', at('missing.npy'), at('small.npy')], 'missing.npy: no such file'],
    [
      'a truncated .npy',
      ['logits', at('truncated.npy'), at('small.npy')],
      'truncated.npy: truncated: the header declares shape [10, 10] float32',
    ],
    [
      'a non-float .npy',
      ['logits', at('ints.npy'), at('small.npy')],
      "ints.npy: unsupported dtype '<i4'",
    ],
    [
      'a Fortran-order .npy',
      ['logits', at('fortran.npy'), at('small.npy')],
      'fortran.npy: Fortran-order arrays are not supported',
    ],
    [
      'a ragged CSV',
      ['loss', at('ragged.csv'), at('ragged.csv')],
      'ragged.csv: ragged: line 2 has 2 fields, expected 3',
    ],
    [
      'a non-number in a CSV',
      ['loss', at('words.csv'), at('words.csv')],
      "words.csv: line 2, field 2: 'x' is not a number",
    ],
    ['mismatched logit shapes', ['logits', at('small.npy'), at('other.npy')], 'small.npy and'],
    [
      'a vector where a matrix is needed',
      ['logits', at('vector.npy'), at('vector.npy')],
      'expected a [tokens, vocab] matrix',
    ],
    [
      'shapes that do not broadcast',
      ['loss', at('other.npy'), at('vector.npy'), '--reduction', 'sum'],
      'The size of tensor a (4) must match the size of tensor b (3)',
    ],
    [
      'an unwritable output',
      ['logits', at('small.npy'), at('small.npy'), '--out', join(dir, 'no', 'such', 'dir.csv')],
      'dir.csv: cannot write: no such file',
    ],
    [
      'an invalid option value',
      ['logits', at('small.npy'), at('small.npy'), '--temperature', '-1'],
      '--temperature must be a finite number > 0',
    ],
    ['an unknown command', ['frobnicate'], "error: unknown command 'frobnicate'"],
    ['help on an unknown command', ['help', 'frobnicate'], "error: unknown command 'frobnicate'"],
  ])('%s', (_name, args, text) => {
    const r = run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(text);
  });

  test('a write that fails at the rename leaves the old output and no temporary file', () => {
    // the output path is an existing directory: the temporary file is written, the rename fails
    const target = at('taken.csv');
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'keep'), 'old');
    const r = run(['logits', at('small.npy'), at('small.npy'), '--out', target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('taken.csv: cannot write');
    expect(readFileSync(join(target, 'keep'), 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('--help works for every command', () => {
    for (const args of [
      ['--help'],
      ['loss', '--help'],
      ['dist', '--help'],
      ['logits', '--help'],
      ['merge', '--help'],
    ]) {
      const r = run(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: kldiv/);
    }
    expect(existsSync(cli)).toBe(true);
    expect(execFileSync(process.execPath, [cli, '--version'], { encoding: 'utf8' }).trim()).toMatch(
      /^\d+\.\d+\.\d+$/,
    );
  });
});

describe('help and the example', () => {
  test('kldiv help <command> prints that help; kldiv help lists the commands', () => {
    for (const name of ['loss', 'dist', 'logits', 'merge']) {
      const r = run(['help', name]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(run([name, '--help']).stdout);
      expect(r.stdout).toMatch(new RegExp(`^Usage: kldiv ${name} `));
    }
    const list = run(['help']);
    expect(list.code).toBe(0);
    expect(list.stdout).toBe(run(['--help']).stdout);
    for (const name of ['loss', 'dist', 'logits', 'merge', 'help']) {
      expect(list.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    expect(run(['logits', '--help']).stdout).toContain('--plot-cdf <file>');
  });

  test('kldiv alone prints the blog example, then points to kldiv --help on stderr', () => {
    const r = run([]);
    expect(r.code).toBe(0);
    // stdout is PyTorch's output alone (test/examples.test.ts checks it line for line)
    expect(r.stdout.split('\n')[0]).toBe('default loss: tensor(0.6209)');
    expect(r.stdout).not.toContain('--help');
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'Run `kldiv --help` for the commands (loss, dist, logits, merge, samples) and their options.',
    );
  });
});
