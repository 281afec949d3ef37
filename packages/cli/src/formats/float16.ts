/**
 * float16 and bfloat16 to float32, exactly: both formats' values (subnormals, infinities, NaN
 * with its payload) are all float32 values, so the conversion moves bits and never rounds.
 */

// float32 bits of each of the 65536 float16 bit patterns, built on first use (256 KB)
let table: Uint32Array | undefined;

/** The float32 bit pattern of the float16 bit pattern `h` (IEEE 754 binary16 -> binary32). */
function float16Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0; // inf, NaN (payload kept)
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0; // rebias 15 -> 127
  if (mant === 0) return sign >>> 0; // signed zero
  // subnormal m * 2^-24: shift the leading one up to the implicit bit, lowering the exponent
  let e = 113;
  while ((mant & 0x400) === 0) {
    mant <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mant & 0x3ff) << 13)) >>> 0;
}

/**
 * Converts float16 bit patterns (`np.float16`, `torch.half`) to float32, exactly.
 *
 * @param src - the raw 16-bit patterns, in the host's byte order.
 * @param out - where to write (default: a new array of the same length).
 * @example
 * ```ts
 * import { float16ToFloat32 } from './float16.js';
 * console.log(float16ToFloat32(Uint16Array.of(0x3c00, 0xc000, 0x0001, 0x7bff, 0xfc00))); // Float32Array(5) [ 1, -2, 5.960464477539063e-8, 65504, -Infinity ]
 * ```
 */
export function float16ToFloat32(
  src: Uint16Array,
  out = new Float32Array(src.length),
): Float32Array {
  if (table === undefined) {
    table = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = float16Bits(h);
  }
  const bits = new Uint32Array(out.buffer, out.byteOffset, src.length);
  for (let i = 0; i < src.length; i++) bits[i] = table[src[i]];
  return out;
}

/**
 * Converts bfloat16 bit patterns (`torch.bfloat16`) to float32, exactly: bfloat16 is the top
 * half of a float32.
 *
 * @param src - the raw 16-bit patterns, in the host's byte order.
 * @param out - where to write (default: a new array of the same length).
 * @example
 * ```ts
 * import { bfloat16ToFloat32 } from './float16.js';
 * console.log(bfloat16ToFloat32(Uint16Array.of(0x3f80, 0x4049, 0x0001, 0x7f80))); // Float32Array(4) [ 1, 3.140625, 9.183549615799121e-41, Infinity ]
 * ```
 */
export function bfloat16ToFloat32(
  src: Uint16Array,
  out = new Float32Array(src.length),
): Float32Array {
  const bits = new Uint32Array(out.buffer, out.byteOffset, src.length);
  for (let i = 0; i < src.length; i++) bits[i] = src[i] << 16;
  return out;
}
