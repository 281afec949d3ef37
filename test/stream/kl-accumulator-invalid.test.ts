/**
 * The streaming accumulators' refusals: malformed states given to `merge` (E_INVALID_STATE,
 * naming the field and the value) and options checked at construction or at `add`/`result`.
 */
import { describe, expect, test } from 'vitest';
import {
  type AccumulatorState,
  KLAccumulator,
  klDiv,
  LogitsKLAccumulator,
} from '../../src/index.js';
import { thrownBy } from '../helpers/runners.js';
import { viaJson } from './accumulator-helpers.js';

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
