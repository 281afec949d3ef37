/**
 * `kldiv samples` end to end (packages/cli/dist, after `npm run build`): the printed values are
 * the library's on the same numbers (CSV, TSV, JSON, float32 and float64 .npy), the JSON shape,
 * seeded bootstrap intervals, the error lines (one line naming the file, exit code 2), and that
 * kldiv/samples is loaded by this command only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { RandomGenerator } from '../../src/distributions/random.js';
import { knnKLDivergence, perezCruzKLDivergence } from '../../src/samples/index.js';
import { writeNpy } from '../helpers/npy.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'packages', 'cli', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'kldiv-samples-'));
const at = (name: string) => join(dir, name);

function run(args: string[], extra: string[] = []) {
  const r = spawnSync(process.execPath, ['--no-warnings', ...extra, cli, ...args], {
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Seeded normal coordinates, row-major [n, d], shifted by `shift`. */
function normals(seed: number, n: number, d: number, shift: number): Float64Array {
  const rng = new RandomGenerator(seed);
  return Float64Array.from({ length: n * d }, () => rng.normal() + shift);
}

const rows = (a: ArrayLike<number>, d: number, sep: string) =>
  Array.from({ length: a.length / d }, (_, i) =>
    Array.from({ length: d }, (_, j) => String(a[i * d + j])).join(sep),
  ).join('\n');

// 2-D: x (n = 300) as CSV with a header line, y (m = 400) as TSV; String(v) round-trips a double
const x2 = normals(1, 300, 2, 0);
const y2 = normals(2, 400, 2, 0.5);
writeFileSync(at('x.csv'), `a,b\n${rows(x2, 2, ',')}\n`);
writeFileSync(at('y.tsv'), `${rows(y2, 2, '\t')}\n`);
writeFileSync(
  at('y.json'),
  JSON.stringify(Array.from({ length: 400 }, (_, i) => [y2[2 * i], y2[2 * i + 1]])),
);
// 1-D: a column of values in .npy (float64 and float32) and a JSON list
const x1 = normals(3, 250, 1, 0);
const y1 = normals(4, 200, 1, 0.3);
writeNpy(at('x1.npy'), x1, [250]);
writeNpy(at('y1.npy'), y1, [200, 1]);
const x1f = Float32Array.from(x1);
writeNpy(at('x1f.npy'), x1f, [250]);
writeFileSync(at('y1.json'), JSON.stringify(Array.from(y1)));
// a tie: rows 2 and 5 are the same point
writeFileSync(at('dup.csv'), '0,0\n1,0\n2,1\n3,1\n4,2\n2,1\n');
writeNpy(at('cube.npy'), new Float64Array(8), [2, 2, 2]);

const REPORT_KEYS = [
  'algorithm',
  'ci',
  'd',
  'estimate',
  'estimator',
  'k',
  'm',
  'n',
  'standardError',
];

