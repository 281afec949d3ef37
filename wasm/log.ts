// Vector log of each lane type: float32 in log-f32.ts, float64 here; Log.of<T> picks at compile
// time. The two are different algorithms (each dtype's polynomial), not one body twice.

import { LogF32 } from './log-f32';

// biome-ignore lint/complexity/noStaticOnlyClass: a namespace for @inline helpers (log-f32.ts)
export class Log {
  // log of each lane (see LogF32.log and Log.f64x2 for the lanes each takes)
  // @ts-expect-error: decorator
  @inline static of<T>(v: v128): v128 {
    if (sizeof<T>() == 4) return LogF32.log(v);
    return Log.f64x2(v);
  }

  // log(x) for positive normal x and +0 (finite); fdlibm's polynomial in s = f / (2 + f) with
  // musl's integer range reduction: < 1 ulp.
  // @ts-expect-error: decorator
  @inline static f64x2(v: v128): v128 {
    const ix = i64x2.sub(v, v128.load64_splat(memory.data<i64>([0x3fe6a09e667f3bcd])));
    const k = i64x2.shr_s(ix, 52);
    const m = i64x2.sub(v, i64x2.shl(k, 52));
    const kf = f64x2.convert_low_i32x4_s(v128.shuffle<i32>(k, k, 0, 2, 0, 2));
    const f = f64x2.sub(m, v128.load64_splat(memory.data<f64>([1.0])));
    const s = f64x2.div(f, f64x2.add(v128.load64_splat(memory.data<f64>([2.0])), f));
    const z = f64x2.mul(s, s);
    const w = f64x2.mul(z, z);
    let t1 = f64x2.add(
      f64x2.mul(w, v128.load64_splat(memory.data<f64>([1.531383769920937332e-1]))),
      v128.load64_splat(memory.data<f64>([2.222219843214978396e-1])),
    );
    t1 = f64x2.mul(
      w,
      f64x2.add(f64x2.mul(w, t1), v128.load64_splat(memory.data<f64>([3.999999999940941908e-1]))),
    );
    let t2 = f64x2.add(
      f64x2.mul(w, v128.load64_splat(memory.data<f64>([1.479819860511658591e-1]))),
      v128.load64_splat(memory.data<f64>([1.818357216161805012e-1])),
    );
    t2 = f64x2.add(
      f64x2.mul(w, t2),
      v128.load64_splat(memory.data<f64>([2.857142874366239149e-1])),
    );
    t2 = f64x2.mul(
      z,
      f64x2.add(f64x2.mul(w, t2), v128.load64_splat(memory.data<f64>([6.66666666666673513e-1]))),
    );
    const R = f64x2.add(t2, t1);
    const hfsq = f64x2.mul(f64x2.mul(v128.load64_splat(memory.data<f64>([0.5])), f), f);
    const ln2lo = v128.load64_splat(memory.data<f64>([1.90821492927058770002e-10]));
    const lo = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, R)), f64x2.mul(kf, ln2lo));
    return f64x2.sub(
      f64x2.mul(kf, v128.load64_splat(memory.data<f64>([6.9314718036912381649e-1]))),
      f64x2.sub(f64x2.sub(hfsq, lo), f),
    );
  }
}
