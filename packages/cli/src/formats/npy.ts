/**
 * NumPy's .npy format, versions 1.0-3.0
 * (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html): the magic string,
 * a header dict `{'descr', 'fortran_order', 'shape'}`, then the elements in C order. Read from
 * a file, or from an entry of an .npz archive, through the same `ByteReader`.
 */
import { CliError } from '../errors.js';
import { decodeFloats } from './decode.js';
import { type Dtype, type ElementType, ITEM_SIZE, unsupportedLogitsDtype } from './dtype.js';
import { BinaryFile, type RandomAccessFile } from './file.js';
import { type ByteReader, fileBytes, type StoredArray, sliceBytes } from './stored-array.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

// NumPy's type codes (kind and item size) the readers decode
const TYPE_CODES: Readonly<Record<string, Dtype>> = {
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  u1: 'uint8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
};

/** What a .npy header declares. */
export interface NpyHeader {
  type: ElementType;
  shape: number[];
  /** Byte offset of the data. */
  offset: number;
}

/**
 * True when `bytes` start with the .npy magic string.
 *
 * @example
 * ```ts
 * import { isNpy } from './npy.js';
 * console.log(isNpy(Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0))); // true
 * ```
 */
export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Reads and parses the header at the start of `.npy` bytes. `where` and `label` start the
 * message of every error.
 *
 * @example
 * ```ts
 * import { BinaryFile } from './file.js';
 * import { readNpyHeader } from './npy.js';
 * import { fileBytes } from './stored-array.js';
 * const file = BinaryFile.open('test/data/cli-formats/logits-f16.npy');
 * const header = readNpyHeader(fileBytes(file, 0, file.size), file.path);
 * console.log(header.type.descr, header.shape, header.offset); // <f2 [ 5, 7 ] 128
 * file.close();
 * ```
 */
export function readNpyHeader(bytes: ByteReader, where: string, label = ''): NpyHeader {
  const fail = (message: string): never => {
    throw new CliError(where, `${label}${message}`);
  };
  const prefix = bytes.read(0, Math.min(bytes.size, 12));
  if (prefix.length === 0) fail('not a .npy file (it is empty)');
  if (!isNpy(prefix.subarray(0, 6))) {
    fail(
      prefix.length < 6 && MAGIC.every((b, i) => i >= prefix.length || prefix[i] === b)
        ? 'truncated .npy header'
        : 'not a .npy file (missing the \\x93NUMPY magic string)',
    );
  }
  const major = prefix[6];
  if (prefix.length < 8) fail('truncated .npy header');
  if (major < 1 || major > 3) fail(`unsupported .npy version ${major}.${prefix[7]}`);
  const lenBytes = major === 1 ? 2 : 4;
  if (prefix.length < 8 + lenBytes) fail('truncated .npy header');
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const headerLen = lenBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  const offset = start + headerLen;
  if (bytes.size < offset) fail('truncated .npy header');
  // reads go on from byte 12, so that an archive entry is read front to back once
  const head = new Uint8Array(Math.max(offset, 12));
  head.set(prefix);
  if (offset > 12) head.set(bytes.read(12, offset - 12), 12);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    head.subarray(start, offset),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    fail(`malformed .npy header: ${JSON.stringify(text.trim())}`);
  }
  const code = /^([<>|=])([fiu]\d)$/.exec(descr as string);
  const dtype = code === null ? undefined : TYPE_CODES[code[2]];
  if (code === null || dtype === undefined) {
    return fail(
      `unsupported dtype '${descr}' (kldiv reads .npy arrays of float16, float32, float64 and integers)`,
    );
  }
  if (fortran === 'True') fail('Fortran-order arrays are not supported (save with C order)');
  const shape = (shapeText as string)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((n) => !Number.isSafeInteger(n) || n < 0)) fail(`malformed shape (${shapeText})`);
  // '>' is big-endian; '<', '|' (one byte, no order) and '=' (NumPy never writes it) little
  return { type: { dtype, littleEndian: code[1] !== '>', descr: descr as string }, shape, offset };
}

