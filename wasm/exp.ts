// Vector exp of each lane type (float32: Cephes-style polynomial, float64: degree-12 Taylor by
// Estrin's scheme): different algorithms, not one body twice. Exp.notAbove<T> and Exp.of<T>
// pick at compile time; the clamp to +inf above the overflow threshold is one generic body.

// biome-ignore lint/complexity/noStaticOnlyClass: a namespace for @inline helpers (log-f32.ts)
export class Exp {
  // exp(t) for every t: Exp.notAbove below the overflow threshold, +inf above it.
  // @ts-expect-error: decorator
  @inline static of<T>(t: v128): v128 {
    const hi =
      sizeof<T>() == 4
        ? v128.load32_splat(memory.data<f32>([88.72284]))
        : v128.load64_splat(memory.data<f64>([709.782712893384]));
    // pmin(t, hi) = hi < t ? hi : t keeps a NaN t
    const e = Exp.notAbove<T>(v128.pmin<T>(t, hi));
    const inf =
      sizeof<T>() == 4
        ? v128.load32_splat(memory.data<f32>([<f32>Infinity]))
        : v128.load64_splat(memory.data<f64>([Infinity]));
    return v128.bitselect(inf, e, v128.gt<T>(t, hi));
  }

  // exp(t) for t at most the overflow threshold (88.72, 709.78) and NaN (softmax arguments,
  // which are <= 0): NaN stays NaN, t below the underflow threshold (-104, -746) gives 0 (-inf
  // included), subnormal results come from a two-step scale.
  // @ts-expect-error: decorator
  @inline static notAbove<T>(t: v128): v128 {
    if (sizeof<T>() == 4) return Exp.notAboveIn<f32, i32>(t);
    return Exp.notAboveIn<f64, i64>(t);
  }

  // Exp.notAbove in float lanes T with integer lanes I of the same width.
  // @ts-expect-error: decorator
  @inline static notAboveIn<T, I>(t: v128): v128 {
    // pmax is one instruction (max is seven in V8) and keeps a NaN t: pmax(t, c) = t < c ? c : t
    const lo =
      sizeof<T>() == 4
        ? v128.load32_splat(memory.data<f32>([-104.0]))
        : v128.load64_splat(memory.data<f64>([-746.0]));
    const c = v128.pmax<T>(t, lo);
    // k = round(c / ln2) with the 1.5 * 2^mantissa shifter; the low bits of kd hold k.
    const log2e =
      sizeof<T>() == 4
        ? v128.load32_splat(memory.data<f32>([1.44269504089]))
        : v128.load64_splat(memory.data<f64>([1.4426950408889634]));
    const shifter =
      sizeof<T>() == 4
        ? v128.load32_splat(memory.data<f32>([12582912.0]))
        : v128.load64_splat(memory.data<f64>([6755399441055744.0]));
    let kd = v128.add<T>(v128.mul<T>(c, log2e), shifter);
    const ki = kd;
    kd = v128.sub<T>(kd, shifter);
    // r = c - k ln2, ln2 in two parts
    const ln2hi =
      sizeof<T>() == 4
        ? v128.load32_splat(memory.data<f32>([0.693359375]))
        : v128.load64_splat(memory.data<f64>([6.9314718036912381649e-1]));
    const ln2lo =
      sizeof<T>() == 4
        ? v128.load32_splat(memory.data<f32>([-2.1219444e-4]))
        : v128.load64_splat(memory.data<f64>([1.90821492927058770002e-10]));
    let r = v128.sub<T>(c, v128.mul<T>(kd, ln2hi));
    r = v128.sub<T>(r, v128.mul<T>(kd, ln2lo));
    const e = sizeof<T>() == 4 ? Exp.expmF32x4(r) : Exp.expmF64x2(r);
    // k sits in the low bits of ki (sign-extended from the shifter's mantissa)
    const mask =
      sizeof<T>() == 4
        ? v128.load32_splat(memory.data<i32>([0x7fffff]))
        : v128.load64_splat(memory.data<i64>([0xfffffffffffff]));
    const half =
      sizeof<T>() == 4
        ? v128.load32_splat(memory.data<i32>([0x400000]))
        : v128.load64_splat(memory.data<i64>([0x8000000000000]));
    const k = v128.sub<I>(v128.and(ki, mask), half);
    const bias =
      sizeof<T>() == 4
        ? v128.load32_splat(memory.data<i32>([127]))
        : v128.load64_splat(memory.data<i64>([1023]));
    const mantissa = sizeof<T>() == 4 ? 23 : 52;
    // c >= -87 (-708) everywhere, the usual case: k >= -126 (-1022), so 2^k is one normal
    // factor and e 2^k rounds once, as the two-factor product below does
    const normal =
      sizeof<T>() == 4
        ? v128.load32_splat(memory.data<f32>([-87.0]))
        : v128.load64_splat(memory.data<f64>([-708.0]));
    if (!v128.any_true(v128.lt<T>(c, normal))) {
      return v128.mul<T>(e, v128.shl<I>(v128.add<I>(k, bias), mantissa));
    }
    // 2^k as two factors 2^(k>>1) and 2^(k - (k>>1)), each a normal float for k in
    // [-150, 128] ([-1075, 1024])
    const k1 = v128.shr<I>(k, 1);
    const k2 = v128.sub<I>(k, k1);
    const s1 = v128.shl<I>(v128.add<I>(k1, bias), mantissa);
    const s2 = v128.shl<I>(v128.add<I>(k2, bias), mantissa);
    return v128.mul<T>(v128.mul<T>(e, s1), s2);
  }

