/**
 * Keras-style loss functions for `model.compile({ loss })`: `(yTrue, yPred) => loss`.
 *
 * @module
 */

import type * as tf from '@tensorflow/tfjs-core';
import { checkKlDivOptions, type KLDivOptions } from '../functional/kl-div-args.js';
import {
  KL_DIV_WITH_LOGITS_OPTION_KEYS,
  type KLDivWithLogitsOptions,
} from '../functional/kl-div-with-logits.js';
import { checkOptions } from '../options.js';
import { klDiv } from './kl-div.js';
import { klDivWithLogits } from './logits.js';

/** A tfjs-layers loss: targets first, predictions second, as `model.compile` calls it. */
export type LayersLoss = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * `nn.KLDivLoss` as a tfjs-layers loss for a model whose last layer outputs
 * log-probabilities (e.g. a `logSoftmax` activation): `yPred` is the input, `yTrue` the target
 * probabilities (or log-probabilities with `logTarget`). Use `reduction: 'batchmean'` for the
 * true KL divergence; the default `'mean'` warns as PyTorch does. Options are checked here, once.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-cpu';
 * import { kldivLoss } from 'kldiv/tfjs';
 * const loss = kldivLoss({ reduction: 'batchmean' });
 * const yTrue = tf.tensor([[0.25, 0.75]]);
 * const yPred = tf.log(tf.tensor([[0.25, 0.75]]));
 * console.log(loss(yTrue, yPred).dataSync()[0]); // 0
 * // model.compile({ optimizer: 'adam', loss });
 * ```
 */
export function kldivLoss(options: KLDivOptions = {}): LayersLoss {
  const opts = checkKlDivOptions(options, 'kldivLoss');
  return (yTrue, yPred) => klDiv(yPred, yTrue, opts);
}

/**
 * The distillation loss as a tfjs-layers loss for a model that outputs logits: `yTrue` holds
 * the teacher's logits, `yPred` the student's; `klDivWithLogits` with these options
 * (temperature, dim, reduction; default `'batchmean'`).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-cpu';
 * import { kldivLossFromLogits } from 'kldiv/tfjs';
 * const loss = kldivLossFromLogits({ temperature: 2 });
 * // identical logits: 0 up to float32 rounding
 * console.log(loss(tf.tensor([[1, 2, 3]]), tf.tensor([[1, 2, 3]])).dataSync()[0].toFixed(6)); // 0.000000
 * ```
 */
export function kldivLossFromLogits(options: KLDivWithLogitsOptions = {}): LayersLoss {
  const opts = checkOptions<KLDivWithLogitsOptions>(
    options,
    KL_DIV_WITH_LOGITS_OPTION_KEYS,
    'kldivLossFromLogits',
  );
  return (yTrue, yPred) => klDivWithLogits(yPred, yTrue, opts);
}
