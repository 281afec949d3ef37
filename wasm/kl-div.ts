// kldiv WebAssembly SIMD128 kernels (AssemblyScript). Built by wasm/build.mjs into
// src/kernels/wasm/kldiv.wasm and kldiv-shared.wasm.
//
// Same contracts as src/kernels/js/kl-div.ts, on contiguous runs in linear memory:
//   klSum{F32,F64}(n, px, py, logTarget): f64             sum of the pointwise losses
//   klPointwise{F32,F64}(n, px, py, pout, logTarget, divisor)   out = l / divisor
//   klBackward{F32,F64}(n, pg, gStride, px, py, pgx, pgy, logTarget, divisor): f64
//       gx = -(s y) | -(s e^t),  gy = s log y + s y / y - s x | s (t - x) e^t + s e^t,
//       s = g / divisor, g read with stride gStride (0: a broadcast scalar, 1: per element);
//       returns the sum of the pointwise losses, from the same log / exp
//
// The vector paths evaluate the loss in the storage precision, as PyTorch's own kernels do,
// with polynomial log / exp (float32: Cephes-style, float64: fdlibm-style), and widen every
// float32 loss to float64 before it is summed. Lanes that the vector log cannot take
// (negative, -0, subnormal) send their block to a scalar float64 path with exactly the JS
// kernel's arithmetic, so special values come out as the JS backend gives them.

// ---------------------------------------------------------------------------------------
// float32 lanes

import { logF32x4 } from './log-f32';

// exp(t) for t <= 88.72 and NaN (softmax arguments, which are <= 0): NaN stays NaN, t < -104
// underflows to 0 (-inf included); subnormal results via a two-step scale.
// @ts-expect-error: decorator
@inline function expNotAboveF32x4(t: v128): v128 {
  // pmax is one instruction (max is seven in V8) and keeps a NaN t: pmax(t, c) = t < c ? c : t
  const c = f32x4.pmax(t, v128.load32_splat(memory.data<f32>([-104.0])));
  // k = round(c / ln2) with the 1.5 * 2^23 shifter; the low bits of kd hold k.
  let kd = f32x4.add(f32x4.mul(c, v128.load32_splat(memory.data<f32>([1.44269504089]))), v128.load32_splat(memory.data<f32>([12582912.0])));
  const ki = kd;
  kd = f32x4.sub(kd, v128.load32_splat(memory.data<f32>([12582912.0])));
  let r = f32x4.sub(c, f32x4.mul(kd, v128.load32_splat(memory.data<f32>([0.693359375]))));
  r = f32x4.sub(r, f32x4.mul(kd, v128.load32_splat(memory.data<f32>([-2.12194440e-4]))));
  const r2 = f32x4.mul(r, r);
  const q0 = f32x4.add(f32x4.mul(v128.load32_splat(memory.data<f32>([1.6666665459e-1])), r), v128.load32_splat(memory.data<f32>([5.0000001201e-1])));
  const q1 = f32x4.add(f32x4.mul(v128.load32_splat(memory.data<f32>([8.3334519073e-3])), r), v128.load32_splat(memory.data<f32>([4.1665795894e-2])));
  const q2 = f32x4.add(f32x4.mul(v128.load32_splat(memory.data<f32>([1.9875691500e-4])), r), v128.load32_splat(memory.data<f32>([1.3981999507e-3])));
  const p = f32x4.add(q0, f32x4.mul(r2, f32x4.add(q1, f32x4.mul(r2, q2))));
  const e1 = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), v128.load32_splat(memory.data<f32>([1.0])));
  const k = i32x4.sub(v128.and(ki, v128.load32_splat(memory.data<i32>([0x7fffff]))), v128.load32_splat(memory.data<i32>([0x400000])));
  // c >= -87 everywhere (the usual case): k >= -126, so 2^k is one normal factor and e1 2^k
  // rounds once, as the two-factor product below does
  if (!v128.any_true(f32x4.lt(c, v128.load32_splat(memory.data<f32>([-87.0]))))) {
    return f32x4.mul(e1, i32x4.shl(i32x4.add(k, v128.load32_splat(memory.data<i32>([127]))), 23));
  }
  // 2^k as two factors 2^(k>>1) and 2^(k - (k>>1)), each a normal float for k in [-150, 128]
  const k1 = i32x4.shr_s(k, 1);
  const k2 = i32x4.sub(k, k1);
  const s1 = i32x4.shl(i32x4.add(k1, v128.load32_splat(memory.data<i32>([127]))), 23);
  const s2 = i32x4.shl(i32x4.add(k2, v128.load32_splat(memory.data<i32>([127]))), 23);
  return f32x4.mul(f32x4.mul(e1, s1), s2);
}

// exp(t) for every float32 t: as above, and t > 88.72 is +inf.
// @ts-expect-error: decorator
@inline function expF32x4(t: v128): v128 {
  const hi = v128.load32_splat(memory.data<f32>([88.72284]));
  // pmin(t, hi) = hi < t ? hi : t keeps a NaN t
  const e = expNotAboveF32x4(f32x4.pmin(t, hi));
  return v128.bitselect(v128.load32_splat(memory.data<f32>([<f32>Infinity])), e, f32x4.gt(t, hi));
}

// Lanes the vector log cannot take: sign bit set (negatives, -0) or subnormal. (+0, +inf and
// NaN give a finite log that the surrounding arithmetic turns into PyTorch's result.)
// @ts-expect-error: decorator
@inline function badForwardF32(y: v128): v128 {
  return v128.and(i32x4.lt_s(y, v128.load32_splat(memory.data<i32>([0x00800000]))), i32x4.ne(y, i32x4.splat(0)));
}

// @ts-expect-error: decorator
@inline function lossF32x4(x: v128, y: v128, logTarget: bool): v128 {
  if (logTarget) return f32x4.mul(expF32x4(y), f32x4.sub(y, x));
  // +0 targets: 0 * log(+0) = 0 * -88.03 = 0, so xlogy(0, 0) = 0 without a select.
  return f32x4.sub(f32x4.mul(y, logF32x4(y)), f32x4.mul(y, x));
}

