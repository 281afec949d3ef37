/** What the accumulator test files share. */
import type { AccumulatorState } from '../../src/index.js';

/** A JSON round trip, as between workers. */
export const viaJson = (s: AccumulatorState): AccumulatorState => JSON.parse(JSON.stringify(s));
