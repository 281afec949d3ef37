// node bench/samples.mjs [2d | 50d | all]      (after npm run build; default: all)
//
// knnKLDivergence against the same estimator with SciPy's cKDTree, on the same samples in the
// same run: the samples (seeded normals, P = N(0, I), Q = N(0.5, I)) are written to a temporary
// file, /usr/bin/python3 reads them and times cKDTree(x), cKDTree(y), x-in-x (k + 1) and x-in-y
// queries and the mean of the log-ratios (workers=1: kldiv runs on one thread too). Both sides
// report the best of several runs, tree building included; the ratio is SciPy / kldiv (above 1:
// kldiv is faster). The estimates must agree to 1e-9.
//   2d:  n = m = 1e5 in 2-D, k = 1 (the k-d tree)
//   50d: n = m = 1e4 in 50-D, k = 1 (brute force; cKDTree takes several seconds)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomGenerator } from '../dist/distributions/index.js';
import { knnKLDivergence } from '../dist/samples/index.js';

const PYTHON = `
import sys, time, json
import numpy as np
from scipy.spatial import cKDTree
path, n, m, d, k, runs = sys.argv[1], *map(int, sys.argv[2:7])
raw = np.fromfile(path, dtype='<f8')
x = raw[:n * d].reshape(n, d)
y = raw[n * d:].reshape(m, d)
best = float('inf')
for _ in range(runs):
    t0 = time.perf_counter()
    rho = cKDTree(x).query(x, k=[k + 1])[0][:, 0]
    nu = cKDTree(y).query(x, k=[k])[0][:, 0]
    est = d * np.mean(np.log(nu / rho)) + np.log(m / (n - 1))
    best = min(best, time.perf_counter() - t0)
print(json.dumps({'ms': best * 1e3, 'estimate': float(est)}))
`;

const SCENARIOS = {
  '2d': { n: 100_000, m: 100_000, d: 2, k: 1, runs: 5 },
  '50d': { n: 10_000, m: 10_000, d: 50, k: 1, runs: 1 },
};

function sample(rng, count, shift) {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.normal() + shift;
  return out;
}

function run(name, { n, m, d, k, runs }) {
  const rng = new RandomGenerator(2026);
  const x = sample(rng, n * d, 0);
  const y = sample(rng, m * d, 0.5);
  const dir = mkdtempSync(join(tmpdir(), 'kldiv-bench-'));
  try {
    const file = join(dir, 'samples.f64');
    const both = new Float64Array(x.length + y.length);
    both.set(x);
    both.set(y, x.length);
    writeFileSync(file, new Uint8Array(both.buffer));
    const xs = { data: x, shape: [n, d] };
    const ys = { data: y, shape: [m, d] };
    let js = Number.POSITIVE_INFINITY;
    let result;
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      result = knnKLDivergence(xs, ys, { k });
      js = Math.min(js, performance.now() - t0);
    }
    const args = ['-c', PYTHON, file, n, m, d, k, runs].map(String);
    const py = JSON.parse(execFileSync('/usr/bin/python3', args, { encoding: 'utf8' }));
    const rel = Math.abs(result.estimate - py.estimate) / Math.abs(py.estimate);
    console.log(
      `${name}: n = ${n}, m = ${m}, d = ${d}, k = ${k} (${result.algorithm}), best of ${runs}: ` +
        `kldiv ${js.toFixed(0)} ms, cKDTree ${py.ms.toFixed(0)} ms, ratio ${(py.ms / js).toFixed(2)}; ` +
        `estimates ${result.estimate.toFixed(6)} / ${py.estimate.toFixed(6)} (relative difference ${rel.toExponential(1)})`,
    );
    if (!(rel <= 1e-9)) throw new Error(`${name}: the estimates differ by ${rel}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const which = process.argv[2] ?? 'all';
for (const [name, scenario] of Object.entries(SCENARIOS)) {
  if (which === 'all' || which === name) run(name, scenario);
}
