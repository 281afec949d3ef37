/**
 * The KL-from-samples cases of `npm run bench` (skipped with --no-samples; alone with
 * `npm run bench -- --sizes '' --distill '' --no-tfjs --no-torch`): knnKLDivergence against
 * the same estimator written with SciPy's cKDTree (bench/knn_ckdtree_peer.py, a python3
 * subprocess, skipped with a note when SciPy is not importable), on the same samples in the
 * same run: seeded normals, P = N(0, I) for x, Q = N(0.5 * 1, I) for y.
 *
 * - 2-D, n = m = 1e5, k = 1: kldiv's k-d tree against cKDTree (issue 20: at least as fast).
 * - 50-D, n = m = 1e4, k = 1: kldiv's brute force against cKDTree (issue 20: in seconds).
 *
 * A call is the whole estimate: both trees (or none) built, both neighbour searches, the sum;
 * both sides on one thread; kldiv is timed again with `threads: 2` (the same estimate, bitwise). The rounds alternate kldiv and SciPy, as the PyTorch peers do; the
 * 50-D case runs one round of one call each (cKDTree takes about 20 s there). The estimates
 * must agree to 1e-9 relative, or the SciPy row is reported as not comparable.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomGenerator } from '../../src/distributions/random.js';
import { knnKLDivergence } from '../../src/samples/index.js';
import { measurePeak } from '../memory.js';
import { here, ROUNDS } from './options.js';
import { median, type Row } from './timing.js';

interface SamplesCase {
  n: number;
  m: number;
  d: number;
  k: number;
  /** Calls per round on each side. */
  perRound: number;
  /** At most this many rounds (the run's --rounds otherwise). */
  maxRounds: number;
  /** Untimed first call on each side. */
  warmup: boolean;
}

export const SAMPLES_CASES: SamplesCase[] = [
  { n: 1e5, m: 1e5, d: 2, k: 1, perRound: 3, maxRounds: 99, warmup: true },
  { n: 1e4, m: 1e4, d: 50, k: 1, perRound: 1, maxRounds: 1, warmup: false },
];

/** The prefix of the rows' `shape`, by which bench/report.ts tells the samples rows apart. */
export const SAMPLES_SHAPE = 'samples: ';

/** A case's `shape`: the prefix, then the case as the report prints it. */
const shapeOf = (c: SamplesCase) =>
  `${SAMPLES_SHAPE}${c.d}-D normals, n = m = ${c.n.toExponential(0)}, k = ${c.k}`;

/** SciPy's version, or undefined when /usr/bin/python3 cannot import scipy and numpy. */
export function scipyAvailable(): string | undefined {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import scipy, numpy; print(scipy.__version__)'], {
    encoding: 'utf8',
  });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

interface ScipyLine {
  times: number[];
  estimate: number;
  peakBytes: number;
  scipy: string;
}

/** The seeded samples: x then y, row-major, in one float64 buffer (the bytes SciPy reads). */
function samplesOf(c: SamplesCase): Float64Array {
  const rng = new RandomGenerator(2026);
  const both = new Float64Array((c.n + c.m) * c.d);
  for (let i = 0; i < both.length; i++) both[i] = rng.normal() + (i < c.n * c.d ? 0 : 0.5);
  return both;
}

