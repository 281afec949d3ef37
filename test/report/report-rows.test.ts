/**
 * The row kernels of kldiv/report (src/kernels/js/report-rows.ts) on their own: the rel_entr
 * convention on -inf logits (values by hand), argmax ties, and the partial top-k selection
 * against a full sort on seeded random rows full of ties.
 */
import { describe, expect, test } from 'vitest';
import {
  ROW_BAD_BASE,
  ROW_BAD_COMPARE,
  ROW_BAD_INDEX,
  ROW_BAD_VALUE,
  ROW_KL,
  ROW_LOGP_BASE,
  ROW_LOGP_COMPARE,
  ROW_OK,
  ROW_SLOTS,
  ROW_TOP1_BASE,
  ROW_TOP1_COMPARE,
  reportRow,
  topKShared,
} from '../../src/kernels/js/report-rows.js';

const NEG = Number.NEGATIVE_INFINITY;

function row(x: number[], y: number[], token = -1, T = 1) {
  const out = new Float64Array(ROW_SLOTS);
  const status = reportRow(
    x.length,
    1 / T,
    Float64Array.from(x),
    0,
    Float64Array.from(y),
    0,
    token,
    out,
  );
  return { status, out };
}

describe('reportRow', () => {
  test('identical rows: KL exactly 0', () => {
    const { status, out } = row([0.3, -2, 7, 1], [0.3, -2, 7, 1]);
    expect(status).toBe(ROW_OK);
    expect(out[ROW_KL]).toBe(0);
  });

  test('rel_entr convention on -inf logits (by hand)', () => {
    // base -inf where compare is finite: p = (0, 1/2, 1/2), q = (1/3, 1/3, 1/3): KL = ln(3/2)
    expect(row([NEG, 0, 0], [0, 0, 0]).out[ROW_KL]).toBeCloseTo(Math.log(1.5), 15);
    // -inf in both at the same entry: that entry adds 0; p = q -> 0
    expect(row([NEG, 1, 2], [NEG, 1, 2]).out[ROW_KL]).toBe(0);
    // compare -inf where base is finite: +inf, even where p underflows float64 (exp(-1000) = 0)
    expect(row([0, 1], [0, NEG]).out[ROW_KL]).toBe(Number.POSITIVE_INFINITY);
    expect(row([0, -1000], [0, NEG]).out[ROW_KL]).toBe(Number.POSITIVE_INFINITY);
    // both: an entry with p = 0 facing q = 0 plus finite others: p = (0, 1), q = (0, 1/2, ...)
    // p = (0, 1/2, 1/2), q = (0, 1/4, 3/4) on entries (-inf, 0, 0) and (-inf, 0, ln 3):
    // KL = 1/2 ln 2 + 1/2 ln(2/3)
    expect(row([NEG, 0, 0], [NEG, 0, Math.log(3)]).out[ROW_KL]).toBeCloseTo(
      Math.log(2) - Math.log(3) / 2,
      15,
    );
  });

  test('token log-probabilities, temperature', () => {
    // at T = 2, logits (0, 2 ln 3) are (0, ln 3): p = (1/4, 3/4)
    const { out } = row([0, 2 * Math.log(3)], [0, 0], 1, 2);
    expect(out[ROW_LOGP_BASE]).toBeCloseTo(Math.log(0.75), 15);
    expect(out[ROW_LOGP_COMPARE]).toBeCloseTo(Math.log(0.5), 15);
    expect(row([0, 1], [0, NEG], 1).out[ROW_LOGP_COMPARE]).toBe(NEG);
  });

  test('argmax: the lowest index on ties, -inf entries never win', () => {
    const { out } = row([NEG, 2, 5, 5], [3, 3, 3, 3]);
    expect([out[ROW_TOP1_BASE], out[ROW_TOP1_COMPARE]]).toEqual([2, 0]);
  });

  test('invalid rows: side, first index and value; no finite logit: index -1', () => {
    let r = row([0, Number.NaN, Number.POSITIVE_INFINITY], [0, 0, 0]);
    expect([r.status, r.out[ROW_BAD_INDEX], r.out[ROW_BAD_VALUE]]).toEqual([
      ROW_BAD_BASE,
      1,
      Number.NaN,
    ]);
    r = row([0, 0], [0, Number.POSITIVE_INFINITY]);
    expect([r.status, r.out[ROW_BAD_INDEX], r.out[ROW_BAD_VALUE]]).toEqual([
      ROW_BAD_COMPARE,
      1,
      Number.POSITIVE_INFINITY,
    ]);
    r = row([0, 0], [NEG, NEG]);
    expect([r.status, r.out[ROW_BAD_INDEX]]).toEqual([ROW_BAD_COMPARE, -1]);
  });

  test('float32 rows read in float64', () => {
    const x = Float32Array.of(0.1, 0.2, 0.3);
    const y = Float32Array.of(0.3, 0.2, 0.1);
    const out = new Float64Array(ROW_SLOTS);
    reportRow(3, 1, x, 0, y, 0, -1, out);
    const out64 = new Float64Array(ROW_SLOTS);
    reportRow(3, 1, Float64Array.from(x), 0, Float64Array.from(y), 0, -1, out64);
    expect(out[ROW_KL]).toBe(out64[ROW_KL]);
  });
});

/** A seeded generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Top-k by a full stable sort: value descending, index ascending. */
function naiveTopK(x: Float64Array, k: number): Set<number> {
  const idx = Array.from(x, (_, i) => i).sort((a, b) => x[b] - x[a] || a - b);
  return new Set(idx.slice(0, k));
}

describe('topKShared', () => {
  test('equals a full sort on 3000 random rows with ties and -inf, every K', () => {
    const next = rng(18);
    let checked = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const V = 1 + Math.floor(next() * 40);
      const K = 1 + Math.floor(next() * V);
      // few distinct values: many ties
      const draw = () => {
        const u = next();
        return u < 0.1 ? NEG : Math.floor(next() * 5);
      };
      const x = Float64Array.from({ length: V }, draw);
      const y = Float64Array.from({ length: V }, draw);
      const heap = new Int32Array(2 * K);
      const mark = new Uint8Array(V);
      const a = naiveTopK(x, K);
      const b = naiveTopK(y, K);
      const want = [...a].filter((i) => b.has(i)).length;
      expect(topKShared(V, K, x, 0, y, 0, heap, mark)).toBe(want);
      // the mark buffer is left zero for the next row
      expect(mark.every((m) => m === 0)).toBe(true);
      checked++;
    }
    expect(checked).toBe(3000);
  });

  test('ties go to the lower index', () => {
    const x = Float64Array.of(1, 1, 1, 1);
    const y = Float64Array.of(0, 1, 1, 1);
    // top-2 of x = {0, 1}, of y = {1, 2}: one shared
    expect(topKShared(4, 2, x, 0, y, 0, new Int32Array(4), new Uint8Array(4))).toBe(1);
  });

  test('offsets: a row in the middle of a matrix', () => {
    const x = Float64Array.of(9, 9, 9, 0, 5, 4, 9, 9);
    const y = Float64Array.of(9, 9, 9, 5, 4, 0, 9, 9);
    expect(topKShared(3, 2, x, 3, y, 3, new Int32Array(4), new Uint8Array(3))).toBe(1);
  });
});
