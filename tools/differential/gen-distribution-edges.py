#!/usr/bin/env python3
"""Writes test/data/distribution-edges.json: torch.distributions 1.13 at the edges.

Run from the repository root: /usr/bin/python3 tools/differential/gen-distribution-edges.py
(Debian python3-torch 1.13; seeded).

Cases (each in float32 and float64 unless noted):
- logProb at the edges of every family's support (probs 0/1 for Bernoulli, Binomial,
  Geometric, Categorical, OneHotCategorical; Beta / Dirichlet at 0 and 1; Uniform bounds;
  Exponential, Gamma, HalfNormal at 0; Pareto at its scale; Poisson with rate 0; infinite
  values on the real line), under PyTorch's default validation;
- mean / variance / stddev / entropy at parameter edges (probs 0 / 1, Pareto alpha <= 2, tiny
  and huge concentrations) and with invalid parameters under validate_args=False
  (PyTorch evaluates its formulas as written: Normal.stddev is the scale itself);
- ContinuousBernoulli with probs outside [0, 1] under each validate_args setting (its `probs`:
  torch 1.13 clamps them when validate_args is unset and raises when it is given);
- Independent.log_prob broadcasting the value against batch + event shape, with seeded values.
An `error` records PyTorch's exception type and message instead of an `expected` tensor.

Tolerance: rtol 4 eps(dtype) and atol 0: edge values are exact (0, -inf, a single log) in
PyTorch, so any slack would hide the bug this file guards against. Cases that sum or
cancel large terms carry atol = 8 eps(dtype) * (sum of the magnitudes of the terms), stated as
`scale` in the case; float64 entropies built from lgamma / digamma add 1e-14 per unit of
coefficient (`special`), the accuracy docs/numerics.md states for those functions. The test
also requires every value PyTorch gives as exactly 0 to be exactly 0, whatever the tolerance.
"""
import math
import os
import sys
import warnings

import torch
from torch import distributions as D

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import dump  # noqa: E402
from common import spec as common_spec  # noqa: E402

SEED = 1513
# docs/numerics.md: kldiv's lgamma / digamma are within 1e-14 absolute (1e-13 relative) of SciPy.
SPECIAL_ABS = 1e-14
inf = math.inf
nan = math.nan


def spec(t):
    """Data in full, never base64."""
    return common_spec(t, base64_above=None)


def camel(s):
    head, *rest = s.split("_")
    return head + "".join(w.title() for w in rest)


cases = []


def run(fn):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(), None
    except Exception as e:  # noqa: BLE001 - PyTorch's error is the expected outcome
        return None, {"type": type(e).__name__, "message": str(e).split("\n")[0]}


def add(name, family, params, op, value=None, *, dtype, validate=None, scale=0.0, special=0.0):
    tparams = {k: torch.tensor(v, dtype=dtype) for k, v in params.items()}
    kwargs = dict(tparams)
    if validate is not None:
        kwargs["validate_args"] = validate
    case = {"name": f"{name} {str(dtype)[6:]}", "family": family,
            "params": {camel(k): spec(v) for k, v in tparams.items()}, "op": op}
    if validate is not None:
        case["validateArgs"] = validate
    tvalue = None if value is None else torch.tensor(value, dtype=dtype)
    if tvalue is not None:
        case["value"] = spec(tvalue)
    d, err = run(lambda: getattr(D, family)(**kwargs))
    if err is None:
        if op == "logProb":
            out, err = run(lambda: d.log_prob(tvalue))
        elif op == "entropy":
            out, err = run(lambda: d.entropy())
        else:
            out, err = run(lambda: getattr(d, op))
    if err is not None:
        case["error"] = err
    else:
        case["expected"] = spec(out)
        eps = torch.finfo(dtype).eps
        atol = 8 * eps * scale + (SPECIAL_ABS * special if dtype == torch.float64 else 0.0)
        case["tolerance"] = {"rtol": 4 * eps, "atol": atol}
        if scale:
            case["scale"] = scale
    cases.append(case)


