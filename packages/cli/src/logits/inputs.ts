/**
 * The inputs of `kldiv logits`, opened and checked before any statistic is computed: two logits
 * files of one shape, and the next-token ids (one per token, each in the vocabulary).
 */
import { CliError } from '../errors.js';
import { detectFormat, isBinaryFormat } from '../formats/detect.js';
import { openRandomAccess } from '../formats/file.js';
import { openLogits } from '../formats/open.js';
import type { RowSource } from '../formats/row-source.js';
import { readTokens } from '../formats/tokens.js';

/** A logits file and the array to read in it: what a worker needs to open it again. */
export interface LogitsFile {
  path: string;
  array: string | undefined;
}

/** What `kldiv logits` reads: both sources open, shapes agreed, tokens checked. */
export interface LogitsInputs {
  base: RowSource;
  compare: RowSource;
  baseFile: LogitsFile;
  compareFile: LogitsFile;
  /** The next-token ids, one per row, each in [0, vocab); undefined without `--tokens`. */
  tokens: Int32Array | undefined;
  /** Both files are binary files on disk, which worker threads can open again by offset. */
  reopenable: boolean;
}

/** The options of {@link openInputs}. */
export interface InputOptions {
  baseArray?: string;
  compareArray?: string;
  tokens?: string;
  tokensArray?: string;
  chunkRows?: number;
}

const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;

/** `base.npy and compare.npy`: the `where` of an error about the pair. */
export const bothFiles = (inputs: LogitsInputs) => `${inputs.base.path} and ${inputs.compare.path}`;

/** True when `path` is a binary file on disk (not stdin, not JSON or CSV text). */
function binaryOnDisk(path: string): boolean {
  if (path === '-') return false;
  const file = openRandomAccess(path);
  try {
    return isBinaryFormat(detectFormat(file));
  } finally {
    file.close();
  }
}

/**
 * Opens base and compare and reads the tokens. Errors name the file: shapes that differ (both
 * files), a tokens count other than the rows, an id outside the vocabulary (the tokens file).
 *
 * @example
 * ```ts
 * import { openInputs } from './inputs.js';
 * const d = 'test/data/cli-logits/';
 * const inputs = openInputs(`${d}rank3-base.npy`, `${d}rank3-compare.npy`, { tokens: `${d}rank3-tokens.npy` });
 * console.log(inputs.base.rows, inputs.base.vocab, inputs.tokens?.length, inputs.reopenable); // 30 20 30 true
 * inputs.base.close();
 * inputs.compare.close();
 * ```
 */
export function openInputs(basePath: string, comparePath: string, o: InputOptions): LogitsInputs {
  const base = openLogits(basePath, { array: o.baseArray, chunkRows: o.chunkRows });
  let compare: RowSource | undefined;
  try {
    compare = openLogits(comparePath, { array: o.compareArray, chunkRows: o.chunkRows });
    if (
      base.shape.length !== compare.shape.length ||
      base.shape.some((d, i) => d !== compare?.shape[i])
    ) {
      throw new CliError(
        `${base.path} and ${compare.path}`,
        `shapes ${shapeText(base.shape)} and ${shapeText(compare.shape)} differ (base and compare must hold the same tokens and vocabulary)`,
      );
    }
    const tokens = o.tokens === undefined ? undefined : checkTokens(o.tokens, o.tokensArray, base);
    return {
      base,
      compare,
      baseFile: { path: basePath, array: o.baseArray },
      compareFile: { path: comparePath, array: o.compareArray },
      tokens,
      reopenable: binaryOnDisk(basePath) && binaryOnDisk(comparePath),
    };
  } catch (e) {
    base.close();
    compare?.close();
    throw e;
  }
}

/** Reads the ids and checks them against the logits: one per row, each in [0, vocab). */
function checkTokens(path: string, array: string | undefined, base: RowSource): Int32Array {
  const ids = readTokens(path, { array });
  const where = path === '-' ? 'stdin' : path;
  if (ids.length !== base.rows) {
    throw new CliError(
      where,
      `holds ${ids.length} token ids; the logits have ${base.rows} tokens (shape ${shapeText(base.shape)} in ${base.path}), one id per token is needed`,
    );
  }
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] < 0 || ids[i] >= base.vocab) {
      throw new CliError(
        where,
        `token id ${ids[i]} at index ${i} is outside the vocabulary [0, ${base.vocab}) of ${base.path}`,
      );
    }
  }
  return ids;
}
