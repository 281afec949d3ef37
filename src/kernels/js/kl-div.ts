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
 * Mixed precision: PyTorch evaluates the target's own term (`xlogy(y, y)`, `exp(y)`) in the
 * target's dtype before promoting it. For a float32 target with float64 input, the kernels
 * therefore round that term as float32 arithmetic does: `fround(y * fround(log y))` (float32
 * log, float32 product) and `fround(exp y)`; the rest stays float64. (Float32 input with a
 * float64 target converts exactly. A 0-d float64 operand in a float32 result never reaches
 * these kernels unrounded: the functional layer casts such an input and sends such a target
 * to {@link klScalarTarget}.)
 *
 * @module
 */

import type { FloatArray, TensorData } from '../../tensor/dtype.js';

const f32 = Math.fround;

/**
 * @internal Whether the target's own term is rounded to float32: a float32 target in a float64
 * result (float64 input). Float32 data alone is evaluated in float64 and rounded once, as
 * decision 2 says.
 */
export function roundsTargetTerm(x: TensorData, y: TensorData): boolean {
  return y instanceof Float32Array && x instanceof Float64Array;
}

/** `xlogy(t, t)` as PyTorch's float32 kernel computes it: float32 log, float32 product. */
function xlogyF32(t: number): number {
  return t === 0 ? 0 : f32(t * f32(Math.log(t)));
}

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
  if (roundsTargetTerm(x, y)) {
    for (let i = 0; i < N; i++) {
      const t = y[iy];
      out[io] = (logTarget ? f32(Math.exp(t)) * (t - x[ix]) : xlogyF32(t) - t * x[ix]) / divisor;
      ix += sx;
      iy += sy;
      io += so;
    }
  } else if (logTarget) {
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
  const mixed = roundsTargetTerm(x, y);
  if (sx === 1 && sy === 1 && !mixed)
    return klSumContiguous(logTarget, x.subarray(ox, ox + N), y.subarray(oy, oy + N));
  let total = 0;
  let block = 0;
  let ix = ox;
  let iy = oy;
  if (mixed) {
    for (let i = 0; i < N; i++) {
      const t = y[iy];
      block += logTarget ? f32(Math.exp(t)) * (t - x[ix]) : xlogyF32(t) - t * x[ix];
      ix += sx;
      iy += sy;
      if ((i & (BLOCK - 1)) === BLOCK - 1) {
        total += block;
        block = 0;
      }
    }
  } else if (logTarget) {
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
 * so a zero target has a NaN target-gradient (0 / 0), as in PyTorch. A null `gy` skips the
 * target gradient. Returns the float64 sum of the pointwise losses `l` (unscaled), computed on
 * the way from the same logarithm or exponential.
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
  gy: FloatArray | null,
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
  const mixed = roundsTargetTerm(x, y);
  for (let i = 0; i < N; i++) {
    const s = sg === 0 ? s0 : g[ig] / divisor;
    const t = y[iy];
    const xi = x[ix];
    let dx: number;
    let dy = 0;
    if (logTarget) {
      // a float32 target's exp is float32 in every term that uses it, as in autograd
      const e = mixed ? f32(Math.exp(t)) : Math.exp(t);
      dx = -(s * e);
      if (gy !== null) dy = s * (t - xi) * e + s * e;
      block += e * (t - xi);
    } else {
      const logT = t === 0 ? 0 : Math.log(t);
      dx = -(s * t);
      if (gy !== null) dy = s * logT + (s * t) / t - s * xi;
      block += (mixed ? xlogyF32(t) : t * logT) - t * xi;
    }
    if ((i & (BLOCK - 1)) === BLOCK - 1) {
      total += block;
      block = 0;
    }
    if (overwrite) {
      gx[igx] = dx;
      if (gy !== null) gy[igy] = dy;
    } else {
      gx[igx] += dx;
      if (gy !== null) gy[igy] += dy;
    }
    ig += sg;
    ix += sx;
    iy += sy;
    igx += sgx;
    igy += sgy;
  }
  return total + block;
}

/**
 * @internal A 0-d float64 target in a float32 result (it does not promote dimensioned float32
 * input), as PyTorch evaluates it: the target's own term in float64 then rounded into the
 * float32 expression, `own = fround(xlogy(t, t))` or `fround(exp(t))`, and `t32 = fround(t)`
 * where the target meets the input. Loss `own - t32 * x` or `own * (t32 - x)`; writes it
 * divided by `divisor` to `out` when given, returns the float64 sum (blocked as {@link klSum}).
 */
export function klScalarTarget(
  N: number,
  logTarget: boolean,
  divisor: number,
  own: number,
  t32: number,
  x: TensorData,
  sx: number,
  ox: number,
  out: FloatArray | null,
  so: number,
  oo: number,
): number {
  let total = 0;
  let block = 0;
  let ix = ox;
  let io = oo;
  for (let i = 0; i < N; i++) {
    const l = logTarget ? own * (t32 - x[ix]) : own - t32 * x[ix];
    if (out !== null) out[io] = l / divisor;
    block += l;
    if ((i & (BLOCK - 1)) === BLOCK - 1) {
      total += block;
      block = 0;
    }
    ix += sx;
    io += so;
  }
  return total + block;
}

/**
 * @internal Gradients for {@link klScalarTarget}: `gx` as {@link klBackward} accumulates it
 * (`dl/dx = -t32` or `-own`), and the target's float64 gradient summed into `gy[0]`, from the
 * float64 target `t` as autograd differentiates `xlogy(t, t)` or `exp(t)` in the target's dtype:
 * `log t + t / t - x` (NaN at t = 0) or `exp(t) * (t32 - x) + own` (skipped for a null `gy`).
 * Returns the loss sum.
 */
export function klScalarTargetBackward(
  N: number,
  logTarget: boolean,
  divisor: number,
  own: number,
  t32: number,
  t: number,
  g: TensorData,
  sg: number,
  og: number,
  x: TensorData,
  sx: number,
  ox: number,
  gx: FloatArray,
  sgx: number,
  ogx: number,
  gy: FloatArray | null,
): number {
  let total = 0;
  let block = 0;
  let dyBlock = 0;
  let ig = og;
  let ix = ox;
  let igx = ogx;
  const e = Math.exp(t);
  const logT = t === 0 ? 0 : Math.log(t);
  for (let i = 0; i < N; i++) {
    const s = g[ig] / divisor;
    const xi = x[ix];
    if (logTarget) {
      gx[igx] += -(s * own);
      dyBlock += s * (t32 - xi) * e + s * own;
      block += own * (t32 - xi);
    } else {
      gx[igx] += -(s * t32);
      dyBlock += s * logT + (s * t) / t - s * xi;
      block += own - t32 * xi;
    }
    if ((i & (BLOCK - 1)) === BLOCK - 1) {
      total += block;
      if (gy !== null) gy[0] += dyBlock;
      block = 0;
      dyBlock = 0;
    }
    ig += sg;
    ix += sx;
    igx += sgx;
  }
  if (gy !== null) gy[0] += dyBlock;
  return total + block;
}
