/**
 * npm run fuzz [-- --runs 100000 --seed 20261127 --only klDiv --out fuzz-results.json]
 *
 * The full fuzzing campaign: every target of test/fuzz (the same ones `npm test` samples) for
 * `--runs` generated calls each, seeded, printing per target the runs, the time and the result
 * (a failure prints fast-check's minimised counterexample and the reason). Exit code 1 on any
 * failure.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { setWarningHandler } from '../src/index.js';
import { TARGETS } from '../test/fuzz/targets.js';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    runs: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '20261127' },
    only: { type: 'string' },
    out: { type: 'string' },
  },
});
const runs = Number(args.runs);
const seed = Number(args.seed);
setWarningHandler(() => {}); // PyTorch's 'mean' warning, once per call, is expected here

const results: { target: string; runs: number; seconds: number; ok: boolean; detail?: string }[] =
  [];
console.log(`kldiv fuzz: ${runs} runs per target, seed ${seed}, node ${process.version}`);
for (const target of TARGETS) {
  if (args.only !== undefined && !target.name.includes(args.only)) continue;
  const t0 = performance.now();
  const r = fc.check(
    fc.property(target.arbitrary, (input) => {
      target.check(input);
    }),
    { numRuns: runs, seed },
  );
  const seconds = (performance.now() - t0) / 1000;
  const ok = !r.failed;
  const detail = ok ? undefined : (fc.defaultReportMessage(r) ?? 'failed');
  results.push({ target: target.name, runs: r.numRuns, seconds: +seconds.toFixed(1), ok, detail });
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${target.name.padEnd(45)} ${String(r.numRuns).padStart(7)} runs ${seconds.toFixed(1).padStart(7)} s`,
  );
  if (!ok) console.log(detail);
}
const total = results.reduce((a, b) => a + b.runs, 0);
console.log(
  `${results.filter((r) => r.ok).length}/${results.length} targets passed, ${total} generated calls`,
);
if (args.out)
  writeFileSync(
    args.out,
    `${JSON.stringify({ runs, seed, node: process.version, results }, null, 2)}\n`,
  );
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
