/**
 * NumPy's .npy format (version 1.0-3.0; https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * the header, whole-file reads, and a reader that streams C-order rows in chunks so a
 * [tokens, vocab] file of any size is never in memory at once.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CliError } from './errors.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** What a .npy header declares. */
export interface NpyHeader {
  dtype: 'float32' | 'float64';
  shape: number[];
  /** Byte offset of the data. */
  offset: number;
}

/** True when `bytes` start with the .npy magic string. */
export function isNpy(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

/** Parses the header at the start of `bytes` (which must hold all of it). */
export function parseHeader(bytes: Uint8Array, where: string): NpyHeader {
  if (bytes.length < 10 || !isNpy(bytes))
    throw new CliError(where, 'not a .npy file (missing the \\x93NUMPY magic string)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (major < 1 || major > 3)
    throw new CliError(where, `unsupported .npy version ${major}.${bytes[7]}`);
  if (bytes.length < 8 + lenBytes) throw new CliError(where, 'truncated .npy header');
  const headerLen = lenBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (bytes.length < start + headerLen) throw new CliError(where, 'truncated .npy header');
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(start, start + headerLen),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new CliError(where, `malformed .npy header: ${JSON.stringify(text.trim())}`);
  }
  const dtype =
    descr === '<f4' || descr === '|f4'
      ? 'float32'
      : descr === '<f8' || descr === '|f8'
        ? 'float64'
        : undefined;
  if (dtype === undefined) {
    throw new CliError(
      where,
      `unsupported dtype '${descr}' (kldiv reads little-endian float32 '<f4' and float64 '<f8')`,
    );
  }
  if (fortran === 'True')
    throw new CliError(where, 'Fortran-order arrays are not supported (save with C order)');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((n) => !Number.isSafeInteger(n) || n < 0))
    throw new CliError(where, `malformed shape (${shapeText})`);
  return { dtype, shape, offset: start + headerLen };
}

const itemSize = (dtype: NpyHeader['dtype']) => (dtype === 'float32' ? 4 : 8);

/** An open .npy file read in chunks of whole rows (the first dimension). */
export class NpyReader {
  readonly header: NpyHeader;
  readonly rows: number;
  /** Elements per row (product of the other dimensions). */
  readonly rowSize: number;
  private readonly fd: number;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch (e) {
      throw new CliError(path, describeFsError(e));
    }
    const head = new Uint8Array(Math.min(65536 + 12, fstatSync(this.fd).size));
    readSync(this.fd, head, 0, head.length, 0);
    this.header = parseHeader(head, path);
    const { shape, dtype, offset } = this.header;
    this.rows = shape.length === 0 ? 1 : shape[0];
    this.rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
    const want = offset + this.rows * this.rowSize * itemSize(dtype);
    const size = fstatSync(this.fd).size;
    if (size < want) {
      throw new CliError(
        path,
        `truncated: the header declares shape [${shape.join(', ')}] ${dtype} (${want - offset} bytes of data) but the file holds ${Math.max(0, size - offset)}`,
      );
    }
  }

  /** Rows [start, start + count) as a typed array of the file's dtype. */
  read(start: number, count: number): Float32Array | Float64Array {
    const size = itemSize(this.header.dtype);
    const n = count * this.rowSize;
    const buf = new Uint8Array(n * size);
    const got = readSync(
      this.fd,
      buf,
      0,
      buf.length,
      this.header.offset + start * this.rowSize * size,
    );
    if (got !== buf.length) throw new CliError(this.path, 'truncated while reading');
    return this.header.dtype === 'float32'
      ? new Float32Array(buf.buffer)
      : new Float64Array(buf.buffer);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** A readable one-line reason for a filesystem error. */
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
