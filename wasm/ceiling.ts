// The hand-written SIMD128 kernel that issue 3's "ceiling" figures describe, rebuilt from its
// description for the benchmark (bench/run.ts compiles it with asc; nothing ships it): a float32
// 'sum' with a 4-lane polynomial log, float64 block accumulation, and optionally each 16 KiB
// block of both inputs touched (one load per 64-byte line) before it is computed, as WebAssembly
// has no prefetch. It is as lean as the description allows, so that it is an upper bound for
// kldiv's kernel (wasm/kl-div.ts), which does more: special values (negative, subnormal, -0
// targets) leave its vector path, and every loss is widened to float64 before it is added.
// Here losses are added in float32 lanes within a block and the block's sum in float64; the log
// is kldiv's own (log-f32.ts), so both compute to the same accuracy.
// Valid for positive normal targets only.

import { LogF32 } from './log-f32';

// biome-ignore lint/complexity/noStaticOnlyClass: a namespace for @inline helpers (log-f32.ts)
class Ceiling {
  // @ts-expect-error: decorator
  @inline static loss(x: v128, y: v128): v128 {
    return f32x4.sub(f32x4.mul(y, LogF32.log(y)), f32x4.mul(y, x));
  }
}

// biome-ignore lint/correctness/noUnusedVariables: written only, so that the touching loads stay
let sink: i32 = 0;

// Sum of y (log y - x) over n float32 elements (n a multiple of 16) at px, py.
export function ceilingSumF32(n: i32, px: usize, py: usize, touch: bool): f64 {
  let acc: f64 = 0;
  for (let b = 0; b < n; b += 4096) {
    const m = min(4096, n - b);
    const bx = px + ((<usize>b) << 2);
    const by = py + ((<usize>b) << 2);
    if (touch) {
      let s: i32 = 0;
      for (let o: usize = 0; o < (<usize>m) << 2; o += 64)
        s += load<i32>(bx + o) + load<i32>(by + o);
      sink += s;
    }
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    for (let i = 0; i < m; i += 16) {
      const o = (<usize>i) << 2;
      a0 = f32x4.add(a0, Ceiling.loss(v128.load(bx + o), v128.load(by + o)));
      a1 = f32x4.add(a1, Ceiling.loss(v128.load(bx + o, 16), v128.load(by + o, 16)));
      a0 = f32x4.add(a0, Ceiling.loss(v128.load(bx + o, 32), v128.load(by + o, 32)));
      a1 = f32x4.add(a1, Ceiling.loss(v128.load(bx + o, 48), v128.load(by + o, 48)));
    }
    const s = f32x4.add(a0, a1);
    acc +=
      <f64>f32x4.extract_lane(s, 0) +
      <f64>f32x4.extract_lane(s, 1) +
      <f64>f32x4.extract_lane(s, 2) +
      <f64>f32x4.extract_lane(s, 3);
  }
  return acc;
}
