/**
 * klDivergenceFromCounts and entropyFromCounts against SciPy 1.10: test/data/samples/
 * counts-cases.json (tools/samples/gen_counts_cases.py) holds hand-picked and seeded random
 * count vectors (1 to 300 bins, zeros, non-integer weights, every smoothing, bases e, 2, 10,
 * 0.5) with scipy.stats.entropy's plug-in, the Miller-Madow / first-order KL bias from the
 * generator's own formula, and the bins that make KL infinite.
 *
 * Tolerance: the case's `atol`, 1e-12 relative to the sum's conditioning (sum |terms| + |bias|,
 * over |ln base|): SciPy sums pairwise and kldiv with compensation, and V8's log may differ from
 * glibc's by an ulp, so agreement is to a few ulps of the largest term, far inside 1e-12.
 */
import { describe, expect, test } from 'vitest';
import { entropyFromCounts } from '../../src/samples/entropy-from-counts.js';
import { klDivergenceFromCounts } from '../../src/samples/kl-divergence-from-counts.js';
import data from '../data/samples/counts-cases.json' with { type: 'json' };

type Num = number | 'Infinity' | 'NaN';

interface Case {
  name: string;
  fn: 'kl' | 'entropy';
  counts?: number[];
  countsP?: number[];
  countsQ?: number[];
  options: Record<string, unknown>;
  expected: { plugin: Num; bias: Num; estimate: Num; infiniteBins?: number[] };
  atol: number;
}

const cases = (data as unknown as { cases: Case[] }).cases;

const decode = (v: Num): number => (typeof v === 'number' ? v : Number(v));

function expectClose(got: number, want: number, atol: number, what: string) {
  if (!Number.isFinite(want) || !Number.isFinite(got)) {
    expect(Object.is(got, want), `${what}: got ${got}, SciPy ${want}`).toBe(true);
    return;
  }
  const err = Math.abs(got - want);
  expect(
    err <= atol,
    `${what}: got ${got}, SciPy ${want}, |error| ${err.toExponential(3)} > atol ${atol.toExponential(3)}`,
  ).toBe(true);
}

describe('counts-cases.json (SciPy 1.10.1)', () => {
  test('holds the generated set: both functions, corrections, infinite KL, weights', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(cases.filter((c) => c.fn === 'entropy').length).toBeGreaterThanOrEqual(30);
    expect(cases.some((c) => c.options.correction === 'miller-madow' && c.fn === 'kl')).toBe(true);
    expect(cases.some((c) => c.expected.estimate === 'Infinity')).toBe(true);
    expect(cases.some((c) => (c.countsP ?? c.counts ?? []).some((v) => !Number.isInteger(v)))).toBe(
      true,
    );
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const where = `${c.fn} ${c.name}, options ${JSON.stringify(c.options)}`;
    const got =
      c.fn === 'entropy'
        ? entropyFromCounts(c.counts!, c.options)
        : klDivergenceFromCounts(c.countsP!, c.countsQ!, c.options);
    expectClose(got.plugin, decode(c.expected.plugin), c.atol, `${where}: plugin`);
    expectClose(got.bias, decode(c.expected.bias), c.atol, `${where}: bias`);
    expectClose(got.estimate, decode(c.expected.estimate), c.atol, `${where}: estimate`);
    if ('infiniteBins' in got) {
      expect(got.infiniteBins, `${where}: infiniteBins`).toEqual(c.expected.infiniteBins);
    }
  });
});
