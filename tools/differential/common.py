"""Shared pieces of the differential generators: tensor encoding (test/fixtures/README.md),
seeded random shapes and values, and the rounding-error bounds the tolerances are built from.

Nothing here decides an expected value: those come from PyTorch 1.13 (Debian python3-torch)
in the generators. This module only encodes them and bounds the rounding of both sides.
"""

import base64
import json
import math

import numpy as np
import torch

# Half an ulp of 1 in each dtype (unit roundoff) and the smallest subnormal (one quantum).
EPS = {torch.float32: 2.0**-24, torch.float64: 2.0**-53}
QUANTUM = {torch.float32: 2.0**-149, torch.float64: 2.0**-1074}
NAME = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64'}
DTYPE = {'float32': torch.float32, 'float64': torch.float64}

# K: rounding errors per operation chain. PyTorch's float32 kernels (log/exp about 1 ulp, each
# product and difference 1/2 ulp) and kldiv's WebAssembly float32 kernels (docs/numerics.md:
# |c - l| <= 2^-22 scale = 4 eps scale) each stay within 4 eps of the exact value per
# magnitude of every term, so the two differ by at most 8 eps per term magnitude.
K = 8
# Inline base64 above this many elements (README: "large tensors carry base64").
BASE64_ABOVE = 64


def cascade_levels(n):
    """Rounding steps of PyTorch's CPU sum (cascade summation, levels of 16 terms): at most 15
    additions per level and ceil(log16 n) levels, and never more than the n - 1 additions of
    a plain loop, so |error| <= L(n) eps sum|terms| (L >= 1: the sum's own final rounding)."""
    if n <= 2:
        return 1
    return min(n - 1, 15 * math.ceil(math.log(n, 16)) + 1)


def encode_number(v):
    v = float(v)
    if math.isnan(v):
        return 'nan'
    if math.isinf(v):
        return 'inf' if v > 0 else '-inf'
    if v == 0 and math.copysign(1.0, v) < 0:
        return '-0'
    return v


def spec(t, name=None):
    """A torch tensor as a fixture tensor spec."""
    t = t.detach()
    dtype = NAME[t.dtype] if name is None else name
    out = {'dtype': dtype, 'shape': list(t.shape)}
    flat = t.reshape(-1)
    if flat.numel() > BASE64_ABOVE and dtype != 'int64':
        arr = flat.numpy().astype('<f4' if dtype == 'float32' else '<f8')
        out['base64'] = base64.b64encode(arr.tobytes()).decode('ascii')
    else:
        out['data'] = [encode_number(v) for v in flat.tolist()]
    return out


def tol_spec(rtol, atol, element_atol=None, note=None):
    """A tolerance: |a - e| <= atol + elementAtol[i] + rtol |e|. Non-finite bounds (the
    element's expected value is then non-finite and compared exactly) are stored as 0."""
    atol = _finite(atol)
    out = {'rtol': float(rtol)}
    e = None if element_atol is None else np.asarray(element_atol, dtype=np.float64).reshape(-1)
    if e is not None:
        e = np.where(np.isfinite(e), e, 0.0)
        if e.size == 1:
            atol += float(e[0])
            e = None
    out['atol'] = atol
    if e is not None and e.size > 1:
        out['elementAtol'] = spec(torch.from_numpy(np.ascontiguousarray(e)))
    if note:
        out['derivation'] = note
    return out


def _finite(v):
    v = float(v)
    return v if math.isfinite(v) else 0.0


def fsum(a):
    """Sum of the finite entries (a bound over non-finite terms is never consulted)."""
    a = np.asarray(a, dtype=np.float64)
    return float(np.sum(a[np.isfinite(a)]))


def dump(path, meta, cases):
    with open(path, 'w') as f:
        json.dump({'meta': meta, 'cases': cases}, f, separators=(',', ':'), allow_nan=False)
        f.write('\n')


class Rng:
    """numpy's PCG64, seeded: every choice below goes through it, so the output is fixed."""

    def __init__(self, seed):
        self.g = np.random.default_rng(seed)

    def choice(self, items, p=None):
        return items[int(self.g.choice(len(items), p=p))]

    def int(self, lo, hi):
        return int(self.g.integers(lo, hi + 1))

    def uniform(self, lo, hi, size=None):
        return self.g.uniform(lo, hi, size)

    def normal(self, size=None, scale=1.0):
        return self.g.normal(0.0, scale, size)

    def random(self, size=None):
        return self.g.random(size)

    def bool(self, p=0.5):
        return bool(self.g.random() < p)


def random_shape(rng, max_rank=5, max_numel=120, allow_zero=True):
    while True:
        rank = rng.choice([0, 1, 2, 3, 4, 5][: max_rank + 1],
                          p=_norm([1, 3, 4, 3, 2, 1][: max_rank + 1]))
        dims = []
        for _ in range(rank):
            dims.append(rng.choice([0, 1, 2, 3, 4, 5, 7], p=_norm(
                [0.5 if allow_zero else 0, 3, 3, 3, 2, 1.5, 1])))
        if int(np.prod(dims, dtype=np.int64)) <= max_numel:
            return dims


def _norm(w):
    w = np.asarray(w, dtype=np.float64)
    return w / w.sum()


def broadcast_partner(rng, shape):
    """A shape that broadcasts with `shape`: leading dims dropped, some dims set to 1."""
    drop = rng.int(0, len(shape))
    out = list(shape[drop:])
    for i in range(len(out)):
        if rng.bool(0.3):
            out[i] = 1
    return out


SPECIALS_PROB = [float('inf'), float('-inf'), float('nan'), -0.0, 0.0, 1e-30, 1e30, 1.0,
                 'sub', -0.5]
SPECIALS_LOG = [float('inf'), float('-inf'), float('nan'), -0.0, 0.0, -1e-30, -1e30, -1e-45,
                'sub', 90.0, -104.0, 5.0]


def sprinkle(rng, arr, dtype, specials, prob):
    """Replaces entries of arr (float64 numpy) with special values at rate prob."""
    flat = arr.reshape(-1)
    for i in range(flat.size):
        if rng.bool(prob):
            v = rng.choice(specials)
            if v == 'sub':
                v = 1e-45 if dtype == torch.float32 else 5e-324
                if rng.bool(0.5):
                    v *= 3
            flat[i] = v
    return flat.reshape(arr.shape)


def as_tensor(arr, dtype, shape):
    return torch.tensor(np.asarray(arr, dtype=np.float64).reshape(-1).tolist(),
                        dtype=torch.float64).reshape(shape).to(dtype)
