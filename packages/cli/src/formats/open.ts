/**
 * `openLogits`: any logits file as a `RowSource`. Binary formats (.npy, .npz, .safetensors)
 * are read by offset, a chunk of rows at a time; JSON, CSV and stdin are parsed whole, as
 * `kldiv loss` reads them.
 */
import { CliError } from '../errors.js';
import { type ArrayData, parseTextArray } from '../read.js';
import { decodeFloats } from './decode.js';
import { detectFormat, isBinaryFormat } from './detect.js';
import { type FloatDtype, ITEM_SIZE, isFloatDtype, unsupportedLogitsDtype } from './dtype.js';
import { openRandomAccess } from './file.js';
import { openArray } from './open-array.js';
import { checkReaderOptions, type ReaderOptions } from './options.js';
import type { RowSource } from './row-source.js';
import type { StoredArray } from './stored-array.js';

// the default chunk: about 4 Mi elements (16 MB of float32) per read
const CHUNK_ELEMENTS = 4_194_304;

/** [rows, vocab] of a rank-2 or rank-3 logits shape; any other rank is an error. */
function logitsShape(shape: number[], where: string, label: string): [number, number] {
  if (shape.length !== 2 && shape.length !== 3) {
    throw new CliError(
      where,
      `${label}expected a [tokens, vocab] matrix or a [batch, seq, vocab] array of logits; the array has shape [${shape.join(', ')}]`,
    );
  }
  const vocab = shape[shape.length - 1];
  return [shape.slice(0, -1).reduce((a, b) => a * b, 1), vocab];
}

/** A `read` argument check: whole rows inside [0, rows). */
function checkRows(where: string, start: number, count: number, rows: number): void {
  if (
    !Number.isSafeInteger(start) ||
    !Number.isSafeInteger(count) ||
    start < 0 ||
    count < 0 ||
    start + count > rows
  ) {
    throw new CliError(where, `read(${start}, ${count}) asks for rows outside [0, ${rows})`);
  }
}

function storedRows(a: StoredArray, chunkRows: number | undefined): RowSource {
  const { type, shape, data, path, label } = a;
  if (!isFloatDtype(type.dtype))
    throw new CliError(path, `${label}${unsupportedLogitsDtype(type)}`);
  const [rows, vocab] = logitsShape(shape, path, label);
  const rowBytes = vocab * ITEM_SIZE[type.dtype];
  return {
    path,
    name: a.name,
    shape,
    rows,
    vocab,
    dtype: type.dtype,
    chunkRows: chunkRows ?? Math.max(1, Math.floor(CHUNK_ELEMENTS / Math.max(1, vocab))),
    read(start, count) {
      checkRows(path, start, count, rows);
      return decodeFloats(data.read(start * rowBytes, count * rowBytes), type);
    },
    close: () => a.close(),
  };
}

function textRows(a: ArrayData, where: string, chunkRows: number | undefined): RowSource {
  const [rows, vocab] = logitsShape(a.shape, where, '');
  return {
    path: where,
    name: undefined,
    shape: a.shape,
    rows,
    vocab,
    dtype: a.dtype as FloatDtype,
    chunkRows: chunkRows ?? Math.max(1, Math.floor(CHUNK_ELEMENTS / Math.max(1, vocab))),
    read(start, count) {
      checkRows(where, start, count, rows);
      return a.data.slice(start * vocab, (start + count) * vocab);
    },
    close: () => {},
  };
}

/**
 * Opens a logits file as a [tokens, vocab] `RowSource` read in chunks of rows.
 *
 * Formats (by extension; stdin `-` and unknown extensions by content): `.npy` (float16,
 * float32, float64, either byte order), `.npz` (`np.savez` or `np.savez_compressed`; the
 * array named `array`, or the only one), `.safetensors` (F16, BF16, F32, F64; the tensor named
 * `array`, or the only one), `.json`, `.csv`, `.tsv`. The array is [tokens, vocab] or
 * [batch, seq, vocab]. Binary files are read a chunk at a time, so memory stays O(chunk);
 * JSON, CSV and stdin are parsed whole. Every failure is a `CliError` naming the file (and
 * the array).
 *
 * @param path - the file, or `'-'` for stdin.
 * @param options - `array`: the array's name in an .npz or .safetensors file; `chunkRows`:
 *   rows per chunk (`RowSource.chunkRows`; default about 4 Mi elements per chunk).
 * @example
 * ```ts
 * import { openLogits } from './open.js';
 * const logits = openLogits('test/data/cli-formats/logits.safetensors', { array: 'logits_bf16' });
 * console.log(logits.rows, logits.vocab, logits.dtype); // 5 7 bfloat16
 * console.log(Array.from(logits.read(1, 2).subarray(0, 3))); // [ 1.1796875, -1.0078125, -1.9375 ]
 * logits.close();
 * ```
 */
export function openLogits(path: string, options?: ReaderOptions): RowSource {
  const { array, chunkRows } = checkReaderOptions(options, ['array', 'chunkRows'], 'openLogits');
  const file = openRandomAccess(path);
  let format: ReturnType<typeof detectFormat>;
  try {
    format = detectFormat(file);
    if (!isBinaryFormat(format)) {
      const bytes = file.read(0, file.size);
      file.close();
      return textRows(parseTextArray(bytes, format, file.path), file.path, chunkRows);
    }
  } catch (e) {
    file.close(); // idempotent
    throw e;
  }
  const stored = openArray(file, format, array);
  try {
    return storedRows(stored, chunkRows);
  } catch (e) {
    stored.close();
    throw e;
  }
}
