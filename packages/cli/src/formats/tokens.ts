/**
 * `readTokens`: the token ids that go with a logits file (the next token at each position),
 * from any integer array: .npy, .npz, .safetensors, or JSON/CSV integers.
 */
import { CliError } from '../errors.js';
import { parseTextArray } from '../read.js';
import { decodeInts } from './decode.js';
import { detectFormat, isBinaryFormat } from './detect.js';
import { isFloatDtype } from './dtype.js';
import { openRandomAccess } from './file.js';
import { openArray } from './open-array.js';
import { checkReaderOptions } from './options.js';

function checkRank(shape: number[], where: string, label: string): void {
  if (shape.length !== 1 && shape.length !== 2) {
    throw new CliError(
      where,
      `${label}expected token ids of shape [tokens] or [batch, seq]; the array has shape [${shape.join(', ')}]`,
    );
  }
}

/**
 * Reads token ids, flattened in C order ([batch, seq] becomes batch x seq ids, row `b * seq +
 * s`, as `openLogits` flattens [batch, seq, vocab]). Integer dtypes of 8 to 64 bits, signed or
 * not, in either byte order; every id must fit in int32 (negative ids such as -100 are kept, for
 * the caller to mask). JSON and CSV values must be integers.
 *
 * @param path - the file, or `'-'` for stdin.
 * @param options - `array`: the array's name in an .npz or .safetensors file.
 * @example
 * ```ts
 * import { readTokens } from './tokens.js';
 * console.log(readTokens('test/data/cli-formats/logits.safetensors', { array: 'tokens' })); // Int32Array(6) [ 1, 3, 6, 1, 0, 3 ]
 * ```
 */
export function readTokens(path: string, options?: { array?: string }): Int32Array {
  const { array } = checkReaderOptions(options, ['array'], 'readTokens');
  const file = openRandomAccess(path);
  let format: ReturnType<typeof detectFormat>;
  try {
    format = detectFormat(file);
    if (!isBinaryFormat(format)) {
      const bytes = file.read(0, file.size);
      file.close();
      const a = parseTextArray(bytes, format, file.path);
      checkRank(a.shape, file.path, '');
      const ids = new Int32Array(a.data.length);
      for (let i = 0; i < ids.length; i++) {
        const v = a.data[i];
        if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
          throw new CliError(file.path, `token id ${v} at index ${i} is not an int32 integer`);
        }
        ids[i] = v;
      }
      return ids;
    }
  } catch (e) {
    file.close(); // idempotent
    throw e;
  }
  const stored = openArray(file, format, array);
  try {
    const { type, shape, data, label } = stored;
    if (isFloatDtype(type.dtype)) {
      throw new CliError(
        file.path,
        `${label}unsupported dtype '${type.descr}' for token ids (${type.dtype}; token ids must be integers)`,
      );
    }
    checkRank(shape, file.path, label);
    return decodeInts(data.read(0, data.size), type, file.path, label);
  } finally {
    stored.close();
  }
}
