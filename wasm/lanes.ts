// Lane helpers shared by the kernels, generic in the lane type T (f32: 4 lanes, f64: 2 lanes).
// Sums are float64 whatever T is: float32 lanes are widened before they are added.

// biome-ignore lint/complexity/noStaticOnlyClass: a namespace for @inline helpers (log-f32.ts)
export class Lanes {
  // acc (float64 lanes) + v (T lanes): float32 lanes are widened, then added.
  // @ts-expect-error: decorator
  @inline static accumulate<T>(acc: v128, v: v128): v128 {
    if (sizeof<T>() == 8) return f64x2.add(acc, v);
    // the halves first: one addition on the accumulator's dependency chain, not two
    const swapped = v128.shuffle<f32>(v, v, 2, 3, 0, 1);
    const halves = f64x2.add(f64x2.promote_low_f32x4(v), f64x2.promote_low_f32x4(swapped));
    return f64x2.add(acc, halves);
  }

  // The sum of a float64 accumulator's two lanes.
  // @ts-expect-error: decorator
  @inline static total(acc: v128): f64 {
    return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }

  // The largest lane (max propagates NaN).
  // @ts-expect-error: decorator
  @inline static maxLane<T>(v: v128): T {
    if (sizeof<T>() == 8) return max<T>(v128.extract_lane<T>(v, 0), v128.extract_lane<T>(v, 1));
    const a = max<T>(v128.extract_lane<T>(v, 0), v128.extract_lane<T>(v, 1));
    return max<T>(a, max<T>(v128.extract_lane<T>(v, 2), v128.extract_lane<T>(v, 3)));
  }

  // The least lane (min propagates NaN).
  // @ts-expect-error: decorator
  @inline static minLane<T>(v: v128): T {
    if (sizeof<T>() == 8) return min<T>(v128.extract_lane<T>(v, 0), v128.extract_lane<T>(v, 1));
    const a = min<T>(v128.extract_lane<T>(v, 0), v128.extract_lane<T>(v, 1));
    return min<T>(a, min<T>(v128.extract_lane<T>(v, 2), v128.extract_lane<T>(v, 3)));
  }
}
