/**
 * ERROR_TABLE (src/errors.ts) is the one table of codes: every error the bad-input matrix
 * provokes is an instance of exactly its code's class with one of its code's torchTypes, and
 * the code table of docs/errors.md lists the same codes, classes and PyTorch exceptions.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  ArgumentError,
  DTypeError,
  ERROR_TABLE,
  type ErrorClassName,
  type ErrorCode,
  KLDivError,
  NotImplementedError,
  ShapeError,
  type TorchErrorType,
} from '../src/index.js';
import { LIBRARY_ROWS } from './error-matrix.js';
import { collectWarnings } from './helpers/runners.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLASSES: Record<ErrorClassName, unknown> = {
  KLDivError,
  ArgumentError,
  ShapeError,
  DTypeError,
  NotImplementedError,
};
const TORCH_TYPES: readonly TorchErrorType[] = [
  'RuntimeError',
  'ValueError',
  'TypeError',
  'IndexError',
  'NotImplementedError',
  'none',
];

describe('every matrix error matches its code row', () => {
  test.each(LIBRARY_ROWS.map((r) => [r.input, r] as const))('%s', (_input, row) => {
    const e = collectWarnings(row.run).error as KLDivError;
    expect(e, 'no KLDivError thrown').toBeInstanceOf(KLDivError);
    const want = ERROR_TABLE[e.code as ErrorCode];
    expect(want, `code ${e.code} has no ERROR_TABLE row`).toBeDefined();
    expect(
      Object.getPrototypeOf(e),
      `${e.code} thrown as ${e.constructor.name}, its row says ${want.class}`,
    ).toBe((CLASSES[want.class] as { prototype: object }).prototype);
    expect(e.name).toBe(want.class);
    expect(
      want.torchTypes as readonly string[],
      `${e.code} thrown with torchType ${e.torchType}`,
    ).toContain(e.torchType);
  });

  // a missing WebAssembly SIMD and a failing worker thread cannot be provoked here; the thread
  // failure is provoked with failing kernels in test/errors-thread-failure.test.ts
  test('the matrix provokes every code but the two environmental ones', () => {
    const seen = new Set(LIBRARY_ROWS.map((r) => r.code));
    const missing = Object.keys(ERROR_TABLE).filter((c) => !seen.has(c));
    expect(missing).toEqual(['E_BACKEND_UNAVAILABLE', 'E_THREAD_FAILURE']);
  });

  test('not implemented is no ArgumentError', () => {
    const row = LIBRARY_ROWS.find((r) => r.code === 'E_NOT_IMPLEMENTED');
    const e = collectWarnings(row?.run ?? (() => 0)).error;
    expect(e).toBeInstanceOf(NotImplementedError);
    expect(e).not.toBeInstanceOf(ArgumentError);
    expect((e as KLDivError).torchType).toBe('NotImplementedError');
  });
});

describe('ERROR_TABLE rows', () => {
  test.each(Object.entries(ERROR_TABLE))('%s', (_code, row) => {
    expect(Object.keys(CLASSES)).toContain(row.class);
    expect(row.torchTypes.length).toBeGreaterThan(0);
    for (const t of row.torchTypes) expect(TORCH_TYPES).toContain(t);
  });
});

test('the code table of docs/errors.md agrees with ERROR_TABLE', () => {
  const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
  const head = doc.split('<!-- error-matrix:start -->')[0];
  const rows = head
    .split('\n')
    .filter((l) => /^\| `E_/.test(l))
    .map((l) =>
      l
        .replaceAll('\\|', '')
        .split('|')
        .map((c) => c.trim()),
    );
  // | code | class | raised when | message | PyTorch | test |
  const documented = rows.map((c) => {
    const named = TORCH_TYPES.filter((t) => t !== 'none' && new RegExp(`\\b${t}\\b`).test(c[5]));
    return {
      code: c[1].replaceAll('`', ''),
      class: c[2],
      torchTypes: named.length === 0 ? ['none'] : named,
    };
  });
  expect(documented.map((d) => d.code).sort()).toEqual(Object.keys(ERROR_TABLE).sort());
  for (const d of documented) {
    const row = ERROR_TABLE[d.code as ErrorCode];
    expect(d.class, `${d.code}: docs/errors.md class`).toBe(row.class);
    for (const t of d.torchTypes) {
      expect(
        row.torchTypes as readonly string[],
        `${d.code}: docs/errors.md PyTorch ${t}`,
      ).toContain(t);
    }
  }
});
