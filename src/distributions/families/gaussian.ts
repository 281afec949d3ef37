/**
 * What MultivariateNormal and LowRankMultivariateNormal share once both hold a dense lower
 * Cholesky factor `scaleTril` per batch element: densities, entropy, sampling and the factor's
 * construction from a covariance or precision matrix.
 *
 * @module
 */

import { ArgumentError, formatShape } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { Distribution, makeTensor } from '../distribution.js';
import { cholesky, halfLogDet, mahalanobis, solveLower } from '../linalg.js';
import type { RandomGenerator } from '../random.js';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * What MultivariateNormal and LowRankMultivariateNormal share once both hold `loc` and a dense
 * lower Cholesky factor `scaleTril` per batch element. Not exported from `kldiv/distributions`,
 * but kept in the published declarations: the public classes extend it.
 */
export abstract class GaussianDistribution extends Distribution {
  /** @internal Location and Cholesky factor of each batch element. */
  declare readonly params: { loc: Float64Array; scaleTril: Float64Array };

  /** @internal */
  get supportName(): string {
    return 'IndependentConstraint(Real(), 1)';
  }
  override get mean(): Tensor {
    return makeTensor(this.params.loc, [...this.batchShape, ...this.eventShape], this.dtype);
  }
  /** Differential entropy: n/2 (1 + log 2 pi) + log det L. */
  override entropyAt(i: number): number {
    const n = this.eventSize;
    return 0.5 * n * (1 + LOG_2PI) + halfLogDet(this.params.scaleTril, i * n * n, n);
  }
  /** log N(x; loc_i, L_i L_i^T). */
  logProbAt(i: number, v: Float64Array, off: number): number {
    const n = this.eventSize;
    const { loc, scaleTril } = this.params;
    const m = mahalanobis(scaleTril, i * n * n, n, v, off, loc, i * n);
    return -0.5 * (n * LOG_2PI + m) - halfLogDet(scaleTril, i * n * n, n);
  }
  inSupport(_i: number, v: Float64Array, off: number): boolean {
    for (let k = 0; k < this.eventSize; k++) if (Number.isNaN(v[off + k])) return false;
    return true;
  }
  /** loc_i + L_i eps with eps standard normal. */
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    const n = this.eventSize;
    const { loc, scaleTril } = this.params;
    const eps = new Float64Array(n);
    for (let k = 0; k < n; k++) eps[k] = rng.normal();
    for (let r = 0; r < n; r++) {
      let s = loc[i * n + r];
      for (let k = 0; k <= r; k++) s += scaleTril[i * n * n + r * n + k] * eps[k];
      out[off + r] = s;
    }
  }
}

/** @internal L L^T for every block, as a Tensor of `shape`. */
export function covarianceOf(
  l: Float64Array,
  n: number,
  shape: readonly number[],
  dtype: 'float32' | 'float64',
): Tensor {
  const out = new Float64Array(l.length);
  for (let b = 0; b < l.length; b += n * n) {
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        let s = 0;
        for (let k = 0; k <= Math.min(r, c); k++) s += l[b + r * n + k] * l[b + c * n + k];
        out[b + r * n + c] = s;
      }
    }
  }
  return makeTensor(out, shape, dtype);
}

/** @internal (L L^T)^-1 for every block. */
export function precisionOf(
  l: Float64Array,
  n: number,
  shape: readonly number[],
  dtype: 'float32' | 'float64',
): Tensor {
  const out = new Float64Array(l.length);
  const col = new Float64Array(n);
  for (let b = 0; b < l.length; b += n * n) {
    // columns of L^-1, then P = L^-T L^-1
    const inv = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      col.fill(0);
      col[j] = 1;
      solveLower(l, b, n, col, 0);
      for (let i = 0; i < n; i++) inv[i * n + j] = col[i];
    }
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += inv[k * n + r] * inv[k * n + c];
        out[b + r * n + c] = s;
      }
    }
  }
  return makeTensor(out, shape, dtype);
}

/** @internal Cholesky of each n x n block of `m`, with PyTorch's messages when it fails. */
export function choleskyBlocks(
  fn: string,
  name: string,
  m: Tensor,
  n: number,
  validate: boolean,
): Float64Array {
  const a = m.data as Float64Array;
  const out = new Float64Array(a.length);
  for (let b = 0; b < a.length; b += n * n) {
    if (validate) {
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < r; c++) {
          const x = a[b + r * n + c];
          const y = a[b + c * n + r];
          if (!(Math.abs(x - y) <= 1e-6 + 1e-5 * Math.abs(y)))
            throw notPositiveDefinite(fn, name, m, 'PositiveDefinite()');
        }
      }
    }
    const info = cholesky(a, b, n, out, b);
    if (info !== 0) {
      throw validate
        ? notPositiveDefinite(fn, name, m, 'PositiveDefinite()')
        : new ArgumentError(
            `${fn}: linalg.cholesky: The factorization could not be completed because the input is not positive-definite (the leading minor of order ${info} is not positive-definite).`,
            {
              code: 'E_INVALID_PARAMETER',
              fn,
              argument: name,
              received: m.shape,
              torchType: 'RuntimeError',
            },
          );
    }
  }
  return out;
}

/** @internal PyTorch's constraint failure for a matrix parameter. */
export function notPositiveDefinite(
  fn: string,
  name: string,
  m: Tensor,
  constraint: string,
): ArgumentError {
  return new ArgumentError(
    `${fn}: Expected parameter ${name} (Tensor of shape ${formatShape(m.shape)}) of distribution ${fn} to satisfy the constraint ${constraint}, but found invalid values.`,
    { code: 'E_INVALID_PARAMETER', fn, argument: name, received: m.shape, torchType: 'ValueError' },
  );
}

/** @internal A float64 Tensor over `data` (for re-broadcasting computed factors). */
export function f64(data: Float64Array, shape: readonly number[]): Tensor<'float64'> {
  return new Tensor(data, shape, 'float64');
}