// Accumulation is float64 from the first addition: each float32 lane is widened, then added.
// @ts-expect-error: decorator
@inline function addF32x4ToF64x2(acc: v128, v: v128): v128 {
  // the halves first: one addition on the accumulator's dependency chain, not two
  const halves = f64x2.add(f64x2.promote_low_f32x4(v), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
  return f64x2.add(acc, halves);
}

// The JS kernel's arithmetic, element by element (float64).
// @ts-expect-error: decorator
@inline function lossScalar(x: f64, y: f64, logTarget: bool): f64 {
  if (logTarget) return Math.exp(y) * (y - x);
  return (y == 0 ? 0 : y * Math.log(y)) - y * x;
}

export function klSumF32(n: i32, px: usize, py: usize, logTarget: bool): f64 {
  let acc = f64x2.splat(0);
  let tail: f64 = 0;
  let i = 0;
  const end = n & ~15;
  for (; i < end; i += 16) {
    const o = <usize>i << 2;
    const y0 = v128.load(py + o);
    const y1 = v128.load(py + o, 16);
    const y2 = v128.load(py + o, 32);
    const y3 = v128.load(py + o, 48);
    // the common block, 16 positive normal targets, shows in one signed minimum of the bit
    // patterns; only other blocks take the exact test (+0 passes it)
    const least = i32x4.min_s(i32x4.min_s(y0, y1), i32x4.min_s(y2, y3));
    if (!logTarget && v128.any_true(i32x4.lt_s(least, v128.load32_splat(memory.data<i32>([0x00800000]))))) {
      const bad = v128.or(
        v128.or(badForwardF32(y0), badForwardF32(y1)),
        v128.or(badForwardF32(y2), badForwardF32(y3)),
      );
      if (v128.any_true(bad)) {
        for (let j = 0; j < 16; j++) {
          const q = o + (<usize>j << 2);
          tail += lossScalar(<f64>load<f32>(px + q), <f64>load<f32>(py + q), false);
        }
        continue;
      }
    }
    acc = addF32x4ToF64x2(acc, lossF32x4(v128.load(px + o), y0, logTarget));
    acc = addF32x4ToF64x2(acc, lossF32x4(v128.load(px + o, 16), y1, logTarget));
    acc = addF32x4ToF64x2(acc, lossF32x4(v128.load(px + o, 32), y2, logTarget));
    acc = addF32x4ToF64x2(acc, lossF32x4(v128.load(px + o, 48), y3, logTarget));
  }
  for (; i < n; i++) {
    const q = <usize>i << 2;
    tail += lossScalar(<f64>load<f32>(px + q), <f64>load<f32>(py + q), logTarget);
  }
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1) + tail;
}

export function klPointwiseF32(
  n: i32,
  px: usize,
  py: usize,
  pout: usize,
  logTarget: bool,
  divisor: f64,
): void {
  const div = f32x4.splat(<f32>divisor);
  const scaled = divisor != 1;
  let i = 0;
  const end = n & ~3;
  for (; i < end; i += 4) {
    const o = <usize>i << 2;
    const y = v128.load(py + o);
    if (!logTarget && v128.any_true(badForwardF32(y))) {
      for (let j = 0; j < 4; j++) {
        const q = o + (<usize>j << 2);
        store<f32>(pout + q, <f32>(lossScalar(<f64>load<f32>(px + q), <f64>load<f32>(py + q), false) / divisor));
      }
      continue;
    }
    let l = lossF32x4(v128.load(px + o), y, logTarget);
    if (scaled) l = f32x4.div(l, div);
    v128.store(pout + o, l);
  }
  for (; i < n; i++) {
    const q = <usize>i << 2;
    store<f32>(pout + q, <f32>(lossScalar(<f64>load<f32>(px + q), <f64>load<f32>(py + q), logTarget) / divisor));
  }
}

// @ts-expect-error: decorator
@inline function backwardScalarF32(
  s: f64, x: f64, y: f64, logTarget: bool, pgx: usize, pgy: usize, q: usize,
): void {
  if (logTarget) {
    const e = Math.exp(y);
    store<f32>(pgx + q, <f32>-(s * e));
    store<f32>(pgy + q, <f32>(s * (y - x) * e + s * e));
  } else {
    store<f32>(pgx + q, <f32>-(s * y));
    store<f32>(pgy + q, <f32>(s * (y == 0 ? 0 : Math.log(y)) + (s * y) / y - s * x));
  }
}

export function klBackwardF32(
  n: i32,
  pg: usize,
  gStride: i32,
  px: usize,
  py: usize,
  pgx: usize,
  pgy: usize,
  logTarget: bool,
  divisor: f64,
): f64 {
  let acc = f64x2.splat(0);
  let tail: f64 = 0;
  const scalarG = gStride == 0;
  const s0: f64 = scalarG ? load<f32>(pg) / divisor : 0;
  const sv0 = f32x4.splat(<f32>s0);
  const div = f32x4.splat(<f32>divisor);
  let i = 0;
  const end = n & ~3;
  for (; i < end; i += 4) {
    const o = <usize>i << 2;
    const y = v128.load(py + o);
    if (!logTarget && v128.any_true(badForwardF32(y))) {
      for (let j = 0; j < 4; j++) {
        const q = o + (<usize>j << 2);
        const s = scalarG ? s0 : <f64>load<f32>(pg + q) / divisor;
        backwardScalarF32(s, <f64>load<f32>(px + q), <f64>load<f32>(py + q), false, pgx, pgy, q);
        tail += lossScalar(<f64>load<f32>(px + q), <f64>load<f32>(py + q), false);
      }
      continue;
    }
    const s = scalarG ? sv0 : f32x4.div(v128.load(pg + o), div);
    const x = v128.load(px + o);
    if (logTarget) {
      // PyTorch's order, (s (t - x)) e + s e: s e may underflow where s (t - x) does not
      const e = expF32x4(y);
      const se = f32x4.mul(s, e);
      v128.store(pgx + o, f32x4.neg(se));
      v128.store(pgy + o, f32x4.add(f32x4.mul(f32x4.mul(s, f32x4.sub(y, x)), e), se));
      acc = addF32x4ToF64x2(acc, f32x4.mul(e, f32x4.sub(y, x)));
    } else {
      const sy = f32x4.mul(s, y);
      v128.store(pgx + o, f32x4.neg(sy));
      // (s y) / y as PyTorch evaluates it: NaN at y = 0 and y = inf, 0 where s y underflows.
      const logy = logF32x4(y);
      const gy = f32x4.add(f32x4.mul(s, logy), f32x4.div(sy, y));
      v128.store(pgy + o, f32x4.sub(gy, f32x4.mul(s, x)));
      acc = addF32x4ToF64x2(acc, f32x4.sub(f32x4.mul(y, logy), f32x4.mul(y, x)));
    }
  }
  for (; i < n; i++) {
    const q = <usize>i << 2;
    const s = scalarG ? s0 : <f64>load<f32>(pg + q) / divisor;
    backwardScalarF32(s, <f64>load<f32>(px + q), <f64>load<f32>(py + q), logTarget, pgx, pgy, q);
    tail += lossScalar(<f64>load<f32>(px + q), <f64>load<f32>(py + q), logTarget);
  }
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1) + tail;
}

// ---------------------------------------------------------------------------------------
// float64 lanes

