/**
 * Reading arrays from files: .npy (float32/float64, C order), .json (nested arrays of numbers),
 * .csv/.tsv (rows of numbers), or stdin with `-` (format sniffed from the content).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { CliError } from './errors.js';
import { describeFsError, isNpy, parseHeader } from './npy.js';

/** A dense row-major array read from a file. */
export interface ArrayData {
  data: Float32Array | Float64Array;
  shape: number[];
  dtype: 'float32' | 'float64';
}

function readBytes(path: string): Uint8Array {
  try {
    return path === '-' ? readFileSync(0) : readFileSync(path);
  } catch (e) {
    throw new CliError(path === '-' ? 'stdin' : path, describeFsError(e));
  }
}

/** The format of `path`: by extension, or sniffed from the bytes for stdin / unknown ones. */
export function formatOf(path: string, bytes?: Uint8Array): 'npy' | 'json' | 'csv' | 'tsv' {
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') return 'npy';
  if (ext === '.json') return 'json';
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (bytes !== undefined) {
    if (isNpy(bytes)) return 'npy';
    const head = new TextDecoder().decode(bytes.subarray(0, 4096)).trimStart();
    if (head.startsWith('[') || head.startsWith('{')) return 'json';
    return head.split('\n')[0].includes('\t') ? 'tsv' : 'csv';
  }
  throw new CliError(path, `unknown file type '${ext}' (use .npy, .json, .csv or .tsv)`);
}

function fromNpy(bytes: Uint8Array, where: string): ArrayData {
  const h = parseHeader(bytes, where);
  const n = h.shape.reduce((a, b) => a * b, 1);
  const size = h.dtype === 'float32' ? 4 : 8;
  if (bytes.length < h.offset + n * size) {
    throw new CliError(
      where,
      `truncated: the header declares shape [${h.shape.join(', ')}] ${h.dtype} (${n * size} bytes of data) but the file holds ${Math.max(0, bytes.length - h.offset)}`,
    );
  }
  // a copy (Node Buffers share pooled memory; typed views need their own aligned buffer)
  const copy = new Uint8Array(bytes.subarray(h.offset, h.offset + n * size));
  const data =
    h.dtype === 'float32' ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
  return { data, shape: h.shape, dtype: h.dtype };
}

function fromJson(text: string, where: string): ArrayData {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CliError(where, `invalid JSON: ${(e as Error).message}`);
  }
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  const flat: number[] = [];
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number')
        throw new CliError(
          where,
          `expected a number at ${path || 'the top level'}; found ${JSON.stringify(v)?.slice(0, 40)}`,
        );
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new CliError(
        where,
        `ragged nested arrays: ${path || 'the top level'} should be an array of length ${shape[depth]}`,
      );
    }
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, `${path}[${i}]`);
  };
  walk(value, 0, '');
  return { data: Float64Array.from(flat), shape, dtype: 'float64' };
}

/** A CSV field as a number: decimal, or nan / inf / -inf as NumPy writes them; NaN if neither. */
function parseField(f: string): number {
  if (/^[+-]?nan$/i.test(f)) return Number.NaN;
  const inf = /^([+-]?)inf(inity)?$/i.exec(f);
  if (inf) return inf[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return f === '' ? Number.NaN : Number(f);
}

function fromDelimited(text: string, sep: string, where: string): ArrayData {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const rows: number[][] = [];
  for (let i = 0; i < lines.length; i++) {
    const fields = lines[i].split(sep).map((f) => f.trim());
    const nums = fields.map(parseField);
    const bad = fields.findIndex((f, j) => Number.isNaN(nums[j]) && !/^[+-]?nan$/i.test(f));
    if (bad >= 0) {
      if (i === 0) continue; // a header line
      throw new CliError(
        where,
        `line ${i + 1}, field ${bad + 1}: '${fields[bad]}' is not a number`,
      );
    }
    if (rows.length > 0 && nums.length !== rows[0].length) {
      throw new CliError(
        where,
        `ragged: line ${i + 1} has ${nums.length} fields, expected ${rows[0].length}`,
      );
    }
    rows.push(nums);
  }
  if (rows.length === 0) throw new CliError(where, 'no numeric rows');
  const shape = rows.length === 1 ? [rows[0].length] : [rows.length, rows[0].length];
  return { data: Float64Array.from(rows.flat()), shape, dtype: 'float64' };
}

/** Reads a whole array from `path` ('-' for stdin). */
export function readArray(path: string): ArrayData {
  const bytes = readBytes(path);
  const where = path === '-' ? 'stdin' : path;
  const format = formatOf(path, path === '-' ? bytes : undefined);
  if (format === 'npy') return fromNpy(bytes, where);
  const text = new TextDecoder().decode(bytes);
  if (format === 'json') return fromJson(text, where);
  return fromDelimited(text, format === 'tsv' ? '\t' : ',', where);
}
