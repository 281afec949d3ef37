/**
 * The KL registry's behaviour as torch.distributions.kl defines it: registration and override,
 * most-specific dispatch along the class chain, the ambiguity RuntimeWarning, PyTorch's
 * NotImplementedError cases, broadcasting and dtypes; plus the README's pair list.
 */
import { describe, expect, test } from 'vitest';
import * as D from '../../src/distributions/index.js';
import { tensor } from '../../src/index.js';
import { collectWarnings } from '../helpers/runners.js';

const normal = (loc: number | number[] = 0, scale: number | number[] = 1) =>
  new D.Normal({ loc, scale });

describe('registerKL', () => {
  test('a subclass registration overrides the parent pair for that subclass only', () => {
    class Shifted extends D.Normal {}
    D.registerKL(Shifted, D.Normal, () => tensor(7));
    expect(D.klDivergence(new Shifted({ loc: 0, scale: 1 }), normal()).item()).toBe(7);
    expect(D.klDivergence(normal(), normal(1)).item()).toBe(0.5);
  });
  test('the decorator form registers and returns the function', () => {
    class A extends D.Exponential {}
    const f = () => tensor(3);
    expect(D.registerKL(A, A)(f)).toBe(f);
    expect(D.klDivergence(new A({ rate: 1 }), new A({ rate: 2 })).item()).toBe(3);
  });
  test('re-registering replaces the earlier function (dispatch cache cleared)', () => {
    class B extends D.Laplace {}
    const b = new B({ loc: 0, scale: 1 });
    D.registerKL(B, B, () => tensor(1));
    expect(D.klDivergence(b, b).item()).toBe(1);
    D.registerKL(B, B, () => tensor(2));
    expect(D.klDivergence(b, b).item()).toBe(2);
  });
  test('ambiguous matches warn with PyTorch RuntimeWarning text and take the p-most-specific one', () => {
    class L extends D.Gamma {}
    class R extends D.Gamma {}
    D.registerKL(L, D.Gamma, () => tensor(1));
    D.registerKL(D.Gamma, R, () => tensor(2));
    const run = collectWarnings(() =>
      D.klDivergence(new L({ concentration: 1, rate: 1 }), new R({ concentration: 1, rate: 1 })),
    );
    expect(run.result?.item()).toBe(1);
    expect(run.warnings).toEqual(['Ambiguous kl_divergence(L, R). Please registerKL(L, R)']);
  });
  test('rejects non-Distribution classes and non-functions', () => {
    expect(() => D.registerKL(Object as never, D.Normal, () => tensor(0))).toThrow(
      expect.objectContaining({ code: 'E_OPTION_TYPE', argument: 'typeP' }),
    );
    expect(() => D.registerKL(D.Normal, D.Normal, 5 as never)).toThrow(
      expect.objectContaining({ code: 'E_OPTION_TYPE', argument: 'fn' }),
    );
  });
});

describe('klDivergence dispatch', () => {
  test('an unregistered pair throws PyTorch NotImplementedError text with both families', () => {
    expect(() => D.klDivergence(normal(), new D.Categorical({ probs: [0.5, 0.5] }))).toThrow(
      expect.objectContaining({
        code: 'E_NOT_IMPLEMENTED',
        torchType: 'NotImplementedError',
        message: expect.stringContaining(
          'No KL(p || q) is implemented for p type Normal and q type Categorical',
        ),
      }),
    );
  });
  test('two different exponential families meet the generic pair, which raises as PyTorch does', () => {
    expect(() => D.klDivergence(normal(), new D.Poisson({ rate: 1 }))).toThrow(
      /cross KL-divergence between different exponential families cannot be computed using Bregman divergences/,
    );
  });
  test('transformed distributions with different transforms raise', () => {
    expect(() =>
      D.klDivergence(new D.LogNormal({ loc: 0, scale: 1 }), new D.Gumbel({ loc: 0, scale: 1 })),
    ).toThrow(expect.objectContaining({ code: 'E_NOT_IMPLEMENTED' }));
  });
  test('LogNormal KL is the KL of the underlying Normals', () => {
    const kl = D.klDivergence(
      new D.LogNormal({ loc: 0, scale: 1 }),
      new D.LogNormal({ loc: 1, scale: 2 }),
    );
    expect(kl.item()).toBe(D.klDivergence(normal(0, 1), normal(1, 2)).item());
  });
  test('Independent sums the base KL over the reinterpreted dimensions', () => {
    const p = normal([0, 1, 2], 1);
    const q = normal([1, 1, 1], 2);
    const ind = (d: D.Distribution) =>
      new D.Independent({ baseDistribution: d, reinterpretedBatchNdims: 1 });
    const parts = D.klDivergence(p, q).data;
    const total = D.klDivergence(ind(p), ind(q));
    expect(total.shape).toEqual([]);
    expect(total.item()).toBeCloseTo(parts[0] + parts[1] + parts[2], 15);
    const flat = new D.Independent({ baseDistribution: q, reinterpretedBatchNdims: 0 });
    expect(() => D.klDivergence(ind(p), flat)).toThrow(
      expect.objectContaining({ code: 'E_NOT_IMPLEMENTED' }),
    );
  });
  test('batch shapes broadcast: [3] with [2, 1] gives [2, 3]', () => {
    const kl = D.klDivergence(normal([0, 1, 2]), new D.Normal({ loc: [[0], [1]], scale: 1 }));
    expect(kl.shape).toEqual([2, 3]);
    expect(Array.from(kl.data)).toEqual([0, 0.5, 2, 0.5, 0, 0.5]);
  });
  test('batch shapes that do not broadcast are a coded error', () => {
    expect(() => D.klDivergence(normal([0, 1, 2]), normal([0, 1]))).toThrow(
      expect.objectContaining({ code: 'E_BROADCAST' }),
    );
  });
  test('float32 parameters give float32 results; numbers and arrays give float64', () => {
    const p32 = new D.Normal({ loc: new Float32Array([0, 1]), scale: new Float32Array([1, 1]) });
    expect(D.klDivergence(p32, p32).dtype).toBe('float32');
    expect(p32.mean.dtype).toBe('float32');
    expect(D.klDivergence(normal(), normal()).dtype).toBe('float64');
    // through TransformedDistribution too: the base keeps the dtype
    const ln = new D.LogNormal({ loc: new Float32Array([0]), scale: new Float32Array([1]) });
    expect(D.klDivergence(ln, ln).dtype).toBe('float32');
  });
  test('Gaussians of different event sizes raise', () => {
    const a = new D.MultivariateNormal({
      loc: [0, 0],
      covarianceMatrix: [
        [1, 0],
        [0, 1],
      ],
    });
    const b = new D.MultivariateNormal({
      loc: [0, 0, 0],
      scaleTril: [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
    });
    expect(() => D.klDivergence(a, b)).toThrow(
      expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }),
    );
  });
  test('klDivergence rejects non-distributions', () => {
    expect(() => D.klDivergence({} as never, normal())).toThrow(
      expect.objectContaining({ code: 'E_OPTION_TYPE', argument: 'p' }),
    );
  });
});
