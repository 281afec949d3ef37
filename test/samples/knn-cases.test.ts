/**
 * knnKLDivergence and perezCruzKLDivergence against SciPy 1.10 / NumPy 1.24:
 * test/data/samples/knn-cases.json (tools/samples/gen_knn_cases.py) holds seeded samples in
 * d = 1, 2, 3, 5, 12 and 50 (n from 12 to 300, n != m), two of them with ties, and
 * - the k-NN estimate for k = 1, 3, 5 from scipy.spatial.cKDTree queries (cross-checked in the
 *   generator by sorting all cdist distances); with ties, the 'skip' policy from cdist;
 * - Pérez-Cruz's estimate from np.interp finite differences of the interpolated CDFs (the
 *   paper's definition), cross-checked there against the slopes.
 *
 * Tolerance 1e-9 relative (1e-12 absolute near 0): the distances are the same sums of squares
 * (SciPy may add coordinates in another order, a few ulps), and the mean of n logs is summed in
 * a different order; the finite differences of the Pérez-Cruz reference are exact to about
 * 1e-10 relative (checked in the generator). Anything wrong in a neighbour search moves an
 * estimate by far more.
 */
import { describe, expect, test } from 'vitest';
import { knnKLDivergence } from '../../src/samples/knn-kl-divergence.js';
import { perezCruzKLDivergence } from '../../src/samples/perez-cruz.js';
import data from '../data/samples/knn-cases.json' with { type: 'json' };

interface Case {
  name: string;
  n: number;
  m: number;
  d: number;
  x: number[] | number[][];
  y: number[] | number[][];
  knn?: Record<string, number>;
  knnSkip?: Record<string, number>;
  perezCruz?: number;
}

const cases = (data as unknown as { exact: Case[] }).exact;

function expectClose(got: number, want: number, what: string) {
  const tol = Math.max(1e-9 * Math.abs(want), 1e-12);
  expect(Math.abs(got - want), `${what}: kldiv ${got}, SciPy ${want}`).toBeLessThanOrEqual(tol);
}

describe('knnKLDivergence agrees with the cKDTree recipe', () => {
  const exact = cases.filter((c) => c.knn);
  test('the cases cover d = 1, 2, 5 and 50 and k = 1, 3, 5', () => {
    expect(new Set(exact.map((c) => c.d))).toEqual(new Set([1, 2, 3, 5, 12, 50]));
    for (const c of exact) expect(Object.keys(c.knn ?? {})).toEqual(['1', '3', '5']);
  });
  test.each(exact.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    for (const [k, want] of Object.entries(c.knn ?? {})) {
      const r = knnKLDivergence(c.x, c.y, { k: Number(k) });
      expect([r.n, r.m, r.d, r.k]).toEqual([c.n, c.m, c.d, Number(k)]);
      expect(r.algorithm).toBe(c.d <= 11 ? 'kd-tree' : 'brute');
      expectClose(r.estimate, want, `${c.name} k=${k}`);
      // the other search gives the same bits
      const other = r.algorithm === 'kd-tree' ? 'brute' : 'kd-tree';
      expect(knnKLDivergence(c.x, c.y, { k: Number(k), algorithm: other }).estimate).toBe(
        r.estimate,
      );
    }
  });
});

describe("duplicates: 'skip' agrees with the positive cdist distances", () => {
  const ties = cases.filter((c) => c.knnSkip);
  test.each(ties.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(() => knnKLDivergence(c.x, c.y)).toThrow(
      expect.objectContaining({ code: 'E_DUPLICATE_SAMPLES' }),
    );
    for (const [k, want] of Object.entries(c.knnSkip ?? {})) {
      for (const algorithm of ['kd-tree', 'brute'] as const) {
        const r = knnKLDivergence(c.x, c.y, { k: Number(k), duplicates: 'skip', algorithm });
        expectClose(r.estimate, want, `${c.name} k=${k} ${algorithm}`);
      }
    }
  });
});

describe('perezCruzKLDivergence agrees with the finite differences of np.interp', () => {
  const pc = cases.filter((c) => c.perezCruz !== undefined);
  test('the cases include ties', () => {
    expect(pc.length).toBe(4);
    expect(pc.some((c) => c.knnSkip)).toBe(true);
  });
  test.each(pc.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const ties = c.knnSkip !== undefined;
    if (ties) {
      expect(() => perezCruzKLDivergence(c.x, c.y)).toThrow(
        expect.objectContaining({ code: 'E_DUPLICATE_SAMPLES' }),
      );
    }
    const r = perezCruzKLDivergence(c.x, c.y, ties ? { duplicates: 'skip' } : undefined);
    expect([r.n, r.m]).toEqual([c.n, c.m]);
    expectClose(r.estimate, c.perezCruz as number, c.name);
  });
});
