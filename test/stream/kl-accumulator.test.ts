/**
 * The streaming accumulators against their one-shot functions (klDiv, klDivWithLogits, whose
 * PyTorch parity the fixture tests check): any chunking, non-finite values anywhere, JSON
 * round trips of `state()` and merges of states. Every test runs on each backend configuration.
 * Malformed states and options: kl-accumulator-invalid.test.ts.
 */
import { describe, expect, test } from 'vitest';
import {
  type FloatDType,
  KLAccumulator,
  klDiv,
  klDivWithLogits,
  LogitsKLAccumulator,
  type Tensor,
  tensor,
} from '../../src/index.js';
import { CONFIGS, withConfig } from '../helpers/backends.js';
import { numbers } from '../helpers/random.js';
import { quiet } from '../helpers/runners.js';
import { viaJson } from './accumulator-helpers.js';

/** Rows [a, b) along dim 0 of a tensor, as a tensor of the same dtype. */
function rowsOf(t: Tensor, a: number, b: number): Tensor {
  const per = t.shape.slice(1).reduce((x, y) => x * y, 1);
  return tensor(t.data.slice(a * per, b * per), {
    shape: [b - a, ...t.shape.slice(1)],
    dtype: t.dtype as FloatDType,
  });
}

/** Chunk sizes along dim 0 (zeros are empty chunks), each summing to ROWS. */
const ROWS = 9;
const CHUNKINGS: number[][] = [
  [9],
  [1, 8],
  [4, 5],
  [3, 3, 3],
  [1, 1, 1, 1, 1, 1, 1, 1, 1],
  [0, 2, 0, 7, 0],
];

function* chunks(sizes: number[]): Generator<[number, number]> {
  let start = 0;
  for (const n of sizes) {
    yield [start, start + n];
    start += n;
  }
}

/**
 * Same value: non-finite results exactly (the sign of an infinity, NaN as NaN), finite ones
 * within `bound` (the accumulator sums chunk sums in float64 with compensation, the one-shot
 * function sums elements in its own order).
 */
function expectSame(got: number, want: number, bound: number, label: string): void {
  if (!Number.isFinite(want) || !Number.isFinite(got)) {
    expect(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)), label).toBe(true);
    return;
  }
  expect(
    Math.abs(got - want),
    `${label}: got ${got}, want ${want}, bound ${bound}`,
  ).toBeLessThanOrEqual(bound);
}

/** Sum of |pointwise loss|: the scale of a sum's rounding error. */
const magnitude = (t: Tensor) =>
  Array.from(t.data).reduce((s, v) => s + (Number.isFinite(v) ? Math.abs(v) : 0), 0);

/** Where non-finite values go: [which operand, flat index, value]. */
interface Placement {
  name: string;
  at: [operand: 0 | 1, index: number, value: number][];
}

const V = 4;
const KL_PLACEMENTS: Placement[] = [
  { name: 'all finite', at: [] },
  // input -inf where the target is positive: pointwise +inf
  { name: '+inf loss in the first row', at: [[0, 1, Number.NEGATIVE_INFINITY]] },
  { name: '+inf loss in the last row', at: [[0, ROWS * V - 1, Number.NEGATIVE_INFINITY]] },
  // input +inf: pointwise -inf
  { name: '-inf loss in a middle row', at: [[0, 4 * V + 2, Number.POSITIVE_INFINITY]] },
  {
    name: '+inf in row 0 and -inf in row 8 (NaN)',
    at: [
      [0, 0, Number.NEGATIVE_INFINITY],
      [0, 8 * V, Number.POSITIVE_INFINITY],
    ],
  },
  {
    name: '+inf twice, in rows 2 and 6',
    at: [
      [0, 2 * V, Number.NEGATIVE_INFINITY],
      [0, 6 * V + 3, Number.NEGATIVE_INFINITY],
    ],
  },
  { name: 'NaN target in row 5', at: [[1, 5 * V + 1, Number.NaN]] },
  {
    name: 'NaN input in row 3, +inf loss in row 7',
    at: [
      [0, 3 * V, Number.NaN],
      [0, 7 * V, Number.NEGATIVE_INFINITY],
    ],
  },
];