// log(x) for positive normal x and +0 (finite); fdlibm's polynomial in s = f / (2 + f) with
// musl's integer range reduction: < 1 ulp.
// @ts-expect-error: decorator
@inline function logF64x2(v: v128): v128 {
  const ix = i64x2.sub(v, v128.load64_splat(memory.data<i64>([0x3fe6a09e667f3bcd])));
  const k = i64x2.shr_s(ix, 52);
  const m = i64x2.sub(v, i64x2.shl(k, 52));
  const kf = f64x2.convert_low_i32x4_s(v128.shuffle<i32>(k, k, 0, 2, 0, 2));
  const f = f64x2.sub(m, v128.load64_splat(memory.data<f64>([1.0])));
  const s = f64x2.div(f, f64x2.add(v128.load64_splat(memory.data<f64>([2.0])), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  let t1 = f64x2.add(f64x2.mul(w, v128.load64_splat(memory.data<f64>([1.531383769920937332e-1]))), v128.load64_splat(memory.data<f64>([2.222219843214978396e-1])));
  t1 = f64x2.mul(w, f64x2.add(f64x2.mul(w, t1), v128.load64_splat(memory.data<f64>([3.999999999940941908e-1]))));
  let t2 = f64x2.add(f64x2.mul(w, v128.load64_splat(memory.data<f64>([1.479819860511658591e-1]))), v128.load64_splat(memory.data<f64>([1.818357216161805012e-1])));
  t2 = f64x2.add(f64x2.mul(w, t2), v128.load64_splat(memory.data<f64>([2.857142874366239149e-1])));
  t2 = f64x2.mul(z, f64x2.add(f64x2.mul(w, t2), v128.load64_splat(memory.data<f64>([6.666666666666735130e-1]))));
  const R = f64x2.add(t2, t1);
  const hfsq = f64x2.mul(f64x2.mul(v128.load64_splat(memory.data<f64>([0.5])), f), f);
  const lo = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, R)), f64x2.mul(kf, v128.load64_splat(memory.data<f64>([1.90821492927058770002e-10]))));
  return f64x2.sub(
    f64x2.mul(kf, v128.load64_splat(memory.data<f64>([6.93147180369123816490e-1]))),
    f64x2.sub(f64x2.sub(hfsq, lo), f),
  );
}

// exp(t) for t <= 709.78 and NaN: NaN stays NaN, t < -746 underflows to 0. Degree-12 Taylor
// polynomial on |r| <= ln2/2 (truncation < 2e-16 relative), Estrin's scheme.
// @ts-expect-error: decorator
@inline function expNotAboveF64x2(t: v128): v128 {
  const c = f64x2.pmax(t, v128.load64_splat(memory.data<f64>([-746.0])));
  let kd = f64x2.add(f64x2.mul(c, v128.load64_splat(memory.data<f64>([1.4426950408889634]))), v128.load64_splat(memory.data<f64>([6755399441055744.0])));
  const ki = kd;
  kd = f64x2.sub(kd, v128.load64_splat(memory.data<f64>([6755399441055744.0])));
  let r = f64x2.sub(c, f64x2.mul(kd, v128.load64_splat(memory.data<f64>([6.93147180369123816490e-1]))));
  r = f64x2.sub(r, f64x2.mul(kd, v128.load64_splat(memory.data<f64>([1.90821492927058770002e-10]))));
  // sum of r^k / k! for k <= 12 by Estrin's scheme (pairs, then r^2, r^4, r^8)
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const a0 = f64x2.add(v128.load64_splat(memory.data<f64>([1.0])), r);
  const a1 = f64x2.add(v128.load64_splat(memory.data<f64>([0.5])), f64x2.mul(v128.load64_splat(memory.data<f64>([1.66666666666666666667e-1])), r));
  const a2 = f64x2.add(v128.load64_splat(memory.data<f64>([4.16666666666666666667e-2])), f64x2.mul(v128.load64_splat(memory.data<f64>([8.33333333333333333333e-3])), r));
  const a3 = f64x2.add(v128.load64_splat(memory.data<f64>([1.38888888888888888889e-3])), f64x2.mul(v128.load64_splat(memory.data<f64>([1.98412698412698412698e-4])), r));
  const a4 = f64x2.add(v128.load64_splat(memory.data<f64>([2.48015873015873015873e-5])), f64x2.mul(v128.load64_splat(memory.data<f64>([2.75573192239858906526e-6])), r));
  const a5 = f64x2.add(v128.load64_splat(memory.data<f64>([2.75573192239858906526e-7])), f64x2.mul(v128.load64_splat(memory.data<f64>([2.50521083854417187751e-8])), r));
  const b0 = f64x2.add(a0, f64x2.mul(r2, a1));
  const b1 = f64x2.add(a2, f64x2.mul(r2, a3));
  const b2 = f64x2.add(a4, f64x2.mul(r2, a5));
  const c0 = f64x2.add(b0, f64x2.mul(r4, b1));
  const c1 = f64x2.add(b2, f64x2.mul(r4, v128.load64_splat(memory.data<f64>([2.08767569878680989792e-9]))));
  const p = f64x2.add(c0, f64x2.mul(r8, c1));
  // k sits in the low bits of ki (sign-extended from the shifter's mantissa)
  const k = i64x2.sub(v128.and(ki, v128.load64_splat(memory.data<i64>([0xfffffffffffff]))), v128.load64_splat(memory.data<i64>([0x8000000000000])));
  // c >= -708 everywhere: k >= -1022, one normal factor (see the float32 version)
  if (!v128.any_true(f64x2.lt(c, v128.load64_splat(memory.data<f64>([-708.0]))))) {
    return f64x2.mul(p, i64x2.shl(i64x2.add(k, v128.load64_splat(memory.data<i64>([1023]))), 52));
  }
  const k1 = i64x2.shr_s(k, 1);
  const k2 = i64x2.sub(k, k1);
  const s1 = i64x2.shl(i64x2.add(k1, v128.load64_splat(memory.data<i64>([1023]))), 52);
  const s2 = i64x2.shl(i64x2.add(k2, v128.load64_splat(memory.data<i64>([1023]))), 52);
  return f64x2.mul(f64x2.mul(p, s1), s2);
}

// exp(t) for every float64 t: as above, and t > 709.78 is +inf.
// @ts-expect-error: decorator
@inline function expF64x2(t: v128): v128 {
  const hi = v128.load64_splat(memory.data<f64>([709.782712893384]));
  const e = expNotAboveF64x2(f64x2.pmin(t, hi));
  return v128.bitselect(v128.load64_splat(memory.data<f64>([Infinity])), e, f64x2.gt(t, hi));
}

// @ts-expect-error: decorator
@inline function badForwardF64(y: v128): v128 {
  return v128.and(i64x2.lt_s(y, v128.load64_splat(memory.data<i64>([0x0010000000000000]))), i64x2.ne(y, i64x2.splat(0)));
}

// @ts-expect-error: decorator
@inline function lossF64x2(x: v128, y: v128, logTarget: bool): v128 {
  if (logTarget) return f64x2.mul(expF64x2(y), f64x2.sub(y, x));
  return f64x2.sub(f64x2.mul(y, logF64x2(y)), f64x2.mul(y, x));
}

export function klSumF64(n: i32, px: usize, py: usize, logTarget: bool): f64 {
  let acc = f64x2.splat(0);
  let tail: f64 = 0;
  let i = 0;
  const end = n & ~7;
  for (; i < end; i += 8) {
    const o = <usize>i << 3;
    const y0 = v128.load(py + o);
    const y1 = v128.load(py + o, 16);
    const y2 = v128.load(py + o, 32);
    const y3 = v128.load(py + o, 48);
    if (!logTarget) {
      const bad = v128.or(
        v128.or(badForwardF64(y0), badForwardF64(y1)),
        v128.or(badForwardF64(y2), badForwardF64(y3)),
      );
      if (v128.any_true(bad)) {
        for (let j = 0; j < 8; j++) {
          const q = o + (<usize>j << 3);
          tail += lossScalar(load<f64>(px + q), load<f64>(py + q), false);
        }
        continue;
      }
    }
    const a = f64x2.add(
      lossF64x2(v128.load(px + o), y0, logTarget),
      lossF64x2(v128.load(px + o, 16), y1, logTarget),
    );
    const b = f64x2.add(
      lossF64x2(v128.load(px + o, 32), y2, logTarget),
      lossF64x2(v128.load(px + o, 48), y3, logTarget),
    );
    acc = f64x2.add(acc, f64x2.add(a, b));
  }
  for (; i < n; i++) {
    const q = <usize>i << 3;
    tail += lossScalar(load<f64>(px + q), load<f64>(py + q), logTarget);
  }
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1) + tail;
}

