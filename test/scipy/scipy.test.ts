/**
 * kldiv/scipy against SciPy 1.10 (scipy-divergence.json: rel_entr and kl_div over a grid of
 * special values, entropy and jensenshannon over shapes, axes and bases), plus identities.
 */
import { describe, expect, test } from 'vitest';
import { entropy, jensenShannon, klDiv, relEntr } from '../../src/scipy/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { runSciPyCase, type SciPyCase } from '../helpers/runners.js';

const { cases } = loadFixture<SciPyCase>('scipy-divergence.json');

describe('scipy-divergence.json (SciPy 1.10)', () => {
  test('holds the full reference set', () => {
    expect(cases.length).toBe(50);
  });
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const problems = runSciPyCase(c);
    expect(problems, `case ${c.name}:\n${problems.join('\n')}`).toEqual([]);
  });
});

describe('identities', () => {
  test('entropy normalises: scaling pk or qk changes nothing', () => {
    const p = [0.2, 0.5, 1.3];
    const q = [1, 2, 3];
    expect(
      entropy(
        p.map((v) => v * 7),
        q,
      ).item(),
    ).toBeCloseTo(
      entropy(
        p,
        q.map((v) => v / 3),
      ).item(),
      14,
    );
  });

  test('sum of relEntr over normalised vectors equals entropy(p, q) and kl_div sums to the same', () => {
    const p = [0.1, 0.6, 0.3];
    const q = [0.3, 0.3, 0.4];
    const sum = (t: { data: ArrayLike<number> }) => Array.from(t.data).reduce((a, b) => a + b, 0);
    expect(sum(relEntr(p, q))).toBeCloseTo(entropy(p, q).item(), 14);
    expect(sum(klDiv(p, q))).toBeCloseTo(entropy(p, q).item(), 14); // the -x + y terms cancel
  });

  test('the Jensen-Shannon distance is symmetric and at most 1 in base 2', () => {
    const p = [
      [0.9, 0.1, 0],
      [0.2, 0.2, 0.6],
    ];
    const q = [
      [0, 0.1, 0.9],
      [0.3, 0.3, 0.4],
    ];
    const a = jensenShannon(p, q, { axis: 1, base: 2 });
    const b = jensenShannon(q, p, { axis: 1, base: 2 });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Math.max(...a.data)).toBeLessThanOrEqual(1);
    expect(jensenShannon([1, 0], [0, 1], { base: 2 }).item()).toBe(1);
  });
});

describe('errors', () => {
  test.each([0, 1, -2, Number.NaN, Number.POSITIVE_INFINITY])(
    'base %s is E_OPTION_RANGE',
    (base) => {
      expect(() => entropy([1, 2], null, { base })).toThrow(
        expect.objectContaining({ code: 'E_OPTION_RANGE', argument: 'base' }),
      );
    },
  );
  test('an axis out of range is E_INVALID_DIM with NumPy wording', () => {
    expect(() => jensenShannon([1], [1], { axis: 1 })).toThrow(
      'axis 1 is out of bounds for array of dimension 1',
    );
  });
  test('shapes that do not broadcast, unknown options', () => {
    expect(() => relEntr([1, 2], [1, 2, 3])).toThrow(
      expect.objectContaining({ code: 'E_BROADCAST' }),
    );
    expect(() => entropy([1], null, { axes: 0 } as never)).toThrow("Did you mean 'axis'?");
  });
});

describe('an options object in place of qk', () => {
  test('entropy(pk, { base }) is options; an ndarray-style { data, shape } is qk', () => {
    const pk = [0.2, 0.8];
    // scipy.stats.entropy([0.2, 0.8], base=2)
    expect(entropy(pk, { base: 2 }).item()).toBeCloseTo(0.7219280948873623, 15);
    const qk = { data: Float64Array.of(0.5, 0.5), shape: [2] };
    // scipy.stats.entropy([0.2, 0.8], [0.5, 0.5])
    expect(entropy(pk, qk).item()).toBeCloseTo(entropy(pk, [0.5, 0.5]).item(), 15);
    expect(entropy(pk, qk).item()).toBeCloseTo(0.19274475702175753, 15);
  });
});
