#!/usr/bin/env python3
"""Writes test/data/samples/counts-cases.json and binned-cases.json: kldiv/samples' count
estimators and binned drift measures against SciPy 1.10 / NumPy 1.24.

Run from the repository root: /usr/bin/python3 tools/samples/gen_counts_cases.py
(Debian python3-scipy 1.10.1, numpy 1.24.2; seeded, so the output is fixed).

counts-cases.json (klDivergenceFromCounts, entropyFromCounts)
- plugin: scipy.stats.entropy(counts + a) or scipy.stats.entropy(countsP + a, countsQ + a),
  a the pseudo-count of the smoothing, with `base`.
- bias (correction 'miller-madow'), in nats then divided by ln(base):
  entropy: -(K_obs - 1) / (2n), K_obs the non-zero bins (Miller 1955);
  KL: (K_p - 1) / (2n) + (sum_{p_i > 0} p_i / q_i - 1) / (2m) at the empirical proportions
  (the delta-method bias derived in src/samples/kl-divergence-from-counts.ts);
  estimate = plugin - bias. infiniteBins: bins with P mass and no Q mass after smoothing.
- atol = 1e-12 (sum_i |term_i| + |bias| ln(base)) / |ln(base)|: 1e-12 relative to the sum's
  conditioning (the KL terms p log(p/q) have both signs; SciPy sums pairwise, kldiv with
  Neumaier's compensation, and V8's log may differ from glibc's by an ulp).

binned-cases.json (binnedDivergence), datasets shared by several cases:
- edges: np.histogram_bin_edges(reference, k) for an integer k, np.histogram_bin_edges(
  reference, 'fd'), np.unique(np.quantile(reference, np.linspace(0, 1, k + 1))) for 'quantile'
  (a single unique value v gives [v - 0.5, v + 0.5], NumPy's rule for an empty range), or the
  explicit edges. Compared exactly: kldiv repeats NumPy's arithmetic.
- counts: np.histogram(np.clip(x, edges[0], edges[-1]), edges): the outer bins take the values
  outside the edges. Categorical: sorted(set(reference) | set(current)) and per-category counts.
- r, c: reference and current proportions. kl: scipy.stats.entropy(r, c, base), with zeros of
  both replaced by epsilon first when epsilon > 0 (entropy renormalises). psi: sum (c' - r') *
  log(c' / r') with zeros replaced by epsilon (default 1e-4), no renormalisation; without
  epsilon a bin empty on one side only is +inf, on both sides 0. js: scipy.spatial.distance.
  jensenshannon(r, c, base), the divergence its square. hellinger: sqrt(sum (sqrt r - sqrt c)^2
  / 2).
- atol: kl 1e-12 sum|terms| / |ln base|; psi and hellinger (non-negative terms) 1e-12 value;
  js divergence 1e-12 sum|terms| / |ln base| / 2, and the distance sqrt(D + atol_D) - sqrt(D)
  (plus 1e-12 distance).
Non-finite numbers are written as the strings "Infinity" / "NaN" (JSON has no literals).
"""
import json
import math
import os
import sys

import numpy as np
import scipy
from scipy import special, stats
from scipy.spatial import distance

SEED = 20261203
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
OUT = os.path.join(ROOT, 'test', 'data', 'samples')
RTOL = 1e-12
SMOOTHING = {'none': 0.0, 'laplace': 1.0, 'jeffreys': 0.5}

rng = np.random.default_rng(SEED)


def num(x):
    x = float(x)
    if math.isnan(x):
        return 'NaN'
    if math.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    return x


def counts_list(a):
    return [int(v) if float(v).is_integer() else float(v) for v in a]


def pseudo(smoothing):
    return SMOOTHING[smoothing] if isinstance(smoothing, str) else float(smoothing)


def ln_base(base):
    return 1.0 if base is None else math.log(base)


def entropy_case(name, counts, smoothing='none', correction='none', base=None):
    counts = np.asarray(counts, dtype=np.float64)
    a = pseudo(smoothing)
    smoothed = counts + a
    plugin = stats.entropy(smoothed, base=base)
    p = smoothed / smoothed.sum()
    terms = special.entr(p)
    bias_nats = 0.0
    if correction == 'miller-madow':
        bias_nats = -(np.count_nonzero(counts) - 1) / (2 * counts.sum())
    lb = ln_base(base)
    bias = bias_nats / lb
    options = {}
    if smoothing != 'none':
        options['smoothing'] = smoothing
    if correction != 'none':
        options['correction'] = correction
    if base is not None:
        options['base'] = base
    return {
        'name': name,
        'fn': 'entropy',
        'counts': counts_list(counts),
        'options': options,
        'expected': {'plugin': num(plugin), 'bias': num(bias), 'estimate': num(plugin - bias)},
        'atol': num(RTOL * (np.sum(np.abs(terms)) + abs(bias_nats)) / abs(lb)),
    }


