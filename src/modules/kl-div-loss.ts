/**
 * `torch.nn.KLDivLoss`.
 *
 * @module
 */

import { klDiv } from '../functional/kl-div.js';
import { checkKlDivOptions, type KLDivOptions } from '../functional/kl-div-args.js';
import { type KLDivGradients, klDivBackward } from '../functional/kl-div-backward.js';
import { checkOptions } from '../options.js';
import { legacyGetString, type ReductionOption } from '../reduction.js';
import type { FloatDType } from '../tensor/dtype.js';
import type { Tensor, TensorLike } from '../tensor/tensor.js';

/**
 * The KL divergence loss module, a thin class over {@link klDiv} with PyTorch's `nn.KLDivLoss`
 * behaviour: legacy `sizeAverage` / `reduce` convert to a reduction at construction (warning
 * then), an invalid reduction throws when `forward` runs, and `'mean'` warns on `forward`.
 *
 * @example
 * ```ts
 * import { KLDivLoss } from 'kldiv';
 * const loss = new KLDivLoss({ reduction: 'batchmean' });
 * console.log(loss.forward([[-1.2, -0.4]], [[0.3, 0.7]]).toString()); // tensor(0.0291)
 * console.log(loss.backward([[-1.2, -0.4]], [[0.3, 0.7]]).gradInput.toString());
 * // tensor([[-0.3000, -0.7000]])
 * ```
 */
export class KLDivLoss {
  /** The reduction `forward` passes on (legacy arguments already converted). */
  readonly reduction: ReductionOption;
  /** Whether `target` holds log-probabilities. */
  readonly logTarget: boolean;

  constructor(options?: KLDivOptions) {
    const opts = checkKlDivOptions(options, 'KLDivLoss');
    const { sizeAverage, reduce } = opts;
    const legacy =
      (sizeAverage !== undefined && sizeAverage !== null) ||
      (reduce !== undefined && reduce !== null);
    this.reduction = legacy ? legacyGetString(sizeAverage, reduce) : (opts.reduction ?? 'mean');
    this.logTarget = opts.logTarget ?? false;
  }

  /** The loss: `klDiv(input, target, { reduction, logTarget })`. */
  forward(input: TensorLike, target: TensorLike): Tensor<FloatDType> {
    return klDiv(input, target, this.options());
  }

  /**
   * Gradients of `forward(input, target)`: see {@link klDivBackward}. `{ gradTarget: false }`
   * for a target that is data computes only `gradInput`.
   */
  backward(
    input: TensorLike,
    target: TensorLike,
    gradOutput: TensorLike | undefined,
    options: { gradTarget: false },
  ): Omit<KLDivGradients, 'gradTarget'> & { gradTarget?: undefined };
  backward(
    input: TensorLike,
    target: TensorLike,
    gradOutput?: TensorLike,
    options?: { gradTarget?: true },
  ): KLDivGradients;
  backward(
    input: TensorLike,
    target: TensorLike,
    gradOutput?: TensorLike,
    options?: { gradTarget?: boolean },
  ): KLDivGradients | Omit<KLDivGradients, 'gradTarget'> {
    const { gradTarget } = checkOptions<{ gradTarget?: boolean }>(
      options,
      ['gradTarget'],
      'KLDivLoss.backward',
    );
    return klDivBackward(input, target, { ...this.options(), gradTarget }, gradOutput);
  }

  private options(): KLDivOptions {
    return { reduction: this.reduction, logTarget: this.logTarget };
  }
}
