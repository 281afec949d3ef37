/**
 * Reading whole arrays from files: .npy, .npz and .safetensors (float16, bfloat16, float32,
 * float64), .json (nested arrays of numbers), .csv/.tsv (rows of numbers), or stdin with `-`
 * (format sniffed from the content). Logits too large for memory are read in chunks through
 * `openLogits` (formats/open.ts) instead.
 */
import { CliError } from './errors.js';
import { decodeFloats } from './formats/decode.js';
import { detectFormat, type FileFormat, isBinaryFormat } from './formats/detect.js';
import { isFloatDtype } from './formats/dtype.js';
import { openRandomAccess } from './formats/file.js';
import { openArray } from './formats/open-array.js';

/** A dense row-major array read from a file. */
export interface ArrayData {
  data: Float32Array | Float64Array;
  shape: number[];
  dtype: 'float32' | 'float64';
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

/** Parses the bytes of a JSON, CSV or TSV file. */
export function parseTextArray(
  bytes: Uint8Array,
  format: 'json' | 'csv' | 'tsv',
  where: string,
): ArrayData {
  const text = new TextDecoder().decode(bytes);
  if (format === 'json') return fromJson(text, where);
  return fromDelimited(text, format === 'tsv' ? '\t' : ',', where);
}

/**
 * Reads a whole array from `path` ('-' for stdin); `array` names the one to read in an .npz or
 * .safetensors file that holds several. float16 and bfloat16 become float32, exactly.
 */
export function readArray(path: string, options: { array?: string } = {}): ArrayData {
  const file = openRandomAccess(path);
  let format: FileFormat;
  try {
    format = detectFormat(file);
    if (!isBinaryFormat(format)) {
      const bytes = file.read(0, file.size);
      file.close();
      return parseTextArray(bytes, format, file.path);
    }
  } catch (e) {
    file.close(); // idempotent
    throw e;
  }
  const stored = openArray(file, format, options.array);
  try {
    const { type, shape, data, label } = stored;
    if (!isFloatDtype(type.dtype)) {
      throw new CliError(
        stored.path,
        `${label}unsupported dtype '${type.descr}' (${type.dtype}; kldiv reads float16, bfloat16, float32 and float64 arrays)`,
      );
    }
    const values = decodeFloats(data.read(0, data.size), type);
    return { data: values, shape, dtype: values instanceof Float64Array ? 'float64' : 'float32' };
  } finally {
    stored.close();
  }
}
