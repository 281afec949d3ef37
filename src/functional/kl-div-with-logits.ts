/**
 * Knowledge-distillation loss from logits, fused:
 * `F.kl_div(F.log_softmax(s / T, dim), F.softmax(t / T, dim), reduction) * T * T`.
 *
 * @module
 */

import { ArgumentError } from '../errors.js';
import { kernels } from '../kernels/dispatch.js';
import { logitsKlRow, logitsKlRowBackward, logSumExpRow } from '../kernels/js/softmax-kl.js';
import { checkBoolean, checkOptions } from '../options.js';
import type { LogitsReduction } from '../reduction.js';
import { allocate, type FloatArray, type FloatDType } from '../tensor/dtype.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { givenGradBuffer, outOption } from './grad-buffers.js';
import { upstreamGradient } from './grad-output.js';
import {
  eachRow,
  type LogitsSettings,
  logitsSettings,
  pairOfTensors,
  type RowMask,
} from './logits-args.js';

/** Options of {@link klDivWithLogits} and {@link klDivWithLogitsBackward}. */
export interface KLDivWithLogitsOptions {
  /** Softening temperature T > 0 (default 1); the loss is multiplied by T * T, as in Hinton et al. */
  temperature?: number;
  /** The class dimension (default -1, the last). */
  dim?: number;
  /**
   * Default `'batchmean'` (the KL divergence per sample: the sum divided by `shape[0]`, as
   * PyTorch); `'mean'` warns as in PyTorch; `'tokenmean'` (kldiv's) divides by the number of
   * kept rows: the per-token mean of `[..., vocab]` logits, what `sum / mask.sum()` computes.
   */
  reduction?: LogitsReduction;
  /**
   * Rows to keep (truthy) or ignore (falsy), one entry per row: the logits' shape without `dim`
   * (for `[tokens, vocab]` logits, one per token, e.g. to skip padding). Ignored rows contribute
   * 0 and get zero gradients, so an all-true mask changes nothing. `'batchmean'` still divides
   * by `shape[0]` (PyTorch's number for the loss with masked rows zeroed), `'mean'` by kept rows
   * times the class count and `'tokenmean'` by kept rows. (kldiv's extension; PyTorch has no mask.)
   */
  mask?: RowMask;
}

/** @internal Option keys of the forward logits KL functions (the tfjs adapter's too). */
export const KL_DIV_WITH_LOGITS_OPTION_KEYS = ['temperature', 'dim', 'reduction', 'mask'] as const;
const BACKWARD_KEYS = [...KL_DIV_WITH_LOGITS_OPTION_KEYS, 'gradTeacher', 'out'] as const;

/** Options of {@link klDivWithLogitsBackward}. */
export interface KLDivWithLogitsBackwardOptions extends KLDivWithLogitsOptions {
  /**
   * Compute the teacher's gradient (default true). In distillation the teacher is frozen (in
   * PyTorch, its logits do not require grad): `false` skips it, saving a full-size output.
   */
  gradTeacher?: boolean;
  /**
   * Buffers to write the gradients into instead of fresh arrays (kldiv's extension): each a
   * typed array of its logits' dtype and element count that shares no memory with the inputs.
   * The returned tensors wrap them. A training loop that passes the same buffers every step
   * allocates nothing; `wasmArray` buffers are written in place by the WebAssembly kernels.
   */
  out?: { gradStudent?: FloatArray; gradTeacher?: FloatArray };
}

/** @internal A validated call of the logits KL functions. */
export interface PreparedLogitsKl extends LogitsSettings {
  s: Tensor;
  t: Tensor;
  dtype: FloatDType;
}

/** @internal */
export function prepareLogitsKl(
  fn: string,
  student: unknown,
  teacher: unknown,
  options: unknown,
  warnMean: boolean,
  keys: readonly string[] = KL_DIV_WITH_LOGITS_OPTION_KEYS,
): PreparedLogitsKl {
  const opts = checkOptions<KLDivWithLogitsOptions>(options, keys, fn);
  const {
    a: s,
    b: t,
    dtype,
  } = pairOfTensors(student, teacher, fn, ['studentLogits', 'teacherLogits']);
  return { ...logitsSettings(fn, s.shape, opts, warnMean), s, t, dtype };
}

