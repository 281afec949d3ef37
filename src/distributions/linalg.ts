/**
 * Dense linear algebra for the Gaussian families, on row-major n x n blocks of a Float64Array:
 * Cholesky factorisation and triangular solves. Sizes are small (event dimensions), so plain
 * loops; everything is float64.
 *
 * @module
 */

/**
 * @internal Lower Cholesky factor of the symmetric matrix at `a[off ...]` into `out[outOff ...]`
 * (reading the lower triangle). Returns 0, or the order of the first leading minor that is not
 * positive definite (LAPACK's `info`).
 */
export function cholesky(
  a: Float64Array,
  off: number,
  n: number,
  out: Float64Array,
  outOff: number,
): number {
  for (let i = 0; i < n * n; i++) out[outOff + i] = 0;
  for (let j = 0; j < n; j++) {
    let d = a[off + j * n + j];
    for (let k = 0; k < j; k++) d -= out[outOff + j * n + k] ** 2;
    if (!(d > 0)) return j + 1;
    const ljj = Math.sqrt(d);
    out[outOff + j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[off + i * n + j];
      for (let k = 0; k < j; k++) s -= out[outOff + i * n + k] * out[outOff + j * n + k];
      out[outOff + i * n + j] = s / ljj;
    }
  }
  return 0;
}

/** @internal Solves L x = b in place (`b` at `bOff`, stride `bStride`) for lower-triangular L. */
export function solveLower(
  l: Float64Array,
  lOff: number,
  n: number,
  b: Float64Array,
  bOff: number,
  bStride = 1,
): void {
  for (let i = 0; i < n; i++) {
    let s = b[bOff + i * bStride];
    for (let k = 0; k < i; k++) s -= l[lOff + i * n + k] * b[bOff + k * bStride];
    b[bOff + i * bStride] = s / l[lOff + i * n + i];
  }
}

/** @internal sum(log diag(L)): half the log-determinant of L L^T. */
export function halfLogDet(l: Float64Array, off: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l[off + i * n + i]);
  return s;
}

/** @internal |L^-1 x|^2 for x = a - b (the Mahalanobis term). */
export function mahalanobis(
  l: Float64Array,
  lOff: number,
  n: number,
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  bOff: number,
): number {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = a[aOff + i] - b[bOff + i];
  solveLower(l, lOff, n, x, 0);
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  return s;
}

/** @internal ||Lq^-1 Lp||_F^2, the trace term of a Gaussian KL. */
export function traceSolve(
  lq: Float64Array,
  qOff: number,
  lp: Float64Array,
  pOff: number,
  n: number,
): number {
  const col = new Float64Array(n);
  let s = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) col[i] = lp[pOff + i * n + j];
    solveLower(lq, qOff, n, col, 0);
    for (let i = 0; i < n; i++) s += col[i] * col[i];
  }
  return s;
}