def edges(dtype):
    f = lambda *a, **k: add(*a, dtype=dtype, **k)  # noqa: E731
    # Binary families: probs at 0 and 1, values at the ends of the support.
    for p in (0.0, 1.0):
        f(f"Bernoulli probs {p}", "Bernoulli", {"probs": [p, p]}, "logProb", [0.0, 1.0])
        f(f"Geometric probs {p}", "Geometric", {"probs": [p, p, p]}, "logProb", [0.0, 1.0, 5.0])
        f(f"Binomial probs {p} at 0, n/2, n", "Binomial", {"total_count": [10.0] * 3, "probs": [p] * 3},
          "logProb", [0.0, 5.0, 10.0], scale=200.0)
        f(f"ContinuousBernoulli probs {p}", "ContinuousBernoulli", {"probs": [p] * 3}, "logProb", [0.0, 0.5, 1.0],
          scale=20.0)
        f(f"Categorical probs one-hot {p}", "Categorical",
          {"probs": [[1.0 - p, p, 0.0]]}, "logProb", [0.0, 1.0, 2.0])
        f(f"OneHotCategorical probs one-hot {p}", "OneHotCategorical",
          {"probs": [1.0 - p, p, 0.0]}, "logProb", [[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]])
    for logit in (-inf, inf, 40.0, -40.0):
        f(f"Bernoulli logits {logit}", "Bernoulli", {"logits": [logit, logit]}, "logProb", [0.0, 1.0])
        f(f"Binomial logits {logit}", "Binomial", {"total_count": [10.0, 10.0], "logits": [logit, logit]},
          "logProb", [0.0, 10.0], scale=400.0)
        f(f"Geometric logits {logit}", "Geometric", {"logits": [logit, logit]}, "logProb", [0.0, 3.0])
    f("Binomial total_count 0", "Binomial", {"total_count": [0.0, 0.0], "probs": [0.0, 1.0]}, "logProb", [0.0, 0.0])
    f("Binomial probs 0.5 edges", "Binomial", {"total_count": [7.0] * 2, "probs": [0.5] * 2}, "logProb",
      [0.0, 7.0], scale=30.0)
    f("Categorical logits -inf", "Categorical", {"logits": [[0.0, -inf, 1.0]]}, "logProb", [0.0, 1.0, 2.0],
      scale=4.0)
    # Continuous families with a bounded support.
    for a, b in ((1.0, 1.0), (2.0, 3.0), (0.5, 0.5), (1.0, 2.0), (2.0, 1.0)):
        f(f"Beta({a}, {b}) at 0, 1/2, 1", "Beta", {"concentration1": [a] * 3, "concentration0": [b] * 3},
          "logProb", [0.0, 0.5, 1.0], scale=4.0)
    for c in ([1.0, 1.0, 1.0], [2.0, 1.0, 3.0], [0.5, 1.0, 1.0]):
        f(f"Dirichlet {c} at a vertex", "Dirichlet", {"concentration": [c, c]}, "logProb",
          [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], scale=4.0)
    f("Uniform at low, mid, high", "Uniform", {"low": [0.0] * 3, "high": [2.0] * 3}, "logProb", [0.0, 1.0, 2.0])
    f("Uniform outside", "Uniform", {"low": [0.0], "high": [2.0]}, "logProb", [2.5])
    f("Exponential at 0", "Exponential", {"rate": [1.0, 3.0]}, "logProb", [0.0, 0.0])
    f("Exponential at inf", "Exponential", {"rate": [1.0]}, "logProb", [inf])
    f("Gamma at 0", "Gamma", {"concentration": [1.0, 2.0, 0.5], "rate": [2.0] * 3}, "logProb", [0.0] * 3,
      scale=4.0)
    f("HalfNormal at 0", "HalfNormal", {"scale": [1.0, 2.0]}, "logProb", [0.0, 0.0], scale=4.0)
    f("Pareto at scale", "Pareto", {"scale": [1.0, 2.0], "alpha": [3.0, 0.5]}, "logProb", [1.0, 2.0], scale=4.0)
    f("Pareto below scale", "Pareto", {"scale": [1.0], "alpha": [3.0]}, "logProb", [0.5])
    f("Poisson rate 0", "Poisson", {"rate": [0.0, 0.0]}, "logProb", [0.0, 2.0])
    f("Poisson at 0", "Poisson", {"rate": [2.0]}, "logProb", [0.0])
    f("LogNormal at 0", "LogNormal", {"loc": [0.0], "scale": [1.0]}, "logProb", [0.0])
    for fam in ("Normal", "Laplace", "Cauchy", "Gumbel"):
        f(f"{fam} at -inf, inf", fam, {"loc": [0.0, 0.0], "scale": [1.0, 1.0]}, "logProb", [-inf, inf])
    f("Normal at nan", "Normal", {"loc": [0.0], "scale": [1.0]}, "logProb", [nan])
    # Unvalidated Categorical gathers at value.long(): outside [0, K) is gather's RuntimeError.
    cat = {"probs": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]}
    for v in ([3.0, 0.0], [0.0, -1.0], [2.5, -0.5], [nan, 0.0], [inf, 0.0], [[1.0], [7.0]]):
        f(f"Categorical unvalidated at {v}", "Categorical", cat, "logProb", v, validate=False)
    # OneHotCategorical builds its inner Categorical without validate_args: always validated.
    f("OneHotCategorical bad probs unvalidated", "OneHotCategorical", {"probs": [[0.1, -10.0, 0.2]]}, "mean",
      validate=False)
    f("OneHotCategorical zero probs unvalidated", "OneHotCategorical", {"probs": [[0.0, 0.0]]}, "mean",
      validate=False)
    # Infinite values: Woodbury's inf - inf for LowRankMultivariateNormal, forward substitution
    # for MultivariateNormal.
    lr = {"loc": [0.0, 1.0], "cov_factor": [[0.5], [0.0]], "cov_diag": [1.0, 2.0]}
    for v in ([inf, 0.0], [0.0, -inf], [nan, 0.0]):
        f(f"LowRankMultivariateNormal at {v}", "LowRankMultivariateNormal", lr, "logProb", v, scale=8.0)
    mvn = {"loc": [0.0, 0.0, 0.0], "covariance_matrix": [[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 1.5]]}
    for v in ([inf, 0.0, 0.0], [0.0, 0.0, inf], [0.0, -inf, 0.0]):
        f(f"MultivariateNormal at {v}", "MultivariateNormal", mvn, "logProb", v, scale=8.0)