export function klPointwiseF64(
  n: i32,
  px: usize,
  py: usize,
  pout: usize,
  logTarget: bool,
  divisor: f64,
): void {
  const div = f64x2.splat(divisor);
  const scaled = divisor != 1;
  let i = 0;
  const end = n & ~1;
  for (; i < end; i += 2) {
    const o = <usize>i << 3;
    const y = v128.load(py + o);
    if (!logTarget && v128.any_true(badForwardF64(y))) {
      for (let j = 0; j < 2; j++) {
        const q = o + (<usize>j << 3);
        store<f64>(pout + q, lossScalar(load<f64>(px + q), load<f64>(py + q), false) / divisor);
      }
      continue;
    }
    let l = lossF64x2(v128.load(px + o), y, logTarget);
    if (scaled) l = f64x2.div(l, div);
    v128.store(pout + o, l);
  }
  for (; i < n; i++) {
    const q = <usize>i << 3;
    store<f64>(pout + q, lossScalar(load<f64>(px + q), load<f64>(py + q), logTarget) / divisor);
  }
}

// @ts-expect-error: decorator
@inline function backwardScalarF64(
  s: f64, x: f64, y: f64, logTarget: bool, pgx: usize, pgy: usize, q: usize,
): void {
  if (logTarget) {
    const e = Math.exp(y);
    store<f64>(pgx + q, -(s * e));
    store<f64>(pgy + q, s * (y - x) * e + s * e);
  } else {
    store<f64>(pgx + q, -(s * y));
    store<f64>(pgy + q, s * (y == 0 ? 0 : Math.log(y)) + (s * y) / y - s * x);
  }
}

export function klBackwardF64(
  n: i32,
  pg: usize,
  gStride: i32,
  px: usize,
  py: usize,
  pgx: usize,
  pgy: usize,
  logTarget: bool,
  divisor: f64,
): f64 {
  let acc = f64x2.splat(0);
  let tail: f64 = 0;
  const scalarG = gStride == 0;
  const s0: f64 = scalarG ? load<f64>(pg) / divisor : 0;
  const sv0 = f64x2.splat(s0);
  const div = f64x2.splat(divisor);
  let i = 0;
  const end = n & ~1;
  for (; i < end; i += 2) {
    const o = <usize>i << 3;
    const y = v128.load(py + o);
    if (!logTarget && v128.any_true(badForwardF64(y))) {
      for (let j = 0; j < 2; j++) {
        const q = o + (<usize>j << 3);
        const s = scalarG ? s0 : load<f64>(pg + q) / divisor;
        backwardScalarF64(s, load<f64>(px + q), load<f64>(py + q), false, pgx, pgy, q);
        tail += lossScalar(load<f64>(px + q), load<f64>(py + q), false);
      }
      continue;
    }
    const s = scalarG ? sv0 : f64x2.div(v128.load(pg + o), div);
    const x = v128.load(px + o);
    if (logTarget) {
      const e = expF64x2(y);
      const se = f64x2.mul(s, e);
      v128.store(pgx + o, f64x2.neg(se));
      v128.store(pgy + o, f64x2.add(f64x2.mul(f64x2.mul(s, f64x2.sub(y, x)), e), se));
      acc = f64x2.add(acc, f64x2.mul(e, f64x2.sub(y, x)));
    } else {
      const sy = f64x2.mul(s, y);
      v128.store(pgx + o, f64x2.neg(sy));
      const logy = logF64x2(y);
      const gy = f64x2.add(f64x2.mul(s, logy), f64x2.div(sy, y));
      v128.store(pgy + o, f64x2.sub(gy, f64x2.mul(s, x)));
      acc = f64x2.add(acc, f64x2.sub(f64x2.mul(y, logy), f64x2.mul(y, x)));
    }
  }
  for (; i < n; i++) {
    const q = <usize>i << 3;
    const s = scalarG ? s0 : load<f64>(pg + q) / divisor;
    backwardScalarF64(s, load<f64>(px + q), load<f64>(py + q), logTarget, pgx, pgy, q);
    tail += lossScalar(load<f64>(px + q), load<f64>(py + q), logTarget);
  }
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1) + tail;
}

// ---------------------------------------------------------------------------------------
// Chunk sums of a long contiguous run in one call: klSum over consecutive chunks of `chunk`
// elements, each sum stored as a float64 at pSums. The same chunks, in the same order, as calls
// chunk by chunk from JS, so the same bits; one call saves a JS -> WebAssembly round trip per
// chunk where the inputs are already in memory (wasmArray).

export function klSumChunksF32(n: i32, chunk: i32, px: usize, py: usize, logTarget: bool, pSums: usize): void {
  for (let i = 0; i < n; i += chunk) {
    const o = <usize>i << 2;
    store<f64>(pSums, klSumF32(min(chunk, n - i), px + o, py + o, logTarget));
    pSums += 8;
  }
}

export function klSumChunksF64(n: i32, chunk: i32, px: usize, py: usize, logTarget: bool, pSums: usize): void {
  for (let i = 0; i < n; i += chunk) {
    const o = <usize>i << 3;
    store<f64>(pSums, klSumF64(min(chunk, n - i), px + o, py + o, logTarget));
    pSums += 8;
  }
}

// ---------------------------------------------------------------------------------------
// Fused log-softmax + KL over one contiguous row of logits (kernels/js/softmax-kl.ts has the
// same mathematics in scalar form). With k = 1/T:
//   log q = k s - lse(k s),  log p = k t - lse(k t),  l = xlogy(p, p) - p log q
// Rows take SIMD maxima, then one exp per element whose value is kept in the output buffers,
// so the loss and both gradients need no further exponentials. Sums of exponentials and
// losses are float64. Without per-element outputs or upstream gradients (the reductions), the
// row's loss needs no pass of its own: with p = e / St, sum_j p_j = 1 and
//   sum_j l_j = k sum_j p_j (t_j - s_j) + lse(k s) - lse(k t),
// whose sum the teacher's exp pass accumulates; PyTorch's p = 0 terms (0, or NaN where
// log q = -inf) come out of the same product as 0 * s_j. The float64 section is the float32
// one on 2 lanes.

// @ts-ignore: decorator
@inline function ppOneF32(p: v128): v128 {
  const nan = v128.or(f32x4.eq(p, f32x4.splat(0)), f32x4.ne(p, p));
  return v128.bitselect(v128.load32_splat(memory.data<f32>([<f32>NaN])), v128.load32_splat(memory.data<f32>([1])), nan);
}

