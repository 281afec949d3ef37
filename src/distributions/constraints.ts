/**
 * PyTorch's parameter constraints (by their printed names) and the check that raises its
 * "Expected parameter ... to satisfy the constraint ..." error.
 *
 * @module
 */

import { ArgumentError, describe, formatShape } from '../errors.js';

/** A parameter constraint: PyTorch's printed name and a per-element check. */
export interface Constraint {
  readonly name: string;
  check(x: number): boolean;
}

/** @internal PyTorch's constraints that parameters and supports use, by their printed names. */
export const constraints = {
  real: { name: 'Real()', check: (x: number) => !Number.isNaN(x) },
  positive: { name: 'GreaterThan(lower_bound=0.0)', check: (x: number) => x > 0 },
  nonnegative: { name: 'GreaterThanEq(lower_bound=0.0)', check: (x: number) => x >= 0 },
  unitInterval: {
    name: 'Interval(lower_bound=0.0, upper_bound=1.0)',
    check: (x: number) => x >= 0 && x <= 1,
  },
  nonnegativeInteger: {
    name: 'IntegerGreaterThan(lower_bound=0)',
    check: (x: number) => x >= 0 && Number.isInteger(x),
  },
  boolean: { name: 'Boolean()', check: (x: number) => x === 0 || x === 1 },
  /** Dirichlet's `independent(positive, 1)`: checked per element, named as PyTorch prints it. */
  independentPositive: {
    name: 'IndependentConstraint(GreaterThan(lower_bound=0.0), 1)',
    check: (x: number) => x > 0,
  },
} satisfies Record<string, Constraint>;

/**
 * @internal Checks every element of a parameter against its constraint, with PyTorch's
 * message ("Expected parameter ... to satisfy the constraint ..."); `distribution` names the
 * distribution PyTorch validates in (OneHotCategorical's inner Categorical), and `argument`
 * the caller's option holding the first invalid element when PyTorch's `name` is an inner one.
 */
export function checkConstraint(
  fn: string,
  name: string,
  values: Float64Array,
  shape: readonly number[],
  constraint: Constraint,
  distribution = fn,
  argument: (firstBad: number) => string = () => name,
): void {
  const bad: number[] = [];
  let first = -1;
  for (let i = 0; i < values.length && bad.length < 5; i++) {
    if (constraint.check(values[i])) continue;
    if (first < 0) first = i;
    bad.push(values[i]);
  }
  if (bad.length === 0) return;
  throw new ArgumentError(
    `${fn}: Expected parameter ${name} (Tensor of shape ${formatShape(shape)}) of distribution ${distribution} to satisfy the constraint ${constraint.name}, but found invalid values: ${bad.map((v) => describe(v)).join(', ')}.`,
    {
      code: 'E_INVALID_PARAMETER',
      fn,
      argument: argument(first),
      received: bad[0],
      torchType: 'ValueError',
    },
  );
}
