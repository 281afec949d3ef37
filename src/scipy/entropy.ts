/**
 * `scipy.stats.entropy` and `scipy.spatial.distance.jensenshannon`.
 *
 * @module
 */

import { checkBoolean, checkOptions, isOptionsBag, numberOption } from '../options.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import {
  type Array64,
  asArray64,
  broadcastPair,
  normaliseAlong,
  normaliseAxis,
  sumAlong,
} from './arrays.js';
import { entrPoint, relEntrPoint } from './elementwise.js';

/** Options of {@link entropy}. */
export interface SciPyDivergenceOptions {
  /** Logarithm base (default e, nats); 2 gives bits. A finite number > 0, not 1. */
  base?: number;
  /** The axis along which distributions lie (default 0, as in SciPy); null: the whole array. */
  axis?: number | null;
}

/** Options of {@link jensenShannon}. */
export interface JensenShannonOptions extends SciPyDivergenceOptions {
  /** Keep the reduced axis as a dimension of size 1 (default false, as in SciPy). */
  keepdims?: boolean;
}

function options(fn: string, value: unknown, keys: readonly string[]) {
  const opts = checkOptions<JensenShannonOptions>(value, keys, fn);
  // SciPy raises only for base <= 0 and silently returns inf/nan for 1, NaN or inf: reject those too.
  const base = numberOption(
    opts.base,
    undefined,
    fn,
    'base',
    (v) => v > 0 && v !== 1 && Number.isFinite(v),
    'a finite number > 0 other than 1',
  );
  if (opts.keepdims !== undefined) checkBoolean(opts.keepdims, fn, 'keepdims');
  const axis = opts.axis === undefined ? 0 : opts.axis;
  return { base, axis, keepdims: opts.keepdims ?? false };
}

function result(
  a: Array64,
  base: number | undefined,
  finish?: (v: number) => number,
): Tensor<'float64'> {
  const scale = base === undefined ? 1 : Math.log(base);
  const out = Float64Array.from(a.data, (v) => {
    const s = base === undefined ? v : v / scale;
    return finish ? finish(s) : s;
  });
  return new Tensor(out, a.shape, 'float64');
}

/**
 * `scipy.stats.entropy(pk, qk=None, base=None, axis=0)`: normalises `pk` (and `qk`) to sum to 1
 * along `axis`, then returns the Shannon entropy `-sum pk log pk`, or with `qk` the relative
 * entropy `sum pk log(pk / qk)` = KL(pk || qk). In SciPy's order: `pk` is normalised in its own
 * shape, then broadcast against `qk`, and `qk` is normalised and the sum taken in the broadcast
 * shape (a negative `axis` counts from the end of each). A plain options object in the place of
 * `qk` is the options: `entropy(pk, { base: 2 })`.
 *
 * @example
 * ```ts
 * import { entropy } from 'kldiv/scipy';
 * console.log(entropy([1, 1]).item()); // 0.6931471805599453
 * console.log(entropy([1, 1], { base: 2 }).item()); // 1
 * console.log(entropy([9, 1], [1, 1], { base: 2 }).toString()); // tensor(0.5310, dtype=torch.float64)
 * ```
 */
export function entropy(
  pk: TensorLike,
  qk?: TensorLike | SciPyDivergenceOptions | null,
  opts?: SciPyDivergenceOptions,
): Tensor<'float64'> {
  const fn = 'entropy';
  if (opts === undefined && isOptionsBag(qk)) {
    opts = qk as SciPyDivergenceOptions;
    qk = undefined;
  }
  const { base, axis } = options(fn, opts, ['base', 'axis']);
  let p = asArray64(pk, fn, 'pk');
  const pAxis = normaliseAxis(axis, p.shape.length, fn);
  p = normaliseAlong(p, pAxis);
  if (qk === undefined || qk === null) {
    return result(
      sumAlong(p.shape, pAxis, (i) => entrPoint(p.data[i])),
      base,
    );
  }
  const [pb, qb] = broadcastPair(p, asArray64(qk, fn, 'qk'), fn, ['pk', 'qk']);
  const bAxis = normaliseAxis(axis, pb.shape.length, fn);
  const q = normaliseAlong(qb, bAxis);
  return result(
    sumAlong(pb.shape, bAxis, (i) => relEntrPoint(pb.data[i], q.data[i])),
    base,
  );
}

/**
 * `scipy.spatial.distance.jensenshannon(p, q, base=None, *, axis=0, keepdims=False)`: the
 * Jensen-Shannon *distance*, the square root of the divergence `(KL(p || m) + KL(q || m)) / 2`
 * with `m = (p + q) / 2`. In SciPy's order: p and q are each normalised along `axis` in their own
 * shape, then broadcast. At most sqrt(ln 2) (1 in base 2).
 *
 * @example
 * ```ts
 * import { jensenShannon } from 'kldiv/scipy';
 * console.log(jensenShannon([1, 0], [0, 1], { base: 2 }).item()); // 1
 * console.log(jensenShannon([[1, 2]], [[0.5, 1.5]], { axis: 1, keepdims: true }).shape); // [ 1, 1 ]
 * ```
 */
export function jensenShannon(
  p: TensorLike,
  q: TensorLike,
  opts?: JensenShannonOptions,
): Tensor<'float64'> {
  const fn = 'jensenShannon';
  const { base, axis, keepdims } = options(fn, opts, ['base', 'axis', 'keepdims']);
  const a = asArray64(p, fn, 'p');
  const b = asArray64(q, fn, 'q');
  const pn = normaliseAlong(a, normaliseAxis(axis, a.shape.length, fn));
  const qn = normaliseAlong(b, normaliseAxis(axis, b.shape.length, fn));
  const [pb, qb] = broadcastPair(pn, qn, fn, ['p', 'q']);
  const bAxis = normaliseAxis(axis, pb.shape.length, fn);
  const m = Float64Array.from(pb.data, (v, i) => (v + qb.data[i]) / 2.0);
  const left = sumAlong(pb.shape, bAxis, (i) => relEntrPoint(pb.data[i], m[i]), keepdims);
  const right = sumAlong(qb.shape, bAxis, (i) => relEntrPoint(qb.data[i], m[i]), keepdims);
  const js = { data: Float64Array.from(left.data, (v, i) => v + right.data[i]), shape: left.shape };
  return result(js, base, (v) => Math.sqrt(v / 2.0));
}
