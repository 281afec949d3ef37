/**
 * Reduction policy: PyTorch's `_Reduction` helpers and `F.kl_div`'s handling of `reduction`,
 * `size_average` and `reduce`, warnings included.
 *
 * @module
 */

import { ArgumentError, describe } from './errors.js';
import { warn } from './warnings.js';

/** How a loss reduces its per-element values. */
export type Reduction = 'none' | 'mean' | 'batchmean' | 'sum';

/**
 * The reductions of the row losses (`klDivWithLogits`, `jsDivergence`, their backwards and the
 * logits accumulator): PyTorch's four plus kldiv's `'tokenmean'`, the sum over kept rows divided
 * by the number of kept rows (the per-token mean of `[..., vocab]` logits; see `mask`).
 */
export type LogitsReduction = Reduction | 'tokenmean';

/**
 * Everything `reduction` accepts: the four reductions plus PyTorch's deprecated
 * `'elementwise_mean'` (a warning, then `'mean'`).
 */
export type ReductionOption = Reduction | 'elementwise_mean';

/** The reduction options every loss shares. */
export interface ReductionOptions {
  /** `'mean'` (default, PyTorch warns), `'batchmean'`, `'sum'` or `'none'`. */
  reduction?: ReductionOption;
  /** @deprecated PyTorch's `size_average`; null/undefined counts as not given. */
  sizeAverage?: boolean | null;
  /** @deprecated PyTorch's `reduce`; null/undefined counts as not given. */
  reduce?: boolean | null;
}

/** The reductions the element kernels implement. */
export type BaseReduction = 'none' | 'mean' | 'sum';

/** What a call resolved to: a base reduction and whether to divide by `input.shape[0]`. */
export interface ResolvedReduction {
  base: BaseReduction;
  /** `reduction === 'batchmean'`: divide the result by `input.shape[0]` (not for 0-d input). */
  batchmean: boolean;
}

export const REDUCTIONS: readonly Reduction[] = ['none', 'mean', 'batchmean', 'sum'];
/** @internal The reductions of the row losses, in the order error messages list them. */
export const LOGITS_REDUCTIONS: readonly LogitsReduction[] = [...REDUCTIONS, 'tokenmean'];

/**
 * @internal What `'batchmean'` divides by, PyTorch's `input.size(0)`: the first dimension's
 * size, 1 for a 0-d tensor. The one place the rule lives (klDiv, the logits losses, the tfjs
 * adapter and the accumulators call it); a mask does not change it.
 */
export function batchDivisor(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[0];
}

/**
 * @internal The one divisor of a `kl_div` loss applied at once (its gradient, the tfjs loss,
 * the `'none'` loss under legacy arguments): the element count for `'mean'`, times
 * {@link batchDivisor} for `'batchmean'`. (The reduced forward divides in two steps instead,
 * `sum / numel / batch`, as PyTorch's `mean()` then `/ size(0)`.)
 */
export function klDivDivisor(
  reduction: ResolvedReduction,
  numel: number,
  inputShape: readonly number[],
): number {
  const divisor = reduction.base === 'mean' ? numel : 1;
  return reduction.batchmean ? divisor * batchDivisor(inputShape) : divisor;
}

/** @internal PyTorch's `UserWarning` text for `reduction='mean'` (`W_MEAN_REDUCTION`), verbatim. */
export const MEAN_WARNING =
  "reduction: 'mean' divides the total loss by both the batch size and the support size." +
  "'batchmean' divides only by the batch size, and aligns with the KL div math definition." +
  "'mean' will be changed to behave the same as 'batchmean' in the next major release.";

/**
 * PyTorch's `_Reduction.legacy_get_string`: maps the deprecated `size_average` / `reduce` pair
 * to a reduction (null/undefined count as true) and warns with PyTorch's text.
 *
 * @example
 * ```ts
 * import { legacyGetString, setWarningHandler } from 'kldiv';
 * setWarningHandler(() => {});
 * console.log(legacyGetString(false, true)); // sum
 * setWarningHandler(null);
 * ```
 */
export function legacyGetString(
  sizeAverage: boolean | null | undefined,
  reduce: boolean | null | undefined,
  emitWarning = true,
): BaseReduction {
  const average = sizeAverage ?? true;
  const doReduce = reduce ?? true;
  const ret: BaseReduction = average && doReduce ? 'mean' : doReduce ? 'sum' : 'none';
  if (emitWarning) {
    warn(
      'W_LEGACY_REDUCTION',
      `size_average and reduce args will be deprecated, please use reduction='${ret}' instead.`,
    );
  }
  return ret;
}

