/**
 * Fuzz targets beyond the losses: the SciPy functions against references written from SciPy's
 * documented branch rules, klDivergence for every registered family pair against its
 * invariants (shape, KL(p, p) = 0, Gibbs' inequality), tensor() and toString() on arbitrary
 * nested data, and garbage arguments to every public function (coded errors only, no crash).
 */
import fc from 'fast-check';
import * as D from '../../src/distributions/index.js';
import * as core from '../../src/index.js';
import { type Tensor, tensor } from '../../src/index.js';
import * as scipy from '../../src/scipy/index.js';
import { at, broadcast, indices } from '../helpers/reference.js';
import { assertClose, coded, f64, filled, partner, shape, value } from './harness.js';
import { type FuzzTarget, quiet } from './targets-core.js';

const EPS = 2 ** -53;
const K = 16;

/** scipy.special.rel_entr and kl_div, from SciPy's documentation of their cases. */
function relEntr(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x > 0 && y > 0) return x * Math.log(x / y);
  return x === 0 && y >= 0 ? 0 : Number.POSITIVE_INFINITY;
}
function scipyKl(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x > 0 && y > 0) return x * Math.log(x / y) - x + y;
  return x === 0 && y >= 0 ? y : Number.POSITIVE_INFINITY;
}

const elementwiseInput = shape
  .chain((b) => fc.tuple(fc.constant(b), partner(b)))
  .chain(([a, b]) => fc.tuple(filled(a, 'float64'), filled(b, 'float64'), fc.boolean()));

export const scipyElementwiseTarget: FuzzTarget<
  typeof elementwiseInput extends fc.Arbitrary<infer T> ? T : never
> = {
  name: 'scipy relEntr / klDiv',
  arbitrary: elementwiseInput,
  check([x, y, kl]) {
    const run = coded(() => (kl ? scipy.klDiv(x, y) : scipy.relEntr(x, y)));
    let s: number[];
    try {
      s = broadcast(x.shape, y.shape);
    } catch {
      if (run.ok || run.error.code !== 'E_BROADCAST') throw new Error('expected E_BROADCAST');
      return;
    }
    if (!run.ok) throw run.error;
    const X = f64(x);
    const Y = f64(y);
    const values = indices(s).map((i) => (kl ? scipyKl : relEntr)(at(X, i), at(Y, i)));
    const tol = indices(s).map((i) => {
      const [a, b] = [at(X, i), at(Y, i)];
      return a > 0 && b > 0 ? K * EPS * (a * (1 + Math.abs(Math.log(a / b))) + b) : 0;
    });
    assertClose(kl ? 'scipy klDiv' : 'relEntr', run.value, { shape: s, values, tol });
  },
};

const axisInput = fc
  .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 })
  .chain((s) =>
    fc.tuple(
      filled(s, 'float64', fc.double({ min: 0, max: 10, noNaN: true })),
      filled(s, 'float64', fc.double({ min: 0, max: 10, noNaN: true })),
      fc.integer({ min: -s.length, max: s.length - 1 }),
      fc.constantFrom(undefined, 2, 10, Math.E, 0.5),
      fc.boolean(),
    ),
  );

export const scipyAxisTarget: FuzzTarget<
  typeof axisInput extends fc.Arbitrary<infer T> ? T : never
