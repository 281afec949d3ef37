// The float32 vector log of kldiv's kernels (log.ts), in a file of its own so that the
// benchmark's ceiling kernel (ceiling.ts) computes exactly the same log.
//
// AssemblyScript's @inline is a decorator, which TypeScript (and Biome) accept on class members
// only: the inlined helpers of these sources are static methods of classes used as namespaces.

// biome-ignore lint/complexity/noStaticOnlyClass: a namespace for @inline helpers (see above)
export class LogF32 {
  // log(x) for positive normal x, +0 (-88.03, finite), +inf (88.72, finite): callers handle
  // those two through their own arithmetic or a select. Range reduction of musl's logf (m in
  // [sqrt(1/2), sqrt(2)) with integer ops), Cephes logf polynomial evaluated by Estrin's scheme,
  // k ln2 added with a single float32 constant: about 1 ulp.
  // @ts-expect-error: decorator
  @inline static log(v: v128): v128 {
    // 0x3f3504f3: sqrt(1/2)'s bits
    const ix = i32x4.sub(v, v128.load32_splat(memory.data<i32>([0x3f3504f3])));
    const k = i32x4.shr_s(ix, 23);
    const m = i32x4.sub(v, i32x4.shl(k, 23));
    const kf = f32x4.convert_i32x4_s(k);
    const f = f32x4.sub(m, v128.load32_splat(memory.data<f32>([1.0])));
    const z = f32x4.mul(f, f);
    // Estrin's scheme (pairs, then powers of z = f^2): a shorter dependency chain than Horner's
    const z2 = f32x4.mul(z, z);
    const z4 = f32x4.mul(z2, z2);
    const a0 = LogF32.pair(
      f,
      memory.data<f32>([-2.4999993993e-1]),
      memory.data<f32>([3.3333331174e-1]),
    );
    const a1 = LogF32.pair(
      f,
      memory.data<f32>([-1.6668057665e-1]),
      memory.data<f32>([2.0000714765e-1]),
    );
    const a2 = LogF32.pair(
      f,
      memory.data<f32>([-1.2420140846e-1]),
      memory.data<f32>([1.4249322787e-1]),
    );
    const a3 = LogF32.pair(
      f,
      memory.data<f32>([-1.151461031e-1]),
      memory.data<f32>([1.167699874e-1]),
    );
    const b0 = f32x4.add(a0, f32x4.mul(z, a1));
    const b1 = f32x4.add(a2, f32x4.mul(z, a3));
    const c8 = v128.load32_splat(memory.data<f32>([7.0376836292e-2]));
    const p = f32x4.add(f32x4.add(b0, f32x4.mul(z2, b1)), f32x4.mul(z4, c8));
    let y = f32x4.mul(f32x4.mul(f, z), p);
    y = f32x4.sub(y, f32x4.mul(z, v128.load32_splat(memory.data<f32>([0.5]))));
    const ln2 = v128.load32_splat(memory.data<f32>([0.6931471805599453]));
    return f32x4.add(f32x4.add(f, y), f32x4.mul(kf, ln2));
  }

  // c1 f + c0, the coefficients at addresses
  // @ts-expect-error: decorator
  @inline static pair(f: v128, c1: usize, c0: usize): v128 {
    return f32x4.add(f32x4.mul(v128.load32_splat(c1), f), v128.load32_splat(c0));
  }
}