INVALID = [
    ("Normal", {"loc": [0.0, 1.0], "scale": [-1.0, -2.0]}),
    ("Laplace", {"loc": [0.0], "scale": [-1.5]}),
    ("Gumbel", {"loc": [0.0], "scale": [-2.0]}),
    ("Cauchy", {"loc": [0.0], "scale": [-1.0]}),
    ("Exponential", {"rate": [-2.0]}),
    ("Uniform", {"low": [1.0], "high": [0.0]}),
    ("HalfNormal", {"scale": [-1.0]}),
    ("LogNormal", {"loc": [0.0], "scale": [-1.0]}),
    ("Gamma", {"concentration": [-1.0], "rate": [2.0]}),
    ("Gamma", {"concentration": [2.0], "rate": [-2.0]}),
    ("Beta", {"concentration1": [-0.5], "concentration0": [2.0]}),
    ("Poisson", {"rate": [-1.0]}),
    ("Pareto", {"scale": [-1.0], "alpha": [3.0]}),
    ("Pareto", {"scale": [1.0], "alpha": [-3.0]}),
    ("Bernoulli", {"probs": [1.5]}),
    ("Geometric", {"probs": [1.5]}),
    ("Binomial", {"total_count": [10.0], "probs": [1.5]}),
    ("Dirichlet", {"concentration": [[-1.0, 2.0]]}),
]


