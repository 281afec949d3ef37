/**
 * The streaming accumulators against their one-shot functions (klDiv, klDivWithLogits, whose
 * PyTorch parity the fixture tests check): any chunking, non-finite values anywhere, JSON
 * round trips of `state()`, merges of states, malformed states and unknown options. Every
 * test runs on each backend configuration.
 */
import { describe, expect, test } from 'vitest';
import {
  type AccumulatorState,
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
import { quiet, thrownBy } from '../helpers/runners.js';

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

/** A JSON round trip, as between workers. */
const viaJson = (s: AccumulatorState): AccumulatorState => JSON.parse(JSON.stringify(s));

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

describe('malformed states are E_INVALID_STATE errors naming merge, the field and the value', () => {
  const good = (): AccumulatorState =>
    viaJson(new KLAccumulator().add([[-1.2, -0.4]], [[0.3, 0.7]]).state());
  const goodLogits = (): AccumulatorState =>
    viaJson(new LogitsKLAccumulator({ temperature: 2 }).add([[1, 2]], [[2, 1]]).state());
  const edit = (s: AccumulatorState, patch: Record<string, unknown>) => {
    const o: Record<string, unknown> = { ...s, ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete o[k];
    return o;
  };
  type Row = [
    label: string,
    logits: boolean,
    state: () => unknown,
    argument: string,
    received: unknown,
  ];
  /**
   * A row merging a good state (of LogitsKLAccumulator when `logits`) with `field` set to
   * `value` (undefined: removed) and the fields in `also` set likewise; the error names
   * `other.field` and `value`.
   */
  const setting = (
    label: string,
    field: string,
    value: unknown,
    { logits = false, also = {} }: { logits?: boolean; also?: Record<string, unknown> } = {},
  ): Row => [
    label,
    logits,
    () => edit(logits ? goodLogits() : good(), { ...also, [field]: value }),
    `other.${field}`,
    value,
  ];
  const rows: Row[] = [
    ['null', false, () => null, 'other', null],
    ['a number', false, () => 42, 'other', 42],
    ['an array', false, () => [], 'other', []],
    setting('no version (an older format)', 'version', undefined),
    setting('version 2', 'version', 2),
    setting("version '1'", 'version', '1'),
    ['a logits state into KLAccumulator', false, goodLogits, 'other.kind', 'klDivWithLogits'],
    ['a klDiv state into LogitsKLAccumulator', true, good, 'other.kind', 'klDiv'],
    setting('an unknown kind', 'kind', 'jsd'),
    setting('another temperature', 'temperature', 1, { logits: true }),
    setting('no temperature', 'temperature', undefined, { logits: true }),
    setting('sum null (JSON of a bare Infinity)', 'sum', null),
    setting("sum 'Infinity'", 'sum', 'Infinity'),
    setting('no sum', 'sum', undefined),
    setting('compensation NaN', 'compensation', Number.NaN),
    setting('no compensation', 'compensation', undefined),
    setting('compensation with a non-finite sum', 'compensation', 1e-17, { also: { sum: 'inf' } }),
    setting('elements -1', 'elements', -1),
    setting('elements 1.5', 'elements', 1.5),
    setting("elements '2'", 'elements', '2'),
    setting('elements null', 'elements', null),
    setting('no batch (the old rows field)', 'batch', undefined, { also: { rows: 1 } }),
    setting('batch Infinity', 'batch', Number.POSITIVE_INFINITY),
    setting('rows missing (logits)', 'rows', undefined, { logits: true }),
    setting('rows -2 (logits)', 'rows', -2, { logits: true }),
    setting('chunks 2 ** 53', 'chunks', 2 ** 53),
    setting('chunks 0 with elements', 'chunks', 0),
  ];
  test.each(rows)('%s', (_, logits, state, argument, received) => {
    const acc = logits
      ? new LogitsKLAccumulator({ temperature: 2 }).add([[0, 1]], [[1, 0]])
      : new KLAccumulator().add([[-1, -2]], [[0.5, 0.5]]);
    const before = acc.state();
    const error = thrownBy(() => acc.merge(state() as never));
    expect(error).toMatchObject({
      name: 'ArgumentError',
      code: 'E_INVALID_STATE',
      fn: 'merge',
      argument,
    });
    expect((error as { received: unknown }).received).toEqual(received);
    expect((error as Error).message).toMatch(
      new RegExp(`^merge: argument '${argument.replace('.', '\\.')}' must be`),
    );
    // a refused merge leaves the accumulator as it was
    expect(acc.state()).toEqual(before);
  });

  test('accumulators of another kind or temperature', () => {
    expect(() => new KLAccumulator().merge(new LogitsKLAccumulator())).toThrow(
      expect.objectContaining({ code: 'E_INVALID_STATE', fn: 'merge', argument: 'other' }),
    );
    expect(() =>
      new LogitsKLAccumulator({ temperature: 2 }).merge(new LogitsKLAccumulator()),
    ).toThrow(
      expect.objectContaining({
        code: 'E_INVALID_STATE',
        argument: 'other.temperature',
        received: 1,
      }),
    );
  });
});

describe('options are checked at construction', () => {
  type Row = [label: string, make: () => unknown, code: string, argument: string];
  const rows: Row[] = [
    [
      'KLAccumulator({ logtarget: true })',
      () => new KLAccumulator({ logtarget: true } as never),
      'E_UNKNOWN_OPTION',
      'logtarget',
    ],
    [
      'KLAccumulator({ log_target: true })',
      () => new KLAccumulator({ log_target: true } as never),
      'E_UNKNOWN_OPTION',
      'log_target',
    ],
    [
      "KLAccumulator({ reduction: 'sum' })",
      () => new KLAccumulator({ reduction: 'sum' } as never),
      'E_UNKNOWN_OPTION',
      'reduction',
    ],
    [
      "KLAccumulator({ logTarget: 'yes' })",
      () => new KLAccumulator({ logTarget: 'yes' } as never),
      'E_OPTION_TYPE',
      'logTarget',
    ],
    ["KLAccumulator('sum')", () => new KLAccumulator('sum' as never), 'E_OPTION_TYPE', 'options'],
    [
      'LogitsKLAccumulator({ temp: 2 })',
      () => new LogitsKLAccumulator({ temp: 2 } as never),
      'E_UNKNOWN_OPTION',
      'temp',
    ],
    [
      "LogitsKLAccumulator({ reduction: 'sum' })",
      () => new LogitsKLAccumulator({ reduction: 'sum' } as never),
      'E_UNKNOWN_OPTION',
      'reduction',
    ],
    [
      'LogitsKLAccumulator({ mask: [1] })',
      () => new LogitsKLAccumulator({ mask: [1] } as never),
      'E_UNKNOWN_OPTION',
      'mask',
    ],
    [
      'LogitsKLAccumulator({ temperature: 0 })',
      () => new LogitsKLAccumulator({ temperature: 0 }),
      'E_OPTION_RANGE',
      'temperature',
    ],
    [
      "LogitsKLAccumulator({ temperature: '2' })",
      () => new LogitsKLAccumulator({ temperature: '2' } as never),
      'E_OPTION_TYPE',
      'temperature',
    ],
    [
      'LogitsKLAccumulator({ dim: 0.5 })',
      () => new LogitsKLAccumulator({ dim: 0.5 }),
      'E_INVALID_DIM',
      'dim',
    ],
    [
      'LogitsKLAccumulator(null)',
      () => new LogitsKLAccumulator(null as never),
      'E_OPTION_TYPE',
      'options',
    ],
  ];
  test.each(rows)('%s', (_, make, code, argument) => {
    expect(make).toThrow(expect.objectContaining({ code, argument }));
  });

  test('logTarget is honoured, and a dim out of range fails at add', () => {
    const x = [[-1.2, -0.4]];
    const logY = [[Math.log(0.3), Math.log(0.7)]];
    expect(new KLAccumulator({ logTarget: true }).add(x, logY).result('sum').item()).toBeCloseTo(
      klDiv(x, logY, { reduction: 'sum', logTarget: true }).item(),
      6,
    );
    const acc = new LogitsKLAccumulator({ dim: 2 });
    expect(() => acc.add([[1, 2]], [[2, 1]])).toThrow(
      expect.objectContaining({ code: 'E_INVALID_DIM' }),
    );
  });

  test('a softmax along dim 0 (the dim chunks are added along) is refused at add', () => {
    for (const dim of [0, -2]) {
      const acc = new LogitsKLAccumulator({ dim });
      expect(() =>
        acc.add(
          [
            [1, 2],
            [3, 4],
          ],
          [
            [2, 1],
            [0, 0],
          ],
        ),
      ).toThrow(
        expect.objectContaining({
          code: 'E_INVALID_DIM',
          fn: 'LogitsKLAccumulator.add',
          received: dim,
        }),
      );
    }
    // a single row (rank 1) along dim 0 is one whole softmax row per chunk
    expect(new LogitsKLAccumulator({ dim: 0 }).add([1, 2], [2, 1]).count.rows).toBe(1);
  });

  test("result() refuses 'none', and 'tokenmean' without rows", () => {
    expect(() => new KLAccumulator().result('tokenmean' as never)).toThrow(
      expect.objectContaining({ code: 'E_INVALID_REDUCTION', fn: 'result', received: 'tokenmean' }),
    );
    expect(() => new LogitsKLAccumulator().result('none' as never)).toThrow(
      expect.objectContaining({ code: 'E_INVALID_REDUCTION', received: 'none' }),
    );
  });
});
