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
"""

import json
import math
import os
import sys

import numpy as np
import torch
import torch.distributions as D
import torch.distributions.kl as K

SEED = 20261202
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'data', 'differential')
U32 = 2.0**-24
U64 = 2.0**-53
D32 = 2.0**-21  # relative perturbation of float32 parameters: a few float32 ulps

torch.set_default_dtype(torch.float32)
rng = np.random.default_rng(SEED)


# ---------------------------------------------------------------- tensors

def num(v):
    v = float(v)
    if math.isnan(v):
        return 'nan'
    if math.isinf(v):
        return 'inf' if v > 0 else '-inf'
    if v == 0 and math.copysign(1, v) < 0:
        return '-0'
    return v


def enc(t):
    t = torch.as_tensor(t)
    dt = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64',
          torch.int32: 'int32', torch.bool: 'int64'}[t.dtype]
    flat = t.detach().reshape(-1).tolist()
    return {'dtype': dt, 'shape': list(t.shape), 'data': [num(v) for v in flat]}


def dec(x):
    return {'nan': math.nan, 'inf': math.inf, '-inf': -math.inf, '-0': -0.0}[x] if isinstance(x, str) else float(x)


def dec_dtype(name):
    return {'float32': torch.float32, 'float64': torch.float64, 'int64': torch.int64}[name]


def tens(a, dtype):
    return torch.tensor(np.asarray(a, dtype=np.float64), dtype=dtype)


# ---------------------------------------------------------------- distribution specs

def spec(family, params, validate=None):
    return {'family': family, 'params': params, 'validate_args': validate}


def indep(base, n, validate=None):
    return {'family': 'Independent', 'base': base, 'reinterpreted_batch_ndims': n,
            'validate_args': validate}


def build(s, cast=None, perturb=None, delta=U32):
    """torch distribution for a spec; `cast` forces float params to a dtype, `perturb` is a
    numpy Generator multiplying float params by (1 +- delta)."""
    if s['family'] == 'Independent':
        return D.Independent(build(s['base'], cast, perturb, delta), s['reinterpreted_batch_ndims'],
                             validate_args=s['validate_args'] if cast is None and perturb is None else False)
    kw = {}
    for k, v in s['params'].items():
        t = torch.tensor([dec(x) for x in v['data']], dtype=torch.float64).reshape(v['shape'])
        dt = dec_dtype(v['dtype'])
        if dt.is_floating_point:
            if perturb is not None and k != 'total_count':  # counts are exact integers
                signs = perturb.choice([-1.0, 1.0], size=tuple(v['shape']))
                t = t * torch.tensor(1.0 + signs * delta, dtype=torch.float64)
            t = t.to(cast or dt)
        else:
            t = t.to(dt)
        kw[k] = t
    validate = s['validate_args'] if cast is None and perturb is None else False
    return getattr(D, s['family'])(validate_args=validate, **kw)


def cast_value(v, dtype):
    return v if not v.dtype.is_floating_point else v.to(dtype)


# ---------------------------------------------------------------- evaluation

def fragments(e):
    msg = ' '.join(str(e).split())  # torch's messages carry source indentation
    t = type(e).__name__
    if msg.startswith('Expected parameter '):
        name = msg.split(' ')[2]
        c = msg.split('to satisfy the constraint ')[1].split(', but found')[0]
        return [f'Expected parameter {name}', 'to satisfy the constraint ' + cut_constraint(c)]
    if msg.startswith('Expected value argument'):
        c = msg.split('to be within the support (', 1)[1]
        # supports that depend on parameters print them; keep the class name only
        dependent = any(f'of the distribution {f}(' in msg for f in ('Binomial', 'Uniform', 'Pareto'))
        c = c.split('(', 1)[0] + '(' if dependent else cut_constraint(c)
        return ['Expected value argument', 'to be within the support (' + c]
    if msg.startswith('The right-most size of value must match event_shape'):
        return ['The right-most size of value must match event_shape']
    if msg.startswith('Value is not broadcastable with batch_shape+event_shape'):
        return ['Value is not broadcastable with batch_shape+event_shape']
    if t == 'NotImplementedError':
        return [msg]
    return [msg] if msg else []


def cut_constraint(c):
    if 'tensor(' in c:
        return c.split('(', 1)[0] + '('
    depth, out = 0, ''
    for ch in c:
        out += ch
        depth += ch == '('
        depth -= ch == ')'
        if depth == 0 and ch == ')':
            return out
    return out


def error_of(e):
    # torch.linalg's _LinAlgError is a RuntimeError subclass; kldiv names the base class
    t = 'RuntimeError' if type(e).__name__ == '_LinAlgError' else type(e).__name__
    return {'type': t, 'message': str(e), 'fragments': fragments(e)}


BUG_TEXT = ('does not match the shape of the indexed tensor', 'cannot reshape tensor of 0 elements',
            'The expanded size of the tensor', 'must be greater or equal to the number of dimensions')
PARAM_EVENT = {'probs': 1, 'logits': 1, 'concentration': 1, 'loc': 1, 'cov_diag': 1, 'cov_factor': 2,
               'covariance_matrix': 2, 'precision_matrix': 2, 'scale_tril': 2}
EVENT_FAMILIES = ('Categorical', 'OneHotCategorical', 'Dirichlet', 'MultivariateNormal',
                  'LowRankMultivariateNormal')


def torch_bug(e):
    return any(t in str(e) for t in BUG_TEXT)


def expand_spec(s, batch):
    if s['family'] == 'Independent':
        return None
    params = {}
    for k, v in s['params'].items():
        ev = PARAM_EVENT.get(k, 0) if s['family'] in EVENT_FAMILIES else 0
        t = torch.tensor([dec(x) for x in v['data']], dtype=torch.float64).reshape(v['shape'])
        t = t.expand(tuple(batch) + tuple(t.shape[len(t.shape) - ev:])).contiguous()
        params[k] = enc(t.to(dec_dtype(v['dtype'])))
    return dict(s, params=params)


def expanded_fallback(fn, specs, values):
    try:
        dists = [build(s, torch.float64) for s in specs]
        batch = torch.broadcast_shapes(*[d.batch_shape for d in dists])
        new = [expand_spec(s, batch) for s in specs]
        if any(n is None for n in new):
            return None
        try:
            return fn, new, fn(*[build(n) for n in new], *values)
        except Exception:
            pass
        # still crashing (empty batch): the empty result, shaped and typed as torch would
        if 0 not in batch:
            return None
        d = build(specs[0], torch.float64)
        dtype = dtype_of(specs[0])
        for sp in specs[1:]:
            dtype = torch.promote_types(dtype, dtype_of(sp))
        kind = getattr(fn, 'kind', None)
        shape = tuple(batch)
        if kind in ('mean', 'variance', 'stddev'):
            shape = shape + tuple(d.event_shape)
        elif kind not in ('kl', 'entropy', 'log_prob'):
            return None
        if values:
            v = values[0]
            vb = v.shape[:len(v.shape) - len(d.event_shape)]
            shape = torch.broadcast_shapes(vb, batch)
            if v.dtype.is_floating_point:
                dtype = torch.promote_types(dtype, v.dtype)
        return fn, new, EmptyResult(shape, dtype)
    except Exception:
        return None


def dtype_of(s):
    if s['family'] == 'Independent':
        return dtype_of(s['base'])
    fl = [dec_dtype(v['dtype']) for v in s['params'].values() if v['dtype'] != 'int64']
    return fl[0] if len(set(fl)) == 1 else torch.float64


class EmptyResult:
    def __init__(self, shape, dtype):
        self.t = torch.empty(shape, dtype=dtype)

    def detach(self):
        return self.t


def tolerances(dtype, r, rp, d, r64, r64p, r32):
    """Per-element atol = 4 u amp_i (and rtol = 4 u), amp_i as the header derives it."""
    def flat(t):
        return None if t is None or t.shape != r.shape else t.detach().to(torch.float64).reshape(-1)
    a, ap, a64, a64p, a32 = (flat(t) for t in (r, rp, r64, r64p, r32))
    amp = torch.ones(a.shape, dtype=torch.float64)

    def raise_to(x, y, scale, limit=None):
        if x is None or y is None:
            return
        ok = torch.isfinite(x) & torch.isfinite(y)
        diff = torch.where(ok, (x - y).abs(), torch.zeros_like(x))
        if limit is not None:  # a different quantity, not a rounding error (see the header)
            diff = torch.where(diff <= limit, diff, torch.zeros_like(diff))
        amp.copy_(torch.maximum(amp, diff / scale))
    raise_to(a, ap, d)
    raise_to(a64, a64p, U32)
    if a64 is not None:
        raise_to(a32, a64, U32, 2.0**-8 * torch.clamp(a64.abs().nan_to_num(0.0, 0.0, 0.0), min=1.0))
    u = U32 if dtype == torch.float32 else U64
    atols = [4 * u * float(x) for x in amp]
    tol = {'rtol': 4 * u, 'atol': max(atols, default=4 * u)}
    return tol, (atols if len(set(atols)) > 1 else None)


def evaluate(fn, *specs_and_values, exact_edge=False):
    """Runs fn on torch distributions built from specs (values cast alongside). Returns a case
    fragment: expected/tolerances, or error, or None when torch itself fails in a way kldiv
    is not asked to reproduce."""
    specs = [x for x in specs_and_values if isinstance(x, dict)]
    values = [x for x in specs_and_values if not isinstance(x, dict)]
    forced = None
    try:
        r = fn(*[build(s) for s in specs], *values)
    except (ValueError, NotImplementedError, RuntimeError, TypeError, IndexError) as e:
        if 'expected scalar type' in str(e):
            # torch 1.13 cannot mix dtypes here (LowRankMultivariateNormal.log_prob's
            # triangular solve): kldiv's documented mixed-dtype semantics define the value
            forced = parity_entry(fn, specs, values, None, None)
        if forced is not None and forced[0] == 'mixed-dtypes':
            r, note = None, None
        elif not torch_bug(e):
            return {'error': error_of(e)}
        else:
            # torch 1.13 crashes on an input its API accepts (boolean masks of unbroadcast shape
            # in several KL pairs, empty batches): expected is torch on explicitly expanded
            # parameters, or the empty result of the broadcast shape when torch crashes on that
            fallback = expanded_fallback(fn, specs, values)
            if fallback is None:
                SKIPPED.append(f'{type(e).__name__}: {e}')
                return None
            fn, specs, r = fallback
            specs_and_values = (*specs, *values)
            note = (f'torch 1.13 raises {type(e).__name__} ({str(e)[:120]}) on these parameters '
                    'as given')
    except Exception as e:  # torch's own crash (e.g. ZeroDivisionError on empty batches)
        SKIPPED.append(f'{type(e).__name__}: {e}')
        return None
    else:
        note = None
    if getattr(fn, 'kind', None) == 'kl' and note is None and r is not None:
        dists = [build(sp) for sp in specs]
        want = torch.broadcast_shapes(dists[0].batch_shape, dists[1].batch_shape)
        if tuple(r.shape) != tuple(want):
            fallback = expanded_fallback(fn, specs, values)
            if fallback is not None:
                note = (f'torch 1.13 returns shape {list(r.shape)}, not the broadcast batch shape '
                        f'{list(want)}, for the parameters as given')
                fn, specs, r = fallback
    out = {} if note is None else {'torchError': note}
    if isinstance(r, dict):  # shape case
        return {**out, 'expected': r}
    r = r.detach() if r is not None else None

    def alt(cast, delta, parity=None):
        """The evaluation with float params cast to `cast` (None: as given) and perturbed by
        delta; under a parity entry, "as given" is kldiv's documented semantics instead: every
        parameter and value in float64, the result rounded once to kldiv's result dtype."""
        try:
            with np.errstate(all='ignore'):
                pert = np.random.default_rng(SEED + 7)
                if parity is not None and cast is None:
                    dense = densify if parity[0] == 'lowrank-dense' else (lambda d: d)
                    return fn(*[dense(build(s, torch.float64, pert, delta)) for s in specs],
                              *[cast_value(v, torch.float64) for v in values]
                              ).detach().to(parity[1])
                return fn(*[build(s, cast, pert, delta) for s in specs],
                          *[cast_value(v, cast) if cast else v for v in values]).detach()
        except Exception:
            return None

    def derive(r, parity=None):
        own = D32 if r.dtype == torch.float32 else U32
        return tolerances(r.dtype, r, alt(None, own, parity), own, r64, alt(torch.float64, U32),
                          r32)

    r64, r32 = alt(torch.float64, 0.0), alt(torch.float32, 0.0)
    parity = forced or parity_entry(fn, specs, values, r64, r32)
    if parity is not None:
        # kldiv documents a different semantics here (see PARITY): its expectation is torch
        # evaluated that way, unless torch's own result already agrees within tolerance
        rk = alt(None, 0.0, parity)
        if rk is None and r is None:
            SKIPPED.append(f'{fn.kind}: torch fails on mixed dtypes in float64 too')
            return None
        if rk is not None:
            tol, atols = derive(rk, parity)
            if r is None or r.dtype != rk.dtype or not agrees(r, rk, tol, atols):
                out.update(parity=parity[0], expected=enc(rk), tolerance=tol)
                if atols is not None:
                    out['atols'] = atols
                PARITY_COUNT[parity[0]] = PARITY_COUNT.get(parity[0], 0) + 1
                return out
    out['expected'] = enc(r)
    if exact_edge and r64 is not None and r32 is not None and torch.equal(
            r64.nan_to_num(7.0), r32.to(torch.float64).nan_to_num(7.0)):
        # a support edge torch gets bit-identically in both precisions: exact (see the header)
        out['tolerance'] = {'rtol': 0, 'atol': 0}
        return out
    tol, atols = derive(r)
    out['tolerance'] = tol
    if atols is not None:
        out['atols'] = atols
    return out


