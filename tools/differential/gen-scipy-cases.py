#!/usr/bin/env python3
"""Writes test/data/scipy-cases.json: kldiv/scipy's four functions against SciPy 1.10.

Run from the repository root: /usr/bin/python3 tools/differential/gen-scipy-cases.py
(Debian python3-scipy 1.10.1, numpy 1.24; seeded).

Cases
- SciPy's own concrete cases: stats/tests/test_entropy.py (TestEntropy), spatial/tests/
  test_distance.py (test_jensenshannon, and the pdist-double-inp rows pairwise as
  test_pdist_jensenshannon_random does), special/tests/test_basic.py (test_rel_entr,
  test_kl_div grids), plus the issue-15 repros.
- Randomised (numpy.random.default_rng(SEED)): ranks 0-4, broadcasting both ways, size-1 and
  size-0 dims, axis in [-ndim, ndim) and None, base None/2/10/0.5/e, keepdims for
  jensenshannon, qk omitted for entropy, and special values (0, negatives, nan, inf) mixed in;
  plus reductions of 8-300 elements, where NumPy sums pairwise.
  Calls SciPy raises for (AxisError, broadcast ValueError) are recorded as errors.

Tolerance (per case, float64): rtol = 4 eps throughout (V8's log and glibc's may differ by an
ulp); kl_div's x log(x/y) - x + y cancels, so it adds atol = 4 eps max(|x log(x/y)| + |x| + |y|).
Reductions: SciPy sums pairwise and V8's log may differ from glibc's by an ulp, so the bound is
derived from the sum's conditioning: atol = 4 (n + 2) eps (sum|terms| + sum|p|) / |ln base|,
where n is the reduced length; for jensenshannon that bound d on the divergence becomes
sqrt((js + d) / 2) - sqrt(js / 2) on the distance.
"""
import math
import os
import sys
import warnings

import numpy as np
import scipy
from scipy import special, stats
from scipy.spatial import distance

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Rng, broadcast_partner, dump  # noqa: E402
from common import spec as common_spec  # noqa: E402

SEED = 20261202
EPS = np.finfo(np.float64).eps


def spec(a):
    """float64 data, never base64."""
    return common_spec(np.asarray(a, dtype=np.float64), base64_above=None)


def reduced_len(shape, axis):
    if axis is None:
        return int(np.prod(shape)) if len(shape) else 1
    return shape[axis] if len(shape) else 1


def entropy_tol(pk, qk, base, axis):
    with np.errstate(all="ignore"):
        p = np.asarray(pk, dtype=float)
        p = p / np.sum(p, axis=axis, keepdims=True)
        if qk is None:
            terms = special.entr(p)
        else:
            p, q = np.broadcast_arrays(p, np.asarray(qk, dtype=float))
            q = q / np.sum(q, axis=axis, keepdims=True)
            terms = special.rel_entr(p, q)
        n = reduced_len(terms.shape, None if axis is None else axis)
        mag = np.sum(np.abs(terms), axis=axis) + np.sum(np.abs(p), axis=axis)
    scale = 1.0 if base is None else abs(math.log(base))
    bound = np.nanmax(np.where(np.isfinite(mag), mag, 0.0)) if np.size(mag) else 0.0
    return 4 * (n + 2) * EPS * float(bound) / scale


def js_tol(p, q, base, axis, result):
    with np.errstate(all="ignore"):
        p = np.asarray(p, dtype=float)
        q = np.asarray(q, dtype=float)
        p = p / np.sum(p, axis=axis, keepdims=True)
        q = q / np.sum(q, axis=axis, keepdims=True)
        m = (p + q) / 2.0
        terms = np.abs(special.rel_entr(p, m)) + np.abs(special.rel_entr(q, m))
        pb, qb = np.broadcast_arrays(p, q)
        n = reduced_len(terms.shape, axis)
        mag = np.sum(terms, axis=axis) + np.sum(np.abs(pb) + np.abs(qb), axis=axis)
        scale = 1.0 if base is None else abs(math.log(base))
        d = 4 * (n + 2) * EPS * mag / scale
        r = np.asarray(result, dtype=float)
        js = 2 * r.reshape(np.shape(d)) ** 2 if np.shape(d) == r.shape else 2 * r ** 2
        tol = np.sqrt((js + d) / 2) - np.sqrt(js / 2)
        tol = np.where(np.isfinite(tol), tol, 0.0)
    return float(np.max(tol)) if np.size(tol) else 0.0


cases = []