> = {
  name: 'scipy entropy / jensenShannon',
  arbitrary: axisInput,
  check([p, q, axis, base, withQ]) {
    const ax = axis < 0 ? axis + p.shape.length : axis;
    const out = p.shape.filter((_, i) => i !== ax);
    const P = f64(p);
    const Q = f64(q);
    const values: number[] = [];
    const tol: number[] = [];
    const logBase = base === undefined ? 1 : Math.log(base);
    for (const idx of indices(out)) {
      const line = (t: { shape: number[]; data: Float64Array }) =>
        Array.from({ length: p.shape[ax] }, (_, j) =>
          at(t, [...idx.slice(0, ax), j, ...idx.slice(ax)]),
        );
      const norm = (v: number[]) => {
        const s = v.reduce((a, b) => a + b, 0);
        return v.map((x) => x / s);
      };
      const a = norm(line(P));
      const b = norm(line(Q));
      let v: number;
      if (!withQ)
        v =
          -a.reduce((s, x) => s + (x > 0 ? x * Math.log(x) : 0), 0) +
          (a.some(Number.isNaN) ? Number.NaN : 0);
      else {
        const m = a.map((x, j) => (x + b[j]) / 2);
        const js =
          (a.reduce((s, x, j) => s + relEntr(x, m[j]), 0) +
            b.reduce((s, x, j) => s + relEntr(x, m[j]), 0)) /
          2;
        v = Math.sqrt(js / logBase);
      }
      values.push(withQ ? v : v / logBase);
      tol.push(K * EPS * 64 * (1 + Math.abs(v)) * (withQ ? 1e3 : 1));
    }
    const got = withQ
      ? scipy.jensenShannon(p, q, { axis, base })
      : scipy.entropy(p, null, { axis, base });
    assertClose(withQ ? 'jensenShannon' : 'entropy', got, { shape: out, values, tol });
  },
};

// ---- distributions -----------------------------------------------------------------------

const pos = fc.double({ min: 0.2, max: 5, noNaN: true });
const real = fc.double({ min: -3, max: 3, noNaN: true });
const prob = fc.double({ min: 0.05, max: 0.95, noNaN: true });
const arr = (a: fc.Arbitrary<number>) => fc.array(a, { minLength: 3, maxLength: 3 });

/** Random moderate parameters for every family (batch of 3). */
const FAMILIES: Record<string, fc.Arbitrary<D.Distribution>> = {
  Bernoulli: arr(prob).map((probs) => new D.Bernoulli({ probs })),
  Beta: fc
    .tuple(arr(pos), arr(pos))
    .map(([a, b]) => new D.Beta({ concentration1: a, concentration0: b })),
  Binomial: arr(prob).map((probs) => new D.Binomial({ totalCount: 8, probs })),
  Categorical: fc
    .array(arr(pos), { minLength: 3, maxLength: 3 })
    .map((probs) => new D.Categorical({ probs })),
  Cauchy: fc.tuple(arr(real), arr(pos)).map(([loc, scale]) => new D.Cauchy({ loc, scale })),
  ContinuousBernoulli: arr(prob).map((probs) => new D.ContinuousBernoulli({ probs })),
  Dirichlet: fc
    .array(arr(pos), { minLength: 3, maxLength: 3 })
    .map((concentration) => new D.Dirichlet({ concentration })),
  Exponential: arr(pos).map((rate) => new D.Exponential({ rate })),
  Gamma: fc.tuple(arr(pos), arr(pos)).map(([a, r]) => new D.Gamma({ concentration: a, rate: r })),
  Geometric: arr(prob).map((probs) => new D.Geometric({ probs })),
  Gumbel: fc.tuple(arr(real), arr(pos)).map(([loc, scale]) => new D.Gumbel({ loc, scale })),
  HalfNormal: arr(pos).map((scale) => new D.HalfNormal({ scale })),
  Laplace: fc.tuple(arr(real), arr(pos)).map(([loc, scale]) => new D.Laplace({ loc, scale })),
  LogNormal: fc.tuple(arr(real), arr(pos)).map(([loc, scale]) => new D.LogNormal({ loc, scale })),
  Normal: fc.tuple(arr(real), arr(pos)).map(([loc, scale]) => new D.Normal({ loc, scale })),
  OneHotCategorical: fc
    .array(arr(pos), { minLength: 3, maxLength: 3 })
    .map((probs) => new D.OneHotCategorical({ probs })),
  Pareto: fc.tuple(arr(pos), arr(pos)).map(([scale, alpha]) => new D.Pareto({ scale, alpha })),
  Poisson: arr(pos).map((rate) => new D.Poisson({ rate })),
  // low = 0 exactly makes PyTorch's x log x NaN in Uniform-{Beta, Gamma, Pareto}: kept apart
  Uniform: fc
    .tuple(arr(real.filter((v) => v !== 0)), arr(pos))
    .map(([low, w]) => new D.Uniform({ low, high: low.map((l, i) => l + w[i]) })),
  MultivariateNormal: fc
    .tuple(arr(real), fc.array(real, { minLength: 9, maxLength: 9 }))
    .map(([loc, a]) => {
      // A A^T + I is positive definite
      const dot = (r: number, c: number) =>
        a[r * 3] * a[c * 3] + a[r * 3 + 1] * a[c * 3 + 1] + a[r * 3 + 2] * a[c * 3 + 2];
      const cov = [0, 1, 2].map((r) => [0, 1, 2].map((c) => (r === c ? 1 : 0) + dot(r, c)));
      return new D.MultivariateNormal({ loc, covarianceMatrix: cov });
    }),
  LowRankMultivariateNormal: fc
    .tuple(arr(real), arr(real), arr(pos))
    .map(
      ([loc, w, d]) =>
        new D.LowRankMultivariateNormal({ loc, covFactor: w.map((v) => [v]), covDiag: d }),
    ),
};