EDGE_STATS = [
    ("Pareto", {"scale": [1.0] * 5, "alpha": [0.5, 1.0, 1.5, 2.0, 3.0]}),
    ("Geometric", {"probs": [1.0, 0.5, 1e-30]}),
    ("Bernoulli", {"probs": [0.0, 1.0]}),
    ("Binomial", {"total_count": [4.0, 4.0], "probs": [0.0, 1.0]}),
    ("ContinuousBernoulli", {"probs": [0.0, 1.0, 0.5, 0.4995]}),
    ("Categorical", {"probs": [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]]}),
    ("OneHotCategorical", {"probs": [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]]}),
    ("Poisson", {"rate": [0.0, 1e-30]}),
    ("Uniform", {"low": [0.0], "high": [1e-300]}),
    ("Beta", {"concentration1": [1.0, 1e-3], "concentration0": [1.0, 1e3]}),
    ("Gamma", {"concentration": [1.0, 1e-3], "rate": [1.0, 1e3]}),
    ("Dirichlet", {"concentration": [[1.0, 1.0], [1e-3, 1e3]]}),
]


def entropy_terms(fam, params):
    """Sum of the magnitudes of the lgamma / digamma terms an entropy cancels (its conditioning)."""
    t = {k: torch.tensor(v, dtype=torch.float64) for k, v in params.items()}
    lg, dg = torch.lgamma, torch.digamma
    if fam == "Gamma":
        c, r = t["concentration"], t["rate"]
        terms = c.abs() + r.log().abs() + lg(c).abs() + ((1 - c) * dg(c)).abs()
    else:
        c = torch.stack([t["concentration1"], t["concentration0"]], -1) if fam == "Beta" else t["concentration"]
        total = c.sum(-1)
        k = c.shape[-1]
        terms = (lg(c).abs().sum(-1) + lg(total).abs() + ((c - 1) * dg(c)).abs().sum(-1)
                 + ((total - k) * dg(total)).abs())
    return float(terms.max())


def edge_stats(dtype):
    for fam, params in EDGE_STATS:
        for op in ("mean", "variance", "stddev", "entropy"):
            scale, special = 4.0, 0.0
            if op == "entropy" and fam in ("Beta", "Gamma", "Dirichlet"):
                scale, special = entropy_terms(fam, params), 10.0
            add(f"{fam} {params} {op}", fam, params, op, dtype=dtype, scale=scale, special=special)


def invalid(dtype):
    for fam, params in INVALID:
        for op in ("mean", "variance", "stddev", "entropy"):
            # entropy of Beta / Gamma / Dirichlet: lgamma and digamma terms with coefficients |c - 1|.
            special = 10.0 if op == "entropy" and fam in ("Beta", "Gamma", "Dirichlet") else 0.0
            add(f"{fam} {params} {op} unvalidated", fam, params, op, dtype=dtype, validate=False, scale=4.0,
                special=special)


def continuous_bernoulli(dtype):
    for p in (1.5, -0.5, nan):
        for validate in (None, True, False):
            add(f"ContinuousBernoulli probs {p} validate {validate}", "ContinuousBernoulli", {"probs": [p]},
                "probs", dtype=dtype, validate=validate)
    add("ContinuousBernoulli logits nan", "ContinuousBernoulli", {"logits": [nan]}, "probs", dtype=dtype)


