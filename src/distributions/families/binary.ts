/**
 * The probs-or-logits parameter pair shared by Bernoulli, Binomial, Geometric and
 * ContinuousBernoulli: whichever was given, both are kept, derived as PyTorch derives them.
 *
 * @module
 */

import { constraints } from '../constraints.js';
import { type ScalarParams, scalarParams } from '../params.js';
import { binaryLogits, EPS, sigmoid } from '../special.js';

/** @internal Parses `{ probs } | { logits }` (plus `extra`) and fills in the other one. */
export function binaryParams(
  fn: string,
  options: unknown,
  extra: Record<string, (typeof constraints)[keyof typeof constraints]> = {},
  defaults: Record<string, number> = {},
  unchecked: readonly string[] = [],
): ScalarParams {
  const r = scalarParams(
    fn,
    options,
    { ...extra, probs: constraints.unitInterval, logits: constraints.real },
    ['probs', 'logits'],
    defaults,
    unchecked,
  );
  const eps = EPS[r.dtype];
  if (r.values.probs !== undefined) {
    r.values.logits = r.values.probs.map((p) => binaryLogits(p, eps));
  } else {
    r.values.probs = r.values.logits.map(sigmoid);
  }
  return r;
}