  // float32 e^r for |r| <= ln2/2: Cephes' expf polynomial.
  // @ts-expect-error: decorator
  @inline static expmF32x4(r: v128): v128 {
    const r2 = f32x4.mul(r, r);
    const q0 = f32x4.add(
      f32x4.mul(v128.load32_splat(memory.data<f32>([1.6666665459e-1])), r),
      v128.load32_splat(memory.data<f32>([5.0000001201e-1])),
    );
    const q1 = f32x4.add(
      f32x4.mul(v128.load32_splat(memory.data<f32>([8.3334519073e-3])), r),
      v128.load32_splat(memory.data<f32>([4.1665795894e-2])),
    );
    const q2 = f32x4.add(
      f32x4.mul(v128.load32_splat(memory.data<f32>([1.98756915e-4])), r),
      v128.load32_splat(memory.data<f32>([1.3981999507e-3])),
    );
    const p = f32x4.add(q0, f32x4.mul(r2, f32x4.add(q1, f32x4.mul(r2, q2))));
    return f32x4.add(f32x4.add(f32x4.mul(p, r2), r), v128.load32_splat(memory.data<f32>([1.0])));
  }

  // float64 e^r for |r| <= ln2/2: the degree-12 Taylor polynomial (truncation < 2e-16
  // relative) by Estrin's scheme (pairs, then r^2, r^4, r^8).
  // @ts-expect-error: decorator
  @inline static expmF64x2(r: v128): v128 {
    const r2 = f64x2.mul(r, r);
    const r4 = f64x2.mul(r2, r2);
    const r8 = f64x2.mul(r4, r4);
    const a0 = f64x2.add(v128.load64_splat(memory.data<f64>([1.0])), r);
    const a1 = f64x2.add(
      v128.load64_splat(memory.data<f64>([0.5])),
      f64x2.mul(v128.load64_splat(memory.data<f64>([1.66666666666666666667e-1])), r),
    );
    const a2 = f64x2.add(
      v128.load64_splat(memory.data<f64>([4.16666666666666666667e-2])),
      f64x2.mul(v128.load64_splat(memory.data<f64>([8.33333333333333333333e-3])), r),
    );
    const a3 = f64x2.add(
      v128.load64_splat(memory.data<f64>([1.38888888888888888889e-3])),
      f64x2.mul(v128.load64_splat(memory.data<f64>([1.98412698412698412698e-4])), r),
    );
    const a4 = f64x2.add(
      v128.load64_splat(memory.data<f64>([2.48015873015873015873e-5])),
      f64x2.mul(v128.load64_splat(memory.data<f64>([2.75573192239858906526e-6])), r),
    );
    const a5 = f64x2.add(
      v128.load64_splat(memory.data<f64>([2.75573192239858906526e-7])),
      f64x2.mul(v128.load64_splat(memory.data<f64>([2.50521083854417187751e-8])), r),
    );
    const b0 = f64x2.add(a0, f64x2.mul(r2, a1));
    const b1 = f64x2.add(a2, f64x2.mul(r2, a3));
    const b2 = f64x2.add(a4, f64x2.mul(r2, a5));
    const c0 = f64x2.add(b0, f64x2.mul(r4, b1));
    const c1 = f64x2.add(
      b2,
      f64x2.mul(r4, v128.load64_splat(memory.data<f64>([2.08767569878680989792e-9]))),
    );
    return f64x2.add(c0, f64x2.mul(r8, c1));
  }
}