def independent(dtype, gen):
    cases_in = [((2, 3), 2, (3,)), ((2, 3), 2, (1, 3)), ((2, 3), 1, (3,)), ((2, 3), 1, (1, 1, 3)),
                ((2, 3), 2, (4, 1, 1, 3)), ((2, 3), 2, (2,)), ((2, 3), 2, (2, 3)), ((3,), 1, (5, 1)),
                ((2, 1), 1, (2, 4)), ((2, 3), 0, (3,))]
    for batch, r, vshape in cases_in:
        loc = torch.randn(batch, generator=gen, dtype=dtype)
        scale = torch.rand(batch, generator=gen, dtype=dtype) + 0.5
        value = torch.randn(vshape, generator=gen, dtype=dtype)
        name = f"Independent(Normal {list(batch)}, {r}) value {list(vshape)} {str(dtype)[6:]}"
        case = {"name": name, "family": "Independent", "op": "logProb",
                "base": {"family": "Normal", "params": {"loc": spec(loc), "scale": spec(scale)}},
                "reinterpretedBatchNdims": r, "value": spec(value)}
        out, err = run(lambda: D.Independent(D.Normal(loc, scale), r).log_prob(value))
        if err is not None:
            case["error"] = err
        else:
            eps = torch.finfo(dtype).eps
            terms = float(torch.broadcast_tensors(value, loc)[0].numel()) * (10 + float(value.abs().max()) ** 2)
            case["expected"] = spec(out)
            case["scale"] = terms
            case["tolerance"] = {"rtol": 4 * eps, "atol": 8 * eps * terms}
        cases.append(case)
    # Validation belongs to the base distribution: Independent's own validate_args is unused.
    for base_validate, ind_validate, vals in ((False, True, [0.5, 0.0]), (True, False, [0.5, 0.0]),
                                              (False, True, [nan, 1.0])):
        probs = torch.tensor([0.25, 0.5], dtype=dtype)
        value = torch.tensor(vals, dtype=dtype)
        name = f"Independent(Bernoulli validate {base_validate}, validate {ind_validate}) at {vals} {str(dtype)[6:]}"
        case = {"name": name, "family": "Independent", "op": "logProb",
                "base": {"family": "Bernoulli", "params": {"probs": spec(probs)}, "validateArgs": base_validate},
                "reinterpretedBatchNdims": 1, "validateArgs": ind_validate, "value": spec(value)}
        out, err = run(lambda: D.Independent(D.Bernoulli(probs, validate_args=base_validate), 1,
                                             validate_args=ind_validate).log_prob(value))
        if err is not None:
            case["error"] = err
        else:
            eps = torch.finfo(dtype).eps
            case["expected"] = spec(out)
            case["scale"] = 4.0
            case["tolerance"] = {"rtol": 4 * eps, "atol": 8 * eps * 4.0}
        cases.append(case)
    # The issue-15 repro.
    base = D.Normal(torch.zeros(2, 3, dtype=dtype), torch.ones(2, 3, dtype=dtype))
    value = torch.tensor([0.5, 0.0, -0.5], dtype=dtype)
    out = D.Independent(base, 2).log_prob(value)
    eps = torch.finfo(dtype).eps
    cases.append({"name": f"issue 15 Independent repro {str(dtype)[6:]}", "family": "Independent", "op": "logProb",
                  "base": {"family": "Normal", "params": {"loc": spec(base.loc), "scale": spec(base.scale)}},
                  "reinterpretedBatchNdims": 2, "value": spec(value), "expected": spec(out),
                  "scale": 12.0, "tolerance": {"rtol": 4 * eps, "atol": 8 * eps * 12.0}})


def main():
    gen = torch.Generator().manual_seed(SEED)
    for dtype in (torch.float64, torch.float32):
        edges(dtype)
        invalid(dtype)
        edge_stats(dtype)
        continuous_bernoulli(dtype)
        independent(dtype, gen)
    out = dump("distribution-edges.json", {"generator": "tools/differential/gen-distribution-edges.py",
                                           "torch": torch.__version__, "seed": SEED}, cases)
    print(f"wrote {len(cases)} cases ({sum('error' in c for c in cases)} errors) to {os.path.relpath(out)}")


if __name__ == "__main__":
    main()