/** Log-probabilities and probabilities of ROWS x V, with the placement's values written in. */
function klData(p: Placement, dtype: FloatDType): [Tensor, Tensor] {
  const x = numbers(ROWS * V, 41).map((v) => -Math.abs(v) - 0.1);
  const y = numbers(ROWS * V, 42).map((v) => Math.abs(v) / 3 + 0.01);
  for (const [operand, i, v] of p.at) (operand === 0 ? x : y)[i] = v;
  return [tensor(x, { shape: [ROWS, V], dtype }), tensor(y, { shape: [ROWS, V], dtype })];
}

/** Student and teacher logits [ROWS, S, V] (S = 0: [ROWS, V]) with a row mask. */
const LOGITS_PLACEMENTS: Placement[] = [
  { name: 'all finite', at: [] },
  { name: '+inf student logit in row 0', at: [[0, 1, Number.POSITIVE_INFINITY]] },
  { name: '-inf teacher logit in the last row', at: [[1, ROWS * V - 2, Number.NEGATIVE_INFINITY]] },
  { name: '-inf student logit in a middle row', at: [[0, 4 * V, Number.NEGATIVE_INFINITY]] },
  { name: 'NaN teacher logit in row 6', at: [[1, 6 * V + 3, Number.NaN]] },
  {
    name: 'a student row of -inf (row 2) and +inf teacher (row 7)',
    at: [
      [0, 2 * V, Number.NEGATIVE_INFINITY],
      [0, 2 * V + 1, Number.NEGATIVE_INFINITY],
      [0, 2 * V + 2, Number.NEGATIVE_INFINITY],
      [0, 2 * V + 3, Number.NEGATIVE_INFINITY],
      [1, 7 * V + 1, Number.POSITIVE_INFINITY],
    ],
  },
];

function logitsData(p: Placement, dtype: FloatDType, shape: number[]): [Tensor, Tensor] {
  const n = shape.reduce((a, b) => a * b, 1);
  const s = numbers(n, 43);
  const t = numbers(n, 44);
  for (const [operand, i, v] of p.at) (operand === 0 ? s : t)[i] = v;
  return [tensor(s, { shape, dtype }), tensor(t, { shape, dtype })];
}

