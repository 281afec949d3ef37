/**
 * Every row of the bad-input matrix (test/error-matrix.ts) gets its error: library rows throw a
 * KLDivError with the row's code and message; CLI rows exit with code 2 and print the message as
 * one line on stderr. The table in docs/errors.md must list exactly these rows.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { KLDivError } from '../src/index.js';
import { CLI_ROWS, LIBRARY_ROWS } from './error-matrix.js';
import { npyBytes, writeNpy } from './helpers/npy.js';
import { collectWarnings } from './helpers/runners.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages', 'cli', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'kldiv-errors-'));
writeNpy(join(dir, 'a.npy'), new Float32Array(6), [2, 3]);
writeNpy(join(dir, 'b.npy'), new Float32Array(4), [2, 2]);
writeNpy(join(dir, 'ints.npy'), Int32Array.from([1, 2, 3, 4]), [2, 2]);
writeFileSync(
  join(dir, 'truncated.npy'),
  npyBytes(new Float32Array(100), [10, 10]).subarray(0, 200),
);
writeFileSync(join(dir, 'notnpy.npy'), 'hello');
writeFileSync(join(dir, 'ragged.csv'), '1,2,3\n4,5\n');
writeFileSync(join(dir, 'bad.json'), '[[1, 2]');
writeFileSync(join(dir, 'p.csv'), '1,2,3\n');
mkdirSync(join(dir, 'no'), { recursive: true });

describe('library rows', () => {
  test('the matrix has at least 60 rows in all', () => {
    expect(LIBRARY_ROWS.length + CLI_ROWS.length).toBeGreaterThanOrEqual(60);
  });
  test.each(LIBRARY_ROWS.map((r) => [r.input, r] as const))('%s', (_input, row) => {
    const run = collectWarnings(row.run);
    expect(run.error, 'no error thrown').toBeInstanceOf(KLDivError);
    const e = run.error as KLDivError;
    expect(e.code).toBe(row.code);
    expect(e.message).toContain(row.message);
  });
});

describe('CLI rows', () => {
  test.each(CLI_ROWS.map((r) => [r.input, r] as const))('%s', (_input, row) => {
    const r = spawnSync(process.execPath, [cli, ...row.args.map((a) => a.replace('{dir}', dir))], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(row.message.replaceAll('{dir}', dir));
  });
});

test('docs/errors.md lists exactly the matrix', () => {
  const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
  const block =
    doc.split('<!-- error-matrix:start -->')[1]?.split('<!-- error-matrix:end -->')[0] ?? '';
  const cells = (line: string) =>
    line
      .replaceAll('\\|', '\u0000')
      .split('|')
      .slice(1, -1)
      // code spans: single or double backticks (the formatter picks), unwrapped
      .map((c) => c.trim().replaceAll('\u0000', '|').replace(/^`+ ?/, '').replace(/ ?`+$/, ''));
  const rows = block
    .split('\n')
    .filter((l) => l.startsWith('|') && !l.startsWith('| #') && !l.startsWith('| -'))
    .map(cells);
  const want = [...LIBRARY_ROWS, ...CLI_ROWS].map((r, i) => [
    String(i + 1),
    r.input,
    r.code,
    r.message,
  ]);
  expect(rows).toEqual(want);
});
