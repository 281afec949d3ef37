/**
 * The one interface `kldiv logits` reads logits through, whatever the file format: a
 * [tokens, vocab] matrix read in chunks of rows, so memory is O(chunk), not O(file).
 */
import type { FloatDtype } from './dtype.js';

/**
 * A [tokens, vocab] logit matrix read in chunks of rows. A [batch, seq, vocab] array is read as
 * batch x seq rows, in C order (row `b * seq + s`).
 *
 * Reads: `read(start, count)` may be called in any order, but an array deflated inside an .npz
 * archive is a stream: reading in order (each `start` equal to the previous `start + count`, or
 * later) inflates it once; reading backwards starts the inflation again from the first row.
 * Every other source reads by offset at the same cost in any order. A read returns a new array
 * that the caller owns.
 */
export interface RowSource {
  /** The file's path, or `'stdin'`. */
  readonly path: string;
  /** The array's name inside an .npz or .safetensors file; undefined for other formats. */
  readonly name: string | undefined;
  /** The stored shape: [tokens, vocab] or [batch, seq, vocab]. */
  readonly shape: number[];
  /** Rows: the product of all dimensions but the last. */
  readonly rows: number;
  /** The last dimension. */
  readonly vocab: number;
  /** The stored dtype (JSON and CSV are float64). */
  readonly dtype: FloatDtype;
  /** Rows per read for chunked loops: the `chunkRows` option, else about 4 Mi elements. */
  readonly chunkRows: number;
  /**
   * Rows [start, start + count), flattened: Float64Array for float64 files, Float32Array for
   * float32, float16 and bfloat16 (converted exactly). A range outside [0, rows) is an error.
   */
  read(start: number, count: number): Float32Array | Float64Array;
  /** Closes the file; idempotent. */
  close(): void;
}