// Row maxima of k s and k t, in one loop (two independent chains).
let rowMaxSF32: f32 = 0;
let rowMaxTF32: f32 = 0;
// @ts-ignore: decorator
@inline function rowMax2F32(V: i32, ps: usize, pt: usize, k: f32): void {
  let ms = f32x4.splat(-Infinity);
  let mt = f32x4.splat(-Infinity);
  // pmax is one instruction but drops a NaN operand, so NaN lanes are flagged on the side
  let nans = f32x4.splat(0);
  let nant = f32x4.splat(0);
  const kv = f32x4.splat(k);
  let i = 0;
  for (; i + 4 <= V; i += 4) {
    const o = <usize>i << 2;
    const vs = f32x4.mul(v128.load(ps + o), kv);
    const vt = f32x4.mul(v128.load(pt + o), kv);
    ms = f32x4.pmax(ms, vs);
    mt = f32x4.pmax(mt, vt);
    nans = v128.or(nans, f32x4.ne(vs, vs));
    nant = v128.or(nant, f32x4.ne(vt, vt));
  }
  let a: f32 = max(max(f32x4.extract_lane(ms, 0), f32x4.extract_lane(ms, 1)), max(f32x4.extract_lane(ms, 2), f32x4.extract_lane(ms, 3)));
  let b: f32 = max(max(f32x4.extract_lane(mt, 0), f32x4.extract_lane(mt, 1)), max(f32x4.extract_lane(mt, 2), f32x4.extract_lane(mt, 3)));
  if (v128.any_true(nans)) a = <f32>NaN;
  if (v128.any_true(nant)) b = <f32>NaN;
  for (; i < V; i++) {
    const o = <usize>i << 2;
    a = max(a, load<f32>(ps + o) * k);
    b = max(b, load<f32>(pt + o) * k);
  }
  rowMaxSF32 = a;
  rowMaxTF32 = b;
}

// exp(k x - m) into pe; returns the float64 sum. (One operand per loop: two in one loop
// spill registers.)
// @ts-ignore: decorator
@inline function rowExpF32(V: i32, px: usize, k: f32, m: f32, pe: usize): f64 {
  let acc = f64x2.splat(0);
  const kv = f32x4.splat(k);
  const mv = f32x4.splat(m);
  let i = 0;
  for (; i + 4 <= V; i += 4) {
    const o = <usize>i << 2;
    const e = expNotAboveF32x4(f32x4.sub(f32x4.mul(v128.load(px + o), kv), mv));
    v128.store(pe + o, e);
    acc = addF32x4ToF64x2(acc, e);
  }
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < V; i++) {
    const o = <usize>i << 2;
    const e = <f32>Math.exp(<f64>(load<f32>(px + o) * k - m));
    store<f32>(pe + o, e);
    sum += e;
  }
  return sum;
}

// exp(k t - m) into pe (its sum returned) and, in rowDotF32, sum_j e_j (t_j - s_j) with e_j s_j
// where e_j = 0 (PyTorch's 0 * log q), and, in rowMinEF32, the least e_j.
let rowDotF32: f64 = 0;
let rowMinEF32: f32 = 0;
// @ts-ignore: decorator
@inline function rowExpDotF32(V: i32, pt: usize, ps: usize, k: f32, m: f32, pe: usize): f64 {
  let acc = f64x2.splat(0);
  let dot = f64x2.splat(0);
  let least = f32x4.splat(<f32>Infinity);
  const kv = f32x4.splat(k);
  const mv = f32x4.splat(m);
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= V; i += 4) {
    const o = <usize>i << 2;
    const t = v128.load(pt + o);
    const sv = v128.load(ps + o);
    const e = expNotAboveF32x4(f32x4.sub(f32x4.mul(t, kv), mv));
    v128.store(pe + o, e);
    acc = addF32x4ToF64x2(acc, e);
    least = f32x4.pmin(least, e);
    const d = v128.bitselect(sv, f32x4.sub(t, sv), f32x4.eq(e, zero));
    dot = addF32x4ToF64x2(dot, f32x4.mul(e, d));
  }
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  let dsum = f64x2.extract_lane(dot, 0) + f64x2.extract_lane(dot, 1);
  let lo: f32 = min(min(f32x4.extract_lane(least, 0), f32x4.extract_lane(least, 1)), min(f32x4.extract_lane(least, 2), f32x4.extract_lane(least, 3)));
  for (; i < V; i++) {
    const o = <usize>i << 2;
    const t = load<f32>(pt + o);
    const sv = load<f32>(ps + o);
    const e = <f32>Math.exp(<f64>(t * k - m));
    store<f32>(pe + o, e);
    sum += e;
    lo = min(lo, e);
    dsum += e * (e == 0 ? sv : t - sv);
  }
  rowDotF32 = dsum;
  rowMinEF32 = lo;
  return sum;
}

/** Row loss sum; with `pout` != 0 also writes l_j * scale there. `pes`, `pet` are scratch. */
export function logitsRowForwardF32(V: i32, ps: usize, pt: usize, pes: usize, pet: usize, k: f32, pout: usize, scale: f32): f64 {
  rowMax2F32(V, ps, pt, k);
  const ms = rowMaxSF32;
  const mt = rowMaxTF32;
  if (pout == 0) {
    if (V == 0) return 0;
    const Ss = rowExpF32(V, ps, k, ms, pes);
    const St = rowExpDotF32(V, pt, ps, k, mt, pet);
    return (<f64>k * rowDotF32) / St + (<f64>ms + Math.log(Ss)) - (<f64>mt + Math.log(St));
  }
  const lseS = <f32>(<f64>ms + Math.log(rowExpF32(V, ps, k, ms, pes)));
  const St = rowExpF32(V, pt, k, mt, pet);
  const lseT = <f32>(<f64>mt + Math.log(St));
  const invSt = <f32>(1 / St);
  const kv = f32x4.splat(k);
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= V; i += 4) {
    const o = <usize>i << 2;
    const logq = f32x4.sub(f32x4.mul(v128.load(ps + o), kv), f32x4.splat(lseS));
    const logp = f32x4.sub(f32x4.mul(v128.load(pt + o), kv), f32x4.splat(lseT));
    const p = f32x4.mul(v128.load(pet + o), f32x4.splat(invSt));
    // xlogy(p, p): p * log p, 0 where p underflowed to 0
    const plogp = v128.andnot(f32x4.mul(p, logp), f32x4.eq(p, f32x4.splat(0)));
    const l = f32x4.sub(plogp, f32x4.mul(p, logq));
    acc = addF32x4ToF64x2(acc, l);
    if (pout != 0) v128.store(pout + o, f32x4.mul(l, f32x4.splat(scale)));
  }
  let total = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < V; i++) {
    const o = <usize>i << 2;
    const logq = load<f32>(ps + o) * k - lseS;
    const logp = load<f32>(pt + o) * k - lseT;
    const p = load<f32>(pet + o) * invSt;
    const l = (p == 0 ? <f32>0 : p * logp) - p * logq;
    total += l;
    if (pout != 0) store<f32>(pout + o, l * scale);
  }
  return total;
}

