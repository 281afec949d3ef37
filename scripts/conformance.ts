/**
 * npm run conformance -- <fixture.json>...
 *
 * Runs reference fixture files (the format of test/fixtures/README.md) against the library and
 * prints a line per failing case, then `N passed, M failed`. Exit code 1 on any failure, 2 on
 * bad usage. Files whose functions are not implemented yet count every case as failed, so the
 * last line says where the whole project stands.
 */

import { basename } from 'node:path';
import {
  type DistributionKlCase,
  type DistributionMethodCase,
  runDistributionKlCase,
  runDistributionMethodCase,
} from '../test/helpers/distribution-runners.js';
import { loadFixture } from '../test/helpers/fixtures.js';
import {
  type AccumulatorCase,
  type DistributionCase,
  type DistributionStatsCase,
  type KlDivCase,
  type KlEstimateCase,
  type LogitsCase,
  type ReprCase,
  runAccumulatorCase,
  runDistributionCase,
  runDistributionStatsCase,
  runKlDivCase,
  runKlEstimateCase,
  runLogitsCase,
  runReprCase,
  runSciPyCase,
  type SciPyCase,
} from '../test/helpers/runners.js';

// biome-ignore lint/suspicious/noExplicitAny: each runner narrows its own case type.
const RUNNERS: Record<string, (c: any) => string[]> = {
  'torch-kl-div.json': (c: KlDivCase) => runKlDivCase(c),
  'torch-repr.json': (c: ReprCase) => runReprCase(c),
  'torch-kl-div-logits.json': (c: LogitsCase) => runLogitsCase(c),
  'scipy-divergence.json': (c: SciPyCase) => runSciPyCase(c),
  'torch-distributions.json': (c: DistributionCase) => runDistributionCase(c),
  'torch-distribution-stats.json': (c: DistributionStatsCase) => runDistributionStatsCase(c),
  // test/data/differential (tools/differential/gen-core.py): the same formats, more cases
  'core-kl-div.json': (c: KlDivCase) => runKlDivCase(c),
  'core-logits.json': (c: LogitsCase) => runLogitsCase(c),
  'core-kl-estimate.json': (c: KlEstimateCase) => runKlEstimateCase(c),
  'core-accumulator.json': (c: AccumulatorCase) => runAccumulatorCase(c),
  'core-repr.json': (c: ReprCase) => runReprCase(c),
  // tools/differential/gen-distributions.py (runners in test/helpers/distribution-runners.ts)
  'distributions-methods.json': (c: DistributionMethodCase) => runDistributionMethodCase(c),
  'distributions-errors.json': (c: DistributionMethodCase) => runDistributionMethodCase(c),
  'distributions-kl.json': (c: DistributionKlCase) => runDistributionKlCase(c),
};

const files = process.argv.slice(2).filter((a) => a !== '--');
if (files.length === 0) {
  console.error('usage: npm run conformance -- <fixture.json>...');
  process.exit(2);
}

let passed = 0;
let failed = 0;
for (const file of files) {
  const name = basename(file);
  let cases: { name?: string }[];
  try {
    cases = loadFixture<{ name?: string }>(file).cases;
  } catch (e) {
    console.error(`${file}: cannot read fixture file: ${(e as Error).message}`);
    process.exit(2);
  }
  const runner = RUNNERS[name];
  if (runner === undefined) {
    failed += cases.length;
    console.log(
      `FAIL ${name}: ${cases.length} cases not implemented yet (no runner for this file)`,
    );
    continue;
  }
  cases.forEach((c, i) => {
    let problems: string[];
    try {
      problems = runner(c);
    } catch (e) {
      problems = [`runner crashed: ${(e as Error).stack ?? e}`];
    }
    if (problems.length === 0) {
      passed++;
    } else {
      failed++;
      console.log(`FAIL ${name} #${i} ${c.name ?? ''}: ${problems.join('; ')}`);
    }
  });
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
