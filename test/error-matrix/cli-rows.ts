/** Bad-input rows of the kldiv command line. */
import type { CliRow } from '../error-matrix.js';

const x = [[-1.2, -0.4]];

export const CLI_ROWS_BASE: CliRow[] = [
  {
    input: 'kldiv logits missing.npy b.npy',
    args: ['logits', '{dir}/missing.npy', '{dir}/b.npy'],
    code: 'exit 2',
    message: 'kldiv: {dir}/missing.npy: no such file',
  },
  {
    input: 'kldiv logits truncated.npy b.npy',
    args: ['logits', '{dir}/truncated.npy', '{dir}/b.npy'],
    code: 'exit 2',
    message:
      'kldiv: {dir}/truncated.npy: truncated: the header declares shape [10, 10] float32 (400 bytes of data) but the file holds',
  },
  {
    input: 'kldiv logits ints.npy b.npy (int32 data)',
    args: ['logits', '{dir}/ints.npy', '{dir}/b.npy'],
    code: 'exit 2',
    message: "kldiv: {dir}/ints.npy: unsupported dtype '<i4'",
  },
  {
    input: 'kldiv logits notnpy.npy b.npy (no magic string)',
    args: ['logits', '{dir}/notnpy.npy', '{dir}/b.npy'],
    code: 'exit 2',
    message: 'kldiv: {dir}/notnpy.npy: not a .npy file',
  },
  {
    input: 'kldiv loss ragged.csv ragged.csv',
    args: ['loss', '{dir}/ragged.csv', '{dir}/ragged.csv'],
    code: 'exit 2',
    message: 'kldiv: {dir}/ragged.csv: ragged: line 2 has 2 fields, expected 3',
  },
  {
    input: 'kldiv loss bad.json bad.json (invalid JSON)',
    args: ['loss', '{dir}/bad.json', '{dir}/bad.json'],
    code: 'exit 2',
    message: 'kldiv: {dir}/bad.json: invalid JSON',
  },
  {
    input: 'kldiv logits a.npy b.npy (different shapes)',
    args: ['logits', '{dir}/a.npy', '{dir}/b.npy'],
    code: 'exit 2',
    message: 'kldiv: {dir}/a.npy and {dir}/b.npy: shapes [2, 3] and [2, 2] differ',
  },
  {
    input: 'kldiv logits b.npy b.npy --out /no/such/dir/x.csv',
    args: ['logits', '{dir}/b.npy', '{dir}/b.npy', '--out', '{dir}/no/such/x.csv'],
    code: 'exit 2',
    message: 'kldiv: {dir}/no/such/x.csv: cannot write: no such file',
  },
  {
    input: 'kldiv logits b.npy b.npy --temperature 0',
    args: ['logits', '{dir}/b.npy', '{dir}/b.npy', '--temperature', '0'],
    code: 'exit 2',
    message: "error: option '--temperature <t>' argument '0' is invalid",
  },
  {
    input: 'kldiv loss a.csv b.csv --reduction avg',
    args: ['loss', '{dir}/ragged.csv', '{dir}/ragged.csv', '--reduction', 'avg'],
    code: 'exit 2',
    message: "error: option '--reduction <r>' argument 'avg' is invalid",
  },
  {
    input: 'kldiv dist p.csv --base 1',
    args: ['dist', '{dir}/p.csv', '--base', '1'],
    code: 'exit 2',
    message: "error: option '--base <b>' argument '1' is invalid",
  },
  {
    input: 'kldiv frobnicate',
    args: ['frobnicate'],
    code: 'exit 2',
    message: "error: unknown command 'frobnicate'",
  },
];
