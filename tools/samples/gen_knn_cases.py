#!/usr/bin/env python3
"""Writes test/data/samples/knn-cases.json: kldiv/samples' continuous estimators
(knnKLDivergence, perezCruzKLDivergence) against SciPy 1.10 / NumPy 1.24.

Run from the repository root: /usr/bin/python3 tools/samples/gen_knn_cases.py
(Debian python3-scipy 1.10.1, numpy 1.24.2; seeded, so the output is fixed).

exact: samples (rounded to 6 decimals, so the JSON holds exactly the doubles used) and
- knn[k]: Wang-Kulkarni-Verdu's estimate with scipy.spatial.cKDTree, as the SciPy recipes do:
  rho = cKDTree(x).query(x, k + 1) (the first neighbour is the point itself: the cases have no
  duplicates, checked), nu = cKDTree(y).query(x, k), D = d * mean(log(nu / rho)) + log(m / (n - 1)).
  Cross-checked here against scipy.spatial.distance.cdist and np.sort (1e-12).
- knnSkip[k] (cases with ties only): the k-th smallest of the positive distances (cdist), the
  duplicates: 'skip' policy.
- perezCruz: Perez-Cruz (ISIT 2008) from the paper's definition, independently of kldiv's
  slope formula: P_e(t) = (#{x_i < t} + #{x_i = t} / 2) / n at the distinct sample values,
  P_c = np.interp through (x0, 0), those points, (xe, 1), x0 / xe one mean pooled spacing
  (range / (n + m - 1)) beyond the pooled extremes; dP_c(x_i) = P_c(x_i) - P_c(x_i - eps) with
  eps half the smallest pooled spacing; D = mean(log(dP_c / dQ_c)) - 1. Cross-checked here
  against the slopes computed directly (1e-10 relative). With ties this is the 'skip' policy.

convergence: per pair of distributions with a closed form, the spread of each estimator at n
from `reps` seeded repetitions (NumPy's samplers, the same parameters as kldiv's): mean - truth
(bias) and the standard deviation. truth is the closed form computed here with SciPy's special
functions. The JS test draws one sample with kldiv's seeded samplers and requires
|estimate - truth| <= |bias| + 4 sd + 3 sd / sqrt(reps) (the last term: the uncertainty of the
simulated mean); for a normal spread that fails with probability about 6e-5 per check.
"""
import json
import math
import os
import sys

import numpy as np
import scipy
from scipy import special
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

SEED = 20261204
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
OUT = os.path.join(ROOT, 'test', 'data', 'samples', 'knn-cases.json')
KS = [1, 3, 5]


def knn_ckdtree(x, y, k):
    n, d = x.shape
    m = y.shape[0]
    rho = cKDTree(x).query(x, k=[k + 1])[0][:, 0]
    nu = cKDTree(y).query(x, k=[k])[0][:, 0]
    return d * np.mean(np.log(nu / rho)) + np.log(m / (n - 1))


def knn_bruteforce(x, y, k, skip_zero=False):
    """The k-th smallest distance by sorting all of them (self excluded by index)."""
    n, d = x.shape
    m = y.shape[0]
    dx = cdist(x, x)
    np.fill_diagonal(dx, np.inf)
    dy = cdist(x, y)
    rho = np.empty(n)
    nu = np.empty(n)
    for i in range(n):
        a = dx[i][np.isfinite(dx[i])]
        b = dy[i]
        if skip_zero:
            a = a[a > 0]
            b = b[b > 0]
        rho[i] = np.sort(a)[k - 1]
        nu[i] = np.sort(b)[k - 1]
    return d * np.mean(np.log(nu / rho)) + np.log(m / (n - 1))


def cdf_points(sample):
    """The distinct values and P_e there: (count below + count at / 2) / n."""
    v, counts = np.unique(sample, return_counts=True)
    below = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return v, (below + counts / 2) / sample.size


def perez_cruz(x, y):
    """The paper's definition, with finite differences of the interpolated CDFs."""
    n, m = x.size, y.size
    lo = min(x.min(), y.min())
    hi = max(x.max(), y.max())
    pad = (hi - lo) / (n + m - 1)
    x0, xe = lo - pad, hi + pad
    vx, fx = cdf_points(x)
    vy, fy = cdf_points(y)
    kx = np.concatenate([[x0], vx, [xe]])
    ky = np.concatenate([[x0], vy, [xe]])
    gx = np.concatenate([[0.0], fx, [1.0]])
    gy = np.concatenate([[0.0], fy, [1.0]])
    pooled = np.unique(np.concatenate([kx, ky]))
    eps = np.min(np.diff(pooled)) / 2
    dp = np.interp(x, kx, gx) - np.interp(x - eps, kx, gx)
    dq = np.interp(x, ky, gy) - np.interp(x - eps, ky, gy)
    return np.mean(np.log(dp / dq)) - 1


