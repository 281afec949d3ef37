// klBackward<T>: both gradients of n elements (T: f32 or f64), s = g / divisor with g read with
// stride gStride (0: a broadcast scalar, 1: per element):
//   gx = -(s y) | -(s e^t),  gy = s log y + s y / y - s x | s (t - x) e^t + s e^t;
// returns the sum of the pointwise losses, from the same log / exp. With gradTarget false (a
// target that is data) there is no gy: no target arithmetic and nothing written at pgy, gx and
// the loss bitwise those of the full call (the same arithmetic; the flag is a loop-invariant
// branch, one body rather than a second instance, which would cost the module 2.4 kB gzipped).

import { Exp } from './exp';
import { Lanes } from './lanes';
import { Log } from './log';
import { Loss } from './loss';

export function klBackward<T>(
  n: i32,
  pg: usize,
  gStride: i32,
  px: usize,
  py: usize,
  pgx: usize,
  pgy: usize,
  logTarget: bool,
  divisor: f64,
  gradTarget: bool,
): f64 {
  return KlBackward.run<T>(n, pg, gStride, px, py, pgx, pgy, logTarget, divisor, gradTarget);
}

// biome-ignore lint/complexity/noStaticOnlyClass: a namespace for @inline helpers (log-f32.ts)
class KlBackward {
  // The kernel's body.
  // @ts-expect-error: decorator
  @inline static run<T>(
    n: i32,
    pg: usize,
    gStride: i32,
    px: usize,
    py: usize,
    pgx: usize,
    pgy: usize,
    logTarget: bool,
    divisor: f64,
    gradTarget: bool,
  ): f64 {
    const lanes = <i32>(16 / sizeof<T>());
    let acc = f64x2.splat(0);
    let tail: f64 = 0;
    const scalarG = gStride == 0;
    const s0: f64 = scalarG ? <f64>load<T>(pg) / divisor : 0;
    const sv0 = v128.splat<T>(<T>s0);
    const div = v128.splat<T>(<T>divisor);
    let i = 0;
    const end = n & ~(lanes - 1);
    for (; i < end; i += lanes) {
      const o = (<usize>i) << alignof<T>();
      const y = v128.load(py + o);
      if (!logTarget && v128.any_true(Loss.bad<T>(y))) {
        for (let j = 0; j < lanes; j++) {
          const q = o + ((<usize>j) << alignof<T>());
          const s = scalarG ? s0 : <f64>load<T>(pg + q) / divisor;
          const xq = <f64>load<T>(px + q);
          const yq = <f64>load<T>(py + q);
          KlBackward.scalar<T>(s, xq, yq, false, pgx, pgy, q, gradTarget);
          tail += Loss.scalar(<f64>load<T>(px + q), <f64>load<T>(py + q), false);
        }
        continue;
      }
      const s = scalarG ? sv0 : v128.div<T>(v128.load(pg + o), div);
      const x = v128.load(px + o);
      if (logTarget) {
        // PyTorch's order, (s (t - x)) e + s e: s e may underflow where s (t - x) does not
        const e = Exp.of<T>(y);
        const se = v128.mul<T>(s, e);
        v128.store(pgx + o, v128.neg<T>(se));
        if (gradTarget) {
          const gy = v128.add<T>(v128.mul<T>(v128.mul<T>(s, v128.sub<T>(y, x)), e), se);
          v128.store(pgy + o, gy);
        }
        acc = Lanes.accumulate<T>(acc, v128.mul<T>(e, v128.sub<T>(y, x)));
      } else {
        const sy = v128.mul<T>(s, y);
        v128.store(pgx + o, v128.neg<T>(sy));
        const logy = Log.of<T>(y);
        if (gradTarget) {
          // (s y) / y as PyTorch evaluates it: NaN at y = 0 and y = inf, 0 where s y underflows.
          const gy = v128.add<T>(v128.mul<T>(s, logy), v128.div<T>(sy, y));
          v128.store(pgy + o, v128.sub<T>(gy, v128.mul<T>(s, x)));
        }
        acc = Lanes.accumulate<T>(acc, v128.sub<T>(v128.mul<T>(y, logy), v128.mul<T>(y, x)));
      }
    }
    for (; i < n; i++) {
      const q = (<usize>i) << alignof<T>();
      const s = scalarG ? s0 : <f64>load<T>(pg + q) / divisor;
      const xq = <f64>load<T>(px + q);
      const yq = <f64>load<T>(py + q);
      KlBackward.scalar<T>(s, xq, yq, logTarget, pgx, pgy, q, gradTarget);
      tail += Loss.scalar(<f64>load<T>(px + q), <f64>load<T>(py + q), logTarget);
    }
    return Lanes.total(acc) + tail;
  }

  // The JS kernel's arithmetic for one element (float64), stored as T at offset q.
  // @ts-expect-error: decorator
  @inline static scalar<T>(
    s: f64,
    x: f64,
    y: f64,
    logTarget: bool,
    pgx: usize,
    pgy: usize,
    q: usize,
    gradTarget: bool,
  ): void {
    if (logTarget) {
      const e = Math.exp(y);
      store<T>(pgx + q, <T>-(s * e));
      if (gradTarget) store<T>(pgy + q, <T>(s * (y - x) * e + s * e));
    } else {
      store<T>(pgx + q, <T>-(s * y));
      if (gradTarget) store<T>(pgy + q, <T>(s * (y == 0 ? 0 : Math.log(y)) + (s * y) / y - s * x));
    }
  }
}
