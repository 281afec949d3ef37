/**
 * LogitsReport's errors: codes, classes and messages naming function, argument and value;
 * invalid rows (E_NON_FINITE, with side and global row), atomic adds, tokens, shapes, options.
 * Malformed and incompatible states: state.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { ArgumentError, DTypeError, KLDivError, ShapeError, tensor } from '../../src/index.js';
import { formatLogitsReport, LogitsReport } from '../../src/report/index.js';

/** The error `run` throws (fails the test if it throws none). */
function thrown(run: () => unknown): KLDivError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(KLDivError);
    return e as KLDivError;
  }
  throw new Error('expected an error');
}

const B = [
  [1, 2, 3],
  [0, 0, 1],
  [2, 1, 0],
];
const C = [
  [1, 2, 2],
  [0, 1, 1],
  [2, 2, 0],
];

describe('invalid rows with nanRows: error (the default)', () => {
  test('NaN in base: code, side, global row, vocab index, value, and the way out', () => {
    const report = new LogitsReport().add(B, C); // 3 rows before
    const e = thrown(() =>
      report.add(
        [
          [0, 0, 0],
          [0, 1, Number.NaN],
        ],
        [
          [0, 0, 0],
          [0, 0, 0],
        ],
      ),
    );
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.code).toBe('E_NON_FINITE');
    expect(e.fn).toBe('LogitsReport.add');
    expect(e.argument).toBe('base');
    expect(e.received).toBeNaN();
    expect(e.message).toBe(
      "LogitsReport.add: argument 'base' row 4 contains NaN at vocab index 2; such rows are refused by default: pass { nanRows: 'skip' } to new LogitsReport() to leave them out of the statistics (counted in skippedRows).",
    );
  });

  test('+inf in compare, and a row of -inf', () => {
    const inf = thrown(() => new LogitsReport().add([[0, 0]], [[0, Number.POSITIVE_INFINITY]]));
    expect([inf.code, inf.argument, inf.received]).toEqual([
      'E_NON_FINITE',
      'compare',
      Number.POSITIVE_INFINITY,
    ]);
    expect(inf.message).toContain("argument 'compare' row 0 contains Infinity at vocab index 1");
    const none = thrown(() =>
      new LogitsReport().add(
        [
          [0, 0],
          [-Infinity, -Infinity],
        ],
        [
          [0, 0],
          [0, 0],
        ],
      ),
    );
    expect(none.code).toBe('E_NON_FINITE');
    expect(none.message).toContain(
      "argument 'base' row 1 has no finite logit (every entry is -inf)",
    );
  });

  test('base is checked before compare in a row, rows in order', () => {
    const e = thrown(() =>
      new LogitsReport().add(
        [
          [0, 0],
          [Number.NaN, 0],
        ],
        [
          [Number.NaN, 0],
          [Number.NaN, 0],
        ],
      ),
    );
    expect([e.argument, e.message.includes('row 0')]).toEqual(['compare', true]);
    const f = thrown(() =>
      new LogitsReport().add(
        [
          [0, 0],
          [Number.NaN, 0],
        ],
        [
          [0, 0],
          [0, Number.NaN],
        ],
      ),
    );
    expect([f.argument, f.message.includes('row 1 contains NaN at vocab index 0')]).toEqual([
      'base',
      true,
    ]);
  });

  test('-inf entries alone are valid (masked vocabularies)', () => {
    const r = new LogitsReport().add([[0, -Infinity, 1]], [[0, -Infinity, 1]]).result();
    expect(r.tokens).toBe(1);
    expect(r.mean).toBe(0);
  });
});

