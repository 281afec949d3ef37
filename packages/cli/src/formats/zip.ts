/**
 * The zip container of .npz archives (PKWARE APPNOTE 6.3: end-of-central-directory record,
 * ZIP64 records and extra fields, central directory, local headers). Only the directory is
 * parsed here; entries are read by offset (stored) or inflated by fflate (deflate).
 */
import { CliError } from '../errors.js';
import type { RandomAccessFile } from './file.js';
import { inflatedBytes } from './inflate.js';
import { type ByteReader, crcChecked, fileBytes } from './stored-array.js';

/** One file of a zip archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_DIRECTORY = 64 << 20; // a central directory larger than this is not an .npz

/**
 * The entries of the zip archive `file`, from its central directory.
 *
 * @example
 * ```ts
 * import { BinaryFile } from './file.js';
 * import { readZipDirectory } from './zip.js';
 * const file = BinaryFile.open('test/data/cli-formats/logits-compressed.npz');
 * console.log(readZipDirectory(file).map((e) => `${e.name} ${e.method}`)); // [ 'logits.npy 8', 'logits3.npy 8', 'tokens.npy 8' ]
 * file.close();
 * ```
 */
export function readZipDirectory(file: RandomAccessFile): ZipEntry[] {
  const fail = (message: string): never => {
    throw new CliError(file.path, message);
  };
  // the end record is the last 22 bytes, followed by a comment of up to 65535 bytes
  const tailLength = Math.min(file.size, 22 + 0xffff);
  const tailStart = file.size - tailLength;
  const tail = file.read(tailStart, tailLength);
  const t = new DataView(tail.buffer);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (t.getUint32(i, true) === EOCD && i + 22 + t.getUint16(i + 20, true) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) {
    return fail(
      'not a zip archive (no end-of-central-directory record; .npz files are zip archives)',
    );
  }
  let count = t.getUint16(at + 10, true);
  let dirSize = t.getUint32(at + 12, true);
  let dirOffset = t.getUint32(at + 16, true);
  let dirEnd = tailStart + at;
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    // ZIP64: a locator just before the end record points at the ZIP64 end record
    const locatorAt = tailStart + at - 20;
    const locator = locatorAt >= 0 ? file.read(locatorAt, 20, 'the ZIP64 locator') : undefined;
    const l = locator && new DataView(locator.buffer);
    if (l === undefined || l.getUint32(0, true) !== ZIP64_LOCATOR) {
      return fail('corrupt zip archive: the ZIP64 end-of-central-directory locator is missing');
    }
    const recordAt = u64(l, 8, file.path);
    const record = new DataView(file.read(recordAt, 56, 'the ZIP64 end record').buffer);
    if (record.getUint32(0, true) !== ZIP64_EOCD) {
      fail(
        'corrupt zip archive: no ZIP64 end-of-central-directory record where the locator points',
      );
    }
    count = u64(record, 32, file.path);
    dirSize = u64(record, 40, file.path);
    dirOffset = u64(record, 48, file.path);
    dirEnd = recordAt;
  }
  if (dirOffset + dirSize > dirEnd || dirSize > MAX_DIRECTORY) {
    fail(
      `corrupt zip archive: the central directory (${dirSize} bytes at ${dirOffset}) does not fit before its end record at ${dirEnd}`,
    );
  }
  const dir = file.read(dirOffset, dirSize, 'the central directory');
  const d = new DataView(dir.buffer);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > dir.length || d.getUint32(p, true) !== CENTRAL) {
      return fail(`corrupt zip archive: central directory entry ${n + 1} of ${count} is damaged`);
    }
    const flags = d.getUint16(p + 8, true);
    const nameLength = d.getUint16(p + 28, true);
    const extraLength = d.getUint16(p + 30, true);
    const commentLength = d.getUint16(p + 32, true);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > dir.length) {
      fail(`corrupt zip archive: central directory entry ${n + 1} of ${count} is damaged`);
    }
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(
      dir.subarray(p + 46, p + 46 + nameLength),
    );
    const entry: ZipEntry = {
      name,
      method: d.getUint16(p + 10, true),
      flags,
      crc: d.getUint32(p + 16, true),
      compressedSize: d.getUint32(p + 20, true),
      size: d.getUint32(p + 24, true),
      localHeaderOffset: d.getUint32(p + 42, true),
    };
    readZip64Extra(d, p + 46 + nameLength, extraLength, entry, file.path);
    entries.push(entry);
    p = end;
  }
  return entries;
}

/** Replaces the 0xffffffff fields of `entry` with the ZIP64 extra field's 8-byte values. */
function readZip64Extra(
  d: DataView,
  start: number,
  length: number,
  entry: ZipEntry,
  where: string,
): void {
  for (let p = start; p + 4 <= start + length; ) {
    const id = d.getUint16(p, true);
    const size = d.getUint16(p + 2, true);
    if (id === 0x0001) {
      // the fields appear in this order, each only if its 32-bit field is 0xffffffff
      let q = p + 4;
      for (const key of ['size', 'compressedSize', 'localHeaderOffset'] as const) {
        if (entry[key] === 0xffffffff && q + 8 <= p + 4 + size) {
          entry[key] = u64(d, q, where);
          q += 8;
        }
      }
      return;
    }
    p += 4 + size;
  }
}

function u64(d: DataView, at: number, where: string): number {
  const v = d.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER))
    throw new CliError(where, `corrupt zip archive: offset or size ${v} is out of range`);
  return Number(v);
}

/**
 * The uncompressed bytes of `entry`: read by offset when stored, inflated as a stream when
 * deflated. Read in order from start to end, they are checked against the entry's CRC-32.
 *
 * @param label - the start of every error message (`"array 'x': "`).
 * @example
 * ```ts
 * import { BinaryFile } from './file.js';
 * import { readZipDirectory, zipEntryBytes } from './zip.js';
 * const file = BinaryFile.open('test/data/cli-formats/logits-stored.npz');
 * const [entry] = readZipDirectory(file);
 * const bytes = zipEntryBytes(file, entry, "array 'logits': ");
 * console.log(bytes.size === entry.size, new TextDecoder().decode(bytes.read(1, 5))); // true NUMPY
 * file.close();
 * ```
 */
export function zipEntryBytes(file: RandomAccessFile, entry: ZipEntry, label: string): ByteReader {
  const fail = (message: string): never => {
    throw new CliError(file.path, `${label}${message}`);
  };
  if (entry.flags & 0x1) fail('the entry is encrypted');
  if (entry.method !== 0 && entry.method !== 8) {
    fail(
      `unsupported zip compression method ${entry.method} (np.savez stores, np.savez_compressed deflates)`,
    );
  }
  const local = new DataView(file.read(entry.localHeaderOffset, 30, 'the entry header').buffer);
  if (local.getUint32(0, true) !== LOCAL) {
    fail(`corrupt zip archive: no local header at offset ${entry.localHeaderOffset}`);
  }
  const start =
    entry.localHeaderOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
  if (start + entry.compressedSize > file.size) {
    fail(
      `truncated: the entry needs bytes ${start}..${start + entry.compressedSize} but the file ends at ${file.size}`,
    );
  }
  if (entry.method === 0 && entry.compressedSize !== entry.size) {
    fail(
      `corrupt zip archive: a stored entry of ${entry.size} bytes occupies ${entry.compressedSize}`,
    );
  }
  const raw =
    entry.method === 0
      ? fileBytes(file, start, entry.size)
      : inflatedBytes(file, start, entry.compressedSize, entry.size, label);
  return crcChecked(raw, entry.crc, file.path, label);
}
