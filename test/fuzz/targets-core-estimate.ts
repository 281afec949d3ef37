/**
 * The klEstimate (+ backward) fuzz target: k1, k2, k3 against a float64 reference of the
 * estimators' formulas, with targets-core.ts's error bounds.
 */
import fc from 'fast-check';
import { klEstimate, klEstimateBackward, tensor } from '../../src/index.js';
import { assertClose, dtype, EPS, f64, filled, finite, shape, upstream } from './harness.js';
import { FLT_MAX, type FuzzTarget, K, quiet, TINY } from './targets-core.js';

const estimators = fc.constantFrom<'k1' | 'k2' | 'k3'>('k1', 'k2', 'k3');
const estimateInput = fc
  .record({
    s: shape,
    dp: dtype,
    dq: dtype,
    estimator: estimators,
    reduction: fc.constantFrom<'none' | 'mean' | 'sum'>('none', 'mean', 'sum'),
  })
  .chain((c) =>
    fc.tuple(fc.constant(c), filled(c.s, c.dp, finite), filled(c.s, c.dq, finite), upstream),
  );

export const klEstimateTarget: FuzzTarget<
  typeof estimateInput extends fc.Arbitrary<infer T> ? T : never
> = {
  name: 'klEstimate',
  arbitrary: estimateInput,
  check([c, p, q, g]) {
    const out = c.dp === 'float64' || c.dq === 'float64' ? 'float64' : 'float32';
    const gradEps = c.dp === 'float32' || c.dq === 'float32' ? 'float32' : 'float64';
    const eps = out === 'float32' ? EPS.float32 : EPS.float64;
    const P = f64(p).data;
    const Q = f64(q).data;
    const vals: number[] = [];
    const tol: number[] = [];
    const grads: number[] = [];
    const gtol: number[] = [];
    const n = P.length;
    const scale = c.reduction === 'mean' ? 1 / n : 1;
    for (let i = 0; i < n; i++) {
      const lr = Q[i] - P[i];
      const m = Math.abs(Q[i]) + Math.abs(P[i]);
      const r = Math.exp(lr);
      const v = c.estimator === 'k1' ? -lr : c.estimator === 'k2' ? (lr * lr) / 2 : r - 1 - lr;
      vals.push(v);
      tol.push(K * eps * (m * (1 + Math.abs(lr)) + r + 1) + TINY[out]);
      const d = c.estimator === 'k1' ? -1 : c.estimator === 'k2' ? lr : r - 1;
      grads.push(g * scale * d);
      const gs = Math.abs(g * scale);
      gtol.push((gs === 0 ? 0 : gs * (m + r + 1) * K * EPS[gradEps]) + TINY[gradEps]);
    }
    if (out === 'float32' && vals.some((v) => Math.abs(v) > FLT_MAX / 8)) return;
    const est = quiet(() => klEstimate(p, q, { estimator: c.estimator, reduction: c.reduction }));
    if (c.reduction === 'none')
      assertClose('klEstimate', est, { shape: p.shape, values: vals, tol });
    else {
      const sum = vals.reduce((a, b) => a + b, 0);
      const t =
        tol.reduce((a, b) => a + b, 0) + n * 2 ** -52 * vals.reduce((a, b) => a + Math.abs(b), 0);
      const want = sum * scale;
      assertClose('klEstimate', est, {
        shape: [],
        values: [want],
        tol: [t * scale + eps * Math.abs(want)],
      });
    }
    if (gradEps === 'float32' && grads.some((v) => Math.abs(v) > FLT_MAX / 8)) return;
    if (c.reduction !== 'none') {
      const gOut = tensor(g, { dtype: 'float64' });
      const gr = quiet(() =>
        klEstimateBackward(p, q, { estimator: c.estimator, reduction: c.reduction }, gOut),
      );
      assertClose('gradLogProbQ', gr.gradLogProbQ, { shape: q.shape, values: grads, tol: gtol });
      assertClose('gradLogProbP', gr.gradLogProbP, {
        shape: p.shape,
        values: grads.map((v) => -v),
        tol: gtol,
      });
    }
  },
};