def kl_case(name, cp, cq, smoothing='none', correction='none', base=None):
    cp = np.asarray(cp, dtype=np.float64)
    cq = np.asarray(cq, dtype=np.float64)
    a = pseudo(smoothing)
    sp, sq = cp + a, cq + a
    plugin = stats.entropy(sp, sq, base=base)
    p, q = sp / sp.sum(), sq / sq.sum()
    terms = special.rel_entr(p, q)
    infinite = [int(i) for i in np.nonzero((sp > 0) & (sq == 0))[0]]
    lb = ln_base(base)
    bias_nats = 0.0
    if correction == 'miller-madow':
        if math.isinf(plugin):
            bias_nats = math.nan
        else:
            n, m = cp.sum(), cq.sum()
            ph, qh = cp / n, cq / m
            nz = cp > 0
            bias_nats = (np.count_nonzero(cp) - 1) / (2 * n) + (np.sum(ph[nz] / qh[nz]) - 1) / (2 * m)
    bias = bias_nats / lb
    estimate = plugin if math.isinf(plugin) else plugin - bias
    finite_terms = terms[np.isfinite(terms)]
    options = {}
    if smoothing != 'none':
        options['smoothing'] = smoothing
    if correction != 'none':
        options['correction'] = correction
    if base is not None:
        options['base'] = base
    return {
        'name': name,
        'fn': 'kl',
        'countsP': counts_list(cp),
        'countsQ': counts_list(cq),
        'options': options,
        'expected': {
            'plugin': num(plugin),
            'bias': num(bias),
            'estimate': num(estimate),
            'infiniteBins': infinite,
        },
        'atol': num(RTOL * (np.sum(np.abs(finite_terms)) + (0 if math.isnan(bias_nats) else abs(bias_nats))) / abs(lb)),
    }


def random_counts(k, n, zeros=False):
    p = rng.dirichlet(np.full(k, 0.7 if zeros else 3.0))
    return rng.multinomial(n, p)


def counts_cases():
    cases = []
    # hand-picked
    cases.append(entropy_case('uniform 2 bins', [5, 5]))
    cases.append(entropy_case('uniform 2 bins base 2', [5, 5], base=2))
    cases.append(entropy_case('one bin', [7]))
    cases.append(entropy_case('one bin miller-madow', [7], correction='miller-madow'))
    cases.append(entropy_case('zeros ignored', [0, 3, 0, 1]))
    cases.append(entropy_case('zeros laplace', [0, 3, 0, 1], smoothing='laplace'))
    cases.append(entropy_case('4 3 2 1 miller-madow', [4, 3, 2, 1], correction='miller-madow'))
    cases.append(entropy_case('weights', [0.5, 1.25, 2.75]))
    cases.append(kl_case('identical', [3, 5, 2], [3, 5, 2]))
    cases.append(kl_case('scaled copies', [3, 5, 2], [6, 10, 4]))
    cases.append(kl_case('empty Q bin', [3, 1], [4, 0]))
    cases.append(kl_case('empty Q bin laplace', [3, 1], [4, 0], smoothing='laplace'))
    cases.append(kl_case('empty Q bin miller-madow', [3, 1], [4, 0], correction='miller-madow'))
    cases.append(kl_case('empty P bin', [4, 0], [3, 1]))
    cases.append(kl_case('two empty Q bins', [1, 2, 3, 4], [0, 5, 0, 5]))
    cases.append(kl_case('one bin', [9], [2]))
    cases.append(kl_case('30 50 20 vs 25 25 50', [30, 50, 20], [25, 25, 50]))
    cases.append(kl_case('30 50 20 vs 25 25 50 miller-madow', [30, 50, 20], [25, 25, 50], correction='miller-madow'))
    cases.append(kl_case('weights', [0.5, 1.25, 2.75], [1.5, 1.0, 0.125]))
    cases.append(kl_case('jeffreys base 2', [0, 7, 1], [2, 0, 9], smoothing='jeffreys', base=2))
    # randomised
    smoothings = ['none', 'none', 'laplace', 'jeffreys', 0.25, 3.0]
    bases = [None, None, 2, 10, 0.5, math.e]
    for i in range(90):
        k = int(rng.choice([1, 2, 3, 5, 8, 20, 64, 300]))
        zeros = bool(rng.random() < 0.4)
        n = int(rng.choice([5, 20, 100, 1000, 100000]))
        m = int(rng.choice([5, 20, 100, 1000, 100000]))
        smoothing = smoothings[int(rng.integers(len(smoothings)))]
        base = bases[int(rng.integers(len(bases)))]
        weights = rng.random() < 0.15
        correction = 'miller-madow' if smoothing == 'none' and not weights and rng.random() < 0.5 else 'none'
        cp = random_counts(k, n, zeros)
        cq = random_counts(k, m, zeros)
        if cp.sum() == 0 or cq.sum() == 0:
            continue
        if weights:
            cp = np.round(cp * rng.random(k) * 3, 3)
            cq = np.round(cq * rng.random(k) * 3, 3)
            if cp.sum() == 0 or cq.sum() == 0:
                continue
        tag = f'random {i}: K={k} n={int(cp.sum()) if not weights else "w"} m={int(cq.sum()) if not weights else "w"} {smoothing} {correction} base={base}'
        if i % 3 == 0:
            cases.append(entropy_case(tag, cp, smoothing, correction, base))
        else:
            cases.append(kl_case(tag, cp, cq, smoothing, correction, base))
    return cases


