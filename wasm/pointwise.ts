// klPointwise<T>: out = l / divisor for n elements at px, py (T: f32 or f64).

import { Loss } from './loss';

export function klPointwise<T>(
  n: i32,
  px: usize,
  py: usize,
  pout: usize,
  logTarget: bool,
  divisor: f64,
): void {
  const lanes = <i32>(16 / sizeof<T>());
  const div = v128.splat<T>(<T>divisor);
  const scaled = divisor != 1;
  let i = 0;
  const end = n & ~(lanes - 1);
  for (; i < end; i += lanes) {
    const o = (<usize>i) << alignof<T>();
    const y = v128.load(py + o);
    if (!logTarget && v128.any_true(Loss.bad<T>(y))) {
      for (let j = 0; j < lanes; j++) {
        const q = o + ((<usize>j) << alignof<T>());
        const l = Loss.scalar(<f64>load<T>(px + q), <f64>load<T>(py + q), false);
        store<T>(pout + q, <T>(l / divisor));
      }
      continue;
    }
    let l = Loss.of<T>(v128.load(px + o), y, logTarget);
    if (scaled) l = v128.div<T>(l, div);
    v128.store(pout + o, l);
  }
  for (; i < n; i++) {
    const q = (<usize>i) << alignof<T>();
    const l = Loss.scalar(<f64>load<T>(px + q), <f64>load<T>(py + q), logTarget);
    store<T>(pout + q, <T>(l / divisor));
  }
}
