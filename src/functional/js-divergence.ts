/**
 * The generalised Jensen-Shannon divergence of on-policy distillation (GKD), on
 * log-probabilities or from logits.
 *
 * @module
 */

import { jsdGradPoint, jsdPoint } from '../kernels/js/jsd.js';
import { logSumExpRow } from '../kernels/js/softmax-kl.js';
import { checkOptions, numberOption } from '../options.js';
import type { LogitsReduction } from '../reduction.js';
import { allocate, type FloatDType } from '../tensor/dtype.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { type UpstreamGradient, upstreamGradient } from './grad-output.js';
import {
  eachRow,
  type LogitsSettings,
  logitsSettings,
  pairOfTensors,
  type RowMask,
  reductionDivisor,
} from './logits-args.js';

/** Options of {@link jsDivergence} and {@link jsDivergenceBackward}. */
export interface JSDivergenceOptions {
  /**
   * Interpolation beta in [0, 1] (default 0.5): M = beta P + (1 - beta) Q with P the teacher.
   * By convention beta = 0 is the forward KL(P || Q) and beta = 1 the reverse KL(Q || P).
   */
  beta?: number;
  /**
   * Default `'batchmean'`, TRL's: the sum over kept rows divided by the number of kept rows
   * (the per-token mean; for `[B, S, V]` TRL's `jsd.sum() / (B * S)`, or `/ mask.sum()` with
   * labels), the same as `'tokenmean'`. Not `klDivWithLogits`'s `'batchmean'` (PyTorch's
   * `shape[0]`). `'mean'` divides by kept rows times the class count (TRL's `jsd[mask].mean()`).
   */
  reduction?: LogitsReduction;
  /** The class dimension, for the mask (and the softmax from logits); default -1. */
  dim?: number;
  /** Rows to keep (truthy), one per row: see `KLDivWithLogitsOptions.mask`. */
  mask?: RowMask;
}

/** Options of {@link jsDivergenceWithLogits}: the same plus a softening temperature. */
export interface JSDivergenceWithLogitsOptions extends JSDivergenceOptions {
  /** Logits are divided by T > 0 before the softmax (default 1); no T * T factor (as in GKD). */
  temperature?: number;
}

/** @internal beta, temperature, rows, reduction and divisor of a JSD call on a shape. */
export interface JSDSettings extends LogitsSettings {
  beta: number;
}

interface Prepared extends JSDSettings {
  a: Tensor;
  b: Tensor;
  dtype: FloatDType;
}

/** @internal The option policy of the JSD functions, shared with the TensorFlow.js adapter. */
export function jsdSettings(
  fn: string,
  shape: readonly number[],
  opts: Partial<JSDivergenceWithLogitsOptions>,
): JSDSettings {
  const beta = numberOption(
    opts.beta,
    0.5,
    fn,
    'beta',
    (v) => v >= 0 && v <= 1,
    'a number in [0, 1]',
  );
  // the same temperature, dim and mask policy as the KL from logits; 'mean' is quiet; and
  // 'batchmean' is TRL's per-token mean, not shape[0] (decisions.md)
  const set = logitsSettings(fn, shape, opts, false);
  const divisor =
    set.reduction === 'batchmean' ? reductionDivisor('tokenmean', shape, set) : set.divisor;
  return { ...set, divisor, beta };
}

/** @internal Option keys of the JSD functions. */
export function jsdKeys(logits: boolean): string[] {
  return logits
    ? ['beta', 'reduction', 'dim', 'mask', 'temperature']
    : ['beta', 'reduction', 'dim', 'mask'];
}

function prepare(
  fn: string,
  student: unknown,
  teacher: unknown,
  options: unknown,
  logits: boolean,
): Prepared {
  const opts = checkOptions<JSDivergenceWithLogitsOptions>(options, jsdKeys(logits), fn);
  const names = logits
    ? (['studentLogits', 'teacherLogits'] as const)
    : (['studentLogProbs', 'teacherLogProbs'] as const);
  const { a, b, dtype } = pairOfTensors(student, teacher, fn, names);
  return { ...jsdSettings(fn, a.shape, opts), a, b, dtype };
}

/** Forward over all kept rows; `logits` applies log_softmax(x / T) to both rows first. */
function forward(p: Prepared, logits: boolean): Tensor<FloatDType> {
  const { a, b, beta, k } = p;
  const V = p.layout.V;
  const out = p.reduction === 'none' ? allocate(p.dtype, a.numel) : null;
  let total = 0;
  eachRow(p, (o, st) => {
    const lseA = logits ? logSumExpRow(V, a.data, st, o, k) : 0;
    const lseB = logits ? logSumExpRow(V, b.data, st, o, k) : 0;
    const scale = logits ? k : 1;
    let i = o;
    for (let j = 0; j < V; j++) {
      const l = jsdPoint(a.data[i] * scale - lseA, b.data[i] * scale - lseB, beta);
      total += l;
      if (out !== null) out[i] = l;
      i += st;
    }
  });
  if (out !== null) return new Tensor(out, a.shape, p.dtype);
  const value = allocate(p.dtype, 1);
  value[0] = total / p.divisor;
  return new Tensor(value, [], p.dtype);
}

