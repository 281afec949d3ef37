/**
 * LogitsReport states: bit-exact JSON round trips (inf, -inf, NaN included), merges of
 * reports and states, and the refusal (E_INVALID_STATE naming the field) of incompatible or
 * malformed states.
 */
import { describe, expect, test } from 'vitest';
import { KLDivError } from '../../src/index.js';
import { LogitsReport, type LogitsReportState } from '../../src/report/index.js';

function thrown(run: () => unknown): KLDivError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(KLDivError);
    return e as KLDivError;
  }
  throw new Error('expected an error');
}

/** Every per-token value, bit for bit (NaN, -0 and the infinities told apart). */
function perTokenBits(r: LogitsReport): string[] {
  return Object.entries(r.perToken()).flatMap(([k, a]) =>
    Array.from(a as ArrayLike<number>, (v, i) => `${k}[${i}]=${Object.is(v, -0) ? '-0' : v}`),
  );
}

/** A report with an infinite KL, a skipped row, a -inf log-probability and top-k. */
function sample(): LogitsReport {
  return new LogitsReport({ topK: 2, nanRows: 'skip', temperature: 1.5 }).add(
    [
      [0, 1, 2],
      [Number.NaN, 0, 0],
      [3, -Infinity, 1],
      [0.5, 0.25, -1],
    ],
    [
      [0, -Infinity, 2],
      [0, 0, 0],
      [3, -Infinity, 1],
      [0.5, -Infinity, 4],
    ],
    { tokens: [1, 0, 2, 1] },
  );
}

describe('state round trips', () => {
  test('through JSON.stringify / JSON.parse, bit-exact with inf, -inf and NaN', () => {
    const r = sample();
    const json = JSON.stringify(r.state());
    expect(json).not.toContain('null');
    const back = LogitsReport.fromState(JSON.parse(json));
    expect(perTokenBits(back)).toEqual(perTokenBits(r));
    expect(back.state()).toEqual(r.state());
    const t = back.perToken();
    expect(t.kl[0]).toBe(Number.POSITIVE_INFINITY);
    expect(t.kl[1]).toBeNaN();
    expect(t.top1Base[1]).toBe(-1);
    expect(t.logProbCompare?.[3]).toBe(Number.NEGATIVE_INFINITY);
    expect(JSON.stringify(back.result())).toBe(JSON.stringify(r.result()));
    // the options come back too
    const s = back.state();
    expect([s.temperature, s.topK, s.nanRows, s.withTokens, s.skippedRows]).toEqual([
      1.5,
      2,
      'skip',
      true,
      1,
    ]);
  });

  test('the state format: version, kind, base64 of little-endian arrays', () => {
    const s = new LogitsReport().add([[0, 0]], [[0, Math.log(3)]]).state();
    expect(Object.keys(s)).toEqual([
      'version',
      'kind',
      'temperature',
      'topK',
      'nanRows',
      'vocab',
      'withTokens',
      'rows',
      'skippedRows',
      'kl',
      'top1Base',
      'top1Compare',
    ]);
    expect([s.version, s.kind, s.topK, s.vocab, s.withTokens, s.rows]).toEqual([
      1,
      'logitsReport',
      null,
      2,
      false,
      1,
    ]);
    // KL((1/2, 1/2) || (1/4, 3/4)) = 1/2 ln 2 + 1/2 ln(2/3) = ln 2 - ln 3 / 2, as the 8
    // little-endian bytes of a float64
    const bytes = Buffer.from(s.kl, 'base64');
    expect(bytes.length).toBe(8);
    expect(Math.abs(bytes.readDoubleLE(0) - (Math.log(2) - Math.log(3) / 2))).toBeLessThan(1e-15);
    expect(Buffer.from(s.top1Compare, 'base64').readInt32LE(0)).toBe(1);
  });

  test('an empty report round-trips and merges as nothing', () => {
    const empty = new LogitsReport({ topK: 3 });
    const s = JSON.parse(JSON.stringify(empty.state())) as LogitsReportState;
    expect([s.vocab, s.withTokens, s.rows, s.kl]).toEqual([null, null, 0, '']);
    const r = new LogitsReport({ topK: 3 }).add([[1, 2, 3]], [[1, 2, 3]], { tokens: [0] });
    const before = r.state();
    expect(r.merge(s).state()).toEqual(before);
    // and a non-empty state merged into an empty report adopts vocab and token mode
    const e = LogitsReport.fromState(s).merge(before);
    expect(e.state()).toEqual(before);
  });
});

