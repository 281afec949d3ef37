/**
 * Caller-provided gradient buffers, the `out` option of the backward functions: a training loop
 * that passes the same buffers every step allocates nothing per step (a fresh 40 MB gradient
 * costs more in page faults than the kernel costs to compute it), and a buffer that is a
 * `wasmArray` is written in place by the WebAssembly kernels.
 *
 * @module
 */

import { ArgumentError, describe } from '../errors.js';
import { kernels } from '../kernels/dispatch.js';
import { checkOptionKeys } from '../options.js';
import type { FloatArray, FloatDType } from '../tensor/dtype.js';

/** @internal The `out` option: undefined, or an object holding only `names`. */
export function outOption<K extends string>(
  out: unknown,
  names: readonly K[],
  fn: string,
): Partial<Record<K, unknown>> {
  if (out === undefined) return {};
  if (out === null || typeof out !== 'object' || Array.isArray(out) || ArrayBuffer.isView(out)) {
    throw new ArgumentError(
      `${fn}: option 'out' must be an object of gradient buffers (${names.map((n) => `'${n}'`).join(', ')}); received ${describe(out)}.`,
      { code: 'E_OPTION_TYPE', fn, argument: 'out', received: out },
    );
  }
  checkOptionKeys(out, names, fn);
  return out as Partial<Record<K, unknown>>;
}

/**
 * @internal A given gradient buffer, checked: a typed array of the gradient's dtype and element
 * count that shares no memory with `operands` (the call's inputs and the other buffer), which
 * the kernels still read while they write it. Undefined when none is given.
 */
export function givenGradBuffer(
  fn: string,
  name: string,
  given: unknown,
  dtype: FloatDType,
  shape: readonly number[],
  operands: readonly unknown[],
): FloatArray | undefined {
  if (given === undefined) return undefined;
  const numel = shape.reduce((a, b) => a * b, 1);
  const Ctor = dtype === 'float64' ? Float64Array : Float32Array;
  const fail = (why: string) =>
    new ArgumentError(`${fn}: option 'out.${name}' ${why}; received ${describe(given)}.`, {
      code: 'E_OUT_BUFFER',
      fn,
      argument: `out.${name}`,
      received: given,
    });
  if (!(given instanceof Ctor) || given.length !== numel) {
    throw fail(
      `must be a ${Ctor.name} of ${numel} elements (the ${dtype} gradient of shape [${shape.join(', ')}])`,
    );
  }
  // operands that are not views (an unchecked other buffer) share nothing
  if (operands.some((o) => ArrayBuffer.isView(o) && kernels().overlaps(given, o))) {
    throw fail('must not share memory with the inputs, gradOutput or the other gradient buffer');
  }
  return given;
}
