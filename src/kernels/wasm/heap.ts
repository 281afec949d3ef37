/**
 * Arrays that live in kldiv's shared WebAssembly memory. The kernels read a call's inputs where
 * they are instead of copying them in chunk by chunk, and worker threads read them too. Data
 * that is produced once and used in many calls (logits read from disk, an evaluation set) can
 * be written straight into such arrays.
 *
 * The areas come from the shared memory's allocator (allocator.ts): a shared memory never
 * shrinks, and its buffer never detaches, so views stay valid after later growth.
 *
 * @module
 */

import { ArgumentError, describe, KLDivError } from '../../errors.js';
import type { FloatArray } from '../../tensor/dtype.js';
import { runtime } from '../runtime.js';
import { allocate, release } from './allocator.js';
import { sharedWasm } from './instance.js';

/** Block alignment: a cache line, so two arrays never share one (allocator.ts aligns as much). */
const ALIGN = 64;

/** @internal An allocated block (`runtime.heap.live`): its reserved bytes and the array's byte length. */
export interface LiveBlock {
  memory: WebAssembly.Memory;
  start: number;
  bytes: number;
  byteLength: number;
}
const { live, buffers, plain } = runtime.heap;

/** The float dtypes a {@link wasmArray} can hold. */
export type WasmArrayDType = 'float32' | 'float64';

/**
 * A zero-filled `Float32Array` or `Float64Array` of `length` elements in kldiv's WebAssembly
 * memory. Passed to any kldiv function, it is read in place: no copy into WebAssembly memory,
 * and worker threads read it directly (docs/decisions.md, decision 51). It is an ordinary typed
 * array otherwise. Free it with {@link freeWasmArray} when done: the memory is kldiv's and is
 * not garbage-collected. Where there is no shared memory (a browser page's main thread, a page
 * that is not cross-origin isolated, an engine without WebAssembly threads) it returns an
 * ordinary array, which {@link freeWasmArray} accepts.
 *
 * @param length - number of elements
 * @param dtype - `'float32'` (default) or `'float64'`
 * @throws `E_OPTION_TYPE` for a length that is not an integer, `E_OPTION_RANGE` for a negative one, `E_INVALID_DTYPE` for
 *   another dtype, `E_OUT_OF_MEMORY` when kldiv's memory (1 GiB) cannot hold it.
 *
 * @example
 * ```ts
 * import { freeWasmArray, klDiv, wasmArray } from 'kldiv';
 * const x = wasmArray(4);
 * const y = wasmArray(4);
 * x.set([-1.2, -1.5, -1.6, -1.3]);
 * y.set([0.3, 0.2, 0.2, 0.3]);
 * console.log(klDiv(x, y, { reduction: 'sum' }).item().toFixed(4)); // 0.0038
 * freeWasmArray(x);
 * freeWasmArray(y);
 * ```
 */
export function wasmArray(length: number, dtype?: 'float32'): Float32Array;
export function wasmArray(length: number, dtype: 'float64'): Float64Array;
export function wasmArray(length: number, dtype: WasmArrayDType): FloatArray;
export function wasmArray(length: number, dtype: WasmArrayDType = 'float32'): FloatArray {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new ArgumentError(
      `wasmArray: argument 'length' must be a non-negative integer; received ${describe(length)}.`,
      {
        code: Number.isSafeInteger(length) ? 'E_OPTION_RANGE' : 'E_OPTION_TYPE',
        fn: 'wasmArray',
        argument: 'length',
        received: length,
      },
    );
  }
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new ArgumentError(
      `wasmArray: argument 'dtype' must be 'float32' or 'float64'; received ${describe(dtype)}.`,
      { code: 'E_INVALID_DTYPE', fn: 'wasmArray', argument: 'dtype', received: dtype },
    );
  }
  const Ctor = dtype === 'float64' ? Float64Array : Float32Array;
  const memory = sharedWasm()?.memory;
  if (memory === undefined) {
    const array = new Ctor(length);
    plain.add(array);
    return array;
  }
  const bytes = Math.max(ALIGN, Math.ceil((length * Ctor.BYTES_PER_ELEMENT) / ALIGN) * ALIGN);
  let start: number;
  try {
    start = allocate(memory, bytes);
  } catch {
    throw new KLDivError(
      `wasmArray: cannot allocate ${length} ${dtype} elements (${bytes} bytes): kldiv's WebAssembly memory is full (1 GiB); free arrays with freeWasmArray.`,
      { code: 'E_OUT_OF_MEMORY', fn: 'wasmArray', argument: 'length', received: length },
    );
  }
  live.set(start, { memory, start, bytes, byteLength: length * Ctor.BYTES_PER_ELEMENT });
  const buffer = memory.buffer;
  buffers.add(buffer);
  const array = new Ctor(buffer, start, length);
  // a reused block holds an earlier array's values
  array.fill(0);
  return array;
}

/**
 * Returns the memory of an array from {@link wasmArray} to kldiv. The array must not be used
 * afterwards: a later {@link wasmArray} reuses its memory.
 *
 * @throws `E_INVALID_FREE` for an array that {@link wasmArray} did not return, a view of part of
 *   one, or one already freed.
 *
 * @example
 * ```ts
 * import { freeWasmArray, wasmArray } from 'kldiv';
 * const logits = wasmArray(1024);
 * freeWasmArray(logits);
 * ```
 */
export function freeWasmArray(array: FloatArray): void {
  if (plain.delete(array)) return;
  const block = ArrayBuffer.isView(array) ? live.get(array.byteOffset) : undefined;
  if (block === undefined || !buffers.has(array.buffer) || array.byteLength !== block.byteLength) {
    throw new ArgumentError(
      `freeWasmArray: argument 'array' must be an array returned by wasmArray and not yet freed; received ${describe(array)}.`,
      { code: 'E_INVALID_FREE', fn: 'freeWasmArray', argument: 'array', received: array },
    );
  }
  live.delete(block.start);
  release(block.memory, block.start, block.bytes);
}

/**
 * @internal Byte address in the shared memory of element `start` of `a`, when `a` is a view of
 * that memory with the job's dtype; -1 otherwise (the data must be copied in).
 */
export function wasmAddress(a: ArrayBufferView, f64: boolean, start: number): number {
  if (!buffers.has(a.buffer) || a instanceof Float64Array !== f64) return -1;
  if (!(a instanceof Float64Array || a instanceof Float32Array)) return -1;
  return a.byteOffset + start * a.BYTES_PER_ELEMENT;
}

/**
 * @internal Whether two views share bytes: the same buffer, or two views of kldiv's memory (whose
 * buffer objects differ across growth), with intersecting byte ranges.
 */
export function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const same = a.buffer === b.buffer || (buffers.has(a.buffer) && buffers.has(b.buffer));
  return (
    same &&
    a.byteLength > 0 &&
    b.byteLength > 0 &&
    a.byteOffset < b.byteOffset + b.byteLength &&
    b.byteOffset < a.byteOffset + a.byteLength
  );
}