# ---------------------------------------------------------------- documented differences

# docs/parity.md entries under which kldiv's expected value is not torch's value as computed
# (each case carries `parity` naming its entry):
# - 'mixed-dtypes': kldiv promotes a distribution's parameters to their common dtype at
#   construction (float64 if any is float64) and computes in float64; `log_prob`'s result dtype
#   is result_type(the distribution as a tensor of that dtype and shape batch + event, value).
#   torch keeps each parameter's dtype, evaluates each sub-expression in its operands' dtype
#   and so returns per-family dtypes (and float32 rounding inside float64 results).
# - 'float64-internals': kldiv computes float32 distributions in float64 and rounds once; torch
#   computes in float32, which overflows (Cauchy log_prob at 1e30, LowRankMultivariateNormal
#   log_prob at 1e30) or cancels (ContinuousBernoulli variance near probs 1/2). Applied only
#   to the (family, method) pairs below, and only where torch's float32 result leaves the
#   tolerance of its float64 result rounded to float32.
# - 'lowrank-dense': kldiv represents a LowRankMultivariateNormal by the dense Cholesky factor
#   of its covariance (docs/decisions.md 35) where torch uses the Woodbury identity and the
#   capacitance matrix; its KL is torch's MultivariateNormal KL on that factor (in float64,
#   rounded once), where the two evaluations differ beyond tolerance.
PARITY = {'mixed-dtypes': 'docs/parity.md, "Mixed dtypes in distributions"',
          'float64-internals': 'docs/parity.md, "Distributions compute in float64"',
          'lowrank-dense': 'docs/parity.md, "LowRankMultivariateNormal uses a dense Cholesky factor"'}
F64_INTERNALS = {('Cauchy', 'log_prob'), ('LowRankMultivariateNormal', 'log_prob'),
                 ('ContinuousBernoulli', 'variance'), ('ContinuousBernoulli', 'stddev'),
                 ('ContinuousBernoulli', 'kl')}
PARITY_COUNT = {}


def float_dtypes(s):
    if s['family'] == 'Independent':
        return float_dtypes(s['base'])
    return {dec_dtype(v['dtype']) for v in s['params'].values() if v['dtype'] != 'int64'}


def result_type(a, a_dims, b, b_dims):
    """torch.result_type of two float tensors: a 0-d one does not promote a dimensioned one."""
    if a_dims == b_dims:
        return torch.promote_types(a, b)
    return a if a_dims else b


def parity_entry(fn, specs, values, r64, r32):
    """(entry, kldiv's result dtype) when a documented difference applies to this case."""
    kind = getattr(fn, 'kind', None)
    if kind == 'shape':
        return None
    dts = set().union(*[float_dtypes(s) for s in specs])
    fvalues = [v for v in values if v.dtype.is_floating_point]
    dtype = torch.float32 if dts == {torch.float32} else torch.float64
    if kind == 'log_prob' and fvalues and specs[0]['family'] != 'OneHotCategorical':
        d = build(specs[0], torch.float64)
        dims = len(d.batch_shape) + len(d.event_shape) > 0
        dtype = result_type(dtype, dims, fvalues[0].dtype, fvalues[0].dim() > 0)
    if len(dts | {v.dtype for v in fvalues}) > 1:
        return ('mixed-dtypes', dtype)
    if any((sp['family'], kind) in F64_INTERNALS for sp in specs) and dtype == torch.float32 \
            and r64 is not None:
        return ('float64-internals', dtype)
    if any(sp['family'] == 'LowRankMultivariateNormal' for sp in specs) and kind == 'kl':
        return ('lowrank-dense', dtype)
    return None


def densify(d):
    """kldiv's representation of a LowRankMultivariateNormal: the dense Cholesky factor of
    W W^T + diag(D) (docs/decisions.md 35), as a MultivariateNormal with that scale_tril."""
    if not isinstance(d, D.LowRankMultivariateNormal):
        return d
    return D.MultivariateNormal(d.loc, scale_tril=torch.linalg.cholesky(d.covariance_matrix),
                                validate_args=False)


def agrees(r, want, tol, atols):
    """torch's own result within the tolerance of kldiv's expectation (the harness's rule)."""
    if r.shape != want.shape:
        return False
    a, w = r.to(torch.float64).reshape(-1), want.to(torch.float64).reshape(-1)
    at = torch.tensor(atols if atols is not None else [tol['atol']] * len(w), dtype=torch.float64)
    fin = torch.isfinite(w)
    same_special = (torch.isnan(a) & torch.isnan(w)) | (~fin & (a == w))
    close = fin & torch.isfinite(a) & ((a - w).abs() <= at + tol['rtol'] * w.abs())
    return bool((same_special | close).all())


# ---------------------------------------------------------------- random parameters

BATCHES = [(), (1,), (3,), (2, 3), (2, 1), (1, 3), (2, 1, 3), (4,), (0,), (2, 0)]


def sub_shape(batch):
    """A shape broadcasting to `batch`: leading dims dropped and/or dims set to 1."""
    b = list(batch)
    drop = int(rng.integers(0, len(b) + 1)) if b and rng.random() < 0.4 else 0
    b = b[drop:]
    return tuple(1 if (x != 0 and rng.random() < 0.3) else x for x in b)


def pos(shape, lo=-1.0, hi=1.0):
    return np.exp(rng.uniform(lo, hi, size=shape) * 1.5)


def real(shape, scale=2.0):
    return rng.normal(0, scale, size=shape)


def unit(shape):
    return rng.uniform(0.02, 0.98, size=shape)


def pd(shape, n):
    a = rng.normal(size=shape + (n, n))
    return a @ np.swapaxes(a, -1, -2) + 0.5 * np.eye(n)


