/**
 * lgamma and digamma against torch.lgamma / torch.digamma in float64
 * (test/data/special-torch.json, written by tools/differential/gen-special-torch.py). torch's
 * lgamma is glibc's (within an ulp or two); its digamma is Cephes' psi, which kldiv's follows
 * step by step.
 */
import { describe, expect, test } from 'vitest';
import { digamma, lgamma } from '../../src/distributions/special.js';
import data from '../data/special-torch.json' with { type: 'json' };

const { x, lgamma: lg, digamma: dg } = data as { x: number[]; lgamma: number[]; digamma: number[] };
const ULP = 2 ** -52;

/**
 * Bounds: 4 ulps of the result; near a root the result's ulp vanishes, so also 4 ulps of the
 * terms that cancel there (|x| ulp for the series around 1 and 2). Negative arguments go through
 * the reflection log(pi / |sin(pi x)|) - lgamma(1 - x), whose terms are ~|lgamma(1 - x)|.
 */
function bound(xi: number, expected: number, f: 'lgamma' | 'digamma'): number {
  const terms = f === 'lgamma' && xi < 0 ? Math.abs(lgamma(1 - xi)) + 1 : 1;
  return 4 * ULP * Math.max(Math.abs(expected), terms);
}

describe.each([
  ['lgamma', lgamma, lg],
  ['digamma', digamma, dg],
] as const)('%s follows torch 1.13', (name, f, ref) => {
  test(`within 4 ulps of torch.${name} on ${x.length} points`, () => {
    const bad: string[] = [];
    x.forEach((xi, i) => {
      const a = f(xi);
      const e = ref[i];
      if (Math.abs(a - e) > bound(xi, e, name))
        bad.push(
          `${name}(${xi}): ${a}, torch ${e}, |diff| ${Math.abs(a - e)} > ${bound(xi, e, name)}`,
        );
    });
    expect(bad.slice(0, 10), `${bad.length} points out of bound`).toEqual([]);
  });
});

test('exact where torch is exact: lgamma(1) = lgamma(2) = 0, digamma(10) = psi(10)', () => {
  expect([lgamma(1), lgamma(2)]).toEqual([0, 0]);
  // torch: torch.digamma(torch.tensor(10., dtype=torch.float64)).item() -> 2.251752589066721
  expect(digamma(10)).toBe(2.251752589066721);
});