describe('atomic adds: a throwing add leaves the report unchanged', () => {
  const bad: [string, (r: LogitsReport) => unknown][] = [
    [
      'a NaN in the last row',
      (r) =>
        r.add(
          [
            [0, 1, 2],
            [3, 4, Number.NaN],
          ],
          [
            [0, 1, 2],
            [3, 4, 5],
          ],
          { tokens: [0, 1] },
        ),
    ],
    ['a token id out of range', (r) => r.add([[0, 1, 2]], [[0, 1, 2]], { tokens: [3] })],
    ['another vocabulary', (r) => r.add([[0, 1]], [[0, 1]], { tokens: [0] })],
    ['no tokens', (r) => r.add([[0, 1, 2]], [[0, 1, 2]])],
  ];
  test.each(bad)('%s', (_name, run) => {
    const r = new LogitsReport({ topK: 2 }).add(B, C, { tokens: [0, 1, 2] });
    const before = JSON.stringify(r.state());
    const result = JSON.stringify(r.result());
    thrown(() => run(r));
    expect(JSON.stringify(r.state())).toBe(before);
    expect(JSON.stringify(r.result())).toBe(result);
    // and the report goes on as if nothing happened
    r.add([[0, 1, 2]], [[0, 1, 2]], { tokens: [1] });
    expect(r.result().tokens).toBe(4);
  });

  test('a failed first add fixes neither the vocabulary nor the token mode', () => {
    const r = new LogitsReport();
    thrown(() => r.add([[Number.NaN, 0]], [[0, 0]], { tokens: [0] }));
    expect(r.state().vocab).toBeNull();
    r.add([[0, 1, 2]], [[0, 1, 2]]); // another vocab, no tokens: fine
    expect(r.result().vocab).toBe(3);
  });

  test('with topK, a failed first add does not size the scratch for its vocabulary', () => {
    const r = new LogitsReport({ topK: 2 });
    thrown(() => r.add([[Number.NaN, 0]], [[0, 0]]));
    // vocab 5: top-2 of base {3, 4}, of compare {4, 0}: one shared
    r.add([[0, 1, 2, 3, 4]], [[3, 1, 2, 0, 4]]);
    expect(r.result().topKOverlap).toBe(0.5);
  });
});

describe('tokens', () => {
  test('ids out of range or not integers: E_OPTION_RANGE naming the entry', () => {
    for (const tokens of [
      [0, 1, 3],
      [0, -1, 2],
      [0, 1.5, 2],
      [0, Number.NaN, 1],
    ]) {
      const e = thrown(() => new LogitsReport().add(B, C, { tokens }));
      expect([e.constructor, e.code, e.argument]).toEqual([
        ArgumentError,
        'E_OPTION_RANGE',
        'tokens',
      ]);
    }
    const e = thrown(() => new LogitsReport().add(B, C, { tokens: [0, 1, 3] }));
    expect(e.message).toBe(
      "LogitsReport.add: option 'tokens' must hold integer ids in [0, 3) (the vocabulary); received 3 at index 2.",
    );
    const big = thrown(() =>
      new LogitsReport().add(B, C, { tokens: BigInt64Array.of(0n, 5n, 1n) }),
    );
    expect([big.code, big.received]).toEqual(['E_OPTION_RANGE', 5n]);
  });

  test('accepted forms: number[], Int32Array, BigInt64Array, Tensor, nested arrays', () => {
    const want = new LogitsReport().add(B, C, { tokens: [2, 0, 1] }).state();
    for (const tokens of [
      Int32Array.of(2, 0, 1),
      BigInt64Array.of(2n, 0n, 1n),
      tensor(Int32Array.of(2, 0, 1)),
      tensor([2, 0, 1]),
    ]) {
      expect(new LogitsReport().add(B, C, { tokens }).state()).toEqual(want);
    }
    // rank-3 logits [2, 3, 3] with [2, 3] tokens
    const r = new LogitsReport().add([B, B], [C, C], {
      tokens: [
        [2, 0, 1],
        [2, 0, 1],
      ],
    });
    expect(r.result().tokens).toBe(6);
  });

  test('count and type', () => {
    const n = thrown(() => new LogitsReport().add(B, C, { tokens: [0, 1] }));
    expect([n.constructor, n.code, n.message]).toEqual([
      ShapeError,
      'E_SHAPE_MISMATCH',
      "LogitsReport.add: option 'tokens' must hold one id per token (3); received 2.",
    ]);
    const t = thrown(() => new LogitsReport().add(B, C, { tokens: 'abc' as never }));
    expect([t.code, t.argument]).toEqual(['E_OPTION_TYPE', 'tokens']);
  });

  test('given in some adds only: E_INVALID_STATE, both ways', () => {
    const withTokens = new LogitsReport().add(B, C, { tokens: [0, 1, 2] });
    const a = thrown(() => withTokens.add(B, C));
    expect([a.code, a.argument]).toEqual(['E_INVALID_STATE', 'tokens']);
    expect(a.message).toContain(
      "option 'tokens' must be given: earlier adds of this report gave tokens",
    );
    const without = new LogitsReport().add(B, C);
    const b = thrown(() => without.add(B, C, { tokens: [0, 1, 2] }));
    expect(b.code).toBe('E_INVALID_STATE');
    expect(b.message).toContain(
      "option 'tokens' must not be given: earlier adds of this report gave none",
    );
  });
});

