/**
 * Special functions the distributions need, in float64: log-gamma, digamma, erf and the
 * numerically careful building blocks PyTorch uses (softplus, binary cross-entropy with logits).
 * Accuracy is stated in docs/numerics.md and tested against SciPy values.
 *
 * @module
 */

/** Euler-Mascheroni constant (PyTorch's `euler_constant`). */
export const EULER_GAMMA = 0.5772156649015329;

const HALF_LOG_2PI = 0.9189385332046728;

/**
 * sin(pi x) with the argument reduced first, to [-1/2, 1/2] by sin(pi r) = sin(pi (1 - r)), so
 * integers give exactly 0 and no precision is lost near them (1 - r is exact there).
 */
function sinPi(x: number): number {
  let r = x - 2 * Math.round(x / 2); // r in [-1, 1]
  if (r > 0.5) r = 1 - r;
  else if (r < -0.5) r = -1 - r;
  return Math.sin(Math.PI * r);
}

/** (n - 1)! for n = 1..23: exact in float64 (the odd part of 22! fits in 53 bits). */
const FACTORIALS: number[] = [1];
for (let n = 1; n < 23; n++) FACTORIALS.push(FACTORIALS[n - 1] * n);

/**
 * zeta(k) - 1 for k = 2..K, by Euler-Maclaurin: the terms n = 2..N-1 summed smallest first,
 * then the tail from N with Bernoulli corrections up to B8 (the first omitted one is below
 * 1e-20 for N = 40).
 */
const ZETA_MINUS_1: number[] = (() => {
  const N = 40;
  const out: number[] = [0, 0];
  for (let k = 2; k <= 48; k++) {
    let head = 0;
    for (let n = N - 1; n >= 2; n--) head += n ** -k;
    const tail =
      N ** (1 - k) / (k - 1) +
      N ** -k / 2 +
      (k * N ** (-k - 1)) / 12 -
      (k * (k + 1) * (k + 2) * N ** (-k - 3)) / 720 +
      (k * (k + 1) * (k + 2) * (k + 3) * (k + 4) * N ** (-k - 5)) / 30240 -
      (k * (k + 1) * (k + 2) * (k + 3) * (k + 4) * (k + 5) * (k + 6) * N ** (-k - 7)) / 1209600;
    out.push(tail + head);
  }
  return out;
})();

/**
 * sum_{k>=2} (zeta(k) - 1) (-t)^k / k for |t| <= 1/2: with ln Gamma(1 + t) =
 * (1 - gamma) t - log1p(t) + this, the Taylor series of ln Gamma around 1, whose terms fall
 * like 4^-k.
 */
function lgammaSeries(t: number): number {
  let s = 0;
  let p = t * t;
  const terms: number[] = [];
  for (let k = 2; k < ZETA_MINUS_1.length; k++, p *= -t) terms.push((ZETA_MINUS_1[k] * p) / k);
  for (let k = terms.length - 1; k >= 0; k--) s += terms[k];
  return s;
}

/**
 * ln|Gamma(x)| (torch.lgamma), within a few ulps: exact log of a factorial for small positive
 * integers (lgamma(1) = lgamma(2) = 0, as support edges need); the Taylor series around 1 and 2
 * on (0, 2.5), reached by the recurrence from below 15; Stirling's series from 15; reflection
 * below 0.
 */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return Number.POSITIVE_INFINITY;
  if (x <= 0 && Number.isInteger(x)) return Number.POSITIVE_INFINITY;
  if (Number.isInteger(x) && x <= FACTORIALS.length) return Math.log(FACTORIALS[x - 1]);
  if (x < 0) return Math.log(Math.PI / Math.abs(sinPi(x))) - lgamma(1 - x);
  if (x < 0.5) return (1 - EULER_GAMMA) * x - Math.log1p(x) + lgammaSeries(x) - Math.log(x);
  if (x < 1.5) {
    const t = x - 1;
    return (1 - EULER_GAMMA) * t - Math.log1p(t) + lgammaSeries(t);
  }
  if (x < 2.5) {
    // ln Gamma(2 + t) = log1p(t) + ln Gamma(1 + t): the log1p terms cancel exactly.
    const t = x - 2;
    return (1 - EULER_GAMMA) * t + lgammaSeries(t);
  }
  if (x < 15) {
    let y = x;
    let prod = 1;
    while (y >= 2.5) {
      y -= 1;
      prod *= y;
    }
    return lgamma(y) + Math.log(prod);
  }
  const f = 1 / (x * x);
  const series =
    (1 / 12 -
      f * (1 / 360 - f * (1 / 1260 - f * (1 / 1680 - f * (1 / 1188 - f * (691 / 360360)))))) /
    x;
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series;
}