def tril(shape, n):
    a = np.tril(rng.normal(size=shape + (n, n)), -1)
    return a + np.eye(n) * np.exp(rng.uniform(-0.5, 0.5, size=shape + (n,)))[..., None, :] * np.eye(n)


def gen_params(fam, batch, dt, k=None):
    """Random valid parameters for a family at a batch shape (each broadcasting to it)."""
    def T(a):
        return enc(tens(a, dt))
    s = sub_shape
    if fam in ('Bernoulli', 'Geometric', 'ContinuousBernoulli'):
        if rng.random() < 0.3:
            return {'logits': T(real(s(batch)))}
        p = unit(s(batch))
        if fam == 'ContinuousBernoulli' and rng.random() < 0.4:
            p = 0.5 + rng.uniform(-0.002, 0.002, size=p.shape)  # torch's Taylor region
        return {'probs': T(p)}
    if fam == 'Binomial':
        n = rng.integers(0, 15, size=s(batch)).astype(np.float64)
        tc = enc(torch.tensor(n, dtype=torch.int64)) if rng.random() < 0.3 else T(n)
        key, val = ('logits', real(s(batch))) if rng.random() < 0.3 else ('probs', unit(s(batch)))
        return {'total_count': tc, key: T(val)}
    if fam in ('Categorical', 'OneHotCategorical'):
        k = k or int(rng.choice([1, 2, 3, 5]))
        if rng.random() < 0.3:
            return {'logits': T(real(s(batch) + (k,)))}
        p = rng.uniform(0.05, 1, size=s(batch) + (k,))
        if rng.random() < 0.2 and k > 1:
            p[..., 0] = 0.0
        return {'probs': T(p)}
    if fam == 'Dirichlet':
        return {'concentration': T(pos(s(batch) + (k or int(rng.choice([2, 3, 4])),)))}
    if fam == 'Beta':
        return {'concentration1': T(pos(s(batch))), 'concentration0': T(pos(s(batch)))}
    if fam in ('Normal', 'Cauchy', 'Laplace', 'Gumbel', 'LogNormal'):
        return {'loc': T(real(s(batch))), 'scale': T(pos(s(batch)))}
    if fam in ('Exponential', 'Poisson'):
        return {'rate': T(pos(s(batch)))}
    if fam == 'Gamma':
        return {'concentration': T(pos(s(batch))), 'rate': T(pos(s(batch)))}
    if fam == 'HalfNormal':
        return {'scale': T(pos(s(batch)))}
    if fam == 'Pareto':
        return {'scale': T(pos(s(batch))), 'alpha': T(pos(s(batch), -0.5, 1.5))}
    if fam == 'Uniform':
        lo = real(s(batch))
        return {'low': T(lo), 'high': T(lo + pos(np.shape(lo)))}
    if fam == 'MultivariateNormal':
        n = int(rng.choice([1, 2, 3]))
        which = rng.choice(['covariance_matrix', 'precision_matrix', 'scale_tril'])
        m = tril(s(batch), n) if which == 'scale_tril' else pd(s(batch), n)
        return {'loc': T(real(s(batch) + (n,))), str(which): T(m)}
    if fam == 'LowRankMultivariateNormal':
        n, r = int(rng.choice([1, 2, 3])), int(rng.choice([1, 2]))
        return {'loc': T(real(s(batch) + (n,))), 'cov_factor': T(real(s(batch) + (n, r), 1.0)),
                'cov_diag': T(pos(s(batch) + (n,)))}
    raise KeyError(fam)


FAMILIES = ['Bernoulli', 'Beta', 'Binomial', 'Categorical', 'Cauchy', 'ContinuousBernoulli',
            'Dirichlet', 'Exponential', 'Gamma', 'Geometric', 'Gumbel', 'HalfNormal', 'Laplace',
            'LogNormal', 'LowRankMultivariateNormal', 'MultivariateNormal', 'Normal',
            'OneHotCategorical', 'Pareto', 'Poisson', 'Uniform']

PROPS = {
    'Bernoulli': ['probs', 'logits'], 'Binomial': ['probs', 'logits', 'total_count'],
    'Geometric': ['probs', 'logits'], 'ContinuousBernoulli': ['probs', 'logits'],
    'Categorical': ['probs', 'logits'], 'OneHotCategorical': ['probs', 'logits'],
    'Beta': [], 'Dirichlet': ['concentration'], 'Normal': ['loc', 'scale'],
    'Cauchy': ['loc', 'scale'], 'Laplace': ['loc', 'scale'], 'Gumbel': ['loc', 'scale'],
    'LogNormal': ['loc', 'scale'], 'Exponential': ['rate'], 'Poisson': ['rate'],
    'Gamma': ['concentration', 'rate'], 'HalfNormal': ['scale'], 'Pareto': ['scale', 'alpha'],
    'Uniform': ['low', 'high'],
    'MultivariateNormal': ['loc', 'scale_tril', 'covariance_matrix', 'precision_matrix'],
    'LowRankMultivariateNormal': ['loc', 'cov_factor', 'cov_diag', 'scale_tril',
                                  'covariance_matrix'],
}


# ---------------------------------------------------------------- values for log_prob

def edge_values(fam, d):
    """(label, list of scalars or event vectors) at and beyond the support's edges."""
    if fam == 'Bernoulli':
        return [('edge', [0.0, 1.0]), ('outside', [0.5, -1.0, 2.0])]
    if fam == 'Binomial':
        n = d.total_count
        return [('edge', [0.0]), ('edge-n', n), ('outside', [-1.0, 0.5]), ('outside-n', n + 1)]
    if fam == 'Geometric':
        return [('edge', [0.0, 1.0, 60.0]), ('outside', [-1.0, 0.5])]
    if fam == 'Poisson':
        return [('edge', [0.0, 40.0]), ('outside', [-1.0, 1.5])]
    if fam in ('Categorical',):
        k = d.probs.shape[-1]
        return [('edge', [0, k - 1]), ('outside', [k, -1])]
    if fam == 'OneHotCategorical':
        k = d.probs.shape[-1]
        return [('edge', [np.eye(k)[0], np.eye(k)[k - 1]]),
                ('outside', [np.zeros(k), np.full(k, 1.0)] if k > 1 else [np.zeros(k)])]
    if fam in ('Beta', 'ContinuousBernoulli'):
        return [('edge', [0.0, 1.0]), ('outside', [-0.25, 1.25])]
    if fam == 'Dirichlet':
        k = d.concentration.shape[-1]
        bad = np.full(k, 1.0 / k)
        bad[0] += 0.3
        return [('edge', [np.eye(k)[0]]), ('outside', [bad])]
    if fam in ('Exponential', 'Gamma', 'HalfNormal'):
        return [('edge', [0.0, 1e-30]), ('outside', [-1.0])]
    if fam == 'LogNormal':
        return [('edge', [1e-30, 1e30]), ('outside', [0.0, -1.0])]
    if fam == 'Pareto':
        return [('edge-scale', d.scale), ('outside-scale', d.scale * 0.5)]
    if fam == 'Uniform':
        return [('edge-low', d.low), ('edge-high', d.high), ('outside-high', d.high + 1)]
    if fam in ('Normal', 'Cauchy', 'Laplace', 'Gumbel'):
        return [('special', [math.inf, -math.inf, 1e30, -0.0]), ('outside', [math.nan])]
    if fam in ('MultivariateNormal', 'LowRankMultivariateNormal'):
        n = d.event_shape[0]
        return [('special', [np.full(n, math.inf), np.full(n, 1e30)]), ('outside', [np.full(n, math.nan)])]
    return []


def value_tensors(fam, d, dt):
    """(label, value tensor) pairs for log_prob of distribution d (float64 torch dist)."""
    out = []
    batch, event = tuple(d.batch_shape), tuple(d.event_shape)
    torch.manual_seed(int(rng.integers(0, 2**31)))
    vdt = torch.int64 if fam == 'Categorical' else dt
    s = d.sample((2,))
    out.append(('sample', s.to(vdt)))
    out.append(('sample-single', d.sample().to(vdt)))
    # value batch smaller than the distribution's (first batch dim dropped), and a value with
    # an extra leading dim and size-1 batch dims: broadcasting both ways
    if len(batch) >= 1 and batch[0] > 0:
        out.append(('broadcast-trailing', d.sample()[0].to(vdt)))
    if len(batch) >= 1 and all(b > 0 for b in batch):
        v = d.sample((3,))
        for i in range(len(batch)):
            v = v.narrow(1 + i, 0, 1)
        out.append(('broadcast-size1', v.contiguous().to(vdt)))
    for label, vals in edge_values(fam, d):
        if isinstance(vals, torch.Tensor):
            out.append((label, vals.detach().to(vdt)))
            continue
        for j, v in enumerate(vals):
            v = torch.tensor(np.asarray(v, dtype=np.float64))
            full = v.expand(batch + tuple(v.shape)) if len(batch) else v
            out.append((f'{label}{j}', full.to(vdt).contiguous()))
    return out


# ---------------------------------------------------------------- methods

def last_event(d):
    """The last event of a sample: shape event_shape, broadcast against the batch."""
    s = d.sample()
    n = len(d.event_shape)
    return s.reshape((-1,) + tuple(s.shape[s.dim() - n:]))[-1] if n else s.reshape(-1)[-1]


def method_fn(method):
    if method == 'log_prob':
        f = lambda d, v: d.log_prob(v)  # noqa: E731
    elif method == 'entropy':
        f = lambda d: d.entropy()  # noqa: E731
    elif method == 'shape':
        def f(d):
            r = {'batchShape': list(d.batch_shape), 'eventShape': list(d.event_shape)}
            try:
                r['sampleShape'] = [2]
                r['sampleResultShape'] = list(d.sample((2,)).shape)
            except Exception:  # invalid parameters under validate_args=False
                del r['sampleShape']
            return r
    else:
        f = lambda d: getattr(d, method)  # noqa: E731
    f.kind = method
    return f


