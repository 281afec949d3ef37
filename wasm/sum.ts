// klSum<T>: the float64 sum of the pointwise losses of n elements at px, py (T: f32 or f64);
// klSumChunks<T>: klSum of each chunk of a long run, in one call.

import { Lanes } from './lanes';
import { Loss } from './loss';

export function klSum<T>(n: i32, px: usize, py: usize, logTarget: bool): f64 {
  let acc = f64x2.splat(0);
  let tail: f64 = 0;
  let i = 0;
  // blocks of four vectors: 16 float32 or 8 float64 elements
  const block = <i32>(64 / sizeof<T>());
  const end = n & ~(block - 1);
  for (; i < end; i += block) {
    const o = (<usize>i) << alignof<T>();
    const y0 = v128.load(py + o);
    const y1 = v128.load(py + o, 16);
    const y2 = v128.load(py + o, 32);
    const y3 = v128.load(py + o, 48);
    if (!logTarget && (sizeof<T>() == 8 || KlSum.mayBeBadF32(y0, y1, y2, y3))) {
      const bad = v128.or(
        v128.or(Loss.bad<T>(y0), Loss.bad<T>(y1)),
        v128.or(Loss.bad<T>(y2), Loss.bad<T>(y3)),
      );
      if (v128.any_true(bad)) {
        for (let j = 0; j < block; j++) {
          const q = o + ((<usize>j) << alignof<T>());
          tail += Loss.scalar(<f64>load<T>(px + q), <f64>load<T>(py + q), false);
        }
        continue;
      }
    }
    const l0 = Loss.of<T>(v128.load(px + o), y0, logTarget);
    const l1 = Loss.of<T>(v128.load(px + o, 16), y1, logTarget);
    const l2 = Loss.of<T>(v128.load(px + o, 32), y2, logTarget);
    const l3 = Loss.of<T>(v128.load(px + o, 48), y3, logTarget);
    if (sizeof<T>() == 4) {
      acc = Lanes.accumulate<T>(acc, l0);
      acc = Lanes.accumulate<T>(acc, l1);
      acc = Lanes.accumulate<T>(acc, l2);
      acc = Lanes.accumulate<T>(acc, l3);
    } else {
      acc = f64x2.add(acc, f64x2.add(f64x2.add(l0, l1), f64x2.add(l2, l3)));
    }
  }
  for (; i < n; i++) {
    const q = (<usize>i) << alignof<T>();
    tail += Loss.scalar(<f64>load<T>(px + q), <f64>load<T>(py + q), logTarget);
  }
  return Lanes.total(acc) + tail;
}

// Chunk sums of a long contiguous run in one call: klSum over consecutive chunks of `chunk`
// elements, each sum stored as a float64 at pSums. The same chunks, in the same order, as calls
// chunk by chunk from JS, so the same bits; one call saves a JS -> WebAssembly round trip per
// chunk where the inputs are already in memory (wasmArray).
export function klSumChunks<T>(
  n: i32,
  chunk: i32,
  px: usize,
  py: usize,
  logTarget: bool,
  pSums: usize,
): void {
  for (let i = 0; i < n; i += chunk) {
    const o = (<usize>i) << alignof<T>();
    store<f64>(pSums, klSum<T>(min(chunk, n - i), px + o, py + o, logTarget));
    pSums += 8;
  }
}

// biome-ignore lint/complexity/noStaticOnlyClass: a namespace for @inline helpers (log-f32.ts)
class KlSum {
  // float32: the common block, 16 positive normal targets, shows in one signed minimum of the
  // bit patterns; only other blocks take the exact test (+0 passes it)
  // @ts-expect-error: decorator
  @inline static mayBeBadF32(y0: v128, y1: v128, y2: v128, y3: v128): bool {
    const least = i32x4.min_s(i32x4.min_s(y0, y1), i32x4.min_s(y2, y3));
    return v128.any_true(i32x4.lt_s(least, v128.load32_splat(memory.data<i32>([0x00800000]))));
  }
}
