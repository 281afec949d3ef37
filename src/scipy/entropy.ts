/**
 * `scipy.stats.entropy` and `scipy.spatial.distance.jensenshannon`.
 *
 * @module
 */

import { logitsOptions, numberOption } from '../functional/logits-args.js';
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

/** Options of {@link entropy} and {@link jensenShannon}. */
export interface SciPyDivergenceOptions {
  /** Logarithm base (default e, nats); 2 gives bits. A finite number > 0, not 1. */
  base?: number;
  /** The axis along which distributions lie (default 0, as in SciPy). */
  axis?: number;
}

function options(fn: string, value: unknown) {
  const opts = logitsOptions<SciPyDivergenceOptions>(value, ['base', 'axis'], fn);
  const base =
    opts.base === undefined
      ? undefined
      : numberOption(
          opts.base,
          0,
          fn,
          'base',
          (v) => v > 0 && v !== 1 && Number.isFinite(v),
          'a finite number > 0 other than 1',
        );
  return { base, axis: opts.axis ?? 0 };
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
 * entropy `sum pk log(pk / qk)` = KL(pk || qk).
 *
 * @example
 * ```ts
 * import { entropy } from 'kldiv/scipy';
 * console.log(entropy([1, 1]).item()); // 0.6931471805599453
 * console.log(entropy([9, 1], [1, 1], { base: 2 }).toString()); // tensor(0.5310, dtype=torch.float64)
 * ```
 */
export function entropy(
  pk: TensorLike,
  qk?: TensorLike | null,
  opts?: SciPyDivergenceOptions,
): Tensor<'float64'> {
  const fn = 'entropy';
  const { base, axis: rawAxis } = options(fn, opts);
  let p = asArray64(pk, fn, 'pk');
  const axis = normaliseAxis(rawAxis, p.shape.length, fn);
  p = normaliseAlong(p, axis);
  if (qk === undefined || qk === null) {
    return result(
      sumAlong(p.shape, axis, (i) => entrPoint(p.data[i])),
      base,
    );
  }
  const [pb, qb] = broadcastPair(p, asArray64(qk, fn, 'qk'), fn, ['pk', 'qk']);
  const q = normaliseAlong(qb, axis);
  return result(
    sumAlong(pb.shape, axis, (i) => relEntrPoint(pb.data[i], q.data[i])),
    base,
  );
}

/**
 * `scipy.spatial.distance.jensenshannon(p, q, base=None, axis=0)`: the Jensen-Shannon
 * *distance*, the square root of the divergence `(KL(p || m) + KL(q || m)) / 2` with
 * `m = (p + q) / 2`, after normalising p and q along `axis`. At most sqrt(ln 2) (1 in base 2).
 *
 * @example
 * ```ts
 * import { jensenShannon } from 'kldiv/scipy';
 * console.log(jensenShannon([1, 0], [0, 1], { base: 2 }).item()); // 1
 * ```
 */
export function jensenShannon(
  p: TensorLike,
  q: TensorLike,
  opts?: SciPyDivergenceOptions,
): Tensor<'float64'> {
  const fn = 'jensenShannon';
  const { base, axis: rawAxis } = options(fn, opts);
  let a = asArray64(p, fn, 'p');
  let b = asArray64(q, fn, 'q');
  [a, b] = broadcastPair(a, b, fn, ['p', 'q']);
  const axis = normaliseAxis(rawAxis, a.shape.length, fn);
  const pn = normaliseAlong(a, axis);
  const qn = normaliseAlong(b, axis);
  const m = Float64Array.from(pn.data, (v, i) => (v + qn.data[i]) / 2.0);
  const left = sumAlong(pn.shape, axis, (i) => relEntrPoint(pn.data[i], m[i]));
  const right = sumAlong(qn.shape, axis, (i) => relEntrPoint(qn.data[i], m[i]));
  const js = { data: Float64Array.from(left.data, (v, i) => v + right.data[i]), shape: left.shape };
  return result(js, base, (v) => Math.sqrt(v / 2.0));
}
