/**
 * `kldiv/scipy`: SciPy's probability-space divergences with SciPy's semantics, in float64.
 *
 * @module kldiv/scipy
 */

export type { JensenShannonOptions, SciPyDivergenceOptions } from './entropy.js';
export { entropy, jensenShannon } from './entropy.js';
export { klDiv, relEntr } from './rel-entr.js';
