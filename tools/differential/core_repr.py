"""gen-core.py's printed reprs (core-repr.json): repr(t) after a sequence of
torch.set_printoptions calls."""

import numpy as np
import torch

from common import NAME, as_tensor, random_shape, spec, sprinkle
from core_helpers import F32, F64


def torch_set(opts):
    kw = {}
    for k, v in opts.items():
        kw['sci_mode' if k == 'sciMode' else k] = v
    torch.set_printoptions(**kw)


def reset_print():
    torch.set_printoptions(profile='default', sci_mode=None)


def repr_case(rng, i):
    dtype = rng.choice([F32, F64])
    shape = random_shape(rng, max_rank=3, max_numel=1500, allow_zero=True)
    if rng.bool(0.2):
        shape = rng.choice([[1100], [40, 30], [3, 400], [2001]])
    n = int(np.prod(shape, dtype=np.int64))
    mag = rng.choice([1.0, 1e-3, 1e3, 1e6, 1e-6, 1e12, 100.0])
    v = rng.normal(n, mag)
    if rng.bool(0.3):
        v = np.round(v)
    if rng.bool(0.3):
        v = sprinkle(rng, v, dtype, [float('inf'), float('-inf'), float('nan'), -0.0, 0.0, 1e30,
                                     1e-30], 0.1)
    t = as_tensor(v, dtype, shape)
    calls = []
    for _ in range(rng.int(1, 3)):
        o = {}
        for key, vals in (('precision', [0, 1, 2, 3, 6, 8, 10]), ('threshold', [5, 10, 50, 1000, 5000]),
                          ('edgeitems', [1, 2, 3, 4]), ('linewidth', [40, 60, 80, 120, 200]),
                          ('profile', ['default', 'short', 'full']), ('sciMode', [True, False, None])):
            if rng.bool(0.35):
                o[key] = rng.choice(vals)
        calls.append(o)
    reset_print()
    for o in calls:
        torch_set(o)
    r = repr(t)
    reset_print()
    return {'name': f'repr-{i:04d}-{NAME[dtype]}-{"x".join(map(str, shape)) or "0d"}',
            'printOptions': calls, 'value': spec(t), 'repr': r}


def repr_concrete():
    cases = []
    t = torch.tensor([0.1, 0.2])
    for k, calls in enumerate([[{'sciMode': True}, {'precision': 3}], [{'sciMode': True}],
                               [{'sciMode': False}, {}], [{'profile': 'short'}],
                               [{'profile': 'full', 'sciMode': True}], [{'precision': 10}]]):
        reset_print()
        for o in calls:
            torch_set(o)
        cases.append({'name': f'issue15-setPrintOptions-{k}', 'printOptions': calls,
                      'value': spec(t), 'repr': repr(t)})
    reset_print()
    return cases
