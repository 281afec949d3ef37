/**
 * binnedDivergence against NumPy 1.24 / SciPy 1.10: test/data/samples/binned-cases.json
 * (tools/samples/gen_counts_cases.py) holds seeded datasets (normal with and without shift, a
 * current batch outside the reference's range, heavy tails, rounded and Poisson values with
 * heavy ties, a constant reference, tiny samples, large offsets, strings) and, for each, every
 * binning (default 10, a random number, 'fd', 'quantile' with 10 and a random numBins, explicit
 * edges with infinite ends) times every measure with its epsilon and base variants.
 *
 * Edges are compared exactly (kldiv repeats np.linspace's and np.quantile's arithmetic) and
 * counts exactly (np.histogram on values clipped into the outer bins). Values: the case's atol,
 * 1e-12 relative to the sum's conditioning (see the generator's header): a few ulps of
 * disagreement in log and in summation order, nothing more.
 */
import { describe, expect, test } from 'vitest';
import {
  type BinnedDivergenceOptions,
  binnedDivergence,
} from '../../src/samples/binned-divergence.js';
import data from '../data/samples/binned-cases.json' with { type: 'json' };

type Num = number | 'Infinity' | '-Infinity' | 'NaN';

interface Case {
  name: string;
  dataset: number;
  options: Record<string, unknown>;
  expected: {
    value: Num;
    atol: Num;
    divergence?: Num;
    divergenceAtol?: Num;
    edges?: Num[];
    categories?: string[];
    referenceCounts: number[];
    currentCounts: number[];
    epsilon: number;
    infiniteBins: number[];
  };
}

const { datasets, cases } = data as unknown as {
  datasets: { name: string; reference: number[] | string[]; current: number[] | string[] }[];
  cases: Case[];
};

const decode = (v: Num): number => (typeof v === 'number' ? v : Number(v));

function expectClose(got: number | undefined, want: number, atol: number, what: string) {
  if (got === undefined || !Number.isFinite(want) || !Number.isFinite(got)) {
    expect(Object.is(got, want), `${what}: got ${got}, SciPy/NumPy ${want}`).toBe(true);
    return;
  }
  const err = Math.abs(got - want);
  expect(
    err <= atol,
    `${what}: got ${got}, SciPy/NumPy ${want}, |error| ${err.toExponential(3)} > atol ${atol.toExponential(3)}`,
  ).toBe(true);
}

describe('binned-cases.json (NumPy 1.24.2, SciPy 1.10.1)', () => {
  test('holds the generated set: every measure and binning, infinite values, categories', () => {
    expect(cases.length).toBeGreaterThanOrEqual(500);
    for (const m of ['kl', 'js', 'psi', 'hellinger']) {
      expect(cases.some((c) => c.options.measure === m)).toBe(true);
    }
    for (const b of ['fd', 'quantile']) expect(cases.some((c) => c.options.bins === b)).toBe(true);
    expect(cases.some((c) => Array.isArray(c.options.bins))).toBe(true);
    expect(cases.some((c) => c.expected.value === 'Infinity')).toBe(true);
    expect(cases.some((c) => c.expected.categories !== undefined)).toBe(true);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const set = datasets[c.dataset];
    const options = { ...c.options } as unknown as BinnedDivergenceOptions;
    if (Array.isArray(options.bins)) options.bins = (options.bins as Num[]).map(decode);
    const where = `${c.name}, options ${JSON.stringify(c.options)}`;
    const got = binnedDivergence(set.reference, set.current, options);
    if (c.expected.edges) {
      expect(got.edges, `${where}: edges`).toEqual(c.expected.edges.map(decode));
    } else {
      expect(got.categories, `${where}: categories`).toEqual(c.expected.categories);
    }
    expect(got.referenceCounts, `${where}: referenceCounts`).toEqual(c.expected.referenceCounts);
    expect(got.currentCounts, `${where}: currentCounts`).toEqual(c.expected.currentCounts);
    expect(got.epsilon, `${where}: epsilon`).toBe(c.expected.epsilon);
    expect(got.infiniteBins, `${where}: infiniteBins`).toEqual(c.expected.infiniteBins);
    expectClose(got.value, decode(c.expected.value), decode(c.expected.atol), `${where}: value`);
    if (c.expected.divergence !== undefined) {
      expectClose(
        got.divergence,
        decode(c.expected.divergence),
        decode(c.expected.divergenceAtol!),
        `${where}: divergence`,
      );
    }
  });
});
