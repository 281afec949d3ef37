#!/usr/bin/python3
"""Differential cases for `kldiv/distributions` against real torch.distributions 1.13.

Run from the repository root with Debian's PyTorch (python3-torch 1.13):

    /usr/bin/python3 tools/differential/gen-distributions.py

It writes three committed files under test/data/differential/ (run it again after changing it;
the output is a pure function of the fixed SEED below, so two runs give byte-identical files):

- distributions-kl.json       `kl_divergence(p, q)`: every registered pair with random
                                parameters and broadcasting batch shapes, TestKL's finite,
                                infinite and edge-case examples, and the pairs torch refuses
                                (NotImplementedError / ValueError). `meta.registry` is torch's
                                sorted `_KL_REGISTRY` (pairs of class names).
- distributions-methods.json  one case per (distribution, method): `log_prob` at sampled values,
                                at and beyond support edges, at broadcasting value shapes and at
                                special values; `entropy`, `mean`, `variance`, `stddev`; the
                                parameter properties (`probs`, `logits`, `covariance_matrix`, ...);
                                `shape` (batch_shape, event_shape, sample(sample_shape).shape).
                                validate_args true and false; float32, float64 and mixed params;
                                a sweep of parameter and value dtypes (float32 / float64 / mixed,
                                0-d / batched) per family (`mixed-dtypes/*`).
- distributions-errors.json   what torch raises: invalid parameters under validation (ValueError,
                                test_distributions.py's `_get_bad_examples`), out-of-support and
                                mis-shaped `log_prob` values, NotImplementedError methods.

Formats (see test/fixtures/README.md for tensors). A distribution is
`{family, params, validate_args}` with torch's snake_case parameter names, or
`{family: "Independent", base, reinterpreted_batch_ndims, validate_args}`; `validate_args` null
is torch's default (None: the global default, True) and kldiv's omitted option. A case carries
`expected` (a tensor, or for `shape` the shapes) with a `tolerance`; or `error`:
`{type, message, fragments}`, torch's exception class and text, and the fragments of it that
kldiv's message must contain (shapes are left out: kldiv prints `[3]` where torch prints `(3,)`;
supports that depend on parameters are cut to the class name; kldiv may spell parameter names in
camelCase). `torchError` marks the cases where torch 1.13 crashes (a boolean mask of the
unbroadcast shape in several KL pairs, empty batches) or returns a tensor that is not of the
broadcast batch shape (`_infinite_like(p...)` in the always-infinite KL pairs) for parameters its
API accepts: their expected value is torch's on the parameters explicitly expanded to the
broadcast batch shape (or the empty result of that shape when torch crashes on that too).

The concrete examples of PyTorch 1.13's test/distributions/test_distributions.py (`_get_examples`,
`_get_bad_examples`, TestKL's finite/infinite/edge-case lists, TestNumericalStability, the
`test_*_shape_*` cases) are rebuilt here for the families kldiv has (Chi2(df) as
Gamma(df/2, 1/2), which is what torch's Chi2 is); their `torch.randn` parameters come from this
generator's own seeded draws.

Tolerances, per element, derived from the conditioning of what torch computes, never tuned.
Let r be torch's result in the case's dtype; r' the same evaluation with every float parameter
multiplied by (1 + s_i d) (seeded random signs s_i; d = 2^-21 for float32 results, a few float32
ulps so that the perturbation survives rounding, and d = 2^-24 for float64 results); r64 / r64'
the same pair with every parameter in float64 and d = 2^-24; r32 the evaluation with every
parameter and value rounded to float32. Per element i,
    amp_i = max(1, |r'_i - r_i| / d, |r64'_i - r64_i| / 2^-24, |r32_i - r64_i| / 2^-24)
(terms with a non-finite operand dropped) is the absolute error per unit roundoff: the first two
are the condition number w.r.t. the parameters times the output scale; the third is the error
float32 arithmetic actually made, which also covers ill-conditioned *evaluation* (cancellation,
special functions) of a well-conditioned function, scaled to unit roundoff. Two implementations
of the same function in precision u differ by at most the sum of their first-order errors, each
<= amp_i * u, plus each one's final rounding (u |x|); a factor 2 covers second-order terms. So
for a result of dtype d with unit roundoff u_d (2^-24, 2^-53):
    atol_i = 4 * u_d * amp_i,   rtol = 4 * u_d
(`atols` per element when they differ, `tolerance.atol` their maximum). Exception: the
`issue15/edge/*` log_prob cases (a value at the edge of the support) whose float32 and float64
torch results are bit-identical are exact (atol = rtol = 0): a result that does not move with the
precision is not a rounding error, and issue 15 asks for these edges to be exact. Integer
`total_count` parameters are never perturbed (a count carries no rounding error). Perturbations are
compared within one dtype, and the float32-vs-float64 term is dropped for an element where it
exceeds 2^-8 max(1, |r64_i|): there float32 computes a different quantity (torch's
`finfo(dtype).eps` clamps in probs_to_logits / clamp_probs, over/underflow), not a rounding
error of the same one (a float32 relative error of 2^-8 would need a condition number of 2^16).
float32: kldiv computes distributions in float64 and rounds once to float32 (a documented
intentional difference from torch, which rounds at every float32 operation); a float32 case's
`expected` is torch's float32 result and its float32 tolerance covers torch's own float32
rounding. Non-finite expected values must match exactly (NaN only NaN, an infinity only the
same infinity).

Documented differences (`parity`). Where docs/parity.md states that kldiv's semantics differ
from torch's, a case's `expected` is real torch evaluated the way kldiv's documented semantics
define, and the case carries `parity` naming the entry (`meta.parity` maps names to
docs/parity.md anchors; see PARITY below): 'mixed-dtypes' (float32 and float64 parameters or
values mixed: torch on every parameter and value in float64, rounded once to kldiv's result
dtype; also where torch raises a dtype-mismatch RuntimeError), 'float64-internals' (float32
Cauchy / LowRankMultivariateNormal log_prob, ContinuousBernoulli variance, stddev and KL:
torch in float64 rounded to float32) and 'lowrank-dense' (KL with a LowRankMultivariateNormal:
torch's MultivariateNormal KL on the dense Cholesky factor). A case is marked only where torch's
own result is not within the tolerance of that expectation (or has another dtype); its
tolerance is derived exactly as above, with the parity evaluation in place of "as given".

Layout: main() below orders the draws and writes the files; the pieces are modules beside it
(dist_common.py: seed, the one Generator, encoding, specs; dist_evaluate.py and dist_parity.py:
evaluation, tolerances, documented differences; dist_params.py: random parameters and values;
dist_methods.py, dist_examples.py, dist_kl.py: the cases).
"""