/** psi(10) = H_9 - gamma, where the recurrence below lands exactly. */
const PSI_10 = 2.251752589066721;

/**
 * The digamma function psi(x), evaluated as torch.digamma (Cephes' psi) does: -inf at +0, +inf
 * at -0, NaN at negative integers, reflection through tan(pi * frac(x)) below 0, the recurrence
 * up to 10, then the asymptotic series with Bernoulli coefficients.
 */
export function digamma(x: number): number {
  if (Number.isNaN(x) || x === Number.NEGATIVE_INFINITY) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x === 0) return Object.is(x, -0) ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  if (x < 0) {
    if (Number.isInteger(x)) return Number.NaN;
    const r = x - Math.trunc(x);
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * r);
  }
  let acc = 0;
  while (x < 10) {
    acc -= 1 / x;
    x += 1;
  }
  if (x === 10) return acc + PSI_10;
  let y = 0;
  if (x < 1e17) {
    const z = 1 / (x * x);
    const poly =
      ((((((1 / 12) * z + -691 / 32760) * z + 1 / 132) * z + -1 / 240) * z + 1 / 252) * z +
        -1 / 120) *
        z +
      1 / 12;
    y = z * poly;
  }
  return acc + Math.log(x) - 0.5 / x - y;
}

/**
 * The error function. For |x| < 6 the all-positive series
 * erf(x) = 2/sqrt(pi) e^{-x^2} sum_n (2x^2)^n x / (1*3*...*(2n+1)) (no cancellation); beyond,
 * erf(x) rounds to +-1 in float64.
 */
export function erf(x: number): number {
  if (Number.isNaN(x) || x === 0) return x;
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  const x2 = ax * ax;
  let term = ax;
  let sum = ax;
  for (let n = 0; term > sum * 1e-17; n++) {
    term *= (2 * x2) / (2 * n + 3);
    sum += term;
  }
  const r = (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
  return x < 0 ? -r : r;
}

/** log(1 + e^x) without overflow (torch.nn.functional.softplus with beta 1, no threshold). */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** PyTorch's binary_cross_entropy_with_logits(x, y) for one element, its exact formula. */
export function bceWithLogits(x: number, y: number): number {
  const maxVal = Math.max(-x, 0);
  return (1 - y) * x + maxVal + Math.log(Math.exp(-maxVal) + Math.exp(-x - maxVal));
}

/** x * log(y), 0 where x == 0 (torch.xlogy). */
export function xlogy(x: number, y: number): number {
  if (Number.isNaN(y)) return Number.NaN;
  return x === 0 ? 0 : x * Math.log(y);
}

/** Machine epsilon of each float dtype, for PyTorch's clamp_probs. */
export const EPS = { float32: 2 ** -23, float64: 2 ** -52 } as const;

/** The logistic function, without overflow for either sign. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** PyTorch's clamp_probs: probabilities kept inside [eps, 1 - eps]. */
export function clampProbs(p: number, eps: number): number {
  return Math.min(Math.max(p, eps), 1 - eps);
}

/** PyTorch's binary probs_to_logits: log(p) - log1p(-p) on the clamped probability. */
export function binaryLogits(p: number, eps: number): number {
  const c = clampProbs(p, eps);
  return Math.log(c) - Math.log1p(-c);
}
