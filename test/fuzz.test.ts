/**
 * The seeded fuzz sample that runs with `npm test` (FUZZ_RUNS per target, default 150; the
 * full campaign is `npm run fuzz`, see docs/reliability.md). Every target checks a float64
 * reference or an invariant, on every backend and thread count, and that every thrown error
 * is a coded KLDivError.
 */
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { TARGETS } from './fuzz/targets.js';

const runs = Number(process.env.FUZZ_RUNS ?? 150);
const seed = Number(process.env.FUZZ_SEED ?? 20261127);

describe('fuzz (seeded sample)', () => {
  test.each(TARGETS.map((t) => [t.name, t] as const))('%s', (_name, target) => {
    fc.assert(
      fc.property(target.arbitrary, (input) => {
        target.check(input);
      }),
      { numRuns: runs, seed },
    );
  });
});