# ---- binned -----------------------------------------------------------------------------------

def edges_for(ref, bins, num_bins):
    if isinstance(bins, list):
        return np.asarray(bins, dtype=np.float64)
    if bins == 'fd':
        return np.histogram_bin_edges(ref, 'fd')
    if bins == 'quantile':
        e = np.unique(np.quantile(ref, np.linspace(0, 1, num_bins + 1)))
        return np.array([e[0] - 0.5, e[0] + 0.5]) if len(e) == 1 else e
    return np.histogram_bin_edges(ref, bins)


def measure(name, rc, cc, eps, base):
    r = rc / rc.sum()
    c = cc / cc.sum()
    lb = ln_base(base)
    out = {}
    infinite = []
    if name == 'kl':
        if eps > 0:
            r2, c2 = np.where(r == 0, eps, r), np.where(c == 0, eps, c)
        else:
            r2, c2 = r, c
            infinite = [int(i) for i in np.nonzero((r > 0) & (c == 0))[0]]
        value = stats.entropy(r2, c2, base=base)
        terms = special.rel_entr(r2 / r2.sum(), c2 / c2.sum())
        out['atol'] = RTOL * np.sum(np.abs(terms[np.isfinite(terms)])) / abs(lb)
    elif name == 'psi':
        a, e = np.where(c == 0, eps, c), np.where(r == 0, eps, r)
        terms = []
        for ai, ei, i in zip(a, e, range(len(a))):
            if ai == ei:
                terms.append(0.0)
            elif ai == 0 or ei == 0:
                terms.append(math.inf)
                infinite.append(i)
            else:
                terms.append((ai - ei) * math.log(ai / ei))
        value = float(np.sum(terms))
        out['atol'] = RTOL * value if math.isfinite(value) else 0.0
    elif name == 'js':
        value = distance.jensenshannon(r, c, base=base)
        m = (r + c) / 2
        scale = (np.sum(np.abs(special.rel_entr(r, m))) + np.sum(np.abs(special.rel_entr(c, m)))) / abs(lb) / 2
        d = value * value
        atol_d = RTOL * scale
        out['divergence'] = num(d)
        out['divergenceAtol'] = num(atol_d)
        out['atol'] = math.sqrt(d + atol_d) - math.sqrt(d) + RTOL * value
    else:
        value = math.sqrt(np.sum((np.sqrt(r) - np.sqrt(c)) ** 2) / 2)
        out['atol'] = RTOL * value
    out['value'] = num(value)
    out['atol'] = num(out['atol'])
    out['infiniteBins'] = infinite
    return out


def values_list(x):
    return [float(v) for v in x]


def datasets():
    d = []
    n01 = lambda n, loc=0.0, sc=1.0: np.round(rng.normal(loc, sc, n), 6)  # noqa: E731
    d.append(('normal, no shift', n01(400), n01(300)))
    d.append(('normal, shift 0.3', n01(300), n01(300, 0.3)))
    d.append(('normal, shift 1 scale 1.5', n01(200), n01(250, 1.0, 1.5)))
    d.append(('normal, current far outside', n01(150), n01(100, 6.0)))
    d.append(('lognormal heavy tail', np.round(rng.lognormal(0, 1.2, 300), 6), np.round(rng.lognormal(0.2, 1.0, 200), 6)))
    d.append(('rounded to 0.1 (ties)', np.round(rng.normal(0, 1, 300), 1), np.round(rng.normal(0.2, 1, 300), 1)))
    d.append(('poisson 3 (heavy ties)', rng.poisson(3, 250).astype(float), rng.poisson(3.6, 200).astype(float)))
    d.append(('mostly zeros', np.where(rng.random(200) < 0.8, 0.0, np.round(rng.exponential(2, 200), 3)),
              np.where(rng.random(150) < 0.6, 0.0, np.round(rng.exponential(2, 150), 3))))
    d.append(('constant reference', np.full(40, 5.0), np.round(rng.normal(5, 1, 30), 4)))
    d.append(('small samples', n01(12), n01(9, 0.5)))
    d.append(('uniform, large values', np.round(rng.uniform(1e6, 1e6 + 50, 300), 4), np.round(rng.uniform(1e6 + 5, 1e6 + 60, 300), 4)))
    cats = ['apple', 'banana', 'cherry', 'date', 'elderberry', 'fig', 'Grape', 'été', 'Ωmega']
    d.append(('categorical', list(rng.choice(cats[:6], 200, p=[0.3, 0.25, 0.2, 0.1, 0.1, 0.05])),
              list(rng.choice(cats, 180, p=[0.2, 0.2, 0.2, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05]))))
    d.append(('categorical, disjoint-ish', ['a'] * 10 + ['b'] * 5, ['b'] * 4 + ['c'] * 6))
    d.append(('categorical, identical', ['x', 'y', 'y', 'z'] * 5, ['z', 'y', 'x', 'y'] * 3))
    return d