/** Student gradient; through log_softmax(x / T) when `logits`. */
function backward(
  p: Prepared,
  { data: g, perElement }: UpstreamGradient,
  logits: boolean,
): Tensor<FloatDType> {
  const { a, b, beta, k } = p;
  const V = p.layout.V;
  const grad = allocate(a.dtype as FloatDType, a.numel);
  const coef = 1 / p.divisor;
  eachRow(p, (o, st) => {
    const lseA = logits ? logSumExpRow(V, a.data, st, o, k) : 0;
    const lseB = logits ? logSumExpRow(V, b.data, st, o, k) : 0;
    const scale = logits ? k : 1;
    // u_j = dL/d(log q_j); from logits, dL/ds_i = k (u_i - q_i sum_j u_j)
    let sumU = 0;
    let i = o;
    for (let j = 0; j < V; j++) {
      const u =
        (perElement ? g[i] : g[0]) *
        coef *
        jsdGradPoint(a.data[i] * scale - lseA, b.data[i] * scale - lseB, beta);
      grad[i] = u;
      sumU += u;
      i += st;
    }
    if (!logits) return;
    i = o;
    for (let j = 0; j < V; j++) {
      grad[i] = k * (grad[i] - Math.exp(a.data[i] * k - lseA) * sumU);
      i += st;
    }
  });
  return new Tensor(grad, a.shape, a.dtype as FloatDType);
}

/**
 * The generalised Jensen-Shannon divergence `beta KL(P || M) + (1 - beta) KL(Q || M)`,
 * `M = beta P + (1 - beta) Q`, between the teacher P and the student Q given as
 * log-probabilities (GKD, Agarwal et al. 2024; TRL's `generalized_jsd_loss`). beta = 0.5 is the
 * symmetric JSD (at most log 2 per row); beta = 0 the forward KL(P || Q), beta = 1 the reverse
 * KL(Q || P). Computed in float64 with a stable log-sum-exp for M.
 *
 * @example
 * ```ts
 * import { jsDivergence } from 'kldiv';
 * const q = [[Math.log(0.9), Math.log(0.1)]];
 * const p = [[Math.log(0.1), Math.log(0.9)]];
 * console.log(jsDivergence(q, p).toString()); // tensor(0.3681)
 * ```
 */
export function jsDivergence(
  studentLogProbs: TensorLike,
  teacherLogProbs: TensorLike,
  options?: JSDivergenceOptions,
): Tensor<FloatDType> {
  return forward(prepare('jsDivergence', studentLogProbs, teacherLogProbs, options, false), false);
}

/**
 * Gradient of {@link jsDivergence} with respect to the student log-probabilities (the teacher is
 * fixed in distillation). `gradOutput` (default 1) has the loss's shape.
 *
 * @example
 * ```ts
 * import { jsDivergenceBackward } from 'kldiv';
 * const q = [[Math.log(0.9), Math.log(0.1)]];
 * const p = [[Math.log(0.1), Math.log(0.9)]];
 * // beta 0 is KL(P || Q): d/d log q = -P
 * console.log(jsDivergenceBackward(q, p, { beta: 0 }).gradStudent.toString()); // tensor([[-0.1000, -0.9000]])
 * ```
 */
export function jsDivergenceBackward(
  studentLogProbs: TensorLike,
  teacherLogProbs: TensorLike,
  options?: JSDivergenceOptions,
  gradOutput?: TensorLike,
): { gradStudent: Tensor<FloatDType> } {
  const fn = 'jsDivergenceBackward';
  const p = prepare(fn, studentLogProbs, teacherLogProbs, options, false);
  const g = upstreamGradient(gradOutput, p.reduction === 'none' ? p.a.shape : [], fn);
  return { gradStudent: backward(p, g, false) };
}

/**
 * {@link jsDivergence} of `log_softmax(studentLogits / T)` and `log_softmax(teacherLogits / T)`
 * along `dim`, fused (no log-probability tensors are materialised). Non-finite logits give the
 * values of TRL's expression in PyTorch: a row holding NaN or +inf, or only -inf, is NaN
 * throughout; for 0 < beta < 1 a -inf logit makes its element NaN (`exp(-inf) * -inf` in
 * `F.kl_div(..., log_target=True)`), and a student one its row's gradient too.
 *
 * @example
 * ```ts
 * import { jsDivergenceWithLogits } from 'kldiv';
 * console.log(jsDivergenceWithLogits([[2, 0]], [[0, 2]], { beta: 0.5 }).toString()); // tensor(0.3278)
 * ```
 */
export function jsDivergenceWithLogits(
  studentLogits: TensorLike,
  teacherLogits: TensorLike,
  options?: JSDivergenceWithLogitsOptions,
): Tensor<FloatDType> {
  return forward(
    prepare('jsDivergenceWithLogits', studentLogits, teacherLogits, options, true),
    true,
  );
}

/**
 * Gradient of {@link jsDivergenceWithLogits} with respect to the student logits.
 *
 * @example
 * ```ts
 * import { jsDivergenceWithLogitsBackward } from 'kldiv';
 * const { gradStudent } = jsDivergenceWithLogitsBackward([[2, 0]], [[0, 2]]);
 * console.log(gradStudent.toString()); // tensor([[ 0.1050, -0.1050]])
 * ```
 */
export function jsDivergenceWithLogitsBackward(
  studentLogits: TensorLike,
  teacherLogits: TensorLike,
  options?: JSDivergenceWithLogitsOptions,
  gradOutput?: TensorLike,
): { gradStudent: Tensor<FloatDType> } {
  const fn = 'jsDivergenceWithLogitsBackward';
  const p = prepare(fn, studentLogits, teacherLogits, options, true);
  const g = upstreamGradient(gradOutput, p.reduction === 'none' ? p.a.shape : [], fn);
  return { gradStudent: backward(p, g, true) };
}