def kl_fn(p, q):
    return K.kl_divergence(p, q)


kl_fn.kind = 'kl'


SKIPPED = []
STATS = ['entropy', 'mean', 'variance', 'stddev']
cases_methods, cases_errors, cases_kl = [], [], []
names = set()


def add(target, case):
    assert case['name'] not in names, case['name']
    names.add(case['name'])
    target.append(case)


def method_case(name, s, method, value=None, source='random', exact_edge=False):
    args = (s,) if value is None else (s, value)
    r = evaluate(method_fn(method), *args, exact_edge=exact_edge)
    if r is None:
        return
    case = {'name': name, 'source': source, 'dist': s, 'method': method}
    if value is not None:
        case['value'] = enc(value)
    case.update(r)
    add(cases_errors if 'error' in r else cases_methods, case)


def all_methods(prefix, s, fam, dt, source='random', values=True):
    try:
        d64 = build(s, torch.float64)
    except Exception:
        d64 = None
    for m in STATS + PROPS.get(fam, []) + ['shape']:
        method_case(f'{prefix}/{m}', s, m, source=source)
    if values and d64 is not None:
        for label, v in value_tensors(fam, d64, dt):
            method_case(f'{prefix}/log_prob/{label}', s, 'log_prob', v, source)
            if label.startswith('outside') and s.get('validate_args') is not False:
                method_case(f'{prefix}/log_prob/{label}/novalidate', dict(s, validate_args=False),
                            'log_prob', v, source)


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


# ---------------------------------------------------------------- test_distributions.py examples

def f32(a):
    return enc(torch.tensor(a, dtype=torch.float32))


def randn(*shape):
    return rng.normal(size=shape)


def get_examples():
    """test_distributions.py `_get_examples()` for kldiv's families (randn from our seed)."""
    ex = []
    ex.append(('Bernoulli', [{'probs': f32([0.7, 0.2, 0.4])}, {'probs': f32([0.3])},
                             {'probs': f32(0.3)}, {'logits': f32([0.0])}]))
    ex.append(('Geometric', [{'probs': f32([0.7, 0.2, 0.4])}, {'probs': f32([0.3])},
                             {'probs': f32(0.3)}]))
    ex.append(('Beta', [{'concentration1': f32(np.exp(randn(2, 3))), 'concentration0': f32(np.exp(randn(2, 3)))},
                        {'concentration1': f32(np.exp(randn(4))), 'concentration0': f32(np.exp(randn(4)))}]))
    ex.append(('Categorical', [{'probs': f32([[0.1, 0.2, 0.3], [0.5, 0.3, 0.2]])},
                               {'probs': f32([[1.0, 0.0], [0.0, 1.0]])},
                               {'logits': f32([[0.0, 0.0], [0.0, 0.0]])}]))
    pb = f32([[1.0, 0.0], [0.0, 1.0]])
    ex.append(('Binomial', [{'probs': f32([[0.1, 0.2, 0.3], [0.5, 0.3, 0.2]]), 'total_count': f32(10)},
                            {'probs': pb, 'total_count': f32(10)},
                            {'probs': pb, 'total_count': enc(torch.tensor([10]))},
                            {'probs': pb, 'total_count': enc(torch.tensor([10, 8]))},
                            {'probs': pb, 'total_count': f32([[10.0, 8.0], [5.0, 3.0]])},
                            {'probs': pb, 'total_count': f32(0.0)}]))
    ex.append(('Cauchy', [{'loc': f32(0.0), 'scale': f32(1.0)}, {'loc': f32([0.0]), 'scale': f32(1.0)},
                          {'loc': f32([[0.0], [0.0]]), 'scale': f32([[1.0], [1.0]])}]))
    ex.append(('Dirichlet', [{'concentration': f32(np.exp(randn(2, 3)))},
                             {'concentration': f32(np.exp(randn(4)))}]))
    ex.append(('Exponential', [{'rate': f32(np.abs(randn(5, 5)))}, {'rate': f32(np.abs(randn(1)))}]))
    ex.append(('Gamma', [{'concentration': f32(np.exp(randn(2, 3))), 'rate': f32(np.exp(randn(2, 3)))},
                         {'concentration': f32(np.exp(randn(1))), 'rate': f32(np.exp(randn(1)))}]))
    ex.append(('Gumbel', [{'loc': f32(randn(5, 5)), 'scale': f32(np.abs(randn(5, 5)))},
                          {'loc': f32(randn(1)), 'scale': f32(np.abs(randn(1)))}]))
    ex.append(('HalfNormal', [{'scale': f32(np.abs(randn(5, 5)))}, {'scale': f32(np.abs(randn(1)))},
                              {'scale': f32([1e-5, 1e-5])}]))
    ex.append(('Independent', [indep(spec('Normal', {'loc': f32(randn(*b)), 'scale': f32(np.abs(randn(*b)))}), r)
                               for b, r in [((2, 3), 0), ((2, 3), 1), ((2, 3), 2), ((2, 3, 5), 2), ((2, 3, 5), 3)]]))
    for fam in ('Laplace', 'LogNormal', 'Normal'):
        ex.append((fam, [{'loc': f32(randn(5, 5)), 'scale': f32(np.abs(randn(5, 5)))},
                         {'loc': f32(randn(1)), 'scale': f32(np.abs(randn(1)))},
                         {'loc': f32([1.0, 0.0]), 'scale': f32([1e-5, 1e-5])}]))
    ex.append(('LowRankMultivariateNormal', [
        {'loc': f32(randn(5, 2)), 'cov_factor': f32(randn(5, 2, 1)), 'cov_diag': f32([2.0, 0.25])},
        {'loc': f32(randn(4, 3)), 'cov_factor': f32(randn(3, 2)), 'cov_diag': f32([5.0, 1.5, 3.0])}]))
    ex.append(('MultivariateNormal', [
        {'loc': f32(randn(5, 2)), 'covariance_matrix': f32([[2.0, 0.3], [0.3, 0.25]])},
        {'loc': f32(randn(2, 3)), 'precision_matrix': f32([[2.0, 0.1, 0.0], [0.1, 0.25, 0.0], [0.0, 0.0, 0.3]])},
        {'loc': f32(randn(5, 3, 2)), 'scale_tril': f32([[[2.0, 0.0], [-0.5, 0.25]], [[2.0, 0.0], [0.3, 0.25]], [[5.0, 0.0], [-0.5, 1.5]]])},
        {'loc': f32([1.0, -1.0]), 'covariance_matrix': f32([[5.0, -0.5], [-0.5, 1.5]])}]))
    ex.append(('OneHotCategorical', [{'probs': f32([[0.1, 0.2, 0.3], [0.5, 0.3, 0.2]])},
                                     {'probs': f32([[1.0, 0.0], [0.0, 1.0]])},
                                     {'logits': f32([[0.0, 0.0], [0.0, 0.0]])}]))
    ex.append(('Pareto', [{'scale': f32(1.0), 'alpha': f32(1.0)},
                          {'scale': f32(np.abs(randn(5, 5)) + 0.1), 'alpha': f32(np.abs(randn(5, 5)) + 0.1)},
                          {'scale': f32([1.0]), 'alpha': f32(1.0)}]))
    ex.append(('Poisson', [{'rate': f32(np.abs(randn(5, 5)))}, {'rate': f32(np.abs(randn(3)))},
                           {'rate': f32(0.2)}, {'rate': f32([0.0])}, {'rate': f32(0.0)}]))
    ex.append(('Uniform', [{'low': f32(np.zeros((5, 5))), 'high': f32(np.ones((5, 5)))},
                           {'low': f32([0.0]), 'high': f32([1.0])},
                           {'low': f32([1.0, 1.0]), 'high': f32([2.0, 3.0])}]))
    ex.append(('ContinuousBernoulli', [{'probs': f32([0.7, 0.2, 0.4])}, {'probs': f32([0.3])},
                                       {'probs': f32(0.3)}, {'logits': f32([0.0])}]))
    return ex