// Pass 1 for per-element upstream gradients: q, p into the gradient buffers; the row's loss
// (returned) and the sums the gradients need, sum_j c_j p_j and sum_j p_j w_j.
let rowSumUF32: f64 = 0;
let rowSumPWF32: f64 = 0;
// @ts-ignore: decorator
@inline function pass1F32(
  V: i32, ps: usize, pt: usize, k: f32, pg: usize, coef: f32, pgs: usize, pgt: usize,
  Ss: f64, St: f64, lseS: f32, lseT: f32,
): f64 {
  const invSs = f32x4.splat(<f32>(1 / Ss));
  const invSt = f32x4.splat(<f32>(1 / St));
  const kv = f32x4.splat(k);
  const cv = f32x4.splat(coef);
  const zero = f32x4.splat(0);
  let loss = f64x2.splat(0);
  let sumU = f64x2.splat(0);
  let sumPW = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= V; i += 4) {
    const o = <usize>i << 2;
    const q = f32x4.mul(v128.load(pgs + o), invSs);
    const p = f32x4.mul(v128.load(pgt + o), invSt);
    const logq = f32x4.sub(f32x4.mul(v128.load(ps + o), kv), f32x4.splat(lseS));
    const logp = f32x4.sub(f32x4.mul(v128.load(pt + o), kv), f32x4.splat(lseT));
    const c = f32x4.mul(v128.load(pg + o), cv);
    const pz = f32x4.eq(p, zero);
    loss = addF32x4ToF64x2(loss, f32x4.sub(v128.andnot(f32x4.mul(p, logp), pz), f32x4.mul(p, logq)));
    sumU = addF32x4ToF64x2(sumU, f32x4.mul(c, p));
    // w = c (log p + p / p - log q): p / p is NaN at p = 0 (PyTorch's xlogy backward)
    const w = f32x4.mul(c, f32x4.sub(f32x4.add(logp, ppOneF32(p)), logq));
    sumPW = addF32x4ToF64x2(sumPW, f32x4.mul(p, w));
    v128.store(pgs + o, q);
    v128.store(pgt + o, p);
  }
  let total = f64x2.extract_lane(loss, 0) + f64x2.extract_lane(loss, 1);
  let su = f64x2.extract_lane(sumU, 0) + f64x2.extract_lane(sumU, 1);
  let spw = f64x2.extract_lane(sumPW, 0) + f64x2.extract_lane(sumPW, 1);
  for (let j = i; j < V; j++) {
    const o = <usize>j << 2;
    const q = load<f32>(pgs + o) / <f32>Ss;
    const p = load<f32>(pgt + o) / <f32>St;
    const logq = load<f32>(ps + o) * k - lseS;
    const logp = load<f32>(pt + o) * k - lseT;
    const c = load<f32>(pg + o) * coef;
    total += (p == 0 ? <f32>0 : p * logp) - p * logq;
    su += c * p;
    spw += p * (c * (logp + p / p - logq));
    store<f32>(pgs + o, q);
    store<f32>(pgt + o, p);
  }
  rowSumUF32 = su;
  rowSumPWF32 = spw;
  return total;
}

/**
 * Gradients of sum_j c_j l_j (c_j = g_j coef, g read with stride gStride: 0 scalar, 1 per
 * element) into pgs (student) and pgt (teacher), PyTorch autograd's formulas (see
 * softmax-kl.ts); returns the row's loss sum, computed on the way.
 */
export function logitsRowBackwardF32(
  V: i32, ps: usize, pt: usize, k: f32, pg: usize, gStride: i32, coef: f32, pgs: usize, pgt: usize,
): f64 {
  if (V == 0) return 0;
  rowMax2F32(V, ps, pt, k);
  const ms = rowMaxSF32;
  const mt = rowMaxTF32;
  const Ss = rowExpF32(V, ps, k, ms, pgs);
  const St = gStride == 0 ? rowExpDotF32(V, pt, ps, k, mt, pgt) : rowExpF32(V, pt, k, mt, pgt);
  const lseS = <f32>(<f64>ms + Math.log(Ss));
  const lseT = <f32>(<f64>mt + Math.log(St));
  const kv = f32x4.splat(k);
  const cv = f32x4.splat(coef);
  const g0 = f32x4.splat(gStride == 0 ? load<f32>(pg) : 0);
  // pass 2 reads q = e_s * scaleQ and p = e_t * scaleP from the gradient buffers
  let scaleQ = f32x4.splat(<f32>(1 / Ss));
  let scaleP = f32x4.splat(<f32>(1 / St));
  let total: f64;
  let su: f64;
  let spw: f64;
  if (gStride == 0) {
    // one upstream value c: sum_j c p_j = c, and sum_j p_j w_j = c (loss + sum_j p_j p_j / p_j),
    // NaN when some p_j is 0 (the least e_t decides, as p = e_t / St is monotonic in e_t)
    total = (<f64>k * rowDotF32) / St + (<f64>ms + Math.log(Ss)) - (<f64>mt + Math.log(St));
    const c = load<f32>(pg) * coef;
    su = c;
    spw = rowMinEF32 * <f32>(1 / St) == 0 ? <f32>NaN : c * (total + 1);
  } else {
    const loss = pass1F32(V, ps, pt, k, pg, coef, pgs, pgt, Ss, St, lseS, lseT);
    total = loss;
    su = rowSumUF32;
    spw = rowSumPWF32;
    scaleQ = f32x4.splat(1);
    scaleP = f32x4.splat(1);
  }
  // pass 2: d/ds = k (q sum_j c_j p_j - c p), d/dt = k p (w - sum_j p_j w_j)
  const suv = f32x4.splat(<f32>su);
  const spwv = f32x4.splat(<f32>spw);
  let i = 0;
  for (; i + 4 <= V; i += 4) {
    const o = <usize>i << 2;
    const q = f32x4.mul(v128.load(pgs + o), scaleQ);
    const p = f32x4.mul(v128.load(pgt + o), scaleP);
    const logq = f32x4.sub(f32x4.mul(v128.load(ps + o), kv), f32x4.splat(lseS));
    const logp = f32x4.sub(f32x4.mul(v128.load(pt + o), kv), f32x4.splat(lseT));
    const c = f32x4.mul(gStride == 0 ? g0 : v128.load(pg + o), cv);
    v128.store(pgs + o, f32x4.mul(kv, f32x4.sub(f32x4.mul(q, suv), f32x4.mul(c, p))));
    const w = f32x4.mul(c, f32x4.sub(f32x4.add(logp, ppOneF32(p)), logq));
    v128.store(pgt + o, f32x4.mul(f32x4.mul(kv, p), f32x4.sub(w, spwv)));
  }
  for (; i < V; i++) {
    const o = <usize>i << 2;
    const q = load<f32>(pgs + o) * f32x4.extract_lane(scaleQ, 0);
    const p = load<f32>(pgt + o) * f32x4.extract_lane(scaleP, 0);
    const logq = load<f32>(ps + o) * k - lseS;
    const logp = load<f32>(pt + o) * k - lseT;
    const c = (gStride == 0 ? load<f32>(pg) : load<f32>(pg + o)) * coef;
    store<f32>(pgs + o, k * (q * <f32>su - c * p));
    store<f32>(pgt + o, k * p * (c * (logp + p / p - logq) - <f32>spw));
  }
  return total;
}

