/**
 * JSON for report results: JSON has no infinities or NaN, and `JSON.stringify` would write
 * them as `null`.
 *
 * @module
 */

import type { JsonFloat } from '../stream/kl-accumulator.js';

/**
 * A replacer for `JSON.stringify` that writes non-finite numbers as the strings of
 * {@link JsonFloat} (`'inf'`, `'-inf'`, `'nan'`), as kldiv's states and fixtures do, instead of
 * `null`; every other value is unchanged.
 *
 * @example
 * ```ts
 * import { jsonFloatReplacer, LogitsReport } from 'kldiv/report';
 * const result = new LogitsReport().result(); // nothing added: NaN statistics
 * console.log(JSON.stringify({ tokens: result.tokens, mean: result.mean }, jsonFloatReplacer)); // {"tokens":0,"mean":"nan"}
 * console.log(JSON.stringify([1, -Infinity, Infinity], jsonFloatReplacer)); // [1,"-inf","inf"]
 * ```
 */
export function jsonFloatReplacer(_key: string, value: unknown): unknown {
  if (typeof value !== 'number' || Number.isFinite(value)) return value;
  const encoded: JsonFloat = Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  return encoded;
}
