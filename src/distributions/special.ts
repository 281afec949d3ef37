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

/** sin(pi x) with the argument reduced first, so integers give exactly 0. */
function sinPi(x: number): number {
  const r = x - 2 * Math.round(x / 2); // r in [-1, 1]
  return Math.sin(Math.PI * r);
}

/** ln|Gamma(x)| (torch.lgamma): Stirling's series after shifting x above 15, reflection below 0.5. */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return Number.POSITIVE_INFINITY;
  if (x <= 0 && Number.isInteger(x)) return Number.POSITIVE_INFINITY;
  if (x < 0.5) return Math.log(Math.PI / Math.abs(sinPi(x))) - lgamma(1 - x);
  let y = x;
  let prod = 1;
  while (y < 15) {
    prod *= y;
    y += 1;
  }
  const f = 1 / (y * y);
  const series =
    (1 / 12 -
      f * (1 / 360 - f * (1 / 1260 - f * (1 / 1680 - f * (1 / 1188 - f * (691 / 360360)))))) /
    y;
  return (y - 0.5) * Math.log(y) - y + HALF_LOG_2PI + series - Math.log(prod);
}

/** The digamma function psi(x) (torch.digamma: -inf at 0, nan at negative integers). */
export function digamma(x: number): number {
  if (Number.isNaN(x) || x === Number.NEGATIVE_INFINITY) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x === 0) return Object.is(x, -0) ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  if (x < 0) {
    if (Number.isInteger(x)) return Number.NaN;
    const r = x - Math.round(x);
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * r);
  }
  let acc = 0;
  while (x < 10) {
    acc -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  const tail = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132)))));
  return acc + Math.log(x) - 0.5 / x - tail;
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
