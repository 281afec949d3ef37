"""gen-distributions.py's documented differences: when a docs/parity.md entry applies to a
case, and kldiv's semantics to evaluate it under (see gen-distributions.py's header)."""

import torch
import torch.distributions as D

from dist_common import build, dec_dtype

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