def binned_cases():
    data = datasets()
    out_sets = []
    cases = []
    for di, (name, ref, cur) in enumerate(data):
        categorical = isinstance(ref, list)
        out_sets.append({'name': name, 'reference': [str(v) for v in ref] if categorical else values_list(ref),
                         'current': [str(v) for v in cur] if categorical else values_list(cur)})
        if categorical:
            cats = sorted(set(map(str, ref)) | set(map(str, cur)))
            index = {c: i for i, c in enumerate(cats)}
            rc = np.zeros(len(cats))
            cc = np.zeros(len(cats))
            for v in ref:
                rc[index[str(v)]] += 1
            for v in cur:
                cc[index[str(v)]] += 1
            binnings = [(None, None, None)]
        else:
            ref_a = np.asarray(ref, dtype=np.float64)
            lo, hi = float(np.min(ref_a)), float(np.max(ref_a))
            explicit = [-math.inf] + list(np.round(np.linspace(lo, hi, 6)[1:-1], 3)) + [math.inf]
            binnings = [(None, None, None), (int(rng.integers(3, 30)), None, None), ('fd', None, None),
                        ('quantile', None, None), ('quantile', int(rng.integers(2, 25)), None)]
            if len(set(explicit)) == len(explicit):  # a constant reference has no interior edges
                binnings.append(('explicit', None, explicit))
        for bins, num_bins, explicit in binnings:
            options = {}
            if not categorical:
                if bins == 'explicit':
                    edges = np.asarray(explicit)
                    options['bins'] = [num(v) for v in explicit]
                else:
                    edges = edges_for(ref_a, 10 if bins is None else bins, 10 if num_bins is None else num_bins)
                    if bins is not None:
                        options['bins'] = bins
                    if num_bins is not None:
                        options['numBins'] = num_bins
                rc = np.histogram(np.clip(ref_a, edges[0], edges[-1]), edges)[0].astype(np.float64)
                cc = np.histogram(np.clip(np.asarray(cur, dtype=np.float64), edges[0], edges[-1]), edges)[0].astype(np.float64)
            for meas in ['kl', 'js', 'psi', 'hellinger']:
                variants = {'kl': [(None, None), (1e-4, None), (None, 2)], 'js': [(None, None), (None, 2)],
                            'psi': [(None, None), (0, None), (1e-6, None)], 'hellinger': [(None, None)]}[meas]
                for eps, base in variants:
                    o = dict(options, measure=meas)
                    if eps is not None:
                        o['epsilon'] = eps
                    if base is not None:
                        o['base'] = base
                    used_eps = eps if eps is not None else (1e-4 if meas == 'psi' else 0.0)
                    expected = measure(meas, rc, cc, used_eps, base)
                    expected['referenceCounts'] = [int(v) for v in rc]
                    expected['currentCounts'] = [int(v) for v in cc]
                    expected['epsilon'] = used_eps
                    if categorical:
                        expected['categories'] = cats
                    else:
                        expected['edges'] = [num(v) for v in edges]
                    cases.append({'name': f'{name} | bins={o.get("bins", "default") if not isinstance(o.get("bins"), list) else "explicit"} numBins={o.get("numBins", "-")} {meas} eps={eps} base={base}',
                                  'dataset': di, 'options': o, 'expected': expected})
    return out_sets, cases


def write(name, payload):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(payload, f, separators=(',', ':'), allow_nan=False, ensure_ascii=False)
        f.write('\n')


def main():
    meta = {'generator': 'tools/samples/gen_counts_cases.py', 'scipy': scipy.__version__,
            'numpy': np.__version__, 'seed': SEED}
    write('counts-cases.json', {'meta': meta, 'cases': counts_cases()})
    sets, cases = binned_cases()
    write('binned-cases.json', {'meta': meta, 'datasets': sets, 'cases': cases})


if __name__ == '__main__':
    sys.exit(main())