const pairs = D.registeredKLPairs().filter(([p, q]) => p in FAMILIES && q in FAMILIES);
const pairInput = fc
  .constantFrom(...pairs)
  .chain(([p, q]) => fc.tuple(fc.constant(`${p}-${q}`), FAMILIES[p], FAMILIES[q]));

export const klDivergenceTarget: FuzzTarget<
  typeof pairInput extends fc.Arbitrary<infer T> ? T : never
> = {
  name: 'klDivergence (every registered pair)',
  arbitrary: pairInput,
  check([name, p, q]) {
    const run = coded(() => D.klDivergence(p, q));
    if (!run.ok) {
      // PyTorch raises for Binomials with q.totalCount > p.totalCount only; all have 8 here
      throw run.error;
    }
    const kl = run.value;
    if (kl.shape.join() !== p.batchShape.join())
      throw new Error(`${name}: shape [${kl.shape}] instead of [${p.batchShape}]`);
    for (let i = 0; i < kl.numel; i++) {
      const v = kl.data[i];
      // Gibbs' inequality; +inf where q has no mass on part of p's support
      if (Number.isNaN(v) || v < -1e-9 * (1 + Math.abs(v)))
        throw new Error(`${name}[${i}]: KL ${v} is not >= 0`);
    }
    const self = D.klDivergence(p, p);
    for (let i = 0; i < self.numel; i++) {
      if (!(Math.abs(self.data[i]) <= 1e-9))
        throw new Error(`${name}: KL(p, p)[${i}] = ${self.data[i]}, not 0`);
    }
  },
};

// ---- tensor() and toString() -------------------------------------------------------------

const leaf = fc.oneof(
  { weight: 9, arbitrary: value },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('a', null, true, {}, undefined) },
);
const nested: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }),
  ),
})).node;