def get_bad_examples():
    """test_distributions.py `_get_bad_examples()` for kldiv's families."""
    return [
        ('Bernoulli', [{'probs': f32([1.1, 0.2, 0.4])}, {'probs': f32([-0.5])}, {'probs': f32(1.00001)}]),
        ('Beta', [{'concentration1': f32([0.0]), 'concentration0': f32([0.0])},
                  {'concentration1': f32([-1.0]), 'concentration0': f32([-2.0])}]),
        ('Geometric', [{'probs': f32([1.1, 0.2, 0.4])}, {'probs': f32([-0.3])}, {'probs': f32(1.00000001)}]),
        ('Categorical', [{'probs': f32([[-0.1, 0.2, 0.3], [0.5, 0.3, 0.2]])},
                         {'probs': f32([[-1.0, 10.0], [0.0, -1.0]])}]),
        ('Binomial', [{'probs': f32([[-0.0000001, 0.2, 0.3], [0.5, 0.3, 0.2]]), 'total_count': f32(10)},
                      {'probs': f32([[1.0, 0.0], [0.0, 2.0]]), 'total_count': f32(10)}]),
        ('Cauchy', [{'loc': f32(0.0), 'scale': f32(-1.0)}, {'loc': f32([0.0]), 'scale': f32(0.0)},
                    {'loc': f32([[0.0], [-2.0]]), 'scale': f32([[-0.000001], [1.0]])}]),
        ('Dirichlet', [{'concentration': f32([0.0])}, {'concentration': f32([-2.0])}]),
        ('Exponential', [{'rate': f32([0.0, 0.0])}, {'rate': f32([-2.0])}]),
        ('Gamma', [{'concentration': f32([0.0, 0.0]), 'rate': f32([-1.0, -100.0])},
                   {'concentration': f32([1.0, 1.0]), 'rate': f32([0.0, 0.0])}]),
        ('Gumbel', [{'loc': f32([1.0, 1.0]), 'scale': f32([0.0, 1.0])},
                    {'loc': f32([1.0, 1.0]), 'scale': f32([1.0, -1.0])}]),
        ('HalfNormal', [{'scale': f32([0.0, 1.0])}, {'scale': f32([1.0, -1.0])}]),
        ('Laplace', [{'loc': f32([1.0, 1.0]), 'scale': f32([0.0, 1.0])},
                     {'loc': f32([1.0, 1.0]), 'scale': f32([1.0, -1.0])}]),
        ('LogNormal', [{'loc': f32([1.0, 1.0]), 'scale': f32([0.0, 1.0])},
                       {'loc': f32([1.0, 1.0]), 'scale': f32([1.0, -1.0])}]),
        ('MultivariateNormal', [{'loc': f32([1.0, 1.0]), 'covariance_matrix': f32([[1.0, 0.0], [0.0, -2.0]])}]),
        ('Normal', [{'loc': f32([1.0, 1.0]), 'scale': f32([0.0, 1.0])},
                    {'loc': f32([1.0, 1.0]), 'scale': f32([1.0, -1.0])},
                    {'loc': f32([1.0, 0.0]), 'scale': f32([1e-5, -1e-5])}]),
        ('OneHotCategorical', [{'probs': f32([[0.1, 0.2, 0.3], [0.1, -10.0, 0.2]])},
                               {'probs': f32([[0.0, 0.0], [0.0, 0.0]])}]),
        ('Pareto', [{'scale': f32(0.0), 'alpha': f32(0.0)},
                    {'scale': f32([0.0, 0.0]), 'alpha': f32([-1e-5, 0.0])},
                    {'scale': f32([1.0]), 'alpha': f32(-1.0)}]),
        ('Poisson', [{'rate': f32([-0.1])}, {'rate': f32(-1.0)}]),
        ('Uniform', [{'low': f32([2.0]), 'high': f32([2.0])}, {'low': f32([0.0]), 'high': f32([0.0])},
                     {'low': f32([1.0]), 'high': f32([0.0])}]),
        ('ContinuousBernoulli', [{'probs': f32([1.1, 0.2, 0.4])}, {'probs': f32([-0.5])}, {'probs': f32(1.00001)}]),
    ]


def concrete_method_cases():
    src = 'issue15'
    # root cause 7: stddev with validate_args false keeps the sign of the scale
    s = spec('Normal', {'loc': f32(0.0), 'scale': f32(-1.0)}, False)
    for m in STATS:
        method_case(f'issue15/normal-negative-scale/{m}', s, m, source=src)
    # ContinuousBernoulli with probs outside [0, 1], validated and not
    for p in (1.5, -0.5):
        for v in (True, False):
            s = spec('ContinuousBernoulli', {'probs': f32([p])}, v)
            for m in STATS + ['probs', 'logits']:
                method_case(f'issue15/cb-probs-{p}/validate-{v}/{m}', s, m, source=src)
            method_case(f'issue15/cb-probs-{p}/validate-{v}/log_prob', s, 'log_prob',
                        torch.tensor([0.25]), source=src)
    # exact support edges
    for dt in (torch.float32, torch.float64):
        n = str(dt).split('.')[1]
        T = lambda a: enc(torch.tensor(a, dtype=dt))
        edge = [
            ('binomial-p1-k10', spec('Binomial', {'total_count': T(10.0), 'probs': T(1.0)}), torch.tensor(10.0, dtype=dt)),
            ('binomial-p0-k0', spec('Binomial', {'total_count': T(10.0), 'probs': T(0.0)}), torch.tensor(0.0, dtype=dt)),
            ('binomial-p1-k9', spec('Binomial', {'total_count': T(10.0), 'probs': T(1.0)}), torch.tensor(9.0, dtype=dt)),
            ('binomial-n0', spec('Binomial', {'total_count': T(0.0), 'probs': T(0.3)}), torch.tensor(0.0, dtype=dt)),
            ('bernoulli-p1-x1', spec('Bernoulli', {'probs': T(1.0)}), torch.tensor(1.0, dtype=dt)),
            ('bernoulli-p0-x1', spec('Bernoulli', {'probs': T(0.0)}), torch.tensor(1.0, dtype=dt)),
            ('bernoulli-p0-x0', spec('Bernoulli', {'probs': T(0.0)}), torch.tensor(0.0, dtype=dt)),
            ('geometric-p1-x0', spec('Geometric', {'probs': T(1.0)}), torch.tensor(0.0, dtype=dt)),
            ('geometric-p1-x3', spec('Geometric', {'probs': T(1.0)}), torch.tensor(3.0, dtype=dt)),
            ('poisson-r0-x0', spec('Poisson', {'rate': T(0.0)}), torch.tensor(0.0, dtype=dt)),
            ('poisson-r0-x2', spec('Poisson', {'rate': T(0.0)}), torch.tensor(2.0, dtype=dt)),
            ('categorical-p01', spec('Categorical', {'probs': T([0.0, 1.0])}), torch.tensor(1)),
            ('categorical-p01-zero', spec('Categorical', {'probs': T([0.0, 1.0])}), torch.tensor(0)),
            ('onehot-p01', spec('OneHotCategorical', {'probs': T([0.0, 1.0])}), torch.tensor([0.0, 1.0], dtype=dt)),
            ('onehot-logits-inf', spec('OneHotCategorical', {'logits': T([-math.inf, 0.0])}), torch.tensor([0.0, 1.0], dtype=dt)),
            ('onehot-logits-inf-zero', spec('OneHotCategorical', {'logits': T([-math.inf, 0.0])}), torch.tensor([1.0, 0.0], dtype=dt)),
            ('beta-11-x0', spec('Beta', {'concentration1': T(1.0), 'concentration0': T(1.0)}), torch.tensor(0.0, dtype=dt)),
            ('beta-05-x0', spec('Beta', {'concentration1': T(0.5), 'concentration0': T(2.0)}), torch.tensor(0.0, dtype=dt)),
            ('beta-2-x1', spec('Beta', {'concentration1': T(2.0), 'concentration0': T(2.0)}), torch.tensor(1.0, dtype=dt)),
            ('uniform-high', spec('Uniform', {'low': T(0.0), 'high': T(1.0)}), torch.tensor(1.0, dtype=dt)),
            ('uniform-low', spec('Uniform', {'low': T(0.0), 'high': T(1.0)}), torch.tensor(0.0, dtype=dt)),
            ('pareto-scale', spec('Pareto', {'scale': T(2.0), 'alpha': T(3.0)}), torch.tensor(2.0, dtype=dt)),
            ('exponential-0', spec('Exponential', {'rate': T(2.0)}), torch.tensor(0.0, dtype=dt)),
            ('gamma-1-x0', spec('Gamma', {'concentration': T(1.0), 'rate': T(2.0)}), torch.tensor(0.0, dtype=dt)),
            ('gamma-05-x0', spec('Gamma', {'concentration': T(0.5), 'rate': T(2.0)}), torch.tensor(0.0, dtype=dt)),
            ('halfnormal-0', spec('HalfNormal', {'scale': T(2.0)}), torch.tensor(0.0, dtype=dt)),
            ('dirichlet-vertex', spec('Dirichlet', {'concentration': T([1.0, 2.0, 3.0])}), torch.tensor([1.0, 0.0, 0.0], dtype=dt)),
            ('cb-x0', spec('ContinuousBernoulli', {'probs': T(0.2)}), torch.tensor(0.0, dtype=dt)),
            ('cb-x1', spec('ContinuousBernoulli', {'probs': T(0.2)}), torch.tensor(1.0, dtype=dt)),
        ]
        for name, s, v in edge:
            method_case(f'issue15/edge/{name}/{n}', s, 'log_prob', v, source=src, exact_edge=True)
            method_case(f'issue15/edge/{name}/{n}/entropy', s, 'entropy', source=src)
    # TestNumericalStability
    src = 'test_distributions.TestNumericalStability'
    for dt in (torch.float32, torch.float64):
        n = str(dt).split('.')[1]
        T = lambda a: enc(torch.tensor(a, dtype=dt))
        V = lambda a: torch.tensor(a, dtype=dt)
        lim = 1e38 if dt == torch.float32 else 1e308
        stab = [
            ('bernoulli-p0-x0', 'Bernoulli', {'probs': T([0.0])}, V([0.0])),
            ('bernoulli-p0-x1', 'Bernoulli', {'probs': T([0.0])}, V([1.0])),
            ('bernoulli-p1e-4-x1', 'Bernoulli', {'probs': T([1e-4])}, V([1.0])),
            ('bernoulli-p1-1e-4-x0', 'Bernoulli', {'probs': T([1 - 1e-4])}, V([0.0])),
            ('bernoulli-logit9999-x0', 'Bernoulli', {'logits': T([math.log(9999)])}, V([0.0])),
            ('bernoulli-logits-underflow', 'Bernoulli', {'logits': T([-lim])}, V([0.0])),
            ('bernoulli-logits-overflow', 'Bernoulli', {'logits': T([lim])}, V([1.0])),
            ('onehot-p01', 'OneHotCategorical', {'probs': T([0.0, 1.0])}, V([0.0, 1.0])),
            ('onehot-logits', 'OneHotCategorical', {'logits': T([-math.inf, 0.0])}, V([0.0, 1.0])),
            ('onehot-logits-zero', 'OneHotCategorical', {'logits': T([-math.inf, 0.0])}, V([1.0, 0.0])),
            ('cb-0.1-x0.1', 'ContinuousBernoulli', {'probs': T([0.1])}, V([0.1])),
            ('cb-0.1-x1', 'ContinuousBernoulli', {'probs': T([0.1])}, V([1.0])),
            ('cb-0.4999-x0.9', 'ContinuousBernoulli', {'probs': T([0.4999])}, V([0.9])),
            ('cb-1e-4-x1', 'ContinuousBernoulli', {'probs': T([1e-4])}, V([1.0])),
            ('cb-1-1e-4-x0.1', 'ContinuousBernoulli', {'probs': T([1 - 1e-4])}, V([0.1])),
            ('cb-logit9999-x0', 'ContinuousBernoulli', {'logits': T([math.log(9999)])}, V([0.0])),
            ('cb-logit0.001-x0.5', 'ContinuousBernoulli', {'logits': T([0.001])}, V([0.5])),
            ('cb-logits-underflow', 'ContinuousBernoulli', {'logits': T([-lim])}, V([0.0])),
            ('cb-logits-overflow', 'ContinuousBernoulli', {'logits': T([lim])}, V([1.0])),
        ]
        for name, fam, params, v in stab:
            method_case(f'stability/{name}/{n}', spec(fam, params), 'log_prob', v, source=src)
    # test_*_shape_*: value shapes against batch shapes (tensor_sample_1 = ones(3, 2),
    # tensor_sample_2 = ones(3, 2, 3))
    src = 'test_distributions.TestDistributionShapes'
    one = lambda *s: torch.ones(*s)
    shapes = [
        ('gamma-scalar', spec('Gamma', {'concentration': f32(1.0), 'rate': f32(1.0)}), [one(3, 2), one(3, 2, 3)]),
        ('gamma-tensor', spec('Gamma', {'concentration': f32([1.0, 1.0]), 'rate': f32([1.0, 1.0])}), [one(3, 2), one(3, 2, 3), one(2, 1)]),
        ('normal-tensor', spec('Normal', {'loc': f32([0.0, 0.0]), 'scale': f32([1.0, 1.0])}), [one(3, 2), one(3, 2, 3), one(2, 1)]),
        ('uniform-tensor', spec('Uniform', {'low': f32([0.0, 0.0]), 'high': f32([1.0, 1.0])}), [one(3, 2) * 0.5, one(3, 2, 3) * 0.5, one(2, 1) * 0.5]),
        ('exponential-tensor', spec('Exponential', {'rate': f32([1.0, 1.0])}), [one(3, 2), one(3, 2, 3), one(2, 2)]),
        ('laplace-tensor', spec('Laplace', {'loc': f32([0.0, 0.0]), 'scale': f32([1.0, 1.0])}), [one(3, 2), one(3, 2, 3), one(2, 1)]),
        ('pareto-scalar', spec('Pareto', {'scale': f32(1.0), 'alpha': f32(1.0)}), [one(3, 2) + 1, one(3, 2, 3) + 1]),
        ('gumbel-scalar', spec('Gumbel', {'loc': f32(1.0), 'scale': f32(1.0)}), [one(3, 2), one(3, 2, 3)]),
        ('cb-tensor', spec('ContinuousBernoulli', {'probs': f32([[0.6, 0.3], [0.6, 0.3], [0.6, 0.3]])}), [one(3, 2), one(3, 2, 3), one(3, 1, 1)]),
        ('bernoulli-tensor', spec('Bernoulli', {'probs': f32([[0.6, 0.3], [0.6, 0.3], [0.6, 0.3]])}), [one(3, 2), one(3, 2, 3), one(3, 1, 1)]),
        ('beta-tensor', spec('Beta', {'concentration1': f32([[0.6, 0.3]] * 3), 'concentration0': f32([[0.6, 0.3]] * 3)}), [one(3, 2) * 0.5, one(3, 2, 3) * 0.5, one(3, 1, 1) * 0.5]),
        ('dirichlet-tensor', spec('Dirichlet', {'concentration': f32([[0.6, 0.3], [1.6, 1.3], [2.6, 2.3]])}), [one(3, 2) / 2, one(3, 2, 3) / 3, one(3, 1, 2) / 2]),
        ('categorical-tensor', spec('Categorical', {'probs': f32([[0.6, 0.3], [0.6, 0.3], [0.6, 0.3]])}), [torch.zeros(3, 3, dtype=torch.int64), torch.ones(3, 1, dtype=torch.int64), torch.tensor(1)]),
        ('onehot-tensor', spec('OneHotCategorical', {'probs': f32([[0.6, 0.3], [0.6, 0.3], [0.6, 0.3]])}), [torch.tensor([[1.0, 0.0]] * 3), one(3, 2, 3), torch.tensor([[[1.0, 0.0]]] * 4)]),
        ('mvn-2', spec('MultivariateNormal', {'loc': f32([0.0, 0.0]), 'covariance_matrix': f32(np.eye(2))}), [one(3, 2), one(3), one(4, 1, 2)]),
    ]
    for name, s, values in shapes:
        method_case(f'shapes/{name}/shape', s, 'shape', source=src)
        for j, v in enumerate(values):
            method_case(f'shapes/{name}/log_prob/{j}', s, 'log_prob', v, source=src)