// float64 rows

// @ts-ignore: decorator
@inline function ppOneF64(p: v128): v128 {
  const nan = v128.or(f64x2.eq(p, f64x2.splat(0)), f64x2.ne(p, p));
  return v128.bitselect(v128.load64_splat(memory.data<f64>([<f64>NaN])), v128.load64_splat(memory.data<f64>([1])), nan);
}

// Row maxima of k s and k t, in one loop (two independent chains).
let rowMaxSF64: f64 = 0;
let rowMaxTF64: f64 = 0;
// @ts-ignore: decorator
@inline function rowMax2F64(V: i32, ps: usize, pt: usize, k: f64): void {
  let ms = f64x2.splat(-Infinity);
  let mt = f64x2.splat(-Infinity);
  let nans = f64x2.splat(0);
  let nant = f64x2.splat(0);
  const kv = f64x2.splat(k);
  let i = 0;
  for (; i + 2 <= V; i += 2) {
    const o = <usize>i << 3;
    const vs = f64x2.mul(v128.load(ps + o), kv);
    const vt = f64x2.mul(v128.load(pt + o), kv);
    ms = f64x2.pmax(ms, vs);
    mt = f64x2.pmax(mt, vt);
    nans = v128.or(nans, f64x2.ne(vs, vs));
    nant = v128.or(nant, f64x2.ne(vt, vt));
  }
  let a: f64 = max(f64x2.extract_lane(ms, 0), f64x2.extract_lane(ms, 1));
  let b: f64 = max(f64x2.extract_lane(mt, 0), f64x2.extract_lane(mt, 1));
  if (v128.any_true(nans)) a = NaN;
  if (v128.any_true(nant)) b = NaN;
  for (; i < V; i++) {
    const o = <usize>i << 3;
    a = max(a, load<f64>(ps + o) * k);
    b = max(b, load<f64>(pt + o) * k);
  }
  rowMaxSF64 = a;
  rowMaxTF64 = b;
}

// exp(k x - m) into pe; returns the float64 sum. (One operand per loop: two in one loop
// spill registers.)
// @ts-ignore: decorator
@inline function rowExpF64(V: i32, px: usize, k: f64, m: f64, pe: usize): f64 {
  let acc = f64x2.splat(0);
  const kv = f64x2.splat(k);
  const mv = f64x2.splat(m);
  let i = 0;
  for (; i + 2 <= V; i += 2) {
    const o = <usize>i << 3;
    const e = expNotAboveF64x2(f64x2.sub(f64x2.mul(v128.load(px + o), kv), mv));
    v128.store(pe + o, e);
    acc = f64x2.add(acc, e);
  }
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < V; i++) {
    const o = <usize>i << 3;
    const e = Math.exp(<f64>(load<f64>(px + o) * k - m));
    store<f64>(pe + o, e);
    sum += e;
  }
  return sum;
}

// exp(k t - m) into pe (its sum returned) and, in rowDotF64, sum_j e_j (t_j - s_j) with e_j s_j
// where e_j = 0 (PyTorch's 0 * log q), and, in rowMinEF64, the least e_j.
let rowDotF64: f64 = 0;
let rowMinEF64: f64 = 0;
// @ts-ignore: decorator
@inline function rowExpDotF64(V: i32, pt: usize, ps: usize, k: f64, m: f64, pe: usize): f64 {
  let acc = f64x2.splat(0);
  let dot = f64x2.splat(0);
  let least = f64x2.splat(<f64>Infinity);
  const kv = f64x2.splat(k);
  const mv = f64x2.splat(m);
  const zero = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= V; i += 2) {
    const o = <usize>i << 3;
    const t = v128.load(pt + o);
    const sv = v128.load(ps + o);
    const e = expNotAboveF64x2(f64x2.sub(f64x2.mul(t, kv), mv));
    v128.store(pe + o, e);
    acc = f64x2.add(acc, e);
    least = f64x2.pmin(least, e);
    const d = v128.bitselect(sv, f64x2.sub(t, sv), f64x2.eq(e, zero));
    dot = f64x2.add(dot, f64x2.mul(e, d));
  }
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  let dsum = f64x2.extract_lane(dot, 0) + f64x2.extract_lane(dot, 1);
  let lo: f64 = min(f64x2.extract_lane(least, 0), f64x2.extract_lane(least, 1));
  for (; i < V; i++) {
    const o = <usize>i << 3;
    const t = load<f64>(pt + o);
    const sv = load<f64>(ps + o);
    const e = Math.exp(<f64>(t * k - m));
    store<f64>(pe + o, e);
    sum += e;
    lo = min(lo, e);
    dsum += e * (e == 0 ? sv : t - sv);
  }
  rowDotF64 = dsum;
  rowMinEF64 = lo;
  return sum;
}

/** Row loss sum; with `pout` != 0 also writes l_j * scale there. `pes`, `pet` are scratch. */
export function logitsRowForwardF64(V: i32, ps: usize, pt: usize, pes: usize, pet: usize, k: f64, pout: usize, scale: f64): f64 {
  rowMax2F64(V, ps, pt, k);
  const ms = rowMaxSF64;
  const mt = rowMaxTF64;
  if (pout == 0) {
    if (V == 0) return 0;
    const Ss = rowExpF64(V, ps, k, ms, pes);
    const St = rowExpDotF64(V, pt, ps, k, mt, pet);
    return (<f64>k * rowDotF64) / St + (<f64>ms + Math.log(Ss)) - (<f64>mt + Math.log(St));
  }
  const lseS = <f64>(<f64>ms + Math.log(rowExpF64(V, ps, k, ms, pes)));
  const St = rowExpF64(V, pt, k, mt, pet);
  const lseT = <f64>(<f64>mt + Math.log(St));
  const invSt = <f64>(1 / St);
  const kv = f64x2.splat(k);
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= V; i += 2) {
    const o = <usize>i << 3;
    const logq = f64x2.sub(f64x2.mul(v128.load(ps + o), kv), f64x2.splat(lseS));
    const logp = f64x2.sub(f64x2.mul(v128.load(pt + o), kv), f64x2.splat(lseT));
    const p = f64x2.mul(v128.load(pet + o), f64x2.splat(invSt));
    // xlogy(p, p): p * log p, 0 where p underflowed to 0
    const plogp = v128.andnot(f64x2.mul(p, logp), f64x2.eq(p, f64x2.splat(0)));
    const l = f64x2.sub(plogp, f64x2.mul(p, logq));
    acc = f64x2.add(acc, l);
    if (pout != 0) v128.store(pout + o, f64x2.mul(l, f64x2.splat(scale)));
  }
  let total = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < V; i++) {
    const o = <usize>i << 3;
    const logq = load<f64>(ps + o) * k - lseS;
    const logp = load<f64>(pt + o) * k - lseT;
    const p = load<f64>(pet + o) * invSt;
    const l = (p == 0 ? <f64>0 : p * logp) - p * logq;
    total += l;
    if (pout != 0) store<f64>(pout + o, l * scale);
  }
  return total;
}