def perez_cruz_slopes(x, y):
    """The same estimate from the slopes of the segments left of each x_i (no epsilon)."""
    n, m = x.size, y.size
    lo = min(x.min(), y.min())
    hi = max(x.max(), y.max())
    pad = (hi - lo) / (n + m - 1)
    vx, fx = cdf_points(x)
    vy, fy = cdf_points(y)
    kx = np.concatenate([[lo - pad], vx, [hi + pad]])
    ky = np.concatenate([[lo - pad], vy, [hi + pad]])
    gx = np.concatenate([[0.0], fx, [1.0]])
    gy = np.concatenate([[0.0], fy, [1.0]])
    sx = np.diff(gx) / np.diff(kx)
    sy = np.diff(gy) / np.diff(ky)
    ix = np.searchsorted(kx, x, side='left')  # segment ix - 1 .. ix, kx[ix - 1] < x <= kx[ix]
    iy = np.searchsorted(ky, x, side='left')
    return np.mean(np.log(sx[ix - 1] / sy[iy - 1])) - 1


def r6(a):
    return np.round(a, 6)


def exact_cases(rng):
    cases = []

    def add(name, x, y, ties=False):
        if x.ndim == 1:
            x2, y2 = x[:, None], y[:, None]
        else:
            x2, y2 = x, y
        n, d = x2.shape
        m = y2.shape[0]
        case = {'name': name, 'n': n, 'm': m, 'd': d}
        if not ties:
            assert cKDTree(x2).query(x2, k=2)[0][:, 1].min() > 0, name
            assert cKDTree(y2).query(x2, k=1)[0].min() > 0, name
            case['knn'] = {}
            for k in KS:
                a = knn_ckdtree(x2, y2, k)
                b = knn_bruteforce(x2, y2, k)
                assert abs(a - b) <= 1e-12 * max(1, abs(a)), (name, k, a, b)
                case['knn'][str(k)] = a
        else:
            case['knnSkip'] = {str(k): knn_bruteforce(x2, y2, k, skip_zero=True) for k in (1, 3)}
        if d == 1:
            a = perez_cruz(x2[:, 0], y2[:, 0])
            b = perez_cruz_slopes(x2[:, 0], y2[:, 0])
            assert abs(a - b) <= 1e-10 * max(1, abs(b)), (name, a, b)
            case['perezCruz'] = a
        case['x'] = x.tolist()
        case['y'] = y.tolist()
        cases.append(case)

    add('1-D normal, n 200, m 300', r6(rng.normal(0, 1, 200)), r6(rng.normal(0.5, 1.5, 300)))
    add('1-D small, n 12, m 9', r6(rng.normal(0, 1, 12)), r6(rng.normal(1, 1, 9)))
    add('1-D exponential vs normal, n 150, m 80', r6(rng.exponential(1, 150)), r6(rng.normal(1, 1, 80)))
    add('2-D correlated, n 300, m 250', r6(rng.multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], 300)),
        r6(rng.normal(0, 1, (250, 2))))
    add('2-D clusters at two scales, n 200, m 150',
        r6(np.concatenate([rng.normal(0, 0.01, (100, 2)), rng.normal(5, 1, (100, 2))])),
        r6(rng.normal(2, 2, (150, 2))))
    add('3-D student t (heavy tails), n 150, m 100', r6(rng.standard_t(2, (150, 3))), r6(rng.normal(0, 1, (100, 3))))
    add('5-D, n 200, m 220', r6(rng.normal(0, 1, (200, 5))), r6(rng.normal(0.3, 1.2, (220, 5))))
    add('12-D (brute force by default), n 80, m 90', r6(rng.normal(0, 1, (80, 12))), r6(rng.normal(0, 1.1, (90, 12))))
    add('50-D, n 60, m 70', r6(rng.normal(0, 1, (60, 50))), r6(rng.normal(0.2, 1, (70, 50))))
    # ties: values on a grid (kNN 'skip' and the tie-merging Perez-Cruz)
    add('1-D ties (grid 0.25), n 60, m 50', np.round(rng.normal(0, 1, 60) * 4) / 4,
        np.round(rng.normal(0.5, 1, 50) * 4) / 4, ties=True)
    add('2-D ties (grid 0.5), n 80, m 70', np.round(rng.normal(0, 1, (80, 2)) * 2) / 2,
        np.round(rng.normal(0.3, 1, (70, 2)) * 2) / 2, ties=True)
    return cases


# closed forms, in the parameterisations of kldiv/distributions (torch.distributions)
def kl_normal(p, q):
    return math.log(q['scale'] / p['scale']) + (p['scale'] ** 2 + (p['loc'] - q['loc']) ** 2) / (2 * q['scale'] ** 2) - 0.5


def kl_mvn(p, q):
    mp, mq = np.array(p['loc']), np.array(q['loc'])
    sp, sq = np.array(p['covarianceMatrix']), np.array(q['covarianceMatrix'])
    d = mp.size
    iq = np.linalg.inv(sq)
    diff = mq - mp
    return 0.5 * (np.trace(iq @ sp) + diff @ iq @ diff - d + math.log(np.linalg.det(sq) / np.linalg.det(sp)))