def add(name, fn, args, options, source):
    """Runs SciPy; records the result (or the error) with a derived tolerance."""
    arrs = [None if a is None else np.asarray(a, dtype=np.float64) for a in args]
    opts = {k: v for k, v in (options or {}).items()}
    case = {"name": name, "fn": fn, "source": source,
            "args": [None if a is None else spec(a) for a in arrs]}
    if opts:
        case["options"] = opts
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            if fn == "relEntr":
                out = special.rel_entr(arrs[0], arrs[1])
            elif fn == "scipyKlDiv":
                out = special.kl_div(arrs[0], arrs[1])
            elif fn == "entropy":
                out = stats.entropy(arrs[0], arrs[1], base=opts.get("base"), axis=opts.get("axis", 0))
            else:
                out = distance.jensenshannon(arrs[0], arrs[1], base=opts.get("base"),
                                             axis=opts.get("axis", 0), keepdims=opts.get("keepdims", False))
    except Exception as e:  # noqa: BLE001 - SciPy's error is the expected outcome
        case["error"] = {"type": type(e).__name__, "message": str(e)}
        cases.append(case)
        return
    case["expected"] = spec(out)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if fn == "relEntr":
            atol = 0.0
        elif fn == "scipyKlDiv":
            # x log(x/y) - x + y cancels: an ulp of log(x/y) is eps (|x log(x/y)| + |x| + |y|) absolute.
            x, y = np.broadcast_arrays(arrs[0], arrs[1])
            mag = np.abs(special.rel_entr(x, y)) + np.abs(x) + np.abs(y)
            mag = mag[np.isfinite(mag)]
            atol = 4 * EPS * float(mag.max()) if mag.size else 0.0
        elif fn == "entropy":
            atol = entropy_tol(arrs[0], arrs[1], opts.get("base"), opts.get("axis", 0))
        else:
            atol = js_tol(arrs[0], arrs[1], opts.get("base"), opts.get("axis", 0), out)
    case["tolerance"] = {"rtol": 4 * EPS, "atol": atol}
    cases.append(case)


def scipy_own():
    te = "scipy/stats/tests/test_entropy.py::TestEntropy"
    add("test_entropy_positive self", "entropy", [[0.5, 0.2, 0.3], [0.5, 0.2, 0.3]], None, te)
    add("test_entropy_positive", "entropy", [[0.5, 0.2, 0.3], [0.1, 0.25, 0.65]], None, te)
    add("test_entropy_base", "entropy", [np.ones(16), None], {"base": 2.0}, te)
    qk = np.ones(16)
    qk[:8] = 2.0
    add("test_entropy_base qk", "entropy", [np.ones(16), qk], None, te)
    add("test_entropy_base qk base 2", "entropy", [np.ones(16), qk], {"base": 2.0}, te)
    add("test_entropy_zero", "entropy", [[0, 1, 2], None], None, te)
    pk = [[0.1, 0.2], [0.6, 0.3], [0.3, 0.5]]
    qk2 = [[0.2, 0.1], [0.3, 0.6], [0.5, 0.3]]
    add("test_entropy_2d", "entropy", [pk, qk2], None, te)
    qz = [[0.0, 0.1], [0.3, 0.6], [0.5, 0.3]]
    add("test_entropy_2d_zero", "entropy", [pk, qz], None, te)
    add("test_entropy_2d_zero pk0", "entropy", [[[0.0, 0.2], [0.6, 0.3], [0.3, 0.5]], qz], None, te)
    add("test_entropy_base_2d_nondefault_axis", "entropy", [pk, None], {"axis": 1}, te)
    add("test_entropy_2d_nondefault_axis", "entropy", [pk, qk2], {"axis": 1}, te)
    add("test_entropy_raises_value_error", "entropy", [pk, [[0.1, 0.2], [0.6, 0.3]]], None, te)
    add("test_base_entropy_with_axis_0", "entropy", [pk, None], {"axis": 0}, te)
    add("test_entropy_transposed", "entropy", [np.array(pk).T, np.array(qk2).T], None, te)
    rng = Rng(SEED)
    x = rng.random(3)
    y = rng.random((2, 1))
    add("test_entropy_broadcasting", "entropy", [x, y], {"axis": -1}, te)
    add("test_entropy_broadcasting y[0]", "entropy", [x, y[0]], None, te)
    add("issue 15 entropy broadcasting", "entropy", [[0.2, 0.5, 0.3], [[0.1], [0.7]]], {"axis": -1}, "issue 15")
    add("test_entropy_shape_mismatch", "entropy", [rng.random((10, 1, 12)), rng.random((11, 2))], None, te)

    td = "scipy/spatial/tests/test_distance.py::test_jensenshannon"
    add("jensenshannon base 2", "jensenShannon", [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], {"base": 2.0}, td)
    add("jensenshannon half", "jensenShannon", [[1.0, 0.0], [0.5, 0.5]], None, td)
    add("jensenshannon equal", "jensenShannon", [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]], None, td)
    for axis in (0, 1):
        for keepdims in (False, True):
            add(f"jensenshannon 2d axis {axis} keepdims {keepdims}", "jensenShannon",
                [[[1.0, 2.0]], [[0.5, 1.5]]], {"axis": axis, "keepdims": keepdims}, td)
    a = np.arange(1, 13).reshape(3, 4)
    b = np.arange(13, 25).reshape(3, 4)
    add("jensenshannon a b axis 0", "jensenShannon", [a, b], {"axis": 0}, td)
    add("jensenshannon a b axis 1", "jensenShannon", [a, b], {"axis": 1}, td)
    add("issue 15 jensenshannon normalises before broadcasting", "jensenShannon",
        [[[1], [2], [3]], [[1, 2, 3, 4], [1, 1, 1, 1], [4, 3, 2, 1]]], {"axis": 1}, "issue 15")
    X = np.loadtxt(os.path.join(os.path.dirname(scipy.__file__), "spatial", "tests", "data",
                                "pdist-double-inp.txt"))
    add("pdist-double-inp rows pairwise", "jensenShannon", [X[:, None, :], X[None, :, :]], {"axis": -1},
        "scipy/spatial/tests/test_distance.py::test_pdist_jensenshannon_random")

    tb = "scipy/special/tests/test_basic.py"
    values = (0, 0.5, 1.0)
    grid = [(sa * va, sb * vb) for sa in (-1, 1) for va in values for sb in (-1, 1) for vb in values]
    xs = np.array([g[0] for g in grid])
    ys = np.array([g[1] for g in grid])
    add("test_rel_entr grid", "relEntr", [xs, ys], None, tb + "::test_rel_entr")
    add("test_kl_div grid", "scipyKlDiv", [xs, ys], None, tb + "::test_kl_div")
    sp = np.array([0.0, -0.0, 1e-300, 5e-324, 0.5, 1.0, 2.0, 1e300, np.inf, -np.inf, np.nan, -1.0])
    add("special values outer rel_entr", "relEntr", [sp[:, None], sp[None, :]], None, "SciPy 1.10 C kernels")
    add("special values outer kl_div", "scipyKlDiv", [sp[:, None], sp[None, :]], None, "SciPy 1.10 C kernels")