function runScipy(c: SamplesCase, file: string, reps: number, warmup: boolean): ScipyLine {
  const args = [c.n, c.m, c.d, c.k, reps, warmup ? 1 : 0].map(String);
  const r = spawnSync('/usr/bin/python3', [join(here, 'knn_ckdtree_peer.py'), file, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`knn_ckdtree_peer.py failed: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as ScipyLine;
}

/** One case: the rows of kldiv and of cKDTree, printed with the same-run ratio. */
function samplesCase(c: SamplesCase, scipy: string | undefined): Row[] {
  const both = samplesOf(c);
  const x = { data: both.subarray(0, c.n * c.d), shape: [c.n, c.d] };
  const y = { data: both.subarray(c.n * c.d), shape: [c.m, c.d] };
  const dir = mkdtempSync(join(tmpdir(), 'kldiv-bench-samples-'));
  const file = join(dir, 'samples.f64');
  writeFileSync(file, new Uint8Array(both.buffer));
  const ours: number[] = [];
  const ours2: number[] = []; // the same call with threads: 2 (decision 101)
  const theirs: number[] = [];
  let peak = 0;
  let theirPeak = 0;
  let peak2 = 0;
  let estimate = Number.NaN;
  let theirEstimate = Number.NaN;
  let algorithm = '';
  let failed: string | undefined;
  try {
    const rounds = Math.min(ROUNDS, c.maxRounds);
    for (let round = 0; round < rounds; round++) {
      if (c.warmup && round === 0) knnKLDivergence(x, y, { k: c.k });
      for (let r = 0; r < c.perRound; r++) {
        // the peak sampler starts and stops outside the timed span
        const { result, peakBytes } = measurePeak(() => {
          const t0 = performance.now();
          const out = knnKLDivergence(x, y, { k: c.k });
          ours.push((performance.now() - t0) / 1000);
          return out;
        });
        ({ estimate, algorithm } = result);
        peak = Math.max(peak, peakBytes ?? 0);
      }
      if (c.warmup && round === 0) knnKLDivergence(x, y, { k: c.k, threads: 2 }); // starts workers
      for (let r = 0; r < c.perRound; r++) {
        const { result: two, peakBytes } = measurePeak(() => {
          const t0 = performance.now();
          const out = knnKLDivergence(x, y, { k: c.k, threads: 2 }).estimate;
          ours2.push((performance.now() - t0) / 1000);
          return out;
        });
        peak2 = Math.max(peak2, peakBytes ?? 0);
        if (!Object.is(two, estimate))
          throw new Error(`threads: 2 gave ${two}, 1 thread ${estimate}`);
      }
      if (scipy === undefined || failed !== undefined) continue;
      try {
        const line = runScipy(c, file, c.perRound, c.warmup && round === 0);
        theirs.push(...line.times);
        theirPeak = Math.max(theirPeak, line.peakBytes);
        theirEstimate = line.estimate;
      } catch (e) {
        failed = `failed: ${(e as Error).message}`;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const base = { shape: shapeOf(c), size: c.n, dtype: 'float64' as const, op: 'forward' as const };
  const timed = (peer: string, times: number[], peakExtraBytes: number, ref: number): Row => {
    const s = median(times);
    return {
      ...base,
      peer,
      medianSeconds: s,
      nsPerElement: (s * 1e9) / c.n,
      melemPerSecond: c.n / s / 1e6,
      ratioToKldiv: s / ref,
      peakExtraBytes,
    };
  };
  const kldivTime = median(ours);
  const rows = [timed(`kldiv knnKLDivergence (${algorithm}), 1 thread`, ours, peak, kldivTime)];
  const peer = `SciPy ${scipy ?? ''} cKDTree, workers=1`.replace('  ', ' ');
  const rel = Math.abs(estimate - theirEstimate) / Math.abs(theirEstimate);
  if (scipy === undefined) {
    rows.push({ ...base, peer, skipped: '/usr/bin/python3 cannot import scipy' });
  } else if (failed !== undefined) {
    rows.push({ ...base, peer, skipped: failed });
  } else if (!(rel <= 1e-9)) {
    // a different number is a different computation: its time is not comparable
    rows.push({ ...base, peer, skipped: `not comparable: estimates differ by ${rel} relative` });
  } else {
    rows.push(timed(peer, theirs, theirPeak, kldivTime));
  }
  rows.push(timed(`kldiv knnKLDivergence (${algorithm}), 2 threads`, ours2, peak2, kldivTime));
  console.log(
    `\nKL from ${shapeOf(c).replace(SAMPLES_SHAPE, 'samples, ')}: ` +
      `estimate ${estimate.toFixed(6)}${Number.isNaN(theirEstimate) ? '' : ` (cKDTree ${theirEstimate.toFixed(6)}, relative difference ${rel.toExponential(1)})`}`,
  );
  console.log(
    `  ${'peer'.padEnd(58)} ${'ms'.padStart(9)} ${'x kldiv'.padStart(8)} ${'peak MB'.padStart(9)}`,
  );
  for (const r of rows) {
    if (r.skipped) {
      console.log(`  ${r.peer.padEnd(58)} skipped: ${r.skipped}`);
      continue;
    }
    const mb = ((r.peakExtraBytes ?? 0) / 2 ** 20).toFixed(1);
    console.log(
      `  ${r.peer.padEnd(58)} ${(r.medianSeconds! * 1e3).toFixed(0).padStart(9)} ${r.ratioToKldiv!.toFixed(2).padStart(8)} ${mb.padStart(9)}`,
    );
  }
  const them = rows[1].medianSeconds;
  if (them !== undefined) {
    console.log(
      `  same-run ratio, kldiv / cKDTree: ${(kldivTime / them).toFixed(3)} (cKDTree takes ${(them / kldivTime).toFixed(2)}x kldiv's time)`,
    );
  }
  console.log(
    `  2 threads: ${(kldivTime / median(ours2)).toFixed(2)}x faster than 1 (the same estimate, bitwise)`,
  );
  return rows;
}

/** Every samples case; prints a note when SciPy is missing. */
export function samplesRows(): Row[] {
  const scipy = scipyAvailable();
  if (scipy === undefined)
    console.log('\nnote: SciPy skipped: /usr/bin/python3 cannot import scipy');
  return SAMPLES_CASES.flatMap((c) => samplesCase(c, scipy));
}