def kl_gamma(p, q):
    ap, bp, aq, bq = p['concentration'], p['rate'], q['concentration'], q['rate']
    return ((ap - aq) * special.digamma(ap) - special.gammaln(ap) + special.gammaln(aq)
            + aq * (math.log(bp) - math.log(bq)) + ap * (bq - bp) / bp)


def kl_beta(p, q):
    a1, b1, a2, b2 = p['concentration1'], p['concentration0'], q['concentration1'], q['concentration0']
    lbeta = lambda a, b: special.gammaln(a) + special.gammaln(b) - special.gammaln(a + b)
    return (lbeta(a2, b2) - lbeta(a1, b1) + (a1 - a2) * special.digamma(a1) + (b1 - b2) * special.digamma(b1)
            + (a2 - a1 + b2 - b1) * special.digamma(a1 + b1))


def kl_laplace(p, q):
    ratio = p['scale'] / q['scale']
    diff = abs(p['loc'] - q['loc'])
    return -math.log(ratio) + diff / q['scale'] + ratio * math.exp(-diff / p['scale']) - 1


def draw(rng, family, params, n):
    if family == 'Normal':
        return rng.normal(params['loc'], params['scale'], n)
    if family == 'MultivariateNormal':
        return rng.multivariate_normal(params['loc'], params['covarianceMatrix'], n)
    if family == 'Gamma':
        return rng.gamma(params['concentration'], 1 / params['rate'], n)
    if family == 'Beta':
        return rng.beta(params['concentration1'], params['concentration0'], n)
    if family == 'Laplace':
        return rng.laplace(params['loc'], params['scale'], n)
    raise ValueError(family)


KL = {'Normal': kl_normal, 'MultivariateNormal': kl_mvn, 'Gamma': kl_gamma, 'Beta': kl_beta, 'Laplace': kl_laplace}

CORR5 = (0.5 * np.eye(5) + 0.5 * np.full((5, 5), 0.3) + np.diag([0.5, 0.3, 0.2, 0.1, 0.0])).tolist()

PAIRS = [
    ('Normal', {'loc': 0, 'scale': 1}, {'loc': 1, 'scale': 1.5}),
    ('MultivariateNormal', {'loc': [0, 0], 'covarianceMatrix': [[1, 0.5], [0.5, 1]]},
     {'loc': [1, 0], 'covarianceMatrix': [[1, 0], [0, 1]]}),
    ('MultivariateNormal', {'loc': [0] * 5, 'covarianceMatrix': CORR5},
     {'loc': [0.5, 0, -0.5, 0, 0.5], 'covarianceMatrix': np.eye(5).tolist()}),
    ('Gamma', {'concentration': 2, 'rate': 1}, {'concentration': 3, 'rate': 2}),
    ('Beta', {'concentration1': 2, 'concentration0': 3}, {'concentration1': 3, 'concentration0': 2}),
    ('Laplace', {'loc': 0, 'scale': 1}, {'loc': 0.5, 'scale': 2}),
]


def convergence(rng, reps=300, n=2000):
    out = []
    for family, p, q in PAIRS:
        truth = float(KL[family](p, q))
        d = 1 if family != 'MultivariateNormal' else len(p['loc'])
        estimators = [('knn', k) for k in (1, 5)] + ([('perezCruz', None)] if d == 1 else [])
        values = {e: [] for e in estimators}
        for _ in range(reps):
            x = draw(rng, family, p, n)
            y = draw(rng, family, q, n)
            x2 = x.reshape(n, d)
            y2 = y.reshape(n, d)
            for e in estimators:
                values[e].append(knn_ckdtree(x2, y2, e[1]) if e[0] == 'knn' else perez_cruz_slopes(x, y))
        for (name, k), v in values.items():
            v = np.array(v)
            row = {'family': family, 'p': p, 'q': q, 'd': d, 'n': n, 'm': n, 'estimator': name,
                   'truth': truth, 'mean': float(v.mean()), 'bias': float(v.mean() - truth),
                   'sd': float(v.std(ddof=1)), 'reps': reps}
            if k is not None:
                row['k'] = k
            out.append(row)
            print(f'{family:20s} d={d} {name:9s} k={k}: truth {truth:.4f} bias {row["bias"]:+.4f} sd {row["sd"]:.4f}',
                  file=sys.stderr)
    return out


def main():
    rng = np.random.default_rng(SEED)
    doc = {
        'generator': 'tools/samples/gen_knn_cases.py',
        'versions': {'numpy': np.__version__, 'scipy': scipy.__version__},
        'exact': exact_cases(rng),
        'convergence': convergence(rng),
    }
    with open(OUT, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {OUT} ({os.path.getsize(OUT)} bytes)', file=sys.stderr)


if __name__ == '__main__':
    main()