def mixed_dtype_cases():
    src = 'mixed-dtypes'
    f32_, f64_ = torch.float32, torch.float64
    for fam in FAMILIES:
        for batch in ((), (3,)):
            base = gen_params(fam, batch, f64_)
            base = {k: enc(torch.tensor([dec(x) for x in v['data']], dtype=torch.float64)
                           .reshape(v['shape']).expand(tuple(batch) + tuple(v['shape'][len(v['shape']) - PARAM_EVENT.get(k, 0):]) if fam in EVENT_FAMILIES else tuple(batch)).contiguous()
                           .to(dec_dtype(v['dtype'])))
                    for k, v in base.items()}
            floats = [k for k, v in base.items() if v['dtype'] != 'int64']
            configs = [('f32', {k: f32_ for k in floats}), ('f64', {k: f64_ for k in floats})]
            if len(floats) > 1:
                configs.append(('mixed', {k: (f32_ if j == 0 else f64_) for j, k in enumerate(floats)}))
            d64 = build(spec(fam, base), torch.float64)
            torch.manual_seed(int(rng.integers(0, 2**31)))
            one = d64.sample()  # batch-shaped for a batched distribution
            single = one.reshape((-1,) + tuple(d64.event_shape))[0] if batch else one
            many = d64.sample((2,)) if not batch else one
            for cname, dts in configs:
                params = {k: (enc(torch.tensor([dec(x) for x in v['data']], dtype=torch.float64)
                                  .reshape(v['shape']).to(dts[k])) if k in dts else v)
                          for k, v in base.items()}
                s = spec(fam, params, False)
                prefix = f'mixed-dtypes/{fam}/{"batched" if batch else "0d"}/{cname}'
                if cname == 'mixed':
                    for m in ('mean', 'variance', 'entropy'):
                        method_case(f'{prefix}/{m}', s, m, source=src)
                if fam == 'Categorical':
                    continue  # integer values: no value dtype
                for vname, v in (('single', single), ('batched', many)):
                    for vdt in (f32_, f64_):
                        own = {dts[k] for k in floats}
                        if own == {vdt}:
                            continue  # not mixed: covered by the random cases
                        method_case(f'{prefix}/log_prob/{vname}-{str(vdt)[6:]}', s, 'log_prob',
                                    v.to(vdt).contiguous(), source=src)


# ---------------------------------------------------------------- KL

def kl_case(name, p, q, source='random'):
    r = evaluate(kl_fn, p, q)
    if r is None:
        return
    case = {'name': name, 'source': source, 'p': p, 'q': q}
    case.update(r)
    add(cases_kl, case)


def pair_batches():
    """Batch shapes for p and q that broadcast together."""
    b = [((3,), (3,)), ((2, 1), (3,)), ((), (2, 3)), ((2, 3), ()), ((1, 3), (2, 1)), ((4,), (1,)),
         ((0,), (1,)), ((2, 1, 3), (1, 2, 1))]
    return b


