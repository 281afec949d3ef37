// The hand-written SIMD128 kernel that issue 3's "ceiling" figures describe, rebuilt from its
// description for the benchmark (bench/run.ts compiles it with asc; nothing ships it): a float32
// 'sum' with a 4-lane polynomial log, float64 block accumulation, and optionally each 16 KiB
// block of both inputs touched (one load per 64-byte line) before it is computed, as WebAssembly
// has no prefetch. It is as lean as the description allows, so that it is an upper bound for
// kldiv's kernel (wasm/kl-div.ts), which does more: special values (negative, subnormal, -0
// targets) leave its vector path, and every loss is widened to float64 before it is added.
// Here losses are added in float32 lanes within a block and the block's sum in float64; the log
// is kldiv's own (Cephes' logf polynomial), so both compute to the same accuracy.
// Valid for positive normal targets only.

// @ts-expect-error: decorator
@inline function logF32x4(v: v128): v128 {
  const ix = i32x4.sub(v, v128.load32_splat(memory.data<i32>([0x3f3504f3])));
  const k = i32x4.shr_s(ix, 23);
  const m = i32x4.sub(v, i32x4.shl(k, 23));
  const kf = f32x4.convert_i32x4_s(k);
  const f = f32x4.sub(m, v128.load32_splat(memory.data<f32>([1.0])));
  const z = f32x4.mul(f, f);
  const z2 = f32x4.mul(z, z);
  const z4 = f32x4.mul(z2, z2);
  const a0 = f32x4.add(f32x4.mul(v128.load32_splat(memory.data<f32>([-2.4999993993e-1])), f), v128.load32_splat(memory.data<f32>([3.3333331174e-1])));
  const a1 = f32x4.add(f32x4.mul(v128.load32_splat(memory.data<f32>([-1.6668057665e-1])), f), v128.load32_splat(memory.data<f32>([2.0000714765e-1])));
  const a2 = f32x4.add(f32x4.mul(v128.load32_splat(memory.data<f32>([-1.2420140846e-1])), f), v128.load32_splat(memory.data<f32>([1.4249322787e-1])));
  const a3 = f32x4.add(f32x4.mul(v128.load32_splat(memory.data<f32>([-1.151461031e-1])), f), v128.load32_splat(memory.data<f32>([1.167699874e-1])));
  const b0 = f32x4.add(a0, f32x4.mul(z, a1));
  const b1 = f32x4.add(a2, f32x4.mul(z, a3));
  const p = f32x4.add(f32x4.add(b0, f32x4.mul(z2, b1)), f32x4.mul(z4, v128.load32_splat(memory.data<f32>([7.0376836292e-2]))));
  let y = f32x4.mul(f32x4.mul(f, z), p);
  y = f32x4.sub(y, f32x4.mul(z, v128.load32_splat(memory.data<f32>([0.5]))));
  return f32x4.add(f32x4.add(f, y), f32x4.mul(kf, v128.load32_splat(memory.data<f32>([0.6931471805599453]))));
}

// @ts-expect-error: decorator
@inline function lossF32x4(x: v128, y: v128): v128 {
  return f32x4.sub(f32x4.mul(y, logF32x4(y)), f32x4.mul(y, x));
}

let sink: i32 = 0;

// Sum of y (log y - x) over n float32 elements (n a multiple of 16) at px, py.
export function ceilingSumF32(n: i32, px: usize, py: usize, touch: bool): f64 {
  let acc: f64 = 0;
  for (let b = 0; b < n; b += 4096) {
    const m = min(4096, n - b);
    const bx = px + (<usize>b << 2);
    const by = py + (<usize>b << 2);
    if (touch) {
      let s: i32 = 0;
      for (let o: usize = 0; o < (<usize>m << 2); o += 64) s += load<i32>(bx + o) + load<i32>(by + o);
      sink += s;
    }
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    for (let i = 0; i < m; i += 16) {
      const o = <usize>i << 2;
      a0 = f32x4.add(a0, lossF32x4(v128.load(bx + o), v128.load(by + o)));
      a1 = f32x4.add(a1, lossF32x4(v128.load(bx + o, 16), v128.load(by + o, 16)));
      a0 = f32x4.add(a0, lossF32x4(v128.load(bx + o, 32), v128.load(by + o, 32)));
      a1 = f32x4.add(a1, lossF32x4(v128.load(bx + o, 48), v128.load(by + o, 48)));
    }
    const s = f32x4.add(a0, a1);
    acc += <f64>f32x4.extract_lane(s, 0) + <f64>f32x4.extract_lane(s, 1) + <f64>f32x4.extract_lane(s, 2) + <f64>f32x4.extract_lane(s, 3);
  }
  return acc;
}
