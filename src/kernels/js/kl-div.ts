/**
 * Pure JavaScript KL-divergence kernels. Strided `(N, x, strideX, offsetX, ...)` signatures in
 * the BLAS/stdlib style: they never validate, throw or allocate, and they return NaN/Inf where
 * the mathematics does. Arithmetic is float64 whatever the storage dtype; a float32 result is
 * rounded once, when it is stored.
 *
 * Pointwise loss, PyTorch's composite formula:
 *   target probabilities:      l = xlogy(y, y) - y * x     (xlogy(0, y) = 0 unless y is NaN)
 *   target log-probabilities:  l = exp(y) * (y - x)
 *
 * @module
 */

import type { FloatArray, TensorData } from '../../tensor/dtype.js';

/** Elements summed into a local float64 before joining the running total (blocked summation). */
const BLOCK = 1024;

/**
 * Writes `out[oo + i*so] = l(x_i, y_i) / divisor` for `i < N`.
 */
export function klPointwise(
  N: number,
  logTarget: boolean,
  divisor: number,
  x: TensorData,
  sx: number,
  ox: number,
  y: TensorData,
  sy: number,
  oy: number,
  out: FloatArray,
  so: number,
  oo: number,
): void {
  let ix = ox;
  let iy = oy;
  let io = oo;
  if (logTarget) {
    for (let i = 0; i < N; i++) {
      const t = y[iy];
      out[io] = (Math.exp(t) * (t - x[ix])) / divisor;
      ix += sx;
      iy += sy;
      io += so;
    }
  } else {
    for (let i = 0; i < N; i++) {
      const t = y[iy];
      out[io] = ((t === 0 ? 0 : t * Math.log(t)) - t * x[ix]) / divisor;
      ix += sx;
      iy += sy;
      io += so;
    }
  }
}

/**
 * Returns the float64 sum of `l(x_i, y_i)` for `i < N`, summed in blocks of 1024 so that the
 * rounding error grows with `1024 + N/1024` rather than with `N`. (One loop with a periodic
 * flush: V8 optimises it better than nested loops.)
 */
export function klSum(
  N: number,
  logTarget: boolean,
  x: TensorData,
  sx: number,
  ox: number,
  y: TensorData,
  sy: number,
  oy: number,
): number {
  if (sx === 1 && sy === 1)
    return klSumContiguous(logTarget, x.subarray(ox, ox + N), y.subarray(oy, oy + N));
  let total = 0;
  let block = 0;
  let ix = ox;
  let iy = oy;
  if (logTarget) {
    for (let i = 0; i < N; i++) {
      const t = y[iy];
      block += Math.exp(t) * (t - x[ix]);
      ix += sx;
      iy += sy;
      if ((i & (BLOCK - 1)) === BLOCK - 1) {
        total += block;
        block = 0;
      }
    }
  } else {
    for (let i = 0; i < N; i++) {
      const t = y[iy];
      block += (t === 0 ? 0 : t * Math.log(t)) - t * x[ix];
      ix += sx;
      iy += sy;
      if ((i & (BLOCK - 1)) === BLOCK - 1) {
        total += block;
        block = 0;
      }
    }
  }
  return total + block;
}

/**
 * {@link klSum} on contiguous runs: indexing by the loop counter against the array's own length
 * lets V8 drop bounds checks that strided indexing keeps (about 15 % at 1e4-1e7 elements).
 */
function klSumContiguous(logTarget: boolean, x: TensorData, y: TensorData): number {
  let total = 0;
  let block = 0;
  if (logTarget) {
    for (let i = 0; i < x.length; i++) {
      const t = y[i];
      block += Math.exp(t) * (t - x[i]);
      if ((i & (BLOCK - 1)) === BLOCK - 1) {
        total += block;
        block = 0;
      }
    }
  } else {
    for (let i = 0; i < x.length; i++) {
      const t = y[i];
      block += (t === 0 ? 0 : t * Math.log(t)) - t * x[i];
      if ((i & (BLOCK - 1)) === BLOCK - 1) {
        total += block;
        block = 0;
      }
    }
  }
  return total + block;
}

/**
 * Accumulates the gradients of `l` scaled by `g_i / divisor` into `gx` and `gy` (`+=`, so that
 * broadcast operands sum over their stretched dimensions; start from `-0` for an exact first
 * write), or stores them when `overwrite` says every element is written exactly once. PyTorch autograd's formulas for the composite:
 *   target probabilities:      dl/dx = -y,        dl/dy = xlogy(y != 0, y) + y / y - x
 *   target log-probabilities:  dl/dx = -exp(y),   dl/dy = exp(y) * (y - x) + exp(y)
 * so a zero target has a NaN target-gradient (0 / 0), as in PyTorch.

 */
export function klBackward(
  N: number,
  logTarget: boolean,
  divisor: number,
  g: TensorData,
  sg: number,
  og: number,
  x: TensorData,
  sx: number,
  ox: number,
  y: TensorData,
  sy: number,
  oy: number,
  gx: FloatArray,
  sgx: number,
  ogx: number,
  gy: FloatArray,
  sgy: number,
  ogy: number,
  overwrite = false,
): void {
  let ig = og;
  let ix = ox;
  let iy = oy;
  let igx = ogx;
  let igy = ogy;
  // a reduced loss has one upstream gradient: divide it once
  const s0 = g[og] / divisor;
  for (let i = 0; i < N; i++) {
    const s = sg === 0 ? s0 : g[ig] / divisor;
    const t = y[iy];
    let dx: number;
    let dy: number;
    if (logTarget) {
      const e = Math.exp(t);
      dx = -(s * e);
      dy = s * (t - x[ix]) * e + s * e;
    } else {
      dx = -(s * t);
      dy = s * (t === 0 ? 0 : Math.log(t)) + (s * t) / t - s * x[ix];
    }
    if (overwrite) {
      gx[igx] = dx;
      gy[igy] = dy;
    } else {
      gx[igx] += dx;
      gy[igy] += dy;
    }
    ig += sg;
    ix += sx;
    iy += sy;
    igx += sgx;
    igy += sgy;
  }
}
