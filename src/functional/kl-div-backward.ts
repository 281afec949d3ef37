/**
 * Gradients of `torch.nn.functional.kl_div`, as PyTorch autograd computes them.
 *
 * @module
 */

import { ArgumentError, inPublicCall } from '../errors.js';
import { kernels } from '../kernels/dispatch.js';
import { klScalarTargetBackward } from '../kernels/js/kl-div.js';
import { checkBoolean } from '../options.js';
import { klDivDivisor } from '../reduction.js';
import { allocate, type FloatArray, type FloatDType } from '../tensor/dtype.js';
import { contiguousStrides, forEachRun, sameShape } from '../tensor/shape.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { givenGradBuffer, outOption } from './grad-buffers.js';
import { upstreamGradient } from './grad-output.js';
import { klDivNone, reducedLoss } from './kl-div.js';
import { KL_DIV_OPTION_KEYS, type KLDivOptions, prepareKlDiv } from './kl-div-args.js';

/** Options of {@link klDivBackward}. */
export interface KLDivBackwardOptions extends KLDivOptions {
  /**
   * Whether to compute the target's gradient (default `true`). `false`, for a target that is
   * data, skips it, as autograd does when the target does not require grad; `gradInput` and
   * `loss` are bitwise the same, and the result has no `gradTarget`.
   */
  gradTarget?: boolean;
  /**
   * Buffers to write the gradients into instead of fresh arrays (kldiv's extension): each a
   * typed array of its operand's dtype and element count that shares no memory with the inputs.
   * The returned tensors wrap them. A training loop that passes the same buffers every step
   * allocates nothing; `wasmArray` buffers are written in place by the WebAssembly kernels.
   */
  out?: { gradInput?: FloatArray; gradTarget?: FloatArray };
}

const BACKWARD_KEYS = [...KL_DIV_OPTION_KEYS, 'gradTarget', 'out'] as const;

/** Gradients returned by {@link klDivBackward}, with the loss. */
export interface KLDivGradients {
  /**
   * The loss, as {@link klDiv} returns it, so that a training step needs one call: for the
   * reductions it comes free from the gradients' own pass (same logarithm or exponential);
   * `'none'` computes it in a second pass.
   */
  loss: Tensor<FloatDType>;
  /** d(loss)/d(input), shaped and typed like `input`. */
  gradInput: Tensor<FloatDType>;
  /** d(loss)/d(target), shaped and typed like `target`. */
  gradTarget: Tensor<FloatDType>;
}

/**
 * Destination of one operand's gradient: the result itself when each element is written once
 * (no broadcasting), else a -0-filled accumulator (-0 is the identity of +=, so a first write
 * stays exact, PyTorch's -0 included), float64 whatever the dtype so that sums round once.
 */
function gradientBuffer(t: Tensor, overwrite: boolean, given?: FloatArray): FloatArray {
  if (overwrite) return given ?? allocate(t.dtype as FloatDType, t.numel);
  return new Float64Array(t.numel).fill(-0);
}

/** The gradient tensor: `buffer` itself, or the accumulator rounded into `given` or a new array. */
function finish(buffer: FloatArray, t: Tensor, given?: FloatArray): Tensor<FloatDType> {
  const dtype = t.dtype as FloatDType;
  if (given !== undefined) {
    if (buffer !== given) given.set(buffer);
    return new Tensor(given, t.shape, dtype);
  }
  const data =
    buffer instanceof Float64Array && dtype === 'float32' ? Float32Array.from(buffer) : buffer;
  return new Tensor(data, t.shape, dtype);
}

