/**
 * A deflated zip entry read as its uncompressed bytes, with memory bounded by one step of
 * inflation, never by the entry: fflate's streaming `Inflate` is fed the compressed bytes a
 * small block at a time and its output is kept only until a read has taken it.
 */
import { Inflate } from 'fflate';
import { CliError } from '../errors.js';
import type { RandomAccessFile } from './file.js';
import type { ByteReader } from './stored-array.js';

// Compressed bytes fed per step. Deflate expands up to 1032:1, so a step's output is at most
// 1032 x MAX_BLOCK = 16.5 MB (a run of zero logits after random ones); within that, the block
// adapts to the ratio just seen, so that a step yields about OUTPUT_PER_STEP. A larger block
// saves little: fflate copies its 32 KB window once per step.
const OUTPUT_PER_STEP = 1 << 20;
const MIN_BLOCK = 1 << 10;
const MAX_BLOCK = 1 << 14;

/**
 * The uncompressed bytes of the raw deflate stream at `start` (`compressedSize` bytes long) of
 * `file`, which inflates to `size` bytes. Reading in order (each read starting where the
 * previous one ended, or later) inflates the stream once; a read before what was already
 * consumed starts again from the beginning of the stream.
 *
 * @example
 * ```ts
 * import { deflateRawSync } from 'node:zlib';
 * import { MemoryFile } from './file.js';
 * import { inflatedBytes } from './inflate.js';
 * const data = new TextEncoder().encode('logits logits logits');
 * const z = deflateRawSync(data);
 * const bytes = inflatedBytes(new MemoryFile('x.npz', z), 0, z.length, data.length, "array 'a': ");
 * console.log(new TextDecoder().decode(bytes.read(7, 6))); // logits
 * ```
 */
export function inflatedBytes(
  file: RandomAccessFile,
  start: number,
  compressedSize: number,
  size: number,
  label: string,
): ByteReader {
  const fail = (message: string): never => {
    throw new CliError(file.path, `${label}${message}`);
  };
  let inflater: Inflate;
  let fed = 0; // compressed bytes pushed
  let produced = 0; // uncompressed bytes out of the inflater
  let done = false; // the final block was pushed
  let block = MIN_BLOCK; // grows once the ratio is known
  let pieces: Uint8Array[] = []; // inflated, not yet read: bytes [kept, produced)
  let kept = 0;

  const restart = () => {
    inflater = new Inflate((chunk) => {
      pieces.push(chunk);
      produced += chunk.length;
    });
    fed = 0;
    produced = 0;
    done = false;
    pieces = [];
    kept = 0;
  };

  // one step: feeds a block, adapting the next block to the ratio seen
  const step = () => {
    if (done) fail(`corrupt: the entry inflates to ${produced} bytes, not the ${size} it declares`);
    const n = Math.min(block, compressedSize - fed);
    const input = file.read(start + fed, n, 'the compressed entry');
    const before = produced;
    fed += n;
    done = fed === compressedSize;
    try {
      inflater.push(input, done);
    } catch (e) {
      fail(`corrupt deflate data (${(e as Error).message})`);
    }
    if (produced > size)
      fail(`corrupt: the entry inflates to more than the ${size} bytes it declares`);
    const ratio = Math.max(1, (produced - before) / Math.max(1, n));
    block = Math.min(MAX_BLOCK, Math.max(MIN_BLOCK, Math.floor(OUTPUT_PER_STEP / ratio)));
  };

  // drops whole pieces that end at or before `offset`
  const discardBefore = (offset: number) => {
    let i = 0;
    while (i < pieces.length && kept + pieces[i].length <= offset) kept += pieces[i++].length;
    if (i > 0) pieces = pieces.slice(i);
  };

  restart();
  return {
    size,
    read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > size) {
        fail(`read of bytes ${offset}..${offset + length} is outside the entry's ${size} bytes`);
      }
      if (offset < kept) restart();
      while (produced < offset + length) {
        step();
        discardBefore(offset);
      }
      const out = new Uint8Array(length);
      let at = kept;
      for (const p of pieces) {
        const from = Math.max(0, offset - at);
        const to = Math.min(p.length, offset + length - at);
        if (to > from) out.set(p.subarray(from, to), at + from - offset);
        at += p.length;
        if (at >= offset + length) break;
      }
      discardBefore(offset + length);
      return out;
    },
  };
}
