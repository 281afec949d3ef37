/**
 * `kldiv logits --threads N`: worker threads over units of rows, merged in row order, give
 * bitwise the same stdout (text and JSON), state file and CSV for any thread count and unit size,
 * including masked entries, an infinite token, skipped rows and tokens; the first invalid row in
 * file order is the one reported whatever thread meets it first; workers really run (a resolve
 * hook sees worker.js load) and stdin, JSON and CSV inputs stay on one thread.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { workerOptions } from '../../packages/cli/src/logits/threads.js';
import { writeNpy } from '../helpers/npy.js';
import { run } from './logits-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'kldiv-logits-threads-'));
const at = (name: string) => join(dir, name);

const rows = 301;
const vocab = 157;
let seed = 19;
const uniform = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const base = Float32Array.from({ length: rows * vocab }, () => 6 * (uniform() - 0.5));
const compare = base.map((v) => v + 0.8 * (uniform() - 0.5));
for (let r = 0; r < rows; r++) {
  base[r * vocab + 5] = Number.NEGATIVE_INFINITY; // a masked vocabulary entry, in both
  compare[r * vocab + 5] = Number.NEGATIVE_INFINITY;
}
compare[77 * vocab + 9] = Number.NEGATIVE_INFINITY; // token 77: KL +inf
const skipped = Float32Array.from(base);
skipped[120 * vocab + 3] = Number.NaN; // skipped with --nan-rows skip
const twoBad = Float32Array.from(base);
twoBad[250 * vocab + 1] = Number.NaN;
twoBad[100 * vocab + 2] = Number.NaN; // the first invalid row in file order
const tokens = Int32Array.from({ length: rows }, (_, i) =>
  (i * 37) % vocab === 5 ? 6 : (i * 37) % vocab,
);
writeNpy(at('base.npy'), skipped, [rows, vocab]);
writeNpy(at('compare.npy'), compare, [rows, vocab]);
writeNpy(at('two-bad.npy'), twoBad, [rows, vocab]);
writeNpy(at('tokens.npy'), tokens, [rows]);

/** stdout (text and JSON), state and CSV of one run. */
function outputs(extra: string[], tag: string) {
  const common = [
    'logits',
    at('base.npy'),
    at('compare.npy'),
    '--tokens',
    at('tokens.npy'),
    '--top-k',
    '3',
    '--temperature',
    '1.5',
    '--nan-rows',
    'skip',
    ...extra,
  ];
  const text = run([...common, '--state', at(`${tag}.json`), '--out', at(`${tag}.csv`)]);
  expect(text.code, text.stderr).toBe(0);
  const json = run([...common, '--json']);
  expect(json.code, json.stderr).toBe(0);
  return {
    text: text.stdout,
    json: json.stdout,
    state: readFileSync(at(`${tag}.json`), 'utf8'),
    csv: readFileSync(at(`${tag}.csv`), 'utf8'),
  };
}

describe('kldiv logits --threads', () => {
  test('1, 2, 3 and 4 threads, units of 9 or 64 rows, and the default: the same bytes', () => {
    const one = outputs(['--threads', '1'], 'one');
    const r = JSON.parse(one.json);
    // what the data holds, so that the comparison covers every kind of row
    expect(r.tokens).toBe(rows - 1);
    expect(r.skippedRows).toBe(1);
    expect(r.infiniteTokens).toBe(1);
    expect(r.perplexity.base).toBeGreaterThan(1);
    for (const [threads, unit] of [
      ['2', '9'],
      ['3', '9'],
      ['4', '64'],
      ['2', '301'],
    ]) {
      const many = outputs(['--threads', threads, '--chunk-rows', unit], `t${threads}-${unit}`);
      expect(many, `${threads} threads, ${unit} rows per unit`).toEqual(one);
    }
    expect(outputs([], 'default')).toEqual(one);
  });

  test('the first invalid row in file order is reported, however the threads run', () => {
    for (const threads of ['1', '2', '3']) {
      const r = run([
        'logits',
        at('two-bad.npy'),
        at('compare.npy'),
        '--threads',
        threads,
        '--chunk-rows',
        '7',
      ]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        new RegExp(`^kldiv: ${at('two-bad.npy')}: row 100 contains NaN at vocab index 2;`),
      );
    }
  });

  test('workers run with --threads 2 and not with 1; stdin, JSON and CSV stay on one thread', () => {
    writeFileSync(
      at('hooks.mjs'),
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.KLDIV_TRACE, r.url + '\\n');
  return r;
}
`,
    );
    writeFileSync(
      at('register.mjs'),
      `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`,
    );
    const small = Array.from({ length: 4 }, (_, r) =>
      Array.from(base.subarray(r * vocab, (r + 1) * vocab)).join(','),
    ).join('\n');
    writeFileSync(at('small.csv'), small.replaceAll('-Infinity', '-inf'));
    const workers = (args: string[], tag: string) => {
      const trace = at(`trace-${tag}.txt`);
      writeFileSync(trace, '');
      const r = run(args, {
        nodeArgs: ['--no-warnings', '--import', at('register.mjs')],
        env: { KLDIV_TRACE: trace },
      });
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(trace, 'utf8')
        .split('\n')
        .filter((u) => u.endsWith('/logits/worker.js')).length;
    };
    const npy = ['logits', at('base.npy'), at('compare.npy'), '--nan-rows', 'skip'];
    expect(workers([...npy, '--threads', '2', '--chunk-rows', '50'], 'two')).toBe(2);
    expect(workers([...npy, '--threads', '1'], 'one')).toBe(0);
    expect(
      workers(
        ['logits', at('small.csv'), at('small.csv'), '--threads', '2', '--chunk-rows', '1'],
        'csv',
      ),
    ).toBe(0);
  });
});

describe('worker options', () => {
  test('inherited as by default, unless the parent ran `node -e` / `-p`: then without its flags and heap sizes', () => {
    expect(workerOptions(['--no-warnings', '--import', 'x.mjs'])).toEqual({});
    expect(
      workerOptions([
        '--max-old-space-size=64',
        '--input-type=module',
        '-e',
        'script',
        '--no-warnings',
      ]),
    ).toEqual({ execArgv: ['--no-warnings'], resourceLimits: { maxOldGenerationSizeMb: 64 } });
    expect(workerOptions(['--eval=1', '--import', 'x.mjs', '--max-semi-space-size=16'])).toEqual({
      execArgv: ['--import', 'x.mjs'],
    });
  });
});