// Pass 1 for per-element upstream gradients: q, p into the gradient buffers; the row's loss
// (returned) and the sums the gradients need, sum_j c_j p_j and sum_j p_j w_j.
let rowSumUF64: f64 = 0;
let rowSumPWF64: f64 = 0;
// @ts-ignore: decorator
@inline function pass1F64(
  V: i32, ps: usize, pt: usize, k: f64, pg: usize, coef: f64, pgs: usize, pgt: usize,
  Ss: f64, St: f64, lseS: f64, lseT: f64,
): f64 {
  const invSs = f64x2.splat(<f64>(1 / Ss));
  const invSt = f64x2.splat(<f64>(1 / St));
  const kv = f64x2.splat(k);
  const cv = f64x2.splat(coef);
  const zero = f64x2.splat(0);
  let loss = f64x2.splat(0);
  let sumU = f64x2.splat(0);
  let sumPW = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= V; i += 2) {
    const o = <usize>i << 3;
    const q = f64x2.mul(v128.load(pgs + o), invSs);
    const p = f64x2.mul(v128.load(pgt + o), invSt);
    const logq = f64x2.sub(f64x2.mul(v128.load(ps + o), kv), f64x2.splat(lseS));
    const logp = f64x2.sub(f64x2.mul(v128.load(pt + o), kv), f64x2.splat(lseT));
    const c = f64x2.mul(v128.load(pg + o), cv);
    const pz = f64x2.eq(p, zero);
    loss = f64x2.add(loss, f64x2.sub(v128.andnot(f64x2.mul(p, logp), pz), f64x2.mul(p, logq)));
    sumU = f64x2.add(sumU, f64x2.mul(c, p));
    // w = c (log p + p / p - log q): p / p is NaN at p = 0 (PyTorch's xlogy backward)
    const w = f64x2.mul(c, f64x2.sub(f64x2.add(logp, ppOneF64(p)), logq));
    sumPW = f64x2.add(sumPW, f64x2.mul(p, w));
    v128.store(pgs + o, q);
    v128.store(pgt + o, p);
  }
  let total = f64x2.extract_lane(loss, 0) + f64x2.extract_lane(loss, 1);
  let su = f64x2.extract_lane(sumU, 0) + f64x2.extract_lane(sumU, 1);
  let spw = f64x2.extract_lane(sumPW, 0) + f64x2.extract_lane(sumPW, 1);
  for (let j = i; j < V; j++) {
    const o = <usize>j << 3;
    const q = load<f64>(pgs + o) / <f64>Ss;
    const p = load<f64>(pgt + o) / <f64>St;
    const logq = load<f64>(ps + o) * k - lseS;
    const logp = load<f64>(pt + o) * k - lseT;
    const c = load<f64>(pg + o) * coef;
    total += (p == 0 ? <f64>0 : p * logp) - p * logq;
    su += c * p;
    spw += p * (c * (logp + p / p - logq));
    store<f64>(pgs + o, q);
    store<f64>(pgt + o, p);
  }
  rowSumUF64 = su;
  rowSumPWF64 = spw;
  return total;
}

/**
 * Gradients of sum_j c_j l_j (c_j = g_j coef, g read with stride gStride: 0 scalar, 1 per
 * element) into pgs (student) and pgt (teacher), PyTorch autograd's formulas (see
 * softmax-kl.ts); returns the row's loss sum, computed on the way.
 */
export function logitsRowBackwardF64(
  V: i32, ps: usize, pt: usize, k: f64, pg: usize, gStride: i32, coef: f64, pgs: usize, pgt: usize,
): f64 {
  if (V == 0) return 0;
  rowMax2F64(V, ps, pt, k);
  const ms = rowMaxSF64;
  const mt = rowMaxTF64;
  const Ss = rowExpF64(V, ps, k, ms, pgs);
  const St = gStride == 0 ? rowExpDotF64(V, pt, ps, k, mt, pgt) : rowExpF64(V, pt, k, mt, pgt);
  const lseS = <f64>(<f64>ms + Math.log(Ss));
  const lseT = <f64>(<f64>mt + Math.log(St));
  const kv = f64x2.splat(k);
  const cv = f64x2.splat(coef);
  const g0 = f64x2.splat(gStride == 0 ? load<f64>(pg) : 0);
  // pass 2 reads q = e_s * scaleQ and p = e_t * scaleP from the gradient buffers
  let scaleQ = f64x2.splat(<f64>(1 / Ss));
  let scaleP = f64x2.splat(<f64>(1 / St));
  let total: f64;
  let su: f64;
  let spw: f64;
  if (gStride == 0) {
    // one upstream value c: sum_j c p_j = c, and sum_j p_j w_j = c (loss + sum_j p_j p_j / p_j),
    // NaN when some p_j is 0 (the least e_t decides, as p = e_t / St is monotonic in e_t)
    total = (<f64>k * rowDotF64) / St + (<f64>ms + Math.log(Ss)) - (<f64>mt + Math.log(St));
    const c = load<f64>(pg) * coef;
    su = c;
    spw = rowMinEF64 * <f64>(1 / St) == 0 ? NaN : c * (total + 1);
  } else {
    const loss = pass1F64(V, ps, pt, k, pg, coef, pgs, pgt, Ss, St, lseS, lseT);
    total = loss;
    su = rowSumUF64;
    spw = rowSumPWF64;
    scaleQ = f64x2.splat(1);
    scaleP = f64x2.splat(1);
  }
  // pass 2: d/ds = k (q sum_j c_j p_j - c p), d/dt = k p (w - sum_j p_j w_j)
  const suv = f64x2.splat(<f64>su);
  const spwv = f64x2.splat(<f64>spw);
  let i = 0;
  for (; i + 2 <= V; i += 2) {
    const o = <usize>i << 3;
    const q = f64x2.mul(v128.load(pgs + o), scaleQ);
    const p = f64x2.mul(v128.load(pgt + o), scaleP);
    const logq = f64x2.sub(f64x2.mul(v128.load(ps + o), kv), f64x2.splat(lseS));
    const logp = f64x2.sub(f64x2.mul(v128.load(pt + o), kv), f64x2.splat(lseT));
    const c = f64x2.mul(gStride == 0 ? g0 : v128.load(pg + o), cv);
    v128.store(pgs + o, f64x2.mul(kv, f64x2.sub(f64x2.mul(q, suv), f64x2.mul(c, p))));
    const w = f64x2.mul(c, f64x2.sub(f64x2.add(logp, ppOneF64(p)), logq));
    v128.store(pgt + o, f64x2.mul(f64x2.mul(kv, p), f64x2.sub(w, spwv)));
  }
  for (; i < V; i++) {
    const o = <usize>i << 3;
    const q = load<f64>(pgs + o) * f64x2.extract_lane(scaleQ, 0);
    const p = load<f64>(pgt + o) * f64x2.extract_lane(scaleP, 0);
    const logq = load<f64>(ps + o) * k - lseS;
    const logp = load<f64>(pt + o) * k - lseT;
    const c = (gStride == 0 ? load<f64>(pg) : load<f64>(pg + o)) * coef;
    store<f64>(pgs + o, k * (q * <f64>su - c * p));
    store<f64>(pgt + o, k * p * (c * (logp + p / p - logq) - <f64>spw));
  }
  return total;
}
