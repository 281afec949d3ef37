/**
 * The accumulators' fuzz target: rows in random chunks into one KLAccumulator (and
 * LogitsKLAccumulator), and across two merged ones, against the one-shot loss.
 */
import fc from 'fast-check';
import {
  KLAccumulator,
  klDiv,
  klDivWithLogits,
  LogitsKLAccumulator,
  type Tensor,
  tensor,
} from '../../src/index.js';
import { dtype, f64, filled } from './harness.js';
import { type FuzzTarget, K, point, quiet } from './targets-core.js';

const accumulatorInput = fc
  .record({
    rows: fc.integer({ min: 0, max: 12 }),
    cols: fc.integer({ min: 1, max: 6 }),
    dt: dtype,
    logTarget: fc.boolean(),
  })
  .chain((c) =>
    fc.tuple(
      fc.constant(c),
      filled([c.rows, c.cols], c.dt, fc.double({ min: -20, max: 0, noNaN: true })),
      filled([c.rows, c.cols], c.dt, fc.double({ min: 0, max: 1, noNaN: true })),
      fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 12 }),
      fc.integer({ min: 0, max: 12 }),
    ),
  );

export const accumulatorTarget: FuzzTarget<
  typeof accumulatorInput extends fc.Arbitrary<infer T> ? T : never
> = {
  name: 'KLAccumulator, LogitsKLAccumulator',
  arbitrary: accumulatorInput,
  check([c, x, y, cuts, split]) {
    // rows in random chunks into one accumulator, and across two merged ones
    const rowsOf = (t: Tensor, a: number, b: number) =>
      tensor(t.data.slice(a * c.cols, b * c.cols), { shape: [b - a, c.cols], dtype: c.dt });
    const one = new KLAccumulator({ logTarget: c.logTarget });
    const left = new KLAccumulator({ logTarget: c.logTarget });
    const right = new KLAccumulator({ logTarget: c.logTarget });
    // from logits: x as student logits, 10 y as teacher logits
    const T = 1 + (c.rows % 3);
    const teacher = tensor(
      Float64Array.from(y.data, (v) => 10 * v),
      { shape: y.shape, dtype: c.dt },
    );
    const logits = new LogitsKLAccumulator({ temperature: T });
    let start = 0;
    for (const k of [...cuts, c.rows]) {
      const end = Math.min(c.rows, start + k);
      if (end > start) {
        one.add(rowsOf(x, start, end), rowsOf(y, start, end));
        (start < split ? left : right).add(rowsOf(x, start, end), rowsOf(y, start, end));
        logits.add(rowsOf(x, start, end), rowsOf(teacher, start, end));
      }
      start = end;
      if (start >= c.rows) break;
    }
    left.merge(right.state());
    const oneShot = quiet(() =>
      klDivWithLogits(x, teacher, { temperature: T, reduction: 'sum' }),
    ).item();
    const logitsBound =
      1e-12 * (1 + Math.abs(oneShot)) * Math.max(1, x.numel) +
      (c.dt === 'float32' ? 2 ** -24 * 64 * T * T * (Math.abs(oneShot) + 40 * c.rows) : 0);
    if (!(Math.abs(logits.result('sum').item() - oneShot) <= logitsBound)) {
      throw new Error(
        `LogitsKLAccumulator sum ${logits.result('sum').item()}, one-shot ${oneShot}, bound ${logitsBound}`,
      );
    }
    // float32 data is evaluated in float32 lanes by the wasm kernels, where a chunk boundary
    // can move an element between the SIMD body and the scalar tail: allow K eps32 per term
    const X = f64(x).data;
    const Y = f64(y).data;
    let mag = 0;
    for (let i = 0; i < X.length; i++) mag += point(X[i], Y[i], c.logTarget)[1];
    for (const reduction of ['sum', 'mean', 'batchmean'] as const) {
      const whole = quiet(() => klDiv(x, y, { reduction, logTarget: c.logTarget })).item();
      const n = Math.max(1, x.numel);
      // the one-shot float32 result is rounded to float32; the accumulator keeps float64
      const div = reduction === 'sum' ? 1 : reduction === 'mean' ? n : Math.max(1, c.rows);
      const f32 = c.dt === 'float32' ? 2 ** -24 * (Math.abs(whole) + (K * mag) / div) : 0;
      const bound = 1e-12 * (1 + Math.abs(whole)) * n + f32;
      for (const [label, acc] of [
        ['one accumulator', one],
        ['merged', left],
      ] as const) {
        const got = acc.result(reduction).item();
        const same = Number.isNaN(whole) ? Number.isNaN(got) : Math.abs(got - whole) <= bound;
        if (!same)
          throw new Error(`${label} ${reduction}: ${got}, one-shot klDiv ${whole}, bound ${bound}`);
      }
    }
  },
};
