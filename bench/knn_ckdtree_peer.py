"""SciPy peer for bench/run/samples.ts: the k-nearest-neighbour KL estimator of Wang, Kulkarni
and Verdu (2009) as SciPy-based recipes write it, with cKDTree, on the samples kldiv gets.

Usage (spawned by the benchmark): python3 knn_ckdtree_peer.py FILE N M D K REPS WARMUP
FILE holds x ([N, D]) then y ([M, D]), little-endian float64, row-major. One timed call builds
both trees and runs both queries (x in x for the (K + 1)-th neighbour, the point itself being
the first; x in y for the K-th) on one thread (workers=1, as kldiv runs), then the mean of the
log-ratios: D * mean(log(nu / rho)) + log(M / (N - 1)). WARMUP 1 runs it once untimed first.
Prints one JSON object: {"times": [seconds...], "estimate", "peakBytes", "scipy"}.
"""
import json, sys, time
import numpy as np
import scipy
from scipy.spatial import cKDTree
from torch_peer_memory import Peak  # noqa: E402  (same folder; it needs no torch)

path = sys.argv[1]
n, m, d, k, reps, warmup = map(int, sys.argv[2:8])
raw = np.fromfile(path, dtype='<f8')
x = raw[:n * d].reshape(n, d)
y = raw[n * d:].reshape(m, d)


def estimate():
    rho = cKDTree(x).query(x, k=[k + 1], workers=1)[0][:, 0]
    nu = cKDTree(y).query(x, k=[k], workers=1)[0][:, 0]
    return float(d * np.mean(np.log(nu / rho)) + np.log(m / (n - 1)))


if warmup:
    estimate()
times, peak, est = [], 0, None
for _ in range(reps):
    with Peak() as p:
        t = time.perf_counter(); est = estimate(); times.append(time.perf_counter() - t)
    peak = max(peak, p.peak - p.base)
print(json.dumps({"times": times, "estimate": est, "peakBytes": peak, "scipy": scipy.__version__}))