SPECIALS = [0.0, -0.5, np.nan, np.inf, 1e-300, 1e300]


def rand_shape(rng, rank, allow_zero):
    """Dims of 0 (when allowed, 5%), 1 (25-30%) or 2 to 5."""
    dims = []
    for _ in range(rank):
        r = rng.random()
        dims.append(0 if (allow_zero and r < 0.05) else 1 if r < 0.3 else rng.int(2, 5))
    return dims


def rand_values(rng, shape, special_rate):
    a = np.asarray(rng.random(shape) * rng.choice([1.0, 10.0, 1e-3]))
    if special_rate and a.size:
        mask = rng.random(shape) < special_rate
        a[mask] = rng.g.choice(SPECIALS, size=int(mask.sum()))
    return a


def randomised(n):
    rng = Rng(SEED + 1)
    bases = [None, 2.0, 10.0, 0.5, math.e]
    for i in range(n):
        fn = ["entropy", "jensenShannon", "relEntr", "scipyKlDiv"][i % 4]
        rank = rng.int(0, 4)
        shape_a = rand_shape(rng, rank, allow_zero=rng.bool(0.3))
        shape_b = broadcast_partner(rng, shape_a, lead_prob=0.3)
        if rng.bool(0.5):
            shape_a, shape_b = shape_b, shape_a
        special_rate = 0.15 if rng.bool(0.3) else 0.0
        a = rand_values(rng, shape_a, special_rate)
        b = rand_values(rng, shape_b, special_rate)
        if rng.bool(0.05):
            b = rand_values(rng, rand_shape(rng, rng.int(1, 3), False), 0.0)  # may not broadcast
        opts = {}
        if fn in ("entropy", "jensenShannon"):
            ndim = max(len(shape_a), len(shape_b), 1)
            r = rng.random()
            opts["axis"] = None if r < 0.1 else rng.int(-ndim, ndim - 1)
            base = rng.choice(bases)
            if base is not None:
                opts["base"] = base
            if fn == "jensenShannon" and rng.bool(0.4):
                opts["keepdims"] = rng.bool(0.5)
        args = [a, None if (fn == "entropy" and rng.bool(0.25)) else b]
        add(f"random {i} {fn} {list(np.shape(a))} {list(np.shape(b))} {opts}", fn, args, opts, f"random seed {SEED + 1}")


def long_axis(n):
    """Long reductions, where NumPy's pairwise summation and a running sum part ways."""
    rng = Rng(SEED + 2)
    for i in range(n):
        fn = ["entropy", "jensenShannon"][i % 2]
        length = rng.int(8, 299)
        rows = rng.int(1, 3)
        axis = rng.choice([-1, 1])
        a = rng.random((rows, length)) ** 3
        b = rng.random((rows, length)) ** 3
        add(f"long axis {i} {fn} [{rows}, {length}]", fn, [a, b], {"axis": axis}, f"random seed {SEED + 2}")


def main():
    scipy_own()
    randomised(600)
    long_axis(20)
    meta = {"generator": "tools/differential/gen-scipy-cases.py", "scipy": scipy.__version__,
            "numpy": np.__version__, "seed": SEED}
    out = dump("scipy-cases.json", meta, cases)
    errors = sum(1 for c in cases if "error" in c)
    print(f"wrote {len(cases)} cases ({errors} SciPy errors) to {os.path.relpath(out)}")


if __name__ == "__main__":
    main()