/**
 * The gradients PyTorch autograd returns for `klDiv(input, target, options).backward(gradOutput)`:
 * both `input.grad` and `target.grad`, with the reduction's scale, summed back over broadcast
 * dimensions to each argument's own shape; and the loss itself (`loss`, as `klDiv` returns it),
 * computed in the same pass, so that a training step makes one call.
 *
 * Per element (scaled by the upstream gradient and the reduction):
 * - probabilities: `d/d input = -target`, `d/d target = log(target) + 1 - input`, NaN where
 *   target is 0 (PyTorch's `xlogy` backward divides 0 by 0 there);
 * - log-probabilities: `d/d input = -exp(target)`, `d/d target = exp(target) * (target - input + 1)`.
 *
 * @param gradOutput - upstream gradient shaped like the loss (0-d unless `'none'`); default ones.
 * @throws {ShapeError} `E_GRAD_SHAPE` when `gradOutput` does not have the loss's shape
 *   (PyTorch: "Mismatch in shape: grad_output[0] has a shape of ..."), `E_OUT_BUFFER` for an
 *   `out` buffer of the wrong dtype or size or that overlaps an input, or `out.gradTarget` with
 *   `gradTarget: false`, and everything {@link klDiv} throws. Warnings are left to the forward call.
 *
 * @example
 * ```ts
 * import { klDivBackward } from 'kldiv';
 * const { loss, gradInput, gradTarget } = klDivBackward([[-1, -2]], [[0.25, 0.75]], { reduction: 'sum' });
 * console.log(gradInput.tolist()); // [ [ -0.25, -0.75 ] ]
 * console.log(gradTarget.shape); // [ 1, 2 ]
 * console.log(loss.item().toFixed(4)); // 1.1877
 * // reused buffers: nothing allocated for the gradients
 * const out = { gradInput: new Float32Array(2), gradTarget: new Float32Array(2) };
 * const step = klDivBackward([[-1, -2]], [[0.25, 0.75]], { reduction: 'sum', out });
 * console.log(step.gradInput.data === out.gradInput, out.gradInput); // true Float32Array(2) [ -0.25, -0.75 ]
 * // a target that is data: only the input's gradient is computed
 * const only = klDivBackward([[-1, -2]], [[0.25, 0.75]], { reduction: 'sum', gradTarget: false });
 * console.log(only.gradInput.tolist(), only.gradTarget); // [ [ -0.25, -0.75 ] ] undefined
 * ```
 */
