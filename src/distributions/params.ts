/**
 * Parsing of distribution constructor options: unknown keys, dtype, exclusive and required
 * parameters, broadcasting (PyTorch's broadcast_all) and constraint checks.
 *
 * @module
 */

import { ArgumentError, describe, formatShape, ShapeError } from '../errors.js';
import { checkOptions } from '../options.js';
import { dtypeOfArray, type FloatDType } from '../tensor/dtype.js';
import { broadcastShapes, expandData } from '../tensor/shape.js';
import { Tensor, toTensor } from '../tensor/tensor.js';
import { type Constraint, checkConstraint } from './constraints.js';

/** Parsed constructor parameters: float64 values at their broadcast shapes. */
export interface ParsedParams {
  values: Record<string, Float64Array>;
  shapes: Record<string, number[]>;
  dtype: FloatDType;
  validateArgs: boolean;
}

/**
 * @internal Reads the options object of a constructor: rejects unknown keys (with a spelling
 * hint), converts each given parameter to float64 and decides the result dtype (float32 only
 * when every typed parameter is float32; plain numbers and arrays are JS doubles).
 */
export function readParams(
  fn: string,
  options: unknown,
  names: readonly string[],
): { given: Record<string, Tensor>; dtype: FloatDType; validateArgs: boolean } {
  const opts = checkOptions<Record<string, unknown>>(options, [...names, 'validateArgs'], fn);
  const validate = opts.validateArgs ?? true;
  if (typeof validate !== 'boolean') {
    throw new ArgumentError(
      `${fn}: option 'validateArgs' must be a boolean; received ${describe(validate)}.`,
      { code: 'E_OPTION_TYPE', fn, argument: 'validateArgs', received: validate },
    );
  }
  const given: Record<string, Tensor> = {};
  let typed32 = false;
  let typed64 = false;
  for (const name of names) {
    const v = opts[name];
    if (v === undefined || v === null) continue;
    const t = toTensor(v, fn, name, { dtype: 'float64' });
    const own = v instanceof Tensor ? v.dtype : dtypeOfArray(v);
    if (own === 'float32') typed32 = true;
    else if (own === 'float64') typed64 = true;
    given[name] = t;
  }
  return { given, dtype: typed32 && !typed64 ? 'float32' : 'float64', validateArgs: validate };
}

/** @internal Throws PyTorch's missing/both error for exclusive parameters like probs / logits. */
export function exactlyOne(
  fn: string,
  given: Record<string, Tensor>,
  names: readonly string[],
): string {
  const present = names.filter((n) => given[n] !== undefined);
  if (present.length !== 1) {
    const list = names.map((n) => `\`${n}\``).join(' or ');
    throw new ArgumentError(
      `${fn}: Either ${list} must be specified, but not both; received ${present.length === 0 ? 'neither' : present.join(' and ')}.`,
      {
        code: present.length === 0 ? 'E_MISSING_PARAMETER' : 'E_INVALID_PARAMETER',
        fn,
        argument: names.join('|'),
        received: present,
        torchType: 'ValueError',
      },
    );
  }
  return present[0];
}

/** @internal A required parameter, or PyTorch's missing-argument TypeError. */
export function required(fn: string, given: Record<string, Tensor>, name: string): Tensor {
  const t = given[name];
  if (t === undefined) {
    throw new ArgumentError(`${fn}: missing required parameter '${name}'.`, {
      code: 'E_MISSING_PARAMETER',
      fn,
      argument: name,
      torchType: 'TypeError',
    });
  }
  return t;
}

/** @internal Materialises `t` at `shape` (its broadcast), as float64. */
export function expandTo(t: Tensor, shape: readonly number[]): Float64Array {
  return expandData(t.data as Float64Array, t.shape, shape);
}

/** @internal Common shape of several parameters (PyTorch's broadcast_all), naming them on failure. */
export function broadcastAll(fn: string, params: Record<string, Tensor>): number[] {
  let shape: number[] = [];
  let first = '';
  for (const [name, t] of Object.entries(params)) {
    shape = broadcastShapes(shape, t.shape, fn, [first || name, name]);
    first ||= name;
  }
  return shape;
}

/** Parsed parameters of a family whose parameters are all per batch element. */
export interface ScalarParams {
  batchShape: number[];
  dtype: FloatDType;
  validateArgs: boolean;
  values: Record<string, Float64Array>;
  shown: string[];
}

/**
 * @internal Parses a scalar-parameter family: every name in `spec` is required unless listed
 * in `exclusive` (exactly one of those), all broadcast together, and each is checked against
 * its constraint when `validateArgs` (except those in `unchecked`, which the family checks).
 */
export function scalarParams(
  fn: string,
  options: unknown,
  spec: Record<string, Constraint>,
  exclusive: readonly string[] = [],
  defaults: Record<string, number> = {},
  unchecked: readonly string[] = [],
): ScalarParams {
  const names = Object.keys(spec);
  const { given, dtype, validateArgs } = readParams(fn, options, names);
  for (const [k, v] of Object.entries(defaults))
    given[k] ??= new Tensor(Float64Array.of(v), [], 'float64');
  const chosen = exclusive.length > 0 ? exactlyOne(fn, given, exclusive) : undefined;
  const used: Record<string, Tensor> = {};
  for (const name of names) {
    if (exclusive.includes(name) && name !== chosen) continue;
    used[name] = required(fn, given, name);
  }
  const batchShape = broadcastAll(fn, used);
  const values: Record<string, Float64Array> = {};
  for (const [name, t] of Object.entries(used)) {
    values[name] = expandTo(t, batchShape);
    if (validateArgs && !unchecked.includes(name))
      checkConstraint(fn, name, values[name], batchShape, spec[name]);
  }
  return { batchShape, dtype, validateArgs, values, shown: Object.keys(used) };
}

/** @internal Shape of a parameter that must have at least `dims` dimensions (PyTorch's ValueError). */
export function atLeast(fn: string, name: string, t: Tensor, dims: number, what: string): void {
  if (t.shape.length < dims) {
    throw new ShapeError(
      `${fn}: ${name} must be at least ${what}; received shape ${formatShape(t.shape)}.`,
      { code: 'E_INVALID_SHAPE', fn, argument: name, received: t.shape, torchType: 'ValueError' },
    );
  }
}

/** @internal Materialises `t` (trailing dims `event`) at `batch + event`. */
export function expandEvent(t: Tensor, batch: readonly number[], eventDims: number): Float64Array {
  return expandTo(t, [...batch, ...t.shape.slice(t.shape.length - eventDims)]);
}
