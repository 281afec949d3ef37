/**
 * The option objects of the readers: known keys only (a misspelt `chunkrows` is an error, not
 * a silent default), each of the right type. Errors are `CliError`s naming the function.
 */
import { CliError } from '../errors.js';

/** The options `openLogits` and `readTokens` take. */
export interface ReaderOptions {
  /** The array to read inside an .npz or .safetensors file (ignored for other formats). */
  array?: string;
  /** Rows per chunk (a positive integer): `RowSource.chunkRows`. */
  chunkRows?: number;
}

/**
 * Checks `options` of `fn` against the `known` keys and their types.
 *
 * @example
 * ```ts
 * import { checkReaderOptions } from './options.js';
 * try {
 *   checkReaderOptions({ chunkrows: 8 }, ['array', 'chunkRows'], 'openLogits');
 * } catch (e) {
 *   console.log((e as Error).message); // unknown option 'chunkrows' (known: array, chunkRows)
 * }
 * ```
 */
export function checkReaderOptions(
  options: unknown,
  known: readonly (keyof ReaderOptions)[],
  fn: string,
): ReaderOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new CliError(fn, `options must be an object; received ${JSON.stringify(options)}`);
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(known as readonly string[]).includes(key))
      throw new CliError(fn, `unknown option '${key}' (known: ${known.join(', ')})`);
  }
  if (o.array !== undefined && typeof o.array !== 'string')
    throw new CliError(fn, `option 'array' must be a string; received ${JSON.stringify(o.array)}`);
  if (
    o.chunkRows !== undefined &&
    !(Number.isSafeInteger(o.chunkRows) && (o.chunkRows as number) >= 1)
  ) {
    throw new CliError(
      fn,
      `option 'chunkRows' must be a positive integer; received ${JSON.stringify(o.chunkRows)}`,
    );
  }
  return o as ReaderOptions;
}