export function klDivBackward(
  input: TensorLike,
  target: TensorLike,
  options: KLDivBackwardOptions & { gradTarget: false },
  gradOutput?: TensorLike,
): Omit<KLDivGradients, 'gradTarget'> & { gradTarget?: undefined };
export function klDivBackward(
  input: TensorLike,
  target: TensorLike,
  options?: KLDivBackwardOptions & { gradTarget?: true },
  gradOutput?: TensorLike,
): KLDivGradients;
export function klDivBackward(
  input: TensorLike,
  target: TensorLike,
  options?: KLDivBackwardOptions,
  gradOutput?: TensorLike,
): KLDivGradients | (Omit<KLDivGradients, 'gradTarget'> & { gradTarget?: undefined });
export function klDivBackward(
  input: TensorLike,
  target: TensorLike,
  options?: KLDivBackwardOptions,
  gradOutput?: TensorLike,
): KLDivGradients | (Omit<KLDivGradients, 'gradTarget'> & { gradTarget?: undefined }) {
  const fn = 'klDivBackward';
  const call = prepareKlDiv(fn, input, target, options, false, BACKWARD_KEYS);
  const wantTarget = options?.gradTarget ?? true;
  checkBoolean(wantTarget, fn, 'gradTarget');
  const { x, y, logTarget, reduction, shape, numel } = call;
  // the operands as given (x or y may be a 0-d operand rounded to the result dtype)
  const { input: xGiven, target: yGiven } = call;
  const outShape = reduction.base === 'none' ? shape : [];

  const { data: g, perElement } = upstreamGradient(gradOutput, outShape, fn);
  const out = outOption(options?.out, ['gradInput', 'gradTarget'], fn);
  if (!wantTarget && out.gradTarget !== undefined) {
    throw new ArgumentError(
      `${fn}: option 'out.gradTarget' is given but option 'gradTarget' is false: no target gradient is computed.`,
      { code: 'E_OUT_BUFFER', fn, argument: 'out.gradTarget', received: out.gradTarget },
    );
  }
  // each gradient has its own operand's dtype and shape (PyTorch autograd), whatever the result's
  const operands = [xGiven.data, yGiven.data, g];
  const givenX = givenGradBuffer(
    fn,
    'gradInput',
    out.gradInput,
    xGiven.dtype as FloatDType,
    xGiven.shape,
    [...operands, out.gradTarget],
  );
  const givenY = givenGradBuffer(
    fn,
    'gradTarget',
    out.gradTarget,
    yGiven.dtype as FloatDType,
    yGiven.shape,
    [...operands, givenX],
  );
  // per element for 'none' with a given gradOutput; else one scalar read everywhere
  const gStrides = perElement ? contiguousStrides(shape) : shape.map(() => 0);
  const divisor = klDivDivisor(reduction, numel, x.shape);

  // Without broadcasting every gradient element is written exactly once.
  const overwrite = sameShape(x.shape, shape) && sameShape(y.shape, shape);
  const gx = gradientBuffer(xGiven, overwrite, givenX);
  const gy = wantTarget ? gradientBuffer(yGiven, overwrite, givenY) : null;
  const st = call.scalarTarget;
  let total = 0;
  if (numel === 0) {
    emptyBroadcastGradients(yGiven, logTarget, gx, gy);
  } else if (st !== undefined) {
    // a 0-d float64 target in a float32 result: JS kernels (kernels/js/kl-div.ts) on any backend
    forEachRun(shape, [gStrides, call.xStrides], (n, o, s) => {
      total += klScalarTargetBackward(
        n,
        logTarget,
        divisor,
        st.own,
        st.t32,
        st.t,
        g,
        s[0],
        o[0],
        x.data,
        s[1],
        o[1],
        gx,
        s[1],
        o[1],
        gy,
      );
    });
  } else {
    const k = kernels();
    total = inPublicCall(fn, () => {
      let sum = 0;
      forEachRun(shape, [gStrides, call.xStrides, call.yStrides], (n, o, s) => {
        sum += k.klBackward(
          n,
          logTarget,
          divisor,
          g,
          s[0],
          o[0],
          x.data,
          s[1],
          o[1],
          y.data,
          s[2],
          o[2],
          gx,
          s[1],
          o[1],
          gy,
          s[2],
          o[2],
          overwrite,
        );
      });
      return sum;
    });
  }
  const loss = inPublicCall(fn, () =>
    reduction.base === 'none' ? klDivNone(call) : reducedLoss(call, total),
  );
  const gradInput = finish(gx, xGiven, givenX);
  return gy === null
    ? { loss, gradInput }
    : { loss, gradInput, gradTarget: finish(gy, yGiven, givenY) };
}

/**
 * Gradients when the broadcast shape is empty (a size-0 dimension in one operand). Autograd
 * first sums the empty upstream gradient to each operand's shape, giving +0 everywhere, then
 * differentiates the target's own term on it: `xlogy(0, t) + 0 * t / t` (NaN where the target
 * is 0, infinite or NaN) or `0 * exp(t)` (NaN at +inf and NaN), in the target's dtype.
 */
function emptyBroadcastGradients(
  target: Tensor,
  logTarget: boolean,
  gx: FloatArray,
  gy: FloatArray | null,
): void {
  gx.fill(0);
  for (let i = 0; gy !== null && i < target.numel; i++) {
    const t = target.data[i];
    // xlogy(0, t) is 0 unless t is NaN (autograd's xlogy backward is xlogy(grad, t))
    gy[i] = logTarget ? 0 * Math.exp(t) : (Number.isNaN(t) ? t : 0) + (0 * t) / t;
  }
}