describe.each(CONFIGS)('accumulators ($name)', (config) => {
  const run = (f: () => void) => () => withConfig(config, f);

  describe('KLAccumulator equals klDiv for any chunking', () => {
    const cases = KL_PLACEMENTS.flatMap((p) =>
      (['float64', 'float32'] as const).flatMap((dtype) =>
        [false, true].map((logTarget) => ({ p, dtype, logTarget })),
      ),
    );
    test.each(cases.map((c) => [`${c.p.name}, ${c.dtype}, logTarget ${c.logTarget}`, c] as const))(
      '%s',
      (_, { p, dtype, logTarget }) =>
        run(() => {
          const [x, y0] = klData(p, dtype);
          const y = logTarget ? tensor(y0.data.map(Math.log), { shape: y0.shape, dtype }) : y0;
          const none = klDiv(x, y, { reduction: 'none', logTarget });
          // float32 data: wasm's float32 lanes round per element, and a chunk boundary moves
          // elements between SIMD body and scalar tail; 64 eps32 per unit of |loss|
          const eps = dtype === 'float32' ? 64 * 2 ** -24 : 4 * ROWS * V * 2 ** -53;
          for (const sizes of CHUNKINGS) {
            const acc = new KLAccumulator({ logTarget });
            for (const [a, b] of chunks(sizes)) acc.add(rowsOf(x, a, b), rowsOf(y, a, b));
            for (const reduction of ['sum', 'mean', 'batchmean'] as const) {
              const want = quiet(() => klDiv(x, y, { reduction, logTarget })).item();
              const div = reduction === 'sum' ? 1 : reduction === 'mean' ? ROWS * V : ROWS;
              expectSame(
                acc.result(reduction).item(),
                want,
                (eps * magnitude(none)) / div +
                  2 ** -24 * Math.abs(want) * Number(dtype === 'float32'),
                `chunks [${sizes}] ${reduction}`,
              );
            }
            expect(acc.count).toEqual({ elements: ROWS * V, batch: ROWS, chunks: sizes.length });
          }
        })(),
    );
  });

  describe('LogitsKLAccumulator equals klDivWithLogits for any chunking, masks included', () => {
    const shapes = [
      [ROWS, V],
      [ROWS, 2, V],
    ];
    const cases = LOGITS_PLACEMENTS.flatMap((p) =>
      shapes.flatMap((shape) => [false, true].map((masked) => ({ p, shape, masked }))),
    );
    test.each(cases.map((c) => [`${c.p.name}, [${c.shape}], mask ${c.masked}`, c] as const))(
      '%s',
      (_, { p, shape, masked }) =>
        run(() => {
          const T = 2;
          const [s, t] = logitsData(p, 'float64', shape);
          const perRow = shape.length === 3 ? shape[1] : 1;
          // drops rows 2 and 7 (and their non-finite values) when masked
          const mask = Array.from({ length: ROWS * perRow }, (_, i) =>
            masked ? Number(![2, 7].includes(Math.floor(i / perRow))) : 1,
          );
          const none = klDivWithLogits(s, t, { temperature: T, reduction: 'none', mask });
          for (const sizes of CHUNKINGS) {
            const acc = new LogitsKLAccumulator({ temperature: T });
            for (const [a, b] of chunks(sizes))
              acc.add(
                rowsOf(s, a, b),
                rowsOf(t, a, b),
                masked ? mask.slice(a * perRow, b * perRow) : undefined,
              );
            for (const reduction of ['sum', 'mean', 'batchmean', 'tokenmean'] as const) {
              const want = quiet(() =>
                klDivWithLogits(s, t, {
                  temperature: T,
                  reduction,
                  ...(masked ? { mask } : {}),
                }),
              ).item();
              expectSame(
                acc.result(reduction).item(),
                want,
                4 * s.numel * 2 ** -53 * magnitude(none),
                `chunks [${sizes}] ${reduction}`,
              );
            }
            const kept = mask.reduce((a, b) => a + b, 0);
            expect(acc.count).toEqual({
              elements: kept * V,
              batch: ROWS,
              rows: kept,
              chunks: sizes.length,
            });
          }
        })(),
    );
  });

  describe('state() survives JSON and merges equal the one-shot result', () => {
    test.each(KL_PLACEMENTS.map((p) => [p.name, p] as const))('KLAccumulator: %s', (_, p) =>
      run(() => {
        const [x, y] = klData(p, 'float64');
        const whole = new KLAccumulator();
        whole.add(x, y);
        const state = whole.state();
        // JSON keeps everything, non-finite sums included
        expect(viaJson(state)).toEqual(state);
        expect(new KLAccumulator().merge(viaJson(state)).state()).toEqual(state);
        // three workers, merged through JSON in two orders
        const workers = [
          [0, 3],
          [3, 4],
          [4, ROWS],
        ].map(([a, b]) =>
          viaJson(new KLAccumulator().add(rowsOf(x, a, b), rowsOf(y, a, b)).state()),
        );
        const none = klDiv(x, y, { reduction: 'none' });
        for (const order of [
          [0, 1, 2],
          [2, 0, 1],
        ]) {
          const acc = new KLAccumulator();
          for (const i of order) acc.merge(workers[i]);
          for (const reduction of ['sum', 'mean', 'batchmean'] as const) {
            expectSame(
              acc.result(reduction).item(),
              quiet(() => klDiv(x, y, { reduction })).item(),
              4 * ROWS * V * 2 ** -53 * magnitude(none),
              `order ${order} ${reduction}`,
            );
          }
          expect(acc.count).toEqual({ elements: ROWS * V, batch: ROWS, chunks: 3 });
        }
      })(),
    );

    test.each([
      ['inf', Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
      ['-inf', Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
      ['nan', Number.NaN, Number.NaN],
    ] as const)(
      'a worker whose sum is %s, merged with a finite one, stays %s',
      (code, input, want) =>
        run(() => {
          const bad = new KLAccumulator().add([[input, -1]], [[0.5, 0.5]]);
          const text = JSON.stringify(bad.state());
          expect(JSON.parse(text).sum).toBe(code);
          const finite = new KLAccumulator().add([[-1, -2]], [[0.5, 0.5]]);
          expect(Object.is(finite.merge(JSON.parse(text)).result('sum').item(), want)).toBe(true);
          expect(Object.is(finite.result('batchmean').item(), want)).toBe(true);
        })(),
    );

    test('+inf and -inf workers merge to NaN, as their one-shot sum', () =>
      run(() => {
        const pos = new KLAccumulator().add([Number.NEGATIVE_INFINITY], [0.5]).state();
        const neg = new KLAccumulator().add([Number.POSITIVE_INFINITY], [0.5]).state();
        expect(
          new KLAccumulator().merge(viaJson(pos)).merge(viaJson(neg)).result('sum').item(),
        ).toBeNaN();
        // torch: F.kl_div(torch.tensor([-inf, inf], dtype=torch.float64), torch.tensor([0.5, 0.5], dtype=torch.float64), reduction='sum') -> nan
        expect(
          klDiv(
            tensor([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY], { dtype: 'float64' }),
            [0.5, 0.5],
            {
              reduction: 'sum',
            },
          ).item(),
        ).toBeNaN();
      })());

    test('LogitsKLAccumulator: masked, non-finite workers through JSON', () =>
      run(() => {
        const [s, t] = logitsData(LOGITS_PLACEMENTS[5], 'float64', [ROWS, V]);
        const mask = [1, 1, 1, 0, 1, 1, 0, 1, 1];
        const workers = [
          [0, 5],
          [5, ROWS],
        ].map(([a, b]) =>
          viaJson(
            new LogitsKLAccumulator({ temperature: 3 })
              .add(rowsOf(s, a, b), rowsOf(t, a, b), mask.slice(a, b))
              .state(),
          ),
        );
        const acc = new LogitsKLAccumulator({ temperature: 3 }).merge(workers[1]).merge(workers[0]);
        for (const reduction of ['sum', 'mean', 'batchmean', 'tokenmean'] as const) {
          expectSame(
            acc.result(reduction).item(),
            quiet(() => klDivWithLogits(s, t, { temperature: 3, reduction, mask })).item(),
            4 *
              s.numel *
              2 ** -53 *
              magnitude(klDivWithLogits(s, t, { temperature: 3, reduction: 'none', mask })),
            reduction,
          );
        }
      })());

    test('merging an accumulator (not its state) and itself', () =>
      run(() => {
        const a = new KLAccumulator().add([[-1.2, -0.4]], [[0.3, 0.7]]);
        const b = new KLAccumulator().add([[-0.3, -1.5]], [[0.8, 0.2]]);
        const sum = a.result('sum').item() + b.result('sum').item();
        expect(a.merge(b).result('sum').item()).toBeCloseTo(sum, 15);
        expect(a.merge(a).result('sum').item()).toBeCloseTo(2 * sum, 15);
        expect(a.count).toEqual({ elements: 8, batch: 4, chunks: 4 });
      })());
  });

  test('an empty accumulator: sum 0, means NaN (as klDiv of an empty batch)', () =>
    run(() => {
      const acc = new KLAccumulator();
      const empty = tensor([], { shape: [0, 3], dtype: 'float64' });
      for (const reduction of ['sum', 'mean', 'batchmean'] as const) {
        const want = quiet(() => klDiv(empty, empty, { reduction })).item();
        expectSame(acc.result(reduction).item(), want, 0, reduction);
        expectSame(
          new KLAccumulator().add(empty, empty).result(reduction).item(),
          want,
          0,
          reduction,
        );
      }
      expect(new KLAccumulator().merge(viaJson(acc.state())).count).toEqual({
        elements: 0,
        batch: 0,
        chunks: 0,
      });
    })());
});
