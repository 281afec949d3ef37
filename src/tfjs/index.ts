/**
 * `kldiv/tfjs`: PyTorch-exact KL losses on TensorFlow.js tensors, differentiable on every tfjs
 * backend. `@tensorflow/tfjs-core` is a peer dependency. Re-exports only.
 *
 * @module kldiv/tfjs
 */

export { jsDivergence } from './js-divergence.js';
export { KLDivLoss, klDiv } from './kl-div.js';
export type { LayersLoss } from './layers-loss.js';
export { kldivLoss, kldivLossFromLogits } from './layers-loss.js';
export { klDivWithLogits } from './logits.js';