describe('merge', () => {
  test('appends in order: perToken of a merge is the concatenation', () => {
    const a = new LogitsReport().add([[0, 1]], [[1, 0]]);
    const b = new LogitsReport().add(
      [
        [5, 0],
        [0, 0],
      ],
      [
        [5, 0],
        [0, 0],
      ],
    );
    const t = a.merge(b.state()).perToken();
    expect(Array.from(t.top1Base)).toEqual([1, 0, 0]);
    expect(Array.from(t.top1Compare)).toEqual([0, 0, 0]);
    expect(t.kl[1]).toBe(0);
  });

  test('nanRows may differ: skipped rows come as their report judged them', () => {
    const skip = new LogitsReport({ nanRows: 'skip' }).add([[Number.NaN, 0]], [[0, 0]]);
    const r = new LogitsReport().add([[0, 1]], [[0, 1]]).merge(skip);
    expect(r.result().skippedRows).toBe(1);
  });

  const base = () => new LogitsReport({ topK: 1 }).add([[0, 1]], [[1, 0]], { tokens: [0] });
  const refusals: [string, () => LogitsReport, string][] = [
    ['temperature', () => new LogitsReport({ temperature: 2, topK: 1 }), 'other.temperature'],
    [
      'topK',
      () => new LogitsReport({ topK: 2 }).add([[0, 1, 2]], [[0, 1, 2]], { tokens: [0] }),
      'other.topK',
    ],
    ['no topK', () => new LogitsReport(), 'other.topK'],
    [
      'vocab',
      () => new LogitsReport({ topK: 1 }).add([[0, 1, 2]], [[0, 1, 2]], { tokens: [0] }),
      'other.vocab',
    ],
    ['tokens', () => new LogitsReport({ topK: 1 }).add([[0, 1]], [[0, 1]]), 'other.withTokens'],
  ];
  test.each(refusals)('refuses another %s (report and state)', (_name, make, argument) => {
    for (const other of [make(), make().state(), JSON.parse(JSON.stringify(make().state()))]) {
      const r = base();
      const before = r.state();
      const e = thrown(() => r.merge(other as LogitsReportState));
      expect([e.code, e.fn, e.argument]).toEqual([
        'E_INVALID_STATE',
        'LogitsReport.merge',
        argument,
      ]);
      expect(r.state()).toEqual(before);
    }
  });

  test('the message names the field, this report value and the received one', () => {
    const e = thrown(() => base().merge(new LogitsReport({ temperature: 2, topK: 1 }).state()));
    expect(e.message).toBe(
      "LogitsReport.merge: argument 'other.temperature' must be 1, this report's; received 2.",
    );
  });
});

describe('malformed states: E_INVALID_STATE naming the field', () => {
  const good = () => JSON.parse(JSON.stringify(sample().state())) as Record<string, unknown>;
  const cases: [string, (s: Record<string, unknown>) => unknown, string][] = [
    ['not an object', () => null, 'state'],
    ['an array', () => [], 'state'],
    ['version 2', (s) => ({ ...s, version: 2 }), 'state.version'],
    ['no version', ({ version: _v, ...s }) => s, 'state.version'],
    ['another kind', (s) => ({ ...s, kind: 'klDiv' }), 'state.kind'],
    ['temperature 0', (s) => ({ ...s, temperature: 0 }), 'state.temperature'],
    [
      'temperature null (JSON of Infinity)',
      (s) => ({ ...s, temperature: null }),
      'state.temperature',
    ],
    ['topK 0', (s) => ({ ...s, topK: 0 }), 'state.topK'],
    ['topK missing', ({ topK: _k, ...s }) => s, 'state.topK'],
    ['topK above vocab', (s) => ({ ...s, topK: 4 }), 'state.topK'],
    ['nanRows', (s) => ({ ...s, nanRows: 'ignore' }), 'state.nanRows'],
    ['vocab 1.5', (s) => ({ ...s, vocab: 1.5 }), 'state.vocab'],
    ['vocab null with rows', (s) => ({ ...s, vocab: null }), 'state.vocab'],
    ['withTokens "yes"', (s) => ({ ...s, withTokens: 'yes' }), 'state.withTokens'],
    ['rows -1', (s) => ({ ...s, rows: -1 }), 'state.rows'],
    ['rows one too many', (s) => ({ ...s, rows: 5 }), 'state.kl'],
    ['skippedRows above rows', (s) => ({ ...s, skippedRows: 9 }), 'state.skippedRows'],
    ['skippedRows inconsistent', (s) => ({ ...s, skippedRows: 0 }), 'state.skippedRows'],
    ['kl not base64', (s) => ({ ...s, kl: '!!!!' }), 'state.kl'],
    ['kl truncated', (s) => ({ ...s, kl: (s.kl as string).slice(0, 8) }), 'state.kl'],
    ['kl an array', (s) => ({ ...s, kl: [1, 2, 3, 4] }), 'state.kl'],
    ['logProbBase missing', ({ logProbBase: _l, ...s }) => s, 'state.logProbBase'],
    ['topKShared without topK', (s) => ({ ...s, topK: null }), 'state.topKShared'],
    ['an unknown field', (s) => ({ ...s, extra: 1 }), 'state.extra'],
    [
      'a top-1 id out of range',
      (s) => ({
        ...s,
        top1Base: Buffer.from(Int32Array.of(0, -1, 3, 0).buffer).toString('base64'),
      }),
      'state.top1Base[2]',
    ],
    [
      'a skipped row with a KL',
      (s) => ({ ...s, kl: Buffer.from(Float64Array.of(1, 1, 1, 1).buffer).toString('base64') }),
      'state.kl[1]',
    ],
  ];
  test.each(cases)('%s', (_name, mutate, argument) => {
    const e = thrown(() => LogitsReport.fromState(mutate(good()) as LogitsReportState));
    expect([e.code, e.fn, e.argument]).toEqual([
      'E_INVALID_STATE',
      'LogitsReport.fromState',
      argument,
    ]);
    // merge names the argument 'other'
    const m = thrown(() => sample().merge(mutate(good()) as LogitsReportState));
    expect(m.argument).toBe(argument.replace(/^state/, 'other'));
  });

  test('the message says what the field must be', () => {
    const e = thrown(() => LogitsReport.fromState({ ...good(), kl: 'AAAA' } as never));
    expect(e.message).toBe(
      "LogitsReport.fromState: argument 'state.kl' must be base64 of 4 little-endian float64 values (32 bytes); received '3 bytes'.",
    );
  });
});
