/** Every fuzz target, in the order `npm run fuzz` reports them. */
import { type FuzzTarget, klDivBackwardTarget, klDivTarget } from './targets-core.js';
import { accumulatorTarget } from './targets-core-accumulator.js';
import { klEstimateTarget } from './targets-core-estimate.js';
import { jsDivergenceTarget, klDivWithLogitsTarget } from './targets-logits.js';
import {
  garbageTarget,
  klDivergenceTarget,
  scipyAxisTarget,
  scipyElementwiseTarget,
  tensorTarget,
} from './targets-misc.js';

export const TARGETS = [
  klDivTarget,
  klDivBackwardTarget,
  klDivWithLogitsTarget,
  jsDivergenceTarget,
  klEstimateTarget,
  accumulatorTarget,
  klDivergenceTarget,
  scipyElementwiseTarget,
  scipyAxisTarget,
  tensorTarget,
  garbageTarget,
] as FuzzTarget<never>[];
