// The pointwise loss l = xlogy(y, y) - y x (l = e^t (t - x) with log targets), in T lanes and in
// float64 scalars. The vector paths evaluate the loss in the storage precision, as PyTorch's own
// kernels do; lanes that the vector log cannot take (negative, -0, subnormal) send their block to
// the scalar float64 path, which is exactly the JS kernel's arithmetic (src/kernels/js/kl-div.ts),
// so special values come out as the JS backend gives them.

import { Exp } from './exp';
import { Log } from './log';

// biome-ignore lint/complexity/noStaticOnlyClass: a namespace for @inline helpers (log-f32.ts)
export class Loss {
  // @ts-expect-error: decorator
  @inline static of<T>(x: v128, y: v128, logTarget: bool): v128 {
    if (logTarget) return v128.mul<T>(Exp.of<T>(y), v128.sub<T>(y, x));
    // +0 targets: 0 * log(+0) = 0 * -88.03 = 0, so xlogy(0, 0) = 0 without a select.
    return v128.sub<T>(v128.mul<T>(y, Log.of<T>(y)), v128.mul<T>(y, x));
  }

  // Lanes the vector log cannot take: sign bit set (negatives, -0) or subnormal. (+0, +inf and
  // NaN give a finite log that the surrounding arithmetic turns into PyTorch's result.)
  // @ts-expect-error: decorator
  @inline static bad<T>(y: v128): v128 {
    if (sizeof<T>() == 4) {
      const smallestNormal = v128.load32_splat(memory.data<i32>([0x00800000]));
      return v128.and(i32x4.lt_s(y, smallestNormal), i32x4.ne(y, i32x4.splat(0)));
    }
    const smallestNormal = v128.load64_splat(memory.data<i64>([0x0010000000000000]));
    return v128.and(i64x2.lt_s(y, smallestNormal), i64x2.ne(y, i64x2.splat(0)));
  }

  // The JS kernel's arithmetic, element by element (float64).
  // @ts-expect-error: decorator
  @inline static scalar(x: f64, y: f64, logTarget: bool): f64 {
    if (logTarget) return Math.exp(y) * (y - x);
    return (y == 0 ? 0 : y * Math.log(y)) - y * x;
  }
}