describe('shapes and dtypes', () => {
  test('base and compare of different shapes: E_SHAPE_MISMATCH', () => {
    const e = thrown(() => new LogitsReport().add(B, [[1, 2, 3]]));
    expect([e.constructor, e.code, e.argument]).toEqual([
      ShapeError,
      'E_SHAPE_MISMATCH',
      'compare',
    ]);
    expect(e.message).toBe(
      "LogitsReport.add: arguments 'base' and 'compare' must have the same shape; received [3, 3] and [1, 3].",
    );
    // same numel, other shape
    expect(
      thrown(() =>
        new LogitsReport().add(
          [[1, 2, 3, 4]],
          [
            [1, 2],
            [3, 4],
          ],
        ),
      ).code,
    ).toBe('E_SHAPE_MISMATCH');
  });

  test('a vocabulary other than the earlier adds: E_SHAPE_MISMATCH', () => {
    const e = thrown(() => new LogitsReport().add(B, C).add([[1, 2]], [[1, 2]]));
    expect([e.code, e.argument]).toEqual(['E_SHAPE_MISMATCH', 'base']);
    expect(e.message).toContain("this report's vocabulary size 3");
  });

  test('0-d logits and an empty vocabulary: E_INVALID_SHAPE; int32: E_INTEGRAL_INPUT', () => {
    expect(thrown(() => new LogitsReport().add(1, 1)).code).toBe('E_INVALID_SHAPE');
    const empty = tensor(new Float32Array(0), { shape: [2, 0] });
    expect(thrown(() => new LogitsReport().add(empty, empty)).code).toBe('E_INVALID_SHAPE');
    const i = thrown(() => new LogitsReport().add(tensor(Int32Array.of(1, 2)), [1, 2]));
    expect([i.constructor, i.code, i.argument]).toEqual([DTypeError, 'E_INTEGRAL_INPUT', 'base']);
    expect(thrown(() => new LogitsReport().add('x' as never, B)).code).toBe('E_INVALID_DATA');
  });

  test('zero rows are fine and fix the vocabulary', () => {
    const empty = tensor(new Float32Array(0), { shape: [0, 4] });
    const r = new LogitsReport().add(empty, empty);
    expect(r.result().tokens).toBe(0);
    expect(thrown(() => r.add(B, C)).code).toBe('E_SHAPE_MISMATCH');
  });
});

describe('options', () => {
  test('unknown options: E_UNKNOWN_OPTION with a suggestion', () => {
    const e = thrown(() => new LogitsReport({ temprature: 2 } as never));
    expect([e.code, e.fn, e.argument]).toEqual(['E_UNKNOWN_OPTION', 'LogitsReport', 'temprature']);
    expect(e.message).toContain("Did you mean 'temperature'?");
    const a = thrown(() => new LogitsReport().add(B, C, { token: [0, 1, 2] } as never));
    expect([a.code, a.fn, a.argument]).toEqual(['E_UNKNOWN_OPTION', 'LogitsReport.add', 'token']);
    const f = thrown(() =>
      formatLogitsReport(new LogitsReport().result(), { titel: 'x' } as never),
    );
    expect(f.code).toBe('E_UNKNOWN_OPTION');
  });

  test.each([
    [{ temperature: 0 }, 'E_OPTION_RANGE', 'temperature'],
    [{ temperature: Number.POSITIVE_INFINITY }, 'E_OPTION_RANGE', 'temperature'],
    [{ temperature: '2' }, 'E_OPTION_TYPE', 'temperature'],
    [{ topK: 0 }, 'E_OPTION_RANGE', 'topK'],
    [{ topK: 1.5 }, 'E_OPTION_RANGE', 'topK'],
    [{ nanRows: 'ignore' }, 'E_OPTION_RANGE', 'nanRows'],
    [{ nanRows: true }, 'E_OPTION_TYPE', 'nanRows'],
  ])('%o: %s', (options, code, argument) => {
    const e = thrown(() => new LogitsReport(options as never));
    expect([e.constructor, e.code, e.argument]).toEqual([ArgumentError, code, argument]);
  });

  test('topK above the vocabulary: E_OPTION_RANGE at add', () => {
    const e = thrown(() => new LogitsReport({ topK: 4 }).add(B, C));
    expect([e.code, e.fn, e.argument]).toEqual(['E_OPTION_RANGE', 'LogitsReport.add', 'topK']);
    expect(new LogitsReport({ topK: 3 }).add(B, C).result().topKOverlap).toBe(1);
  });

  test('a title that is not a string: E_OPTION_TYPE', () => {
    const e = thrown(() => formatLogitsReport(new LogitsReport().result(), { title: 1 as never }));
    expect([e.code, e.argument]).toEqual(['E_OPTION_TYPE', 'title']);
  });
});
