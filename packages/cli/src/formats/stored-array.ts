/**
 * One array inside a file, as the format readers (npy, npz, safetensors) hand it over: its
 * element type, shape and a reader of its data bytes. `openLogits` and `readTokens` turn it into
 * rows of floats or token ids; nothing here decodes elements.
 */
import { crc32 } from 'node:zlib';
import { CliError } from '../errors.js';
import type { ElementType } from './dtype.js';
import type { RandomAccessFile } from './file.js';

/** An array's bytes, read by offset (0 = its first byte). */
export interface ByteReader {
  /** Length in bytes. */
  readonly size: number;
  /**
   * `length` bytes from `offset` in a new buffer the caller owns. A compressed reader is
   * fastest when each read starts where the previous one ended; reading backwards restarts it.
   */
  read(offset: number, length: number): Uint8Array;
}

/** An array in a file: what its header declares, and its data. */
export interface StoredArray {
  /** The file's path (`'stdin'` for stdin): the `where` of errors. */
  readonly path: string;
  /** The array's name inside an archive (.npz, .safetensors); undefined for .npy. */
  readonly name: string | undefined;
  /** `"array 'x': "` inside an archive, else `''`: the start of every error message about it. */
  readonly label: string;
  readonly type: ElementType;
  readonly shape: number[];
  /** The elements' bytes, C order, `shape` product x item size long. */
  readonly data: ByteReader;
  /** Closes the file (idempotent). */
  close(): void;
}

/**
 * A reader of `size` bytes of `file` from `start`.
 *
 * @example
 * ```ts
 * import { MemoryFile } from './file.js';
 * import { fileBytes } from './stored-array.js';
 * const bytes = fileBytes(new MemoryFile('stdin', Uint8Array.of(9, 8, 7, 6)), 1, 3);
 * console.log(bytes.read(1, 2)); // Uint8Array(2) [ 7, 6 ]
 * ```
 */
export function fileBytes(file: RandomAccessFile, start: number, size: number): ByteReader {
  return {
    size,
    read: (offset, length) => {
      checkRange(file.path, offset, length, size);
      return file.read(start + offset, length);
    },
  };
}

/**
 * `size` bytes of `reader` from byte `offset` (an array's data after its header).
 *
 * @example
 * ```ts
 * import { MemoryFile } from './file.js';
 * import { fileBytes, sliceBytes } from './stored-array.js';
 * const all = fileBytes(new MemoryFile('stdin', Uint8Array.of(9, 8, 7, 6)), 0, 4);
 * console.log(sliceBytes(all, 2, 2, 'stdin').read(0, 2)); // Uint8Array(2) [ 7, 6 ]
 * ```
 */
export function sliceBytes(
  reader: ByteReader,
  offset: number,
  size: number,
  where: string,
): ByteReader {
  return {
    size,
    read: (o, length) => {
      checkRange(where, o, length, size);
      return reader.read(offset + o, length);
    },
  };
}

/**
 * Checks a zip entry's CRC-32 as it is read, when it is read in order from its first byte to
 * its last (sequential chunk reads, a whole-array read); reads in any other order skip the check.
 *
 * @example
 * ```ts
 * import { MemoryFile } from './file.js';
 * import { crcChecked, fileBytes } from './stored-array.js';
 * const raw = fileBytes(new MemoryFile('x.npz', Uint8Array.of(1, 2, 3)), 0, 3);
 * const bytes = crcChecked(raw, 0x55bc801d, 'x.npz', "array 'a': ");
 * console.log(bytes.read(0, 2), bytes.read(2, 1)); // Uint8Array(2) [ 1, 2 ] Uint8Array(1) [ 3 ]
 * ```
 */
export function crcChecked(
  reader: ByteReader,
  expected: number,
  where: string,
  label: string,
): ByteReader {
  let next = 0; // the offset a read must start at to continue the check; -1: check abandoned
  let crc = 0;
  return {
    size: reader.size,
    read: (offset, length) => {
      const bytes = reader.read(offset, length);
      if (offset === next) {
        crc = crc32(bytes, crc);
        next += length;
        if (next === reader.size && crc >>> 0 !== expected >>> 0) {
          throw new CliError(
            where,
            `${label}corrupt: the data's CRC-32 is ${hex(crc)} but the archive records ${hex(expected)}`,
          );
        }
      } else if (offset + length > next) {
        next = -1;
      }
      return bytes;
    },
  };
}

const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

function checkRange(where: string, offset: number, length: number, size: number): void {
  if (
    !(Number.isSafeInteger(offset) && Number.isSafeInteger(length)) ||
    offset < 0 ||
    length < 0 ||
    offset + length > size
  ) {
    throw new CliError(
      where,
      `read of bytes ${offset}..${offset + length} is outside the array's ${size} bytes`,
    );
  }
}

/**
 * The array an archive's reader should open: the one named `array`, or the only one; else a
 * `CliError` listing the names.
 *
 * @example
 * ```ts
 * import { pickArray } from './stored-array.js';
 * console.log(pickArray(['logits', 'tokens'], 'tokens', 'run.npz')); // tokens
 * console.log(pickArray(['logits'], undefined, 'run.npz')); // logits
 * ```
 */
export function pickArray(names: string[], array: string | undefined, where: string): string {
  const list = names.map((n) => `'${n}'`).join(', ');
  if (array !== undefined) {
    if (names.includes(array)) return array;
    throw new CliError(
      where,
      names.length === 0
        ? `no array named '${array}': the file holds no arrays`
        : `no array named '${array}'; the file holds ${list}`,
    );
  }
  if (names.length === 1) return names[0];
  throw new CliError(
    where,
    names.length === 0
      ? 'the file holds no arrays'
      : `the file holds ${names.length} arrays (${list}): name the one to read`,
  );
}