describe('kldiv samples: the library on the same numbers', () => {
  test('k-NN, 2-D, CSV against TSV: the JSON report is knnKLDivergence', () => {
    const r = run(['samples', at('x.csv'), at('y.tsv'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout);
    const want = knnKLDivergence({ data: x2, shape: [300, 2] }, { data: y2, shape: [400, 2] });
    expect(Object.keys(got).sort()).toEqual(REPORT_KEYS);
    expect(got).toEqual({
      estimator: 'knn',
      estimate: want.estimate,
      n: 300,
      m: 400,
      d: 2,
      k: 1,
      algorithm: 'kd-tree',
      ci: null,
      standardError: null,
    });
    // JSON y gives the same bits as TSV y
    const j = JSON.parse(run(['samples', at('x.csv'), at('y.json'), '--json']).stdout);
    expect(j.estimate).toBe(want.estimate);
  });

  test('k = 4 and skipped duplicates: the options reach the library', () => {
    const got = JSON.parse(
      run(['samples', at('x.csv'), at('y.tsv'), '--k', '4', '--duplicates', 'skip', '--json'])
        .stdout,
    );
    const want = knnKLDivergence(
      { data: x2, shape: [300, 2] },
      { data: y2, shape: [400, 2] },
      { k: 4, duplicates: 'skip' },
    );
    expect(got.estimate).toBe(want.estimate);
    expect(got.k).toBe(4);
  });

  test('1-D .npy, float64 and float32: d = 1, the values the library gets from the same arrays', () => {
    const got = JSON.parse(run(['samples', at('x1.npy'), at('y1.npy'), '--json']).stdout);
    expect(got.estimate).toBe(knnKLDivergence(x1, y1).estimate);
    expect([got.n, got.m, got.d]).toEqual([250, 200, 1]);
    const f = JSON.parse(run(['samples', at('x1f.npy'), at('y1.json'), '--json']).stdout);
    expect(f.estimate).toBe(knnKLDivergence(x1f, y1).estimate);
    expect(f.estimate).not.toBe(got.estimate); // float32 rounding moved the points
  });

  test("--estimator perez-cruz: perezCruzKLDivergence, k null, 'empirical-cdf'", () => {
    const got = JSON.parse(
      run(['samples', at('x1.npy'), at('y1.npy'), '--estimator', 'perez-cruz', '--json']).stdout,
    );
    expect(got).toMatchObject({
      estimator: 'perez-cruz',
      estimate: perezCruzKLDivergence(x1, y1).estimate,
      n: 250,
      m: 200,
      d: 1,
      k: null,
      algorithm: 'empirical-cdf',
    });
  });

  test('the text report: estimate, n, m, d, k, the search', () => {
    const r = run(['samples', at('x.csv'), at('y.tsv')]);
    expect(r.code, r.stderr).toBe(0);
    const est = knnKLDivergence({ data: x2, shape: [300, 2] }, { data: y2, shape: [400, 2] });
    expect(r.stdout).toBe(
      [
        `KL(P || Q):      ${est.estimate} nats (P sampled by ${at('x.csv')}, Q by ${at('y.tsv')})`,
        'n, m, d:         300, 400, 2',
        'estimator:       k-nearest-neighbour (Wang, Kulkarni and Verdú 2009), k = 1, k-d tree search',
        '',
      ].join('\n'),
    );
  });
});

describe('kldiv samples --bootstrap', () => {
  const args = ['samples', at('x.csv'), at('y.tsv'), '--k', '2', '--bootstrap', '60'];

  test('the interval and standard error of the library with the same seed and level', () => {
    const got = JSON.parse(run([...args, '--seed', '7', '--level', '0.9', '--json']).stdout);
    const want = knnKLDivergence(
      { data: x2, shape: [300, 2] },
      { data: y2, shape: [400, 2] },
      { k: 2, bootstrap: { resamples: 60, seed: 7, level: 0.9 } },
    );
    expect(got.ci).toEqual({ ...want.ci, seed: 7 });
    expect(got.standardError).toBe(want.standardError);
    expect(got.ci.lower).toBeLessThan(got.estimate);
    expect(got.ci.upper).toBeGreaterThan(got.estimate);
  });

  test('deterministic with --seed (default 0), another seed another interval; the text names the level', () => {
    const a = run([...args, '--seed', '3']);
    const b = run([...args, '--seed', '3']);
    const c = run([...args, '--seed', '4']);
    expect(a.code, a.stderr).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).not.toBe(a.stdout);
    expect(a.stdout).toMatch(
      /^95% interval: {4}\[[-\d.e]+, [-\d.e]+\] nats \(percentile bootstrap, 60 resamples, seed 3\)$/m,
    );
    expect(a.stdout).toMatch(/^standard error: {2}[\d.e-]+ nats \(bootstrap\)$/m);
    const d = JSON.parse(run([...args, '--json']).stdout);
    expect(d.ci).toMatchObject({ seed: 0, level: 0.95, resamples: 60, method: 'percentile' });
    const t = run([...args, '--level', '0.8']);
    expect(t.stdout).toMatch(/^80% interval: /m);
  });
});

describe('kldiv samples: errors are one line naming the file, exit code 2', () => {
  test('duplicate points: the file, the rows, and the flag that skips them', () => {
    const r = run(['samples', at('dup.csv'), at('y.tsv')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^kldiv: ${at('dup.csv').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: knnKLDivergence: x\\[2\\] and x\\[5\\] are the same point`,
      ),
    );
    expect(r.stderr).toContain('pass --duplicates skip');
    // ties in y for Pérez-Cruz name y's file
    writeFileSync(at('ties.csv'), '1\n2\n2\n');
    const p = run(['samples', at('x1.npy'), at('ties.csv'), '--estimator', 'perez-cruz']);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain(
      `kldiv: ${at('ties.csv')}: perezCruzKLDivergence: y[1] and y[2] are equal (2)`,
    );
  });

  test.each([
    ['a 3-D array', [at('cube.npy'), at('y.tsv')], 'cube.npy: samples must be 1-D'],
    ['different dimensions', [at('x.csv'), at('y1.npy')], 'must have the same dimension d'],
    ['a missing file', [at('none.csv'), at('y.tsv')], 'none.csv: no such file'],
    ['k above m', [at('x1.npy'), at('y1.npy'), '--k', '201'], "option 'k' must be at most"],
    [
      'Pérez-Cruz on 2-D samples',
      [at('x.csv'), at('y.tsv'), '--estimator', 'perez-cruz'],
      'x.csv: perezCruzKLDivergence: argument',
    ],
  ])('%s', (_name, args, text) => {
    const r = run(['samples', ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^kldiv: /);
    expect(r.stderr).toContain(text);
  });

  test.each([
    [['--k', '0'], '--k must be a positive integer'],
    [['--k', '1.5'], "--k must be a positive integer; received '1.5'"],
    [['--estimator', 'kde'], "argument 'kde' is invalid"],
    [['--duplicates', 'jitter'], "argument 'jitter' is invalid"],
    [['--bootstrap', '1'], '--bootstrap must be an integer from 2 to 1e7'],
    [['--bootstrap', '10', '--level', '1'], '--level must be a number in (0, 1)'],
    [['--bootstrap', '10', '--seed', '0.5'], '--seed must be a safe integer'],
    [['--seed', '2'], "option '--seed' needs --bootstrap <resamples>"],
    [['--level', '0.9'], "option '--level' needs --bootstrap <resamples>"],
    [['--estimator', 'perez-cruz', '--k', '2'], "'--k <k>' applies to --estimator knn only"],
    [['--bins', '3'], "unknown option '--bins'"],
  ])('bad option %j: exit 2', (opts, text) => {
    const r = run(['samples', at('x1.npy'), at('y1.npy'), ...opts]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(text);
  });

  test('a missing argument: exit 2', () => {
    const r = run(['samples', at('x1.npy')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument 'y'");
  });
});

describe('start-up: kldiv/samples is loaded by kldiv samples only', () => {
  // the resolve hook of test/cli/startup.test.ts: every module the CLI resolves, into a file
  writeFileSync(
    at('hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.KLDIV_TRACE, specifier + '\\t' + r.url + '\\n');
  return r;
}
`,
  );
  writeFileSync(
    at('register.mjs'),
    `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`,
  );
  const samplesDir = `${pathToFileURL(join(root, 'dist', 'samples')).href}/`;
  let traces = 0;
  function loadsSamples(args: string[]): { code: number | null; loads: boolean } {
    const file = at(`trace-${traces++}.txt`);
    writeFileSync(file, '');
    const r = spawnSync(
      process.execPath,
      ['--no-warnings', '--import', at('register.mjs'), cli, ...args],
      { encoding: 'utf8', env: { ...process.env, KLDIV_TRACE: file } },
    );
    const lines = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
    const loads = lines.some((l) => {
      const [specifier, url] = l.split('\t');
      return specifier === 'kldiv/samples' || url.startsWith(samplesDir);
    });
    return { code: r.status, loads };
  }

  test('samples loads it (the hook sees it); --version, help, loss and dist do not', () => {
    expect(loadsSamples(['samples', at('x1.npy'), at('y1.npy')])).toEqual({ code: 0, loads: true });
    writeFileSync(at('input.csv'), '-2,-6,-8\n-7,-1,-2\n');
    writeFileSync(at('target.csv'), '0.8,0.1,0.1\n0.1,0.7,0.2\n');
    for (const args of [
      ['--version'],
      ['help', 'samples'],
      ['loss', at('input.csv'), at('target.csv')],
      ['dist', at('target.csv')],
    ]) {
      expect(loadsSamples(args), args.join(' ')).toEqual({ code: 0, loads: false });
    }
  });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
