/**
 * The k1, k2, k3 KL estimators, checked without fixtures: their definitions, the unbiasedness of
 * k1 and k3 over samples, finite-difference gradients, and coded errors.
 */
import { describe, expect, test } from 'vitest';
import { klEstimate, klEstimateBackward, type Tensor, tensor } from '../../src/index.js';

describe('klEstimate', () => {
  const logp = [-1.2, -0.7, -2.0, -0.1];
  const logq = [-1.0, -0.9, -2.5, -0.3];
  const lr = logq.map((v, i) => v - logp[i]);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

  test('k1, k2, k3 follow their definitions with r = q / p', () => {
    expect(klEstimate(logp, logq, { estimator: 'k1' }).item()).toBeCloseTo(
      mean(lr.map((v) => -v)),
      6,
    );
    expect(klEstimate(logp, logq, { estimator: 'k2' }).item()).toBeCloseTo(
      mean(lr.map((v) => (v * v) / 2)),
      6,
    );
    expect(klEstimate(logp, logq, { estimator: 'k3' }).item()).toBeCloseTo(
      mean(lr.map((v) => Math.exp(v) - 1 - v)),
      6,
    );
    expect(
      Array.from(klEstimate(logp, logq, { estimator: 'k3', reduction: 'none' }).data).every(
        (v) => v >= 0,
      ),
    ).toBe(true);
  });

  test('k1 and k3 are unbiased: their mean over samples of p approaches KL(p || q)', () => {
    // p = N(0, 1), q = N(0.5, 1): KL = 0.125; deterministic quasi-random samples
    const n = 200_000;
    const lp = new Float64Array(n);
    const lq = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = (i + 0.5) / n;
      // inverse normal CDF by bisection-free approximation (Acklam-free: use erf inverse via Newton)
      let x = 0;
      for (let k = 0; k < 30; k++) {
        const cdf = 0.5 * (1 + erf(x / Math.SQRT2));
        x -= (cdf - u) / (Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI));
      }
      lp[i] = -0.5 * x * x;
      lq[i] = -0.5 * (x - 0.5) ** 2;
    }
    for (const estimator of ['k1', 'k3'] as const) {
      expect(klEstimate(lp, lq, { estimator }).item()).toBeCloseTo(0.125, 3);
    }
  });

  test('gradients equal finite differences', () => {
    for (const estimator of ['k1', 'k2', 'k3'] as const) {
      const P = tensor(logp, { dtype: 'float64' });
      const Q = tensor(logq, { dtype: 'float64' });
      const g = klEstimateBackward(P, Q, { estimator });
      for (let i = 0; i < 4; i++) {
        const h = 1e-6;
        const bump = (x: Tensor, d: number) =>
          tensor(Float64Array.from(x.data, (v, j) => (j === i ? v + d : v)));
        const dq =
          (klEstimate(P, bump(Q, h), { estimator }).item() -
            klEstimate(P, bump(Q, -h), { estimator }).item()) /
          (2 * h);
        const dp =
          (klEstimate(bump(P, h), Q, { estimator }).item() -
            klEstimate(bump(P, -h), Q, { estimator }).item()) /
          (2 * h);
        expect(g.gradLogProbQ.data[i]).toBeCloseTo(dq, 7);
        expect(g.gradLogProbP.data[i]).toBeCloseTo(dp, 7);
      }
    }
  });

  test("an unknown estimator is E_OPTION_RANGE; 'batchmean' is refused", () => {
    expect(() => klEstimate([0], [0], { estimator: 'k4' as never })).toThrow(
      expect.objectContaining({ code: 'E_OPTION_RANGE' }),
    );
    expect(() => klEstimate([0], [0], { reduction: 'batchmean' as never })).toThrow(
      expect.objectContaining({ code: 'E_INVALID_REDUCTION' }),
    );
  });
});

function erf(x: number): number {
  // Numerical Recipes erfc Chebyshev fit (fractional error < 1.2e-7): enough to place samples
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    1 -
    t *
      Math.exp(
        -x * x -
          1.26551223 +
          t *
            (1.00002368 +
              t *
                (0.37409196 +
                  t *
                    (0.09678418 +
                      t *
                        (-0.18628806 +
                          t *
                            (0.27886807 +
                              t *
                                (-1.13520398 +
                                  t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
      );
  return x >= 0 ? y : -y;
}