export const tensorTarget: FuzzTarget<[unknown, 'float32' | 'float64' | 'int32']> = {
  name: 'tensor() and toString()',
  arbitrary: fc.tuple(
    fc.oneof(
      nested,
      shape.chain((s) => filled(s, 'float64').map((t) => t.tolist())),
    ),
    fc.constantFrom<'float32' | 'float64' | 'int32'>('float32', 'float64', 'int32'),
  ),
  check([data, dtype]) {
    const run = coded(() => tensor(data as number, { dtype }));
    if (!run.ok) {
      if (!['E_RAGGED', 'E_INVALID_DATA'].includes(run.error.code)) throw run.error;
      return;
    }
    const t: Tensor = run.value;
    if (t.shape.reduce((a, b) => a * b, 1) !== t.data.length)
      throw new Error(`shape [${t.shape}] does not match ${t.data.length} values`);
    const flat = Array.isArray(data) ? (data as unknown[]).flat(Number.POSITIVE_INFINITY) : [data];
    flat.forEach((v, i) => {
      const want = dtype === 'float32' ? Math.fround(v as number) : (v as number);
      // int32 has no -0; floats keep it
      const same =
        dtype === 'int32'
          ? t.data[i] === want
          : Object.is(t.data[i], want) || (Number.isNaN(want) && Number.isNaN(t.data[i]));
      if (!same) throw new Error(`[${i}] stored ${t.data[i]}, expected ${want}`);
    });
    const s = t.toString();
    if (!s.startsWith('tensor(') || !s.endsWith(')')) throw new Error(`toString: ${s}`);
    if (dtype !== 'float32' && !s.includes(`dtype=torch.${dtype}`) && t.numel > 0)
      throw new Error(`toString lacks the dtype: ${s}`);
  },
};

// ---- garbage in, coded errors out ---------------------------------------------------------

const anything = fc.oneof(
  fc.anything(),
  value,
  fc.constantFrom<unknown>(
    [[1, 2], [3]],
    [[-1]],
    'mean',
    { reduction: 'none' },
    Number.NaN,
    -1,
    1e9,
  ),
);
const CALLS: [string, (a: unknown, b: unknown, c: unknown) => unknown][] = [
  ['klDiv', (a, b, c) => core.klDiv(a as Tensor, b as Tensor, c as never)],
  ['klDivBackward', (a, b, c) => core.klDivBackward(a as Tensor, b as Tensor, c as never)],
  ['klDivWithLogits', (a, b, c) => core.klDivWithLogits(a as Tensor, b as Tensor, c as never)],
  [
    'klDivWithLogitsBackward',
    (a, b, c) => core.klDivWithLogitsBackward(a as Tensor, b as Tensor, c as never),
  ],
  ['jsDivergence', (a, b, c) => core.jsDivergence(a as Tensor, b as Tensor, c as never)],
  ['klEstimate', (a, b, c) => core.klEstimate(a as Tensor, b as Tensor, c as never)],
  ['KLDivLoss', (a, b, c) => new core.KLDivLoss(c as never).forward(a as Tensor, b as Tensor)],
  [
    'KLAccumulator',
    (a, b, c) => new core.KLAccumulator(c as never).add(a as Tensor, b as Tensor).result(),
  ],
  ['tensor', (a, _b, c) => tensor(a as number, c as never)],
  ['setPrintOptions', (_a, _b, c) => core.setPrintOptions(c as never)],
  ['scipy.entropy', (a, b, c) => scipy.entropy(a as Tensor, b as Tensor, c as never)],
  ['scipy.jensenShannon', (a, b, c) => scipy.jensenShannon(a as Tensor, b as Tensor, c as never)],
  ['scipy.relEntr', (a, b) => scipy.relEntr(a as Tensor, b as Tensor)],
  ['Normal', (_a, _b, c) => new D.Normal(c as never)],
  ['Categorical', (_a, _b, c) => new D.Categorical(c as never)],
  ['MultivariateNormal', (_a, _b, c) => new D.MultivariateNormal(c as never)],
  ['klDivergence', (a, b) => D.klDivergence(a as never, b as never)],
  [
    'sample',
    (a, _b, c) => new D.Gamma({ concentration: 1, rate: 1 }).sample(a as never, c as never),
  ],
  ['logProb', (a) => new D.Dirichlet({ concentration: [1, 2] }).logProb(a as never)],
];

export const garbageTarget: FuzzTarget<[number, unknown, unknown, unknown]> = {
  name: 'garbage arguments (every public function)',
  arbitrary: fc.tuple(fc.integer({ min: 0, max: CALLS.length - 1 }), anything, anything, anything),
  check([which, a, b, c]) {
    coded(() => quiet(() => CALLS[which][1](a, b, c)));
  },
};
