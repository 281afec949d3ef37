/**
 * kldiv/scipy against SciPy 1.10 beyond the shared fixtures: test/data/scipy-cases.json
 * (tools/differential/gen-scipy-cases.py) holds SciPy's own test cases (test_entropy.py,
 * test_distance.py jensenshannon, test_basic.py rel_entr / kl_div), the issue-15 repros and
 * seeded randomised broadcasting cases, each with SciPy's result (or its error) and a tolerance
 * derived from the conditioning of the sum (see the generator's header).
 */
import { describe, expect, test } from 'vitest';
import { entropy, jensenShannon, klDiv, relEntr } from '../../src/scipy/index.js';
import data from '../data/scipy-cases.json' with { type: 'json' };
import { compareTensor, specTensor, type TensorSpec, type Tolerance } from '../helpers/fixtures.js';
import { thrownBy } from '../helpers/runners.js';

interface Case {
  name: string;
  fn: 'entropy' | 'jensenShannon' | 'relEntr' | 'scipyKlDiv';
  source: string;
  args: (TensorSpec | null)[];
  options?: { axis?: number | null; base?: number; keepdims?: boolean };
  expected?: TensorSpec;
  tolerance?: Tolerance;
  error?: { type: string; message: string };
}

const cases = (data as unknown as { cases: Case[] }).cases;

function run(c: Case) {
  const [a, b] = c.args.map((s) => (s === null ? null : specTensor(s)));
  switch (c.fn) {
    case 'relEntr':
      return relEntr(a!, b!);
    case 'scipyKlDiv':
      return klDiv(a!, b!);
    case 'entropy':
      return entropy(a!, b, c.options);
    default:
      return jensenShannon(a!, b!, c.options);
  }
}

/** SciPy's exception for each kldiv error code. */
const CODE_OF: Record<string, string> = { AxisError: 'E_INVALID_DIM', ValueError: 'E_BROADCAST' };

describe('scipy-cases.json (SciPy 1.10.1)', () => {
  test('holds the generated set, with error cases of both kinds', () => {
    expect(cases.length).toBeGreaterThanOrEqual(600);
    expect(cases.some((c) => c.error?.type === 'AxisError')).toBe(true);
    expect(cases.some((c) => c.error?.type === 'ValueError')).toBe(true);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const where = `${c.name} (${c.source}), options ${JSON.stringify(c.options ?? {})}`;
    if (c.error) {
      const thrown = thrownBy(() => run(c));
      expect(thrown, `${where}: SciPy raised ${c.error.type}: ${c.error.message}`).toBeDefined();
      expect((thrown as { code?: string }).code, `${where}: ${String(thrown)}`).toBe(
        CODE_OF[c.error.type],
      );
      if (c.error.type === 'AxisError') expect(String(thrown)).toContain(c.error.message);
      return;
    }
    const problems = compareTensor('output', run(c), c.expected!, c.tolerance!);
    expect(problems, `${where}:\n${problems.join('\n')}`).toEqual([]);
  });
});

describe('issue 15 root cause 6', () => {
  test('a plain options object in the place of qk is the options', () => {
    // scipy: stats.entropy([1, 1, 1, 1], base=2) -> 2.0
    expect(entropy([1, 1, 1, 1], { base: 2 }).item()).toBe(2);
    expect(entropy([1, 3], { axis: 0 }).item()).toBe(entropy([1, 3], null, { axis: 0 }).item());
    expect(() => entropy([1, 3], { bas: 2 } as never)).toThrow(
      expect.objectContaining({ code: 'E_UNKNOWN_OPTION', argument: 'bas' }),
    );
  });

  test('keepdims and axis null are validated', () => {
    expect(() => jensenShannon([1], [1], { keepdims: 1 as never })).toThrow(
      expect.objectContaining({ code: 'E_OPTION_TYPE', argument: 'keepdims' }),
    );
    expect(() => entropy([1], null, { keepdims: true } as never)).toThrow(
      expect.objectContaining({ code: 'E_UNKNOWN_OPTION', argument: 'keepdims' }),
    );
  });
});