def kl_cases():
    reg = sorted((p.__name__, q.__name__) for p, q in K._KL_REGISTRY)
    base_families = set(FAMILIES)
    k = 0
    for pn, qn in reg:
        if pn not in base_families or qn not in base_families:
            continue
        for j, (bp, bq) in enumerate(pair_batches()):
            dt = torch.float32 if j % 2 == 0 else torch.float64
            kk = int(rng.choice([2, 3, 4]))  # shared event size of Categorical/Dirichlet pairs
            pp = gen_params(pn, bp, dt, kk)
            qq = gen_params(qn, bq, dt, kk)
            if pn in ('MultivariateNormal', 'LowRankMultivariateNormal'):
                n = int(rng.choice([1, 2, 3]))
                pp = gaussian_params(pn, bp, n, dt)
                qq = gaussian_params(qn, bq, n, dt)
            if pn == 'Binomial' and qn == 'Binomial':
                tc = enc(tens(np.full(sub_shape(bq), float(rng.integers(1, 12))), dt))
                pp['total_count'] = tc
                qq['total_count'] = tc
            kl_case(f'kl-random/{pn}-{qn}/{j}', spec(pn, pp), spec(qn, qq))
            k += 1
    # Independent pairs
    for j in range(6):
        dt = torch.float64 if j % 2 else torch.float32
        fam = ['Normal', 'Bernoulli', 'Exponential', 'Normal', 'Beta', 'Normal'][j]
        bp, bq = [((2, 3), (2, 3)), ((4, 2), (1, 2)), ((3,), (3,)), ((2, 1, 3), (2, 3)), ((2, 2), (2, 2)), ((2, 3), (2, 3))][j]
        rp, rq = [(1, 1), (1, 1), (1, 1), (2, 2), (2, 2), (1, 2)][j]
        kl_case(f'kl-independent/{fam}/{j}', indep(spec(fam, gen_params(fam, bp, dt)), rp),
                indep(spec(fam, gen_params(fam, bq, dt)), rq))
    # pairs torch does not implement (NotImplementedError), and mismatched events
    nie = [('Cauchy', 'Normal'), ('Normal', 'Cauchy'), ('Bernoulli', 'Geometric'),
           ('Exponential', 'Poisson'), ('LogNormal', 'HalfNormal'), ('Gumbel', 'LogNormal'),
           ('Pareto', 'LogNormal'), ('Beta', 'Dirichlet'), ('Categorical', 'OneHotCategorical'),
           ('Poisson', 'Geometric'), ('Binomial', 'Bernoulli'), ('Uniform', 'Laplace'),
           ('HalfNormal', 'Normal'), ('ContinuousBernoulli', 'Bernoulli'), ('Geometric', 'Poisson'),
           ('Laplace', 'Cauchy'), ('MultivariateNormal', 'Normal')]
    for pn, qn in nie:
        kl_case(f'kl-notimplemented/{pn}-{qn}', spec(pn, gen_params(pn, (3,), torch.float64)),
                spec(qn, gen_params(qn, (3,), torch.float64)))
    kl_case('kl-notimplemented/Binomial-larger-q-count',
            spec('Binomial', {'total_count': f32([10.0, 10.0]), 'probs': f32([0.2, 0.6])}),
            spec('Binomial', {'total_count': f32([12.0, 12.0]), 'probs': f32([0.1, 0.3])}))
    kl_case('kl-error/mvn-event-mismatch', spec('MultivariateNormal', gaussian_params('MultivariateNormal', (), 2, torch.float64)),
            spec('MultivariateNormal', gaussian_params('MultivariateNormal', (), 3, torch.float64)))
    kl_case('kl-error/batch-mismatch', spec('Normal', gen_params('Normal', (2,), torch.float64)),
            spec('Normal', {'loc': enc(torch.zeros(3, dtype=torch.float64)), 'scale': enc(torch.ones(3, dtype=torch.float64))}))
    kl_case('kl-error/independent-ndims', indep(spec('Normal', {'loc': f32(np.zeros((2, 3))), 'scale': f32(np.ones((2, 3)))}), 1),
            indep(spec('Normal', {'loc': f32(np.zeros((2, 3))), 'scale': f32(np.ones((2, 3)))}), 2))
    # TestKL.finite_examples: pairwise(Dist, params) -> p varies column-wise, q row-wise
    src = 'test_distributions.TestKL.finite_examples'
    pw = finite_pairwise()
    finite = [('bernoulli', 'bernoulli'), ('bernoulli', 'poisson'), ('beta', 'beta'), ('beta', 'chi2'),
              ('beta', 'exponential'), ('beta', 'gamma'), ('beta', 'normal'), ('binomial30', 'binomial30'),
              ('binomial_vectorized_count', 'binomial_vectorized_count'), ('categorical', 'categorical'),
              ('cauchy', 'cauchy'), ('chi2', 'chi2'), ('chi2', 'exponential'), ('chi2', 'gamma'),
              ('chi2', 'normal'), ('dirichlet', 'dirichlet'), ('exponential', 'chi2'),
              ('exponential', 'exponential'), ('exponential', 'gamma'), ('exponential', 'gumbel'),
              ('exponential', 'normal'), ('gamma', 'chi2'), ('gamma', 'exponential'), ('gamma', 'gamma'),
              ('gamma', 'gumbel'), ('gamma', 'normal'), ('gumbel', 'gumbel'), ('gumbel', 'normal'),
              ('halfnormal', 'halfnormal'), ('independent', 'independent'), ('laplace', 'laplace'),
              ('lognormal', 'lognormal'), ('laplace', 'normal'), ('normal', 'gumbel'),
              ('normal', 'laplace'), ('normal', 'normal'), ('onehotcategorical', 'onehotcategorical'),
              ('pareto', 'chi2'), ('pareto', 'pareto'), ('pareto', 'exponential'), ('pareto', 'gamma'),
              ('poisson', 'poisson'), ('uniform_within_unit', 'beta'), ('uniform_positive', 'chi2'),
              ('uniform_positive', 'exponential'), ('uniform_positive', 'gamma'),
              ('uniform_real', 'gumbel'), ('uniform_real', 'normal'), ('uniform_pareto', 'pareto'),
              ('continuous_bernoulli', 'continuous_bernoulli'), ('continuous_bernoulli', 'exponential'),
              ('continuous_bernoulli', 'normal'), ('beta', 'continuous_bernoulli')]
    for a, b in finite:
        kl_case(f'testkl-finite/{a}-{b}', pw[a][0], pw[b][1], source=src)
    # TestKL.infinite_examples
    src = 'test_distributions.TestKL.infinite_examples'
    S = lambda fam, **kw: spec(fam, {k: (v if isinstance(v, dict) else f32(v)) for k, v in kw.items()})
    chi2 = lambda df: S('Gamma', concentration=df / 2, rate=0.5)
    inf_ex = [
        (S('Bernoulli', probs=0.0), S('Bernoulli', probs=1.0)),
        (S('Bernoulli', probs=1.0), S('Bernoulli', probs=0.0)),
        (S('Categorical', probs=[0.9, 0.1]), S('Categorical', probs=[1.0, 0.0])),
        (S('Categorical', probs=[[0.9, 0.1], [0.9, 0.1]]), S('Categorical', probs=[1.0, 0.0])),
        (S('Beta', concentration1=1.0, concentration0=2.0), S('Uniform', low=0.25, high=1.0)),
        (S('Beta', concentration1=1.0, concentration0=2.0), S('Uniform', low=0.0, high=0.75)),
        (S('Beta', concentration1=1.0, concentration0=2.0), S('Uniform', low=0.25, high=0.75)),
        (S('Beta', concentration1=1.0, concentration0=2.0), S('Pareto', scale=1.0, alpha=2.0)),
        (S('Binomial', total_count=31.0, probs=0.7), S('Binomial', total_count=30.0, probs=0.3)),
        (spec('Binomial', {'total_count': enc(torch.tensor([3, 4])), 'probs': f32([0.4, 0.6])}),
         spec('Binomial', {'total_count': enc(torch.tensor([2, 3])), 'probs': f32([0.5, 0.8])})),
        (chi2(1.0), S('Beta', concentration1=2.0, concentration0=3.0)),
        (chi2(1.0), S('Pareto', scale=2.0, alpha=3.0)),
        (chi2(1.0), S('Uniform', low=-2.0, high=3.0)),
    ]
    for pfam, pk in [('Exponential', {'rate': 1.0}), ('Gamma', {'concentration': 1.0, 'rate': 2.0})]:
        for q in (S('Beta', concentration1=2.0, concentration0=3.0) if pfam == 'Exponential' else S('Beta', concentration1=3.0, concentration0=4.0),
                  S('Pareto', scale=2.0, alpha=3.0) if pfam == 'Exponential' else S('Pareto', scale=3.0, alpha=4.0),
                  S('Uniform', low=-2.0, high=3.0) if pfam == 'Exponential' else S('Uniform', low=-3.0, high=4.0)):
            inf_ex.append((S(pfam, **pk), q))
    for pfam in ('Gumbel', 'Laplace', 'Normal'):
        p = S(pfam, loc=-1.0, scale=2.0)
        for q in (S('Beta', concentration1=3.0, concentration0=4.0), chi2(3.0), S('Exponential', rate=3.0),
                  S('Gamma', concentration=3.0, rate=4.0), S('Pareto', scale=3.0, alpha=4.0),
                  S('Uniform', low=-3.0, high=4.0), S('ContinuousBernoulli', probs=0.75)):
            inf_ex.append((p, q))
    inf_ex += [
        (S('Pareto', scale=2.0, alpha=1.0), chi2(3.0)),
        (S('Pareto', scale=2.0, alpha=1.0), S('Exponential', rate=3.0)),
        (S('Pareto', scale=2.0, alpha=1.0), S('Gamma', concentration=3.0, rate=4.0)),
        (S('Pareto', scale=1.0, alpha=2.0), S('Normal', loc=-3.0, scale=4.0)),
        (S('Pareto', scale=1.0, alpha=2.0), S('Pareto', scale=3.0, alpha=4.0)),
        (S('Poisson', rate=2.0), S('Bernoulli', probs=0.5)),
        (S('Poisson', rate=2.3), S('Binomial', total_count=10.0, probs=0.2)),
        (S('Uniform', low=-1.0, high=1.0), S('Beta', concentration1=2.0, concentration0=2.0)),
        (S('Uniform', low=0.0, high=2.0), S('Beta', concentration1=3.0, concentration0=4.0)),
        (S('Uniform', low=-1.0, high=2.0), S('Beta', concentration1=3.0, concentration0=4.0)),
        (S('Uniform', low=-1.0, high=2.0), chi2(3.0)),
        (S('Uniform', low=-1.0, high=2.0), S('Exponential', rate=3.0)),
        (S('Uniform', low=-1.0, high=2.0), S('Gamma', concentration=3.0, rate=4.0)),
        (S('Uniform', low=-1.0, high=2.0), S('Pareto', scale=3.0, alpha=4.0)),
        (S('ContinuousBernoulli', probs=0.25), S('Uniform', low=0.25, high=1.0)),
        (S('ContinuousBernoulli', probs=0.25), S('Uniform', low=0.0, high=0.75)),
        (S('ContinuousBernoulli', probs=0.25), S('Uniform', low=0.25, high=0.75)),
        (S('ContinuousBernoulli', probs=0.25), S('Pareto', scale=1.0, alpha=2.0)),
        (S('Exponential', rate=1.0), S('ContinuousBernoulli', probs=0.75)),
        (S('Gamma', concentration=1.0, rate=2.0), S('ContinuousBernoulli', probs=0.75)),
        (S('Uniform', low=-1.0, high=1.0), S('ContinuousBernoulli', probs=0.75)),
        (S('Uniform', low=0.0, high=2.0), S('ContinuousBernoulli', probs=0.75)),
        (S('Uniform', low=-1.0, high=2.0), S('ContinuousBernoulli', probs=0.75)),
    ]
    for j, (p, q) in enumerate(inf_ex):
        kl_case(f'testkl-infinite/{j}/{p["family"]}-{q["family"]}', p, q, source=src)
    src = 'test_distributions.TestKL.test_kl_edgecases'
    kl_case('testkl-edge/bernoulli0', S('Bernoulli', probs=0.0), S('Bernoulli', probs=0.0), src)
    kl_case('testkl-edge/bernoulli1', S('Bernoulli', probs=1.0), S('Bernoulli', probs=1.0), src)
    kl_case('testkl-edge/categorical', S('Categorical', probs=[0.0, 1.0]), S('Categorical', probs=[0.0, 1.0]), src)
    kl_case('testkl-edge/uniform-beta', S('Uniform', low=0.0, high=1.0), S('Beta', concentration1=1.0, concentration0=1.0), src)
    # test_kl_shape: kl(d, d) for every example
    src = 'test_distributions.TestKL.test_kl_shape'
    for fam, plist in get_examples():
        for i, params in enumerate(plist):
            s = params if params.get('family') == 'Independent' else spec(fam, params)
            kl_case(f'testkl-shape/{fam}/{i}', s, s, src)
    # lowrank vs full-covariance agreement cases (test_kl_lowrank_multivariate_normal)
    src = 'test_distributions.TestKL.test_kl_lowrank_multivariate_normal'
    for i in range(3):
        p = gaussian_params('LowRankMultivariateNormal', (), 4, torch.float64, rank=3)
        q = gaussian_params('LowRankMultivariateNormal', (), 4, torch.float64, rank=3)
        full = lambda g: {'loc': g['loc'], 'covariance_matrix': enc(
            build(spec('LowRankMultivariateNormal', g)).covariance_matrix)}
        kl_case(f'testkl-lowrank/{i}/lr-lr', spec('LowRankMultivariateNormal', p), spec('LowRankMultivariateNormal', q), src)
        kl_case(f'testkl-lowrank/{i}/lr-full', spec('LowRankMultivariateNormal', p), spec('MultivariateNormal', full(q)), src)
        kl_case(f'testkl-lowrank/{i}/full-lr', spec('MultivariateNormal', full(p)), spec('LowRankMultivariateNormal', q), src)
    # float32 ContinuousBernoulli just outside torch's Taylor region (0.499, 0.501): torch's
    # float32 mean and variance cancel there (see PARITY, 'float64-internals')
    for i, probs in enumerate([[0.5014393925666809, 0.49950146675109863, 0.49974003434181213],
                               [0.4985, 0.5012, 0.3]]):
        kl_case(f'kl-cb-near-half/{i}/ContinuousBernoulli-Normal', spec('ContinuousBernoulli', {'probs': f32([probs])}),
                spec('Normal', {'loc': f32([-0.2597162425518036]), 'scale': f32([0.5944832563400269])}), 'issue15')
        kl_case(f'kl-cb-near-half/{i}/ContinuousBernoulli-Exponential', spec('ContinuousBernoulli', {'probs': f32([probs])}),
                spec('Exponential', {'rate': f32([1.5])}), 'issue15')
    for i, (bp, bq) in enumerate([((7,), (7,)), ((7,), ())]):
        kl_case(f'testkl-mvn-batched/{i}', spec('MultivariateNormal', gaussian_params('MultivariateNormal', bp, 3, torch.float64, which='scale_tril')),
                spec('MultivariateNormal', gaussian_params('MultivariateNormal', bq, 3, torch.float64, which='scale_tril')),
                'test_distributions.TestKL.test_kl_multivariate_normal_batched')