/**
 * The distillation loss of Hinton et al., exactly as PyTorch computes
 * `F.kl_div(F.log_softmax(s / T, dim), F.softmax(t / T, dim), reduction=reduction) * T * T`,
 * fused per row: a max-shifted log-sum-exp (stable for logits of any magnitude), then the loss,
 * with no temporary of the logits' size. Any rank, any `dim`; float32 or float64. Rows along
 * the last dim run in the WebAssembly kernels (storage precision, float64 sums), other rows in
 * JS (float64); see docs/numerics.md. Non-finite logits give PyTorch's values on every backend
 * and `dim`: a row holding NaN or +inf, or only -inf, is NaN throughout (loss and gradients),
 * and a -inf logit in a row with a finite maximum has probability 0 (a student -inf where the
 * teacher has mass gives inf; where the teacher's probability is 0 too, NaN).
 *
 * @param studentLogits - the model being trained (gradients flow here).
 * @param teacherLogits - the reference model, same shape.
 * @returns a 0-d Tensor, or the logits' shape for `'none'`.
 * @throws {ArgumentError} `E_OPTION_RANGE` (temperature <= 0 or not finite), `E_INVALID_DIM`
 *   (PyTorch: "Dimension out of range ..."), `E_INVALID_REDUCTION`, `E_UNKNOWN_OPTION`.
 * @throws {ShapeError} `E_SHAPE_MISMATCH` (different shapes, or a mask of the wrong size).
 *
 * @example
 * ```ts
 * import { klDivWithLogits } from 'kldiv';
 * const student = [[2.0, 0.5, -1.0], [0.1, 0.2, 0.3]];
 * const teacher = [[2.5, 0.0, -2.0], [0.0, 0.0, 1.0]];
 * console.log(klDivWithLogits(student, teacher, { temperature: 2 }).toString()); // tensor(0.1194)
 * // a student logit of -inf where the teacher has mass: an infinite loss, as in PyTorch
 * console.log(klDivWithLogits([[-Infinity, 0, 1]], [[0, 0, 1]]).toString()); // tensor(inf)
 * ```
 */
export function klDivWithLogits(
  studentLogits: TensorLike,
  teacherLogits: TensorLike,
  options?: KLDivWithLogitsOptions,
): Tensor<FloatDType> {
  const p = prepareLogitsKl('klDivWithLogits', studentLogits, teacherLogits, options, true);
  const { s, tt } = p;
  if (p.reduction === 'none') {
    const out = allocate(p.dtype, s.numel);
    rowsForward(p, out, tt);
    return new Tensor(out, s.shape, p.dtype);
  }
  const out = allocate(p.dtype, 1);
  out[0] = (logitsKlSum(p) / p.divisor) * tt;
  return new Tensor(out, [], p.dtype);
}

/** @internal The float64 sum of the pointwise losses over kept rows (before reduction and T*T). */
export function logitsKlSum(p: PreparedLogitsKl): number {
  return rowsForward(p, null, 1);
}

/** The backend's row kernels when it has them: contiguous rows (the class dim last). */
function backendRows(p: PreparedLogitsKl, outputs: boolean) {
  if (p.layout.inner !== 1) return undefined;
  return kernels().logitsRows(outputs, p.s.data, p.t.data);
}

/** Sum of every kept row's loss; writes `l * scale` per element to `out` when given. */
function rowsForward(p: PreparedLogitsKl, out: FloatArray | null, scale: number): number {
  const { s, t, k } = p;
  const V = p.layout.V;
  const rows = backendRows(p, out !== null);
  const f64 = p.dtype === 'float64';
  let total = 0;
  eachRow(p, (o, st) => {
    if (rows !== undefined) {
      total += rows.forward(f64, V, k, s.data, t.data, o, out, scale);
      return;
    }
    const lseS = logSumExpRow(V, s.data, st, o, k);
    const lseT = logSumExpRow(V, t.data, st, o, k);
    total += logitsKlRow(V, k, s.data, st, o, lseS, t.data, st, o, lseT, out, st, o, scale);
  });
  return total;
}

/** Gradients returned by {@link klDivWithLogitsBackward}, with the loss computed on the way. */
export interface KLDivWithLogitsGradients {
  /** The loss, as {@link klDivWithLogits} returns it (free: same passes), so a step needs one call. */
  loss: Tensor<FloatDType>;
  /** d(loss)/d(studentLogits), the logits' shape and dtype. */
  gradStudent: Tensor<FloatDType>;
  /** d(loss)/d(teacherLogits), the logits' shape and dtype (absent with `gradTeacher: false`). */
  gradTeacher?: Tensor<FloatDType>;
}

