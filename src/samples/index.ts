/**
 * kldiv/samples: KL divergence from samples (k-nearest-neighbour estimators, counts, binned
 * drift measures) with confidence intervals.
 *
 * @module kldiv/samples
 */

// counts and binned measures: added by the coordinator
export type {
  BinnedDivergenceOptions,
  BinnedDivergenceResult,
  BinnedMeasure,
} from './binned-divergence.js';
export { binnedDivergence } from './binned-divergence.js';
export type { BinsOption } from './bins.js';
export type {
  BootstrapOptions,
  BootstrapResult,
  BootstrapSize,
  ConfidenceInterval,
} from './bootstrap.js';
export { bootstrapInterval } from './bootstrap.js';
export type { CountsCorrection, Smoothing } from './counts.js';
export type {
  EntropyFromCountsOptions,
  EntropyFromCountsResult,
} from './entropy-from-counts.js';
export { entropyFromCounts } from './entropy-from-counts.js';
export type {
  KLDivergenceFromCountsOptions,
  KLDivergenceFromCountsResult,
} from './kl-divergence-from-counts.js';
export { klDivergenceFromCounts } from './kl-divergence-from-counts.js';
export type {
  DuplicatesPolicy,
  KnnKLDivergenceOptions,
  KnnKLDivergenceResult,
} from './knn-kl-divergence.js';
export { knnKLDivergence } from './knn-kl-divergence.js';
export type {
  PerezCruzKLDivergenceOptions,
  PerezCruzKLDivergenceResult,
} from './perez-cruz.js';
export { perezCruzKLDivergence } from './perez-cruz.js';