import json
import os
import sys

import numpy as np
import torch
import torch.distributions.kl as K

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dist_common import SEED, build, enc, indep, num, rng, spec  # noqa: E402
from dist_evaluate import SKIPPED  # noqa: E402
from dist_examples import get_bad_examples, get_examples  # noqa: E402
from dist_kl import kl_cases  # noqa: E402
from dist_methods import (  # noqa: E402
    STATS, all_methods, cases_errors, cases_kl, cases_methods, concrete_method_cases, last_event,
    method_case, mixed_dtype_cases,
)
from dist_params import BATCHES, FAMILIES, PROPS, gen_params  # noqa: E402
from dist_parity import PARITY, PARITY_COUNT  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'data', 'differential')

torch.set_default_dtype(torch.float32)


def main():
    # ---- random parameters: every family, batch shapes, dtypes, validate flags
    for fam in FAMILIES:
        for i in range(8):
            batch = BATCHES[i % len(BATCHES)] if i < 6 else BATCHES[int(rng.integers(0, len(BATCHES)))]
            dt = torch.float32 if i % 2 == 0 else torch.float64
            params = gen_params(fam, batch, dt)
            if i == 7:  # mixed float32 / float64 parameters
                for k in list(params)[:1]:
                    if params[k]['dtype'] == 'float64':
                        params[k]['dtype'] = 'float32'
                        params[k]['data'] = [num(np.float32(x)) if not isinstance(x, str) else x for x in params[k]['data']]
            s = spec(fam, params, validate={1: True, 3: True, 5: False}.get(i))
            all_methods(f'random/{fam}/{i}', s, fam, dt)

    # ---- Independent over several bases
    for j, (fam, batch, r) in enumerate([('Normal', (2, 3), 2), ('Normal', (2, 3), 1),
                                         ('Normal', (2, 3), 0), ('Bernoulli', (4, 2), 1),
                                         ('Beta', (2, 1, 3), 2), ('Exponential', (3,), 1),
                                         ('Categorical', (2, 3), 1), ('MultivariateNormal', (2,), 1),
                                         ('Dirichlet', (3, 2), 1), ('Poisson', (2, 2), 2)]):
        dt = torch.float64 if j % 2 else torch.float32
        base = spec(fam, gen_params(fam, batch, dt))
        try:
            bshape = list(build(base).batch_shape)
        except Exception:
            continue
        r = min(r, len(bshape))
        s = indep(base, r)
        all_methods(f'independent/{fam}/{j}', s, 'Independent', dt, values=False)
        d64 = build(s, torch.float64)
        torch.manual_seed(j)
        for label, v in [('sample', d64.sample((2,))), ('sample-single', d64.sample()),
                         # one event, broadcast against the whole batch (issue 15's example)
                         ('event-only', last_event(d64))]:
            vdt = torch.int64 if fam == 'Categorical' else dt
            method_case(f'independent/{fam}/{j}/log_prob/{label}', s, 'log_prob', v.to(vdt))
    # the example
    base = spec('Normal', {'loc': enc(torch.zeros(2, 3)), 'scale': enc(torch.ones(2, 3))})
    method_case('independent/issue-example/log_prob', indep(base, 2), 'log_prob',
                torch.tensor([0.5, 0.0, -0.5]), source='issue15')

    # ---- _get_examples (kldiv's families), each with all methods
    for fam, plist in get_examples():
        for i, params in enumerate(plist):
            s = params if params.get('family') == 'Independent' else spec(fam, params)
            all_methods(f'examples/{fam}/{i}', s, s['family'] if s['family'] != 'Independent' else 'Independent',
                        torch.float32, source='test_distributions._get_examples',
                        values=s['family'] != 'Independent')

    # ---- _get_bad_examples: ValueError under validation; computed values without it
    for fam, plist in get_bad_examples():
        for i, params in enumerate(plist):
            method_case(f'bad-examples/{fam}/{i}/construct', spec(fam, params), 'shape',
                        source='test_distributions._get_bad_examples')
            for m in STATS + PROPS.get(fam, []):
                method_case(f'bad-examples/{fam}/{i}/novalidate/{m}', spec(fam, params, False), m,
                            source='test_distributions._get_bad_examples')

    # ---- issue 15, root cause 7, and TestNumericalStability
    concrete_method_cases()

    # ---- KL
    kl_cases()

    # ---- mixed dtypes: parameters float32 / float64 / mixed, 0-d / batched, against values
    # float32 / float64, 0-d / batched (torch's per-family result dtypes; see PARITY). Last, so
    # that its draws leave the cases above as they were.
    mixed_dtype_cases()

    meta = {
        'generator': f'tools/differential/gen-distributions.py, seed {SEED}',
        'torch': torch.__version__,
        'numbers': 'see test/fixtures/README.md',
        'tolerance': 'per case, from the conditioning (see the generator header)',
        'skipped': f'{len(SKIPPED)} cases where torch itself crashed: ' + '; '.join(sorted(set(SKIPPED))),
        'parity': PARITY,
    }
    os.makedirs(OUT, exist_ok=True)
    reg = sorted([p.__name__, q.__name__] for p, q in K._KL_REGISTRY)
    for fname, cases, extra in [('distributions-methods.json', cases_methods, {}),
                                ('distributions-errors.json', cases_errors, {}),
                                ('distributions-kl.json', cases_kl, {'registry': reg})]:
        with open(os.path.join(OUT, fname), 'w') as f:
            json.dump({'meta': {**meta, **extra, 'count': len(cases)}, 'cases': cases}, f,
                      separators=(',', ':'))
            f.write('\n')
        print(fname, len(cases), file=sys.stderr)
    print('parity marks', dict(sorted(PARITY_COUNT.items())), file=sys.stderr)


if __name__ == '__main__':
    main()