/**
 * Gradients of {@link klDivWithLogits} with respect to both logits, equal to PyTorch autograd's
 * through `log_softmax`, `softmax`, `kl_div` and the `T * T` factor. `gradOutput` (default 1)
 * has the loss's shape. As in PyTorch, a teacher probability that underflows to 0 (logits far
 * below the row's maximum) makes that row's teacher gradient NaN; the student gradient is
 * unaffected, and it is the one distillation trains.
 *
 * @throws {ArgumentError} `E_OUT_BUFFER` for an `out` buffer of the wrong dtype or size, one
 *   that overlaps an input, or `out.gradTeacher` with `gradTeacher: false`; and everything
 *   {@link klDivWithLogits} throws.
 *
 * @example
 * ```ts
 * import { klDivWithLogitsBackward } from 'kldiv';
 * // q = softmax([0, 0]) = [0.5, 0.5], p = softmax([0, log 3]) = [0.25, 0.75]: gradient q - p
 * const { gradStudent } = klDivWithLogitsBackward([[0, 0]], [[0, Math.log(3)]], { reduction: 'sum' });
 * console.log(gradStudent.toString()); // tensor([[ 0.2500, -0.2500]])
 * // a training loop reuses one student-gradient buffer (the teacher is frozen)
 * const grad = new Float32Array(2); // nested arrays are float32, as in PyTorch
 * klDivWithLogitsBackward([[0, 0]], [[0, Math.log(3)]], { reduction: 'sum', gradTeacher: false, out: { gradStudent: grad } });
 * console.log(Array.from(grad, (v) => v.toFixed(4))); // [ '0.2500', '-0.2500' ]
 * ```
 */
export function klDivWithLogitsBackward(
  studentLogits: TensorLike,
  teacherLogits: TensorLike,
  options?: KLDivWithLogitsBackwardOptions,
  gradOutput?: TensorLike,
): KLDivWithLogitsGradients {
  const fn = 'klDivWithLogitsBackward';
  const p = prepareLogitsKl(fn, studentLogits, teacherLogits, options, false, BACKWARD_KEYS);
  const wantTeacher = options?.gradTeacher ?? true;
  checkBoolean(wantTeacher, fn, 'gradTeacher');
  const { s, t, k, tt, layout } = p;
  const V = layout.V;
  const outShape = p.reduction === 'none' ? s.shape : [];
  const { data: g, perElement } = upstreamGradient(gradOutput, outShape, fn);
  const out = outOption(options?.out, ['gradStudent', 'gradTeacher'], fn);
  if (!wantTeacher && out.gradTeacher !== undefined) {
    throw new ArgumentError(
      `${fn}: option 'out.gradTeacher' is given but option 'gradTeacher' is false: no teacher gradient is computed.`,
      { code: 'E_OUT_BUFFER', fn, argument: 'out.gradTeacher', received: out.gradTeacher },
    );
  }
  const [sType, tType] = [s.dtype as FloatDType, t.dtype as FloatDType];
  const givenS = givenGradBuffer(fn, 'gradStudent', out.gradStudent, sType, s.shape, [
    s.data,
    t.data,
    g,
    out.gradTeacher,
  ]);
  const givenT = givenGradBuffer(fn, 'gradTeacher', out.gradTeacher, tType, t.shape, [
    s.data,
    t.data,
    g,
    givenS,
  ]);
  const gs = givenS ?? allocate(sType, s.numel);
  // without a teacher gradient, one row of scratch stands in for its buffer, of its dtype: the
  // JS rows keep the teacher's probabilities there between passes, rounded (and underflowing)
  // as PyTorch's float32 softmax, so the student's gradient is the same either way
  const gtch = wantTeacher ? (givenT ?? allocate(tType, t.numel)) : null;
  const coef = tt / p.divisor;
  const rows = backendRows(p, true);
  // (the backend's row kernels keep their own scratch: only the JS rows need this one)
  const rowScratch = wantTeacher || rows !== undefined ? null : allocate(tType, V);
  const f64 = p.dtype === 'float64';
  let total = 0;
  eachRow(p, (o, st) => {
    if (rows !== undefined) {
      total += rows.backward(f64, V, k, s.data, t.data, o, g, perElement, coef, gs, gtch);
      return;
    }
    total += logitsKlRowBackward(
      V,
      k,
      s.data,
      st,
      o,
      t.data,
      st,
      o,
      g,
      perElement ? st : 0,
      perElement ? o : 0,
      coef,
      gs,
      st,
      o,
      gtch ?? (rowScratch as FloatArray),
      gtch === null ? 1 : st,
      gtch === null ? 0 : o,
    );
  });
  // the loss comes with the gradients (same passes), except for 'none', which needs it per element
  let loss: Tensor<FloatDType>;
  if (p.reduction === 'none') {
    const { gradTeacher: _, out: __, ...forwardOptions } = options ?? {};
    loss = klDivWithLogits(studentLogits, teacherLogits, { ...forwardOptions, reduction: 'none' });
  } else {
    const value = allocate(p.dtype, 1);
    value[0] = (total / p.divisor) * tt;
    loss = new Tensor(value, [], p.dtype);
  }
  return {
    loss,
    gradStudent: new Tensor(gs, s.shape, sType),
    gradTeacher: gtch === null ? undefined : new Tensor(gtch, t.shape, tType),
  };
}
