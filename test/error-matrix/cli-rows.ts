/** Bad-input rows of the kldiv command line. */
import type { CliRow } from '../error-matrix.js';

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
    input: 'kldiv logits nan-base.npy nan-compare.npy (NaN in base row 7)',
    args: ['logits', 'test/data/cli-logits/nan-base.npy', 'test/data/cli-logits/nan-compare.npy'],
    code: 'exit 2',
    message:
      'kldiv: test/data/cli-logits/nan-base.npy: row 7 contains NaN at vocab index 3; such rows are refused by default: --nan-rows skip leaves them out',
  },
  {
    input: 'kldiv logits b.npy b.npy --nan-rows drop',
    args: ['logits', '{dir}/b.npy', '{dir}/b.npy', '--nan-rows', 'drop'],
    code: 'exit 2',
    message: "error: option '--nan-rows <rule>' argument 'drop' is invalid",
  },
  {
    input: 'kldiv logits b.npy b.npy --plot-delta-p dp.svg (no --tokens)',
    args: ['logits', '{dir}/b.npy', '{dir}/b.npy', '--plot-delta-p', '{dir}/dp.svg'],
    code: 'exit 2',
    message: "error: option '--plot-delta-p <file>' needs --tokens <ids>",
  },
  {
    input: 'kldiv logits b.npy b.npy --tokens a.npy (float32 ids)',
    args: ['logits', '{dir}/b.npy', '{dir}/b.npy', '--tokens', '{dir}/a.npy'],
    code: 'exit 2',
    message: "kldiv: {dir}/a.npy: unsupported dtype '<f4' for token ids",
  },
  {
    input: 'kldiv logits b.npy b.npy --tokens ints.npy (4 ids for 2 tokens)',
    args: ['logits', '{dir}/b.npy', '{dir}/b.npy', '--tokens', '{dir}/ints.npy'],
    code: 'exit 2',
    message:
      'kldiv: {dir}/ints.npy: holds 4 token ids; the logits have 2 tokens (shape [2, 2] in {dir}/b.npy)',
  },
  {
    input: 'kldiv logits b.npy b.npy --array x --base-array y',
    args: ['logits', '{dir}/b.npy', '{dir}/b.npy', '--array', 'x', '--base-array', 'y'],
    code: 'exit 2',
    message: "error: option '--array <name>' cannot be used with option '--base-array <name>'",
  },
  {
    input: 'kldiv logits b.npy b.npy --threads 0',
    args: ['logits', '{dir}/b.npy', '{dir}/b.npy', '--threads', '0'],
    code: 'exit 2',
    message: "error: option '--threads <n>' argument '0' is invalid",
  },
  {
    input: 'kldiv merge bad.json (invalid JSON)',
    args: ['merge', '{dir}/bad.json'],
    code: 'exit 2',
    message: 'kldiv: {dir}/bad.json: not a state file: invalid JSON',
  },
  {
    input: 'kldiv merge missing.json',
    args: ['merge', '{dir}/missing.json'],
    code: 'exit 2',
    message: 'kldiv: {dir}/missing.json: no such file',
  },
  {
    input: 'kldiv merge state-t1.json state-t2.json (temperatures 1 and 2)',
    args: ['merge', 'test/data/cli-logits/state-t1.json', 'test/data/cli-logits/state-t2.json'],
    code: 'exit 2',
    message:
      'kldiv: test/data/cli-logits/state-t2.json: cannot merge with test/data/cli-logits/state-t1.json: temperature 2 here, 1 there',
  },
  {
    input: 'kldiv dist dist-nan.csv (NaN in row 1)',
    args: ['dist', 'test/data/cli-logits/dist-nan.csv'],
    code: 'exit 2',
    message: 'kldiv: test/data/cli-logits/dist-nan.csv: NaN at index [1, 1]',
  },
  {
    input: 'kldiv frobnicate',
    args: ['frobnicate'],
    code: 'exit 2',
    message: "error: unknown command 'frobnicate'",
  },
];
