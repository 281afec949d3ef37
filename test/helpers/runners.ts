/**
 * One runner per fixture format: each takes a case and returns the list of problems (empty when
 * the case passes). The test suite and `npm run conformance` share them, so both judge alike.
 *
 * This module gathers them; they live by concern in runners-core.ts (the core functions),
 * runners-distributions.ts, runners-scipy.ts, with what they share in runners-common.ts.
 */

export { collectWarnings, quiet, thrownBy } from './runners-common.js';
export {
  type AccumulatorCase,
  type KlDivCase,
  type KlEstimateCase,
  type LogitsCase,
  type ReprCase,
  runAccumulatorCase,
  runKlDivCase,
  runKlEstimateCase,
  runLogitsCase,
  runReprCase,
} from './runners-core.js';
export {
  buildDistribution,
  type DistributionCase,
  type DistributionStatsCase,
  type DistSpec,
  runDistributionCase,
  runDistributionStatsCase,
} from './runners-distributions.js';
export { runSciPyCase, type SciPyCase } from './runners-scipy.js';
