/**
 * The generalised Jensen-Shannon divergence, one element at a time, on log-probabilities
 * `a` (student, Q) and `b` (teacher, P), as the GKD loss computes it (TRL's
 * `generalized_jsd_loss`): with M = beta P + (1 - beta) Q,
 *   beta = 0:  KL(P || Q) term  exp(b) (b - a)        (F.kl_div(a, b, log_target=True))
 *   beta = 1:  KL(Q || P) term  exp(a) (a - b)        (F.kl_div(b, a, log_target=True))
 *   else:      beta exp(b) (b - log M) + (1 - beta) exp(a) (a - log M),
 *              log M = logsumexp(a + log(1 - beta), b + log(beta))
 * Pure functions: small enough for V8 to inline into the callers' loops.
 *
 * @module
 */

/** log(exp(u) + exp(v)), stable; -inf when both are -inf. */
function logAddExp(u: number, v: number): number {
  const m = Math.max(u, v);
  if (m === Number.NEGATIVE_INFINITY) return m;
  return m + Math.log(Math.exp(u - m) + Math.exp(v - m));
}

/** The pointwise generalised JSD. */
export function jsdPoint(a: number, b: number, beta: number): number {
  if (beta === 0) return Math.exp(b) * (b - a);
  if (beta === 1) return Math.exp(a) * (a - b);
  const logM = logAddExp(a + Math.log(1 - beta), b + Math.log(beta));
  return beta * Math.exp(b) * (b - logM) + (1 - beta) * Math.exp(a) * (a - logM);
}

/**
 * d jsdPoint / d a. For 0 < beta < 1 the terms through log M cancel exactly, leaving
 * (1 - beta) exp(a) (a - log M).
 */
export function jsdGradPoint(a: number, b: number, beta: number): number {
  if (beta === 0) return -Math.exp(b);
  if (beta === 1) return Math.exp(a) * (a - b + 1);
  const logM = logAddExp(a + Math.log(1 - beta), b + Math.log(beta));
  return (1 - beta) * Math.exp(a) * (a - logM);
}