def gaussian_params(fam, batch, n, dt, rank=None, which=None):
    T = lambda a: enc(tens(a, dt))
    if fam == 'MultivariateNormal':
        which = which or str(rng.choice(['covariance_matrix', 'precision_matrix', 'scale_tril']))
        m = tril(sub_shape(batch), n) if which == 'scale_tril' else pd(sub_shape(batch), n)
        return {'loc': T(real(sub_shape(batch) + (n,))), which: T(m)}
    r = rank or int(rng.choice([1, 2]))
    return {'loc': T(real(sub_shape(batch) + (n,))), 'cov_factor': T(real(sub_shape(batch) + (n, r), 1.0)),
            'cov_diag': T(pos(sub_shape(batch) + (n,)))}


def finite_pairwise():
    """TestKL's pairwise(Dist, *params): p[i][j] = param[j], q[i][j] = param[i]."""
    def pw(fam, names, *params):
        p1 = [np.array([p] * len(p), dtype=np.float64) for p in params]
        p2 = [np.swapaxes(a, 0, 1) for a in p1]
        return (spec(fam, {n: f32(a) for n, a in zip(names, p1)}),
                spec(fam, {n: f32(a) for n, a in zip(names, p2)}))
    out = {
        'bernoulli': pw('Bernoulli', ['probs'], [0.1, 0.2, 0.6, 0.9]),
        'beta': pw('Beta', ['concentration1', 'concentration0'], [1.0, 2.5, 1.0, 2.5], [1.5, 1.5, 3.5, 3.5]),
        'categorical': pw('Categorical', ['probs'], [[0.4, 0.3, 0.3], [0.2, 0.7, 0.1], [0.33, 0.33, 0.34], [0.2, 0.2, 0.6]]),
        'cauchy': pw('Cauchy', ['loc', 'scale'], [-2.0, 2.0, -3.0, 3.0], [1.0, 2.0, 1.0, 2.0]),
        'dirichlet': pw('Dirichlet', ['concentration'], [[0.1, 0.2, 0.7], [0.5, 0.4, 0.1], [0.33, 0.33, 0.34], [0.2, 0.2, 0.4]]),
        'exponential': pw('Exponential', ['rate'], [1.0, 2.5, 5.0, 10.0]),
        'gamma': pw('Gamma', ['concentration', 'rate'], [1.0, 2.5, 1.0, 2.5], [1.5, 1.5, 3.5, 3.5]),
        'gumbel': pw('Gumbel', ['loc', 'scale'], [-2.0, 4.0, -3.0, 6.0], [1.0, 2.5, 1.0, 2.5]),
        'halfnormal': pw('HalfNormal', ['scale'], [1.0, 2.0, 1.0, 2.0]),
        'laplace': pw('Laplace', ['loc', 'scale'], [-2.0, 4.0, -3.0, 6.0], [1.0, 2.5, 1.0, 2.5]),
        'lognormal': pw('LogNormal', ['loc', 'scale'], [-2.0, 2.0, -3.0, 3.0], [1.0, 2.0, 1.0, 2.0]),
        'normal': pw('Normal', ['loc', 'scale'], [-2.0, 2.0, -3.0, 3.0], [1.0, 2.0, 1.0, 2.0]),
        'onehotcategorical': pw('OneHotCategorical', ['probs'], [[0.4, 0.3, 0.3], [0.2, 0.7, 0.1], [0.33, 0.33, 0.34], [0.2, 0.2, 0.6]]),
        'poisson': pw('Poisson', ['rate'], [0.3, 1.0, 5.0, 10.0]),
        'uniform_within_unit': pw('Uniform', ['low', 'high'], [0.1, 0.9, 0.2, 0.75], [0.15, 0.95, 0.25, 0.8]),
        'uniform_positive': pw('Uniform', ['low', 'high'], [1, 1.5, 2, 4], [1.2, 2.0, 3, 7]),
        'uniform_real': pw('Uniform', ['low', 'high'], [-2.0, -1, 0, 2], [-1.0, 1, 1, 4]),
        'uniform_pareto': pw('Uniform', ['low', 'high'], [6.5, 7.5, 6.5, 8.5], [7.5, 8.5, 9.5, 9.5]),
        'continuous_bernoulli': pw('ContinuousBernoulli', ['probs'], [0.1, 0.2, 0.5, 0.9]),
    }
    chi = pw('Gamma', ['concentration', 'rate'], [0.5, 1.0, 1.25, 2.5], [0.5, 0.5, 0.5, 0.5])
    out['chi2'] = chi  # Chi2(df) is Gamma(df / 2, 1 / 2)
    b30 = pw('Binomial', ['probs'], [0.1, 0.2, 0.6, 0.9])
    for s in b30:
        s['params']['total_count'] = f32(30.0)
    out['binomial30'] = b30
    out['binomial_vectorized_count'] = (
        spec('Binomial', {'total_count': enc(torch.tensor([3, 4])), 'probs': f32([0.4, 0.6])}),
        spec('Binomial', {'total_count': enc(torch.tensor([3, 4])), 'probs': f32([0.5, 0.8])}))
    out['independent'] = tuple(indep(s, 1) for s in out['normal'])
    out['pareto'] = (spec('Pareto', {'scale': f32(np.tile([2.5, 4.0, 2.5, 4.0], (4, 1))), 'alpha': f32(np.tile([2.25, 3.75, 2.25, 3.75], (4, 1)))}),
                     spec('Pareto', {'scale': f32(np.tile([2.25, 3.75, 2.25, 3.8], (4, 1))), 'alpha': f32(np.tile([2.25, 3.75, 2.25, 3.75], (4, 1)))}))
    return out


if __name__ == '__main__':
    main()
