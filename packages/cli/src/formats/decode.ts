/**
 * Raw element bytes to the arrays the CLI computes on: float16/bfloat16 to Float32Array,
 * float32/float64 as they are (views, no copy), integers to Int32Array token ids.
 */
import { CliError } from '../errors.js';
import { type ElementType, ITEM_SIZE } from './dtype.js';
import { bfloat16ToFloat32, float16ToFloat32 } from './float16.js';

const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Reverses the bytes of each `size`-byte element, in place. */
function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/** `bytes` in host byte order and aligned for `size`-byte views (a copy only when needed). */
function hostOrder(bytes: Uint8Array, type: ElementType): Uint8Array {
  const size = ITEM_SIZE[type.dtype];
  if (bytes.byteOffset % size !== 0) bytes = bytes.slice();
  if (size > 1 && type.littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(bytes, size);
  return bytes;
}

/**
 * Decodes float elements: float32 and float64 as views of `bytes` (which the caller hands
 * over: it may be byte-swapped in place), float16 and bfloat16 converted exactly to float32.
 *
 * @example
 * ```ts
 * import { decodeFloats } from './decode.js';
 * const bytes = Uint8Array.of(0x00, 0x3c, 0x00, 0xc0); // float16 1 and -2, little-endian
 * console.log(decodeFloats(bytes, { dtype: 'float16', littleEndian: true, descr: '<f2' })); // Float32Array(2) [ 1, -2 ]
 * ```
 */
export function decodeFloats(bytes: Uint8Array, type: ElementType): Float32Array | Float64Array {
  const b = hostOrder(bytes, type);
  const n = b.length / ITEM_SIZE[type.dtype];
  switch (type.dtype) {
    case 'float32':
      return new Float32Array(b.buffer, b.byteOffset, n);
    case 'float64':
      return new Float64Array(b.buffer, b.byteOffset, n);
    case 'float16':
      return float16ToFloat32(new Uint16Array(b.buffer, b.byteOffset, n));
    case 'bfloat16':
      return bfloat16ToFloat32(new Uint16Array(b.buffer, b.byteOffset, n));
    default:
      throw new Error(`decodeFloats: ${type.dtype} is not a float dtype`);
  }
}

/**
 * Decodes integer elements to int32 token ids; a value outside the int32 range is a
 * `CliError(where, ...)` naming it and its index.
 *
 * @example
 * ```ts
 * import { decodeInts } from './decode.js';
 * const bytes = new Uint8Array(BigInt64Array.of(7n, -100n).buffer);
 * console.log(decodeInts(bytes, { dtype: 'int64', littleEndian: true, descr: '<i8' }, 'ids.npy')); // Int32Array(2) [ 7, -100 ]
 * ```
 */
export function decodeInts(
  bytes: Uint8Array,
  type: ElementType,
  where: string,
  label = '',
): Int32Array {
  const b = hostOrder(bytes, type);
  const n = b.length / ITEM_SIZE[type.dtype];
  const { buffer, byteOffset } = b;
  const outOfRange = (i: number, value: bigint | number): never => {
    throw new CliError(
      where,
      `${label}token id ${value} at index ${i} does not fit in int32 (${type.descr})`,
    );
  };
  switch (type.dtype) {
    case 'int8':
      return Int32Array.from(new Int8Array(buffer, byteOffset, n));
    case 'uint8':
      return Int32Array.from(b);
    case 'int16':
      return Int32Array.from(new Int16Array(buffer, byteOffset, n));
    case 'uint16':
      return Int32Array.from(new Uint16Array(buffer, byteOffset, n));
    case 'int32':
      return new Int32Array(buffer, byteOffset, n);
    case 'uint32': {
      const u = new Uint32Array(buffer, byteOffset, n);
      for (let i = 0; i < n; i++) if (u[i] > 0x7fffffff) outOfRange(i, u[i]);
      return new Int32Array(buffer, byteOffset, n);
    }
    case 'int64':
    case 'uint64': {
      // each element as two int32 halves: it fits when the high half is the low half's sign
      // extension (int64), or zero over a non-negative low half (uint64)
      const halves = new Int32Array(buffer, byteOffset, 2 * n);
      const [lo, hi] = HOST_LITTLE_ENDIAN ? [0, 1] : [1, 0];
      const signed = type.dtype === 'int64';
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const l = halves[2 * i + lo];
        const h = halves[2 * i + hi];
        if (signed ? h !== l >> 31 : h !== 0 || l < 0) {
          outOfRange(
            i,
            signed
              ? new BigInt64Array(buffer, byteOffset, n)[i]
              : new BigUint64Array(buffer, byteOffset, n)[i],
          );
        }
        out[i] = l;
      }
      return out;
    }
    default:
      throw new CliError(where, `${label}dtype '${type.descr}' does not hold integer token ids`);
  }
}
