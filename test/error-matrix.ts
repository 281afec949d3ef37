/**
 * The bad-input matrix of docs/errors.md: every row is an input, the error code it gets and
 * the start of the message (PyTorch's wording where PyTorch has one). test/error-matrix.test.ts
 * runs every row and checks that the table in docs/errors.md lists exactly these rows.
 */
import { CLI_ROWS_BASE } from './error-matrix/cli-rows.js';
import { CORE_ROWS } from './error-matrix/core-rows.js';
import { DISTRIBUTION_ROWS } from './error-matrix/distribution-rows.js';
import { STREAM_ROWS } from './error-matrix/stream-rows.js';
import { SUBPATH_ROWS } from './error-matrix/subpath-rows.js';

export interface LibraryRow {
  input: string;
  run: () => unknown;
  code: string;
  message: string;
}

export interface CliRow {
  input: string;
  /** Arguments; `{dir}` is replaced by a directory holding the test files. */
  args: string[];
  code: 'exit 2';
  message: string;
}

/** Every library row, in the order docs/errors.md numbers them. */
export const LIBRARY_ROWS: LibraryRow[] = [
  ...CORE_ROWS,
  ...STREAM_ROWS,
  ...DISTRIBUTION_ROWS,
  ...SUBPATH_ROWS,
];

/** Every command-line row. */
export const CLI_ROWS: CliRow[] = [...CLI_ROWS_BASE];
