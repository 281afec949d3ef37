/**
 * Differential harness for kldiv's core functions against PyTorch 1.13: every case of
 * test/data/differential/core-*.json (written by tools/differential/gen-core.py, whose header
 * gives each PyTorch expression and how each tolerance follows from the formula's conditioning),
 * on every backend configuration. On the 2-thread configuration the worker threads take every
 * job, however small (the seam test/fuzz/harness.ts uses), so the threaded kernels see every
 * shape, dtype and special value; a few cases span several WebAssembly chunks.
 *
 * A failure names the case (its name carries shapes, dtypes, options) and the configuration,
 * then lists the mismatching elements with actual, expected and tolerance.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { threadStats } from '../../src/kernels/threads/pool.js';
import { type BackendConfig, CONFIGS, withConfig } from '../helpers/backends.js';
import { FIXTURE_DIR, loadFixture } from '../helpers/fixtures.js';
import {
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
} from '../helpers/runners.js';

const DATA = join(FIXTURE_DIR, '..', 'data', 'differential');

// biome-ignore lint/suspicious/noExplicitAny: each runner narrows its own case type.
const SETS: { file: string; run: (c: any) => string[]; min: number }[] = [
  { file: 'core-kl-div.json', run: (c: KlDivCase) => runKlDivCase(c), min: 1100 },
  { file: 'core-logits.json', run: (c: LogitsCase) => runLogitsCase(c), min: 750 },
  { file: 'core-kl-estimate.json', run: (c: KlEstimateCase) => runKlEstimateCase(c), min: 150 },
  { file: 'core-accumulator.json', run: (c: AccumulatorCase) => runAccumulatorCase(c), min: 150 },
  { file: 'core-repr.json', run: (c: ReprCase) => runReprCase(c), min: 150 },
];

const loaded = SETS.map((s) => ({
  ...s,
  cases: loadFixture<{ name: string }>(join(DATA, s.file)).cases,
}));

/** Runs under a configuration; with threads, every job goes to the workers. */
function under<T>(config: BackendConfig, f: () => T): T {
  return withConfig({ ...config, forceThreads: true }, f);
}

test('the core differential set is there (>= 2,200 cases, unique names)', () => {
  const names = loaded.flatMap((s) => s.cases.map((c) => c.name));
  expect(names.length).toBeGreaterThanOrEqual(2200);
  expect(new Set(names).size).toBe(names.length);
  for (const s of loaded) expect(s.cases.length, s.file).toBeGreaterThanOrEqual(s.min);
});

describe.each(CONFIGS)('core vs PyTorch 1.13, backend $name', (config) => {
  let workerChunks = 0;
  beforeAll(() => {
    workerChunks = threadStats.workerChunks;
  });
  // the threaded configuration must really have run chunks on the workers
  afterAll(() => {
    if (config.threads > 1) expect(threadStats.workerChunks).toBeGreaterThan(workerChunks);
  });
  describe.each(loaded)('$file', ({ run, cases }) => {
    test.each(cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
      const problems = under(config, () => run(c));
      expect(problems, `case ${name} (${config.name}):\n${problems.join('\n')}`).toEqual([]);
    });
  });
});
