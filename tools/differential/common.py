"""Shared pieces of the generators in tools/differential: tensor encoding
(test/fixtures/README.md), writing the JSON, seeded random shapes and values, TRL's JSD, and
the rounding-error bounds the tolerances are built from.

Nothing here decides an expected value: those come from PyTorch 1.13 (Debian python3-torch)
and SciPy 1.10 in the generators. This module only encodes them and bounds the rounding of
both sides.
"""

import base64
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

# Half an ulp of 1 in each dtype (unit roundoff) and the smallest subnormal (one quantum).
EPS = {torch.float32: 2.0**-24, torch.float64: 2.0**-53}
QUANTUM = {torch.float32: 2.0**-149, torch.float64: 2.0**-1074}
NAME = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64', torch.int32: 'int32'}
DTYPE = {'float32': torch.float32, 'float64': torch.float64}

# K: rounding errors per operation chain. PyTorch's float32 kernels (log/exp about 1 ulp, each
# product and difference 1/2 ulp) and kldiv's WebAssembly float32 kernels (docs/numerics.md:
# |c - l| <= 2^-22 scale = 4 eps scale) each stay within 4 eps of the exact value per
# magnitude of every term, so the two differ by at most 8 eps per term magnitude.
K = 8
# Inline base64 above this many elements (README: "large tensors carry base64").
BASE64_ABOVE = 64
# Significant digits that round-trip every float32 (shorter JSON than the float64 repr).
FLOAT32_DIGITS = 9
# The repository's test/data, where every generator writes.
DATA = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..',
                                     'test', 'data'))


def cascade_levels(n):
    """Rounding steps of PyTorch's CPU sum (cascade summation, levels of 16 terms): at most 15
    additions per level and ceil(log16 n) levels, and never more than the n - 1 additions of
    a plain loop, so |error| <= L(n) eps sum|terms| (L >= 1: the sum's own final rounding)."""
    if n <= 2:
        return 1
    return min(n - 1, 15 * math.ceil(math.log(n, 16)) + 1)


def encode_number(v, digits=None, signed_zero=True):
    """A number as fixture JSON: NaN and the infinities as 'nan', 'inf', '-inf' (JSON has none),
    -0 as '-0' unless signed_zero is False (then the JSON number -0.0), and rounded to `digits`
    significant digits when given (FLOAT32_DIGITS for float32 values)."""
    v = float(v)
    if math.isnan(v):
        return 'nan'
    if math.isinf(v):
        return 'inf' if v > 0 else '-inf'
    if signed_zero and v == 0 and math.copysign(1.0, v) < 0:
        return '-0'
    if digits is not None:
        v = float(f'{v:.{digits}g}')
    return v


def spec(t, name=None, base64_above=BASE64_ABOVE, float32_digits=None):
    """A torch tensor (or numpy array) as a fixture tensor spec: base64 above `base64_above`
    elements (None: never), float32 data rounded to `float32_digits` significant digits."""
    if isinstance(t, np.ndarray):
        t = torch.from_numpy(t.copy())  # C order; ascontiguousarray would make 0-d arrays 1-d
    t = torch.as_tensor(t).detach()
    dtype = NAME[t.dtype] if name is None else name
    out = {'dtype': dtype, 'shape': list(t.shape)}
    flat = t.reshape(-1)
    if base64_above is not None and flat.numel() > base64_above and dtype != 'int64':
        arr = flat.numpy().astype('<f4' if dtype == 'float32' else '<f8')
        out['base64'] = base64.b64encode(arr.tobytes()).decode('ascii')
    else:
        digits = float32_digits if dtype == 'float32' else None
        out['data'] = [encode_number(v, digits) for v in flat.tolist()]
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


def write_json(path, obj, indent=None, separators=(',', ':')):
    """Writes obj and a newline to path (under DATA when relative), json.dump's indent and
    separators (None: its defaults); non-finite numbers must be encoded already. Returns the
    path written."""
    path = os.path.join(DATA, path)
    with open(path, 'w') as f:
        json.dump(obj, f, indent=indent, separators=separators, allow_nan=False)
        f.write('\n')
    return path


def dump(path, meta, cases):
    return write_json(path, {'meta': meta, 'cases': cases})


def trl_jsd(student_log_probs, teacher_log_probs, beta, log1p=False):
    """TRL's GKDTrainer.generalized_jsd_loss (trl/trainer/gkd_trainer.py) on log-probabilities,
    reduction 'none', restated: beta 0 is KL(teacher || student), beta 1 KL(student || teacher),
    else beta KL(teacher || M) + (1 - beta) KL(student || M) with the mixture
    log M = logsumexp([S + log(1 - beta), T + log(beta)]) (beta a tensor of S's dtype).
    log1p: log(1 - beta) as log1p(-beta) (gen-core.py's sets were generated so)."""
    if beta == 0:
        return F.kl_div(student_log_probs, teacher_log_probs, reduction='none', log_target=True)
    if beta == 1:
        return F.kl_div(teacher_log_probs, student_log_probs, reduction='none', log_target=True)
    b = torch.tensor(beta, dtype=student_log_probs.dtype)
    log_rest = torch.log1p(-b) if log1p else torch.log(1 - b)
    mixture = torch.logsumexp(torch.stack([student_log_probs + log_rest,
                                           teacher_log_probs + torch.log(b)]), dim=0)
    kl_teacher = F.kl_div(mixture, teacher_log_probs, reduction='none', log_target=True)
    kl_student = F.kl_div(mixture, student_log_probs, reduction='none', log_target=True)
    return b * kl_teacher + (1 - b) * kl_student


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


def broadcast_partner(rng, shape, lead_prob=0.0):
    """A shape that broadcasts with `shape`: leading dims dropped, some dims set to 1, and with
    probability lead_prob one extra leading dim of size 1 to 3."""
    drop = rng.int(0, len(shape))
    out = list(shape[drop:])
    for i in range(len(out)):
        if rng.bool(0.3):
            out[i] = 1
    if lead_prob and rng.bool(lead_prob):
        out = [rng.int(1, 3)] + out
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
