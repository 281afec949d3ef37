"""gen-distributions.py's random valid parameters per family and batch shape, and the values
log_prob is evaluated at (samples, broadcasting shapes, support edges)."""

import math

import numpy as np
import torch

from dist_common import enc, rng, tens


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

