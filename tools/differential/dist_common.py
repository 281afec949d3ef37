"""gen-distributions.py's shared pieces: the seed and the one seeded numpy Generator every
random draw comes from (in the order main() makes them), tensor encoding and distribution
specs (see gen-distributions.py's header for the formats)."""

import math

import numpy as np
import torch
import torch.distributions as D

SEED = 20261202
U32 = 2.0**-24
U64 = 2.0**-53
D32 = 2.0**-21  # relative perturbation of float32 parameters: a few float32 ulps

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


def f32(a):
    return enc(torch.tensor(a, dtype=torch.float32))

