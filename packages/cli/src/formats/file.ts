/**
 * Files read at byte offsets: on disk with `fs.readSync` (nothing is loaded whole), or in memory
 * for stdin; and the one-line reasons the CLI gives for filesystem errors. Every reader in this
 * folder goes through `RandomAccessFile`, so a short read is always reported as a truncated
 * file naming the path.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { CliError } from '../errors.js';

/** Bytes read by position: a file on disk, or stdin held in memory. */
export interface RandomAccessFile {
  /** The path, or `'stdin'`: the `where` of every error about the file. */
  readonly path: string;
  /** Size in bytes. */
  readonly size: number;
  /**
   * `length` bytes at `position` in a new buffer the caller owns (offset 0, so typed views of
   * it are aligned); fewer bytes in the file is a `CliError` saying `what` was cut short.
   */
  read(position: number, length: number, what?: string): Uint8Array;
  close(): void;
}

/**
 * A readable one-line reason for a filesystem error.
 *
 * @example
 * ```ts
 * import { describeFsError } from './file.js';
 * console.log(describeFsError({ code: 'ENOENT' })); // no such file
 * ```
 */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return err.message ?? String(e);
  }
}

/**
 * An open file, read by position. `read` returns a new, unshared buffer (so typed-array views
 * of it are aligned) and throws a `CliError` naming the file when fewer bytes are there.
 *
 * @example
 * ```ts
 * import { BinaryFile } from './file.js';
 * const f = BinaryFile.open('test/data/cli-formats/logits-f32.npy');
 * console.log(Array.from(f.read(1, 5), (b) => String.fromCharCode(b)).join('')); // NUMPY
 * f.close();
 * ```
 */
export class BinaryFile implements RandomAccessFile {
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    /** Size in bytes when opened. */
    readonly size: number,
  ) {}

  /** Opens `path` for reading; a missing or unreadable file is a `CliError`. */
  static open(path: string): BinaryFile {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw new CliError(path, describeFsError(e));
    }
    try {
      const stat = fstatSync(fd);
      if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      return new BinaryFile(path, fd, stat.size);
    } catch (e) {
      closeSync(fd);
      throw new CliError(path, describeFsError(e));
    }
  }

  /** `length` bytes at `position`; `what` names them in the truncation error. */
  read(position: number, length: number, what = 'data'): Uint8Array {
    const out = new Uint8Array(length);
    this.readInto(out, position, what);
    return out;
  }

  /** Fills `out` from `position` (readSync may return less than asked: loop until full). */
  readInto(out: Uint8Array, position: number, what = 'data'): void {
    let done = 0;
    while (done < out.length) {
      let got: number;
      try {
        got = readSync(this.fd, out, done, out.length - done, position + done);
      } catch (e) {
        throw new CliError(this.path, describeFsError(e));
      }
      if (got === 0) throw truncated(this.path, position, out.length, position + done, what);
      done += got;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** What `read` says when `position + length` passes the end. */
function truncated(path: string, position: number, length: number, end: number, what: string) {
  return new CliError(
    path,
    `truncated: ${what} needs bytes ${position}..${position + length} but the file ends at ${end}`,
  );
}

/**
 * Bytes already in memory (stdin) behind the same interface as a file on disk.
 *
 * @example
 * ```ts
 * import { MemoryFile } from './file.js';
 * const f = new MemoryFile('stdin', Uint8Array.of(1, 2, 3));
 * console.log(f.size, f.read(1, 2)); // 3 Uint8Array(2) [ 2, 3 ]
 * ```
 */
export class MemoryFile implements RandomAccessFile {
  constructor(
    readonly path: string,
    private readonly bytes: Uint8Array,
  ) {}

  get size(): number {
    return this.bytes.length;
  }

  read(position: number, length: number, what = 'data'): Uint8Array {
    if (position + length > this.bytes.length)
      throw truncated(this.path, position, length, this.bytes.length, what);
    // a copy: Buffer#slice (stdin is a Buffer) would be a view of shared, unaligned memory
    const out = new Uint8Array(length);
    out.set(this.bytes.subarray(position, position + length));
    return out;
  }

  close(): void {}
}

/**
 * Opens `path` for reading by position; `'-'` reads all of stdin into memory first.
 *
 * @example
 * ```ts
 * import { openRandomAccess } from './file.js';
 * const f = openRandomAccess('test/data/cli-formats/logits-f32.npy');
 * console.log(f.path.endsWith('.npy'), f.size > 128); // true true
 * f.close();
 * ```
 */
export function openRandomAccess(path: string): RandomAccessFile {
  if (path !== '-') return BinaryFile.open(path);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(0);
  } catch (e) {
    throw new CliError('stdin', describeFsError(e));
  }
  return new MemoryFile('stdin', bytes);
}
