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
 * {@link klSum} on contiguous runs: blocks of 1024 as nested loops, each with two interleaved
 * partial sums, so that two independent `Math.log` chains overlap; indexing by the loop
 * counter lets V8 drop bounds checks. About 10 % faster than a plain loop that sums into one
 * variable (bench/run.ts, "naive JS loop").
 */
function klSumContiguous(logTarget: boolean, x: TensorData, y: TensorData): number {
  return logTarget ? klSumContiguousLog(x, y) : klSumContiguousProb(x, y);
}

function klSumContiguousProb(x: TensorData, y: TensorData): number {
  const n = x.length;
  let total = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(start + BLOCK, n);
    let b0 = 0;
    let b1 = 0;
    let i = start;
    for (; i + 1 < end; i += 2) {
      const t = y[i];
      const u = y[i + 1];
      b0 += (t === 0 ? 0 : t * Math.log(t)) - t * x[i];
      b1 += (u === 0 ? 0 : u * Math.log(u)) - u * x[i + 1];
    }
    if (i < end) b0 += (y[i] === 0 ? 0 : y[i] * Math.log(y[i])) - y[i] * x[i];
    total += b0 + b1;
  }
  return total;
}

function klSumContiguousLog(x: TensorData, y: TensorData): number {
  const n = x.length;
  let total = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(start + BLOCK, n);
    let b0 = 0;
    let b1 = 0;
    let i = start;
    for (; i + 1 < end; i += 2) {
      const t = y[i];
      const u = y[i + 1];
      b0 += Math.exp(t) * (t - x[i]);
      b1 += Math.exp(u) * (u - x[i + 1]);
    }
    if (i < end) b0 += Math.exp(y[i]) * (y[i] - x[i]);
    total += b0 + b1;
  }
  return total;
}

/**
 * Accumulates the gradients of `l` scaled by `g_i / divisor` into `gx` and `gy` (`+=`, so that
 * broadcast operands sum over their stretched dimensions; start from `-0` for an exact first
 * write), or stores them when `overwrite` says every element is written exactly once.
 * PyTorch autograd's formulas for the composite:
 *   target probabilities:      dl/dx = -y,        dl/dy = xlogy(y != 0, y) + y / y - x
 *   target log-probabilities:  dl/dx = -exp(y),   dl/dy = exp(y) * (y - x) + exp(y)
 * so a zero target has a NaN target-gradient (0 / 0), as in PyTorch. Returns the float64 sum of
 * the pointwise losses `l` (unscaled), computed on the way from the same logarithm or exponential.
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
): number {
  let ig = og;
  let ix = ox;
  let iy = oy;
  let igx = ogx;
  let igy = ogy;
  let total = 0;
  let block = 0;
  // a reduced loss has one upstream gradient: divide it once
  const s0 = g[og] / divisor;
  for (let i = 0; i < N; i++) {
    const s = sg === 0 ? s0 : g[ig] / divisor;
    const t = y[iy];
    const xi = x[ix];
    let dx: number;
    let dy: number;
    if (logTarget) {
      const e = Math.exp(t);
      dx = -(s * e);
      dy = s * (t - xi) * e + s * e;
      block += e * (t - xi);
    } else {
      const logT = t === 0 ? 0 : Math.log(t);
      dx = -(s * t);
      dy = s * logT + (s * t) / t - s * xi;
      block += t * logT - t * xi;
    }
    if ((i & (BLOCK - 1)) === BLOCK - 1) {
      total += block;
      block = 0;
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
  return total + block;
}
