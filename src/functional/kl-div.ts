/**
 * `torch.nn.functional.kl_div`.
 *
 * @module
 */

import { inPublicCall } from '../errors.js';
import { kernels } from '../kernels/dispatch.js';
import { klScalarTarget } from '../kernels/js/kl-div.js';
import { klDivDivisor } from '../reduction.js';
import { allocate, type FloatDType } from '../tensor/dtype.js';
import { contiguousStrides, forEachRun } from '../tensor/shape.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { type KLDivOptions, type KlDivCall, prepareKlDiv } from './kl-div-args.js';

/** @internal The float64 sum of every pointwise loss of a prepared call (no rounding to dtype). */
export function klDivSum(call: KlDivCall): number {
  const k = kernels();
  const { x, y, logTarget, scalarTarget: st } = call;
  let total = 0;
  if (st !== undefined) {
    forEachRun(call.shape, [call.xStrides], (n, o, s) => {
      total += klScalarTarget(n, logTarget, 1, st.own, st.t32, x.data, s[0], o[0], null, 0, 0);
    });
    return total;
  }
  forEachRun(call.shape, [call.xStrides, call.yStrides], (n, o, s) => {
    total += k.klSum(n, logTarget, x.data, s[0], o[0], y.data, s[1], o[1]);
  });
  return total;
}

/**
 * The Kullback-Leibler divergence loss, exactly as PyTorch's `F.kl_div(input, target, ...)`.
 *
 * `input` holds log-probabilities log q (a `log_softmax` output) and `target` probabilities p
 * (or log p with `logTarget: true`); the pointwise loss is `p * (log p - log q)`, computed as
 * PyTorch does: `xlogy(p, p) - p * input`, or `exp(t) * (t - input)` for a log target `t`.
 *
 * Reductions: `'mean'` (default; divides by every element and warns, as PyTorch does),
 * `'batchmean'` (divides by `input.shape[0]`: the mathematical KL divergence averaged over the
 * batch), `'sum'`, `'none'`. The deprecated `sizeAverage` / `reduce` pair maps to a reduction
 * as PyTorch's `legacy_get_string` does. Input and target broadcast against each other.
 * The result dtype is PyTorch's `result_type`: float32 with float64 gives float64, except that a
 * 0-d float64 operand does not promote a dimensioned float32 one (it is rounded to float32).
 * As in PyTorch, a float32 target's own term (`xlogy(p, p)`, or `exp(t)`) is evaluated in
 * float32 before it meets a float64 input. Sums accumulate in float64 for either dtype.
 *
 * @param input - log-probabilities; a Tensor or anything {@link tensor} accepts.
 * @param target - probabilities, or log-probabilities with `logTarget`.
 * @returns a 0-d Tensor, or the broadcast shape for `'none'`.
 * @throws {ArgumentError} `E_INVALID_REDUCTION` (PyTorch: "avg is not a valid value for
 *   reduction"), `E_UNKNOWN_OPTION`, `E_OPTION_TYPE`, `E_INVALID_DATA`.
 * @throws {DTypeError} `E_INTEGRAL_INPUT` ("kl_div: Integral inputs not supported.").
 * @throws {ShapeError} `E_BROADCAST` ("The size of tensor a (4) must match the size of tensor
 *   b (3) at non-singleton dimension 1"), `E_RAGGED`, `E_DATA_LENGTH`, `E_TOO_LARGE`.
 *
 * @example
 * ```ts
 * import { klDiv, tensor } from 'kldiv';
 * const input = [[-2, -6, -8], [-7, -1, -2], [-1, -9, -2.3], [-1.9, -2.8, -5.4]];
 * const target = [[0.8, 0.1, 0.1], [0.1, 0.7, 0.2], [0.5, 0.2, 0.3], [0.4, 0.3, 0.3]];
 * console.log(klDiv(input, target, { reduction: 'batchmean' }).toString()); // tensor(1.8626)
 * console.log(klDiv(input, target, { reduction: 'sum' }).item()); // 7.450596809387207
 * // a 0-d float64 target does not promote float32 input (torch.result_type)
 * const p = tensor(0.3, { dtype: 'float64' });
 * console.log(klDiv([-1, -2], p, { reduction: 'sum' }).toString()); // tensor(0.1776)
 * ```
 */
export function klDiv(
  input: TensorLike,
  target: TensorLike,
  options?: KLDivOptions,
): Tensor<FloatDType> {
  const call = prepareKlDiv('klDiv', input, target, options, true);
  return inPublicCall('klDiv', () =>
    call.reduction.base === 'none' ? klDivNone(call) : reducedLoss(call, klDivSum(call)),
  );
}

/** @internal The `'none'` loss of a prepared call: every pointwise loss. */
export function klDivNone(call: KlDivCall): Tensor<FloatDType> {
  const { x, y, logTarget, reduction, dtype, shape, numel } = call;
  const k = kernels();
  const out = allocate(dtype, numel);
  const divisor = klDivDivisor(reduction, numel, x.shape); // 'none': 1, or the batch size
  const st = call.scalarTarget;
  if (st !== undefined) {
    forEachRun(shape, [call.xStrides, contiguousStrides(shape)], (n, o, s) => {
      klScalarTarget(n, logTarget, divisor, st.own, st.t32, x.data, s[0], o[0], out, s[1], o[1]);
    });
    return new Tensor(out, shape, dtype);
  }
  forEachRun(shape, [call.xStrides, call.yStrides, contiguousStrides(shape)], (n, o, s) => {
    k.klPointwise(n, logTarget, divisor, x.data, s[0], o[0], y.data, s[1], o[1], out, s[2], o[2]);
  });
  return new Tensor(out, shape, dtype);
}

/** @internal The 0-d loss of a prepared call from the float64 sum of its pointwise losses. */
export function reducedLoss(call: KlDivCall, total: number): Tensor<FloatDType> {
  const { reduction, dtype } = call;
  let value = reduction.base === 'mean' ? total / call.numel : total;
  if (reduction.batchmean) value /= call.batchDivisor;
  const out = allocate(dtype, 1);
  out[0] = value;
  return new Tensor(out, [], dtype);
}