/**
 * PyTorch's `_Reduction.get_enum` on strings: validates a base reduction, warning for the
 * deprecated `'elementwise_mean'`.
 *
 * @internal
 */
export function getBaseReduction(
  reduction: unknown,
  fn: string,
  emitWarning = true,
  valid: readonly string[] = REDUCTIONS,
): BaseReduction {
  switch (reduction) {
    case 'none':
    case 'mean':
    case 'sum':
      return reduction;
    case 'elementwise_mean':
      if (emitWarning)
        warn(
          'W_ELEMENTWISE_MEAN',
          "reduction='elementwise_mean' is deprecated, please use reduction='mean' instead.",
        );
      return 'mean';
    default:
      throw new ArgumentError(
        `${fn}: ${typeof reduction === 'string' ? reduction : describe(reduction)} is not a valid value for reduction. Argument 'reduction' must be one of ${valid.map((r) => `'${r}'`).join(' | ')}; received ${describe(reduction)}.`,
        {
          code: 'E_INVALID_REDUCTION',
          fn,
          argument: 'reduction',
          received: reduction,
          torchType: 'ValueError',
        },
      );
  }
}

/**
 * `F.kl_div`'s reduction policy, step for step: legacy arguments win (and skip validating
 * `reduction`), otherwise `'mean'` warns and an unknown value throws PyTorch's ValueError;
 * `'batchmean'` divides by `input.shape[0]` even when legacy arguments chose the base.
 *
 * @internal
 */
export function resolveKlDivReduction(
  options: ReductionOptions,
  fn: string,
  emitWarnings: boolean,
): ResolvedReduction {
  const { reduction = 'mean', sizeAverage, reduce } = options;
  const batchmean = reduction === 'batchmean';
  if (
    (sizeAverage !== undefined && sizeAverage !== null) ||
    (reduce !== undefined && reduce !== null)
  ) {
    return { base: legacyGetString(sizeAverage, reduce, emitWarnings), batchmean };
  }
  if (reduction === 'mean' && emitWarnings) warn('W_MEAN_REDUCTION', MEAN_WARNING);
  if (batchmean) return { base: 'sum', batchmean };
  return { base: getBaseReduction(reduction, fn, emitWarnings), batchmean };
}

/**
 * @internal The reduction of the row losses (KL and JSD from logits, `klEstimate`): PyTorch's
 * names, `'mean'` warns as `F.kl_div` does when `emitWarning`, the default is the caller's.
 * `valid` is what the caller computes: {@link LOGITS_REDUCTIONS} for rows of logits (`'tokenmean'`
 * needs rows), `'none'`, `'mean'` and `'sum'` for `klEstimate` (whose samples have no batch).
 */
export function lossReduction(
  value: unknown,
  fallback: LogitsReduction,
  fn: string,
  emitWarning: boolean,
  valid: readonly LogitsReduction[] = LOGITS_REDUCTIONS,
): LogitsReduction {
  if (value === undefined) return fallback;
  const tokenmean = valid.includes('tokenmean');
  if (value === 'tokenmean' && tokenmean) return 'tokenmean';
  if (value === 'batchmean') {
    if (valid.includes('batchmean')) return 'batchmean';
    const names = valid.map((r) => `'${r}'`);
    throw new ArgumentError(
      `${fn}: option 'reduction' must be ${names.slice(0, -1).join(', ')} or ${names.at(-1)}; received 'batchmean'.`,
      { code: 'E_INVALID_REDUCTION', fn, argument: 'reduction', received: value },
    );
  }
  const base = getBaseReduction(value, fn, emitWarning, tokenmean ? LOGITS_REDUCTIONS : REDUCTIONS);
  if (base === 'mean' && emitWarning) warn('W_MEAN_REDUCTION', MEAN_WARNING);
  return base;
}

/**
 * @internal The reduction an accumulator's `result()` reports: one of `valid` (kldiv's own
 * check, PyTorch having no accumulator).
 */
export function accumulatedReduction<R extends LogitsReduction>(
  value: unknown,
  valid: readonly R[],
  fn: string,
): R {
  if (valid.includes(value as R)) return value as R;
  throw new ArgumentError(
    `${fn}: argument 'reduction' must be one of ${valid.map((r) => `'${r}'`).join(', ')}; received ${describe(value)}.`,
    { code: 'E_INVALID_REDUCTION', fn, argument: 'reduction', received: value },
  );
}