/**
 * The array of the `.npy` bytes `bytes` (a file, or an entry of an .npz archive): its header,
 * checked against the bytes there are, and its data.
 *
 * @param container - `'file'` or `'entry'`, for the truncation message.
 * @example
 * ```ts
 * import { BinaryFile } from './file.js';
 * import { npyArray } from './npy.js';
 * import { fileBytes } from './stored-array.js';
 * const file = BinaryFile.open('test/data/cli-formats/tokens-i64.npy');
 * const array = npyArray(fileBytes(file, 0, file.size), file.path, undefined, 'file', () => file.close());
 * console.log(array.type.dtype, array.shape, array.data.size); // int64 [ 2, 3 ] 48
 * array.close();
 * ```
 */
export function npyArray(
  bytes: ByteReader,
  path: string,
  name: string | undefined,
  container: 'file' | 'entry',
  close: () => void,
): StoredArray {
  const label = name === undefined ? '' : `array '${name}': `;
  const { type, shape, offset } = readNpyHeader(bytes, path, label);
  const size = shape.reduce((a, b) => a * b, 1) * ITEM_SIZE[type.dtype];
  if (bytes.size - offset < size) {
    throw new CliError(
      path,
      `${label}truncated: the header declares shape [${shape.join(', ')}] ${type.dtype} (${size} bytes of data) but the ${container} holds ${Math.max(0, bytes.size - offset)}`,
    );
  }
  return { path, name, label, type, shape, data: sliceBytes(bytes, offset, size, path), close };
}

/**
 * Opens a `.npy` file (or stdin's bytes) as a `StoredArray`; the data is read on demand.
 *
 * @example
 * ```ts
 * import { openRandomAccess } from './file.js';
 * import { openNpy } from './npy.js';
 * const array = openNpy(openRandomAccess('test/data/cli-formats/logits3-f64.npy'));
 * console.log(array.type.dtype, array.shape); // float64 [ 2, 3, 7 ]
 * array.close();
 * ```
 */
export function openNpy(file: RandomAccessFile): StoredArray {
  try {
    return npyArray(fileBytes(file, 0, file.size), file.path, undefined, 'file', () =>
      file.close(),
    );
  } catch (e) {
    file.close();
    throw e;
  }
}

/**
 * An open float .npy file read in chunks of whole rows (the first dimension).
 *
 * @deprecated `kldiv logits` reads through `openLogits` (formats/open.ts), which also takes
 * .npz, .safetensors and [batch, seq, vocab] shapes; this class remains until it does.
 * @example
 * ```ts
 * import { NpyReader } from './npy.js';
 * const r = new NpyReader('test/data/cli-formats/logits-f16.npy');
 * console.log(r.rows, r.rowSize, r.read(4, 1).length); // 5 7 7
 * r.close();
 * ```
 */
export class NpyReader {
  readonly header: { type: ElementType; shape: number[] };
  readonly rows: number;
  /** Elements per row (product of the other dimensions). */
  readonly rowSize: number;
  private readonly array: StoredArray;

  constructor(readonly path: string) {
    this.array = openNpy(BinaryFile.open(path));
    const { type, shape } = this.array;
    if (type.dtype !== 'float16' && type.dtype !== 'float32' && type.dtype !== 'float64') {
      this.array.close();
      throw new CliError(path, unsupportedLogitsDtype(type));
    }
    this.header = { type, shape };
    this.rows = shape.length === 0 ? 1 : shape[0];
    this.rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
  }

  /** Rows [start, start + count): float32 for float16 and float32 files, float64 for float64. */
  read(start: number, count: number): Float32Array | Float64Array {
    const rowBytes = this.rowSize * ITEM_SIZE[this.array.type.dtype];
    return decodeFloats(this.array.data.read(start * rowBytes, count * rowBytes), this.array.type);
  }

  close(): void {
    this.array.close();
  }
}
