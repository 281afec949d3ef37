"""Reference values for the from-logits losses on rows with non-finite logits
(test/data/logits-nonfinite.json; issue 15, root cause 4).

Run from the repository root (Debian python3-torch 1.13); it writes test/data/logits-nonfinite.json:
    /usr/bin/python3 tools/differential/gen-logits-nonfinite.py

Every case is a pair of student/teacher logits (float32 or float64) of a small shape, with a
class dimension `dim` (last, first, middle, negative; 1-D and 0-d too), a temperature T, and one
pattern of `-inf`, `+inf` and NaN (at fixed positions, or scattered at seeded random ones)
written into one or two rows (lines along `dim`) of the student, the teacher, both at the same
positions, or both at mirrored positions ('crossed'). Each (pattern, side) pair runs on half of
the layouts, alternating, so each pattern meets every layout. The other entries are seeded
normal logits (numpy RandomState(15), scale 2), so most cases also have clean rows.
The expected values are PyTorch's UNFUSED expressions, evaluated in the case's
dtype, with gradients from autograd:

- kl: F.kl_div(F.log_softmax(s / T, dim), F.softmax(t / T, dim), reduction=r) * (T * T)
  for r in 'none', 'sum', 'batchmean'; gradients of s and t for 'sum' (upstream 1) and for
  'none' with the upstream gradient `gradOutput` (seeded normals).
- jsd: TRL's GKDTrainer.generalized_jsd_loss (trl/trainer/gkd_trainer.py) with log_softmax
  taken along `dim` instead of -1, for one beta per case (cycling 0, 0.5, 1, 0.3), forward for
  'none' and 'sum', student gradient for 'sum' and for 'none' with `gradOutput`. Its
  'batchmean' is not generated (its divisor is a separate question, issue 15 root cause 8).
- jsdLogProbs: the same TRL expression from its log_softmax on, with the case's two tensors
  taken as the log-probabilities themselves (jsDivergence): forward and student gradients as
  for jsd.

Numbers are JSON numbers except non-finite ones, written as the strings "nan", "inf", "-inf"
(common.py's encoding; -0 stays the JSON number -0.0 here). float32 values are written with 9
significant digits (they round-trip to the same float32).
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import FLOAT32_DIGITS, encode_number, trl_jsd, write_json  # noqa: E402

rng = np.random.RandomState(15)

# (shape, dim): last, positive last, first, middle, negative middle, 1-D, V = 1, long rows
# (the WebAssembly kernels' SIMD loops and their scalar tails), 0-d
LAYOUTS = [
    ([3, 6], -1),
    ([2, 9], 1),
    ([6, 3], 0),
    ([2, 5, 3], 1),
    ([2, 5, 3], -2),
    ([5], 0),
    ([3, 1], -1),
    ([2, 17], -1),
    ([], -1),
]

INF = float('inf')
NAN = float('nan')


def pattern_values(name, V):
    """{position: value} for one row of length V."""
    mid = V // 2
    last = V - 1
    if name == 'first -inf':
        return {0: -INF}
    if name == 'middle -inf':
        return {mid: -INF}
    if name == 'last -inf':
        return {last: -INF}
    if name == 'all -inf':
        return {j: -INF for j in range(V)}
    if name == 'all but one -inf':
        return {j: -INF for j in range(V) if j != mid}
    if name == 'first +inf':
        return {0: INF}
    if name == 'middle +inf':
        return {mid: INF}
    if name == 'two +inf':
        return {0: INF, last: INF}
    if name == '+inf and -inf':
        return {0: INF, last: -INF}
    if name == 'first nan':
        return {0: NAN}
    if name == 'middle nan':
        return {mid: NAN}
    if name == 'nan and -inf':
        return {0: -INF, last: NAN}
    if name == 'scattered -inf':
        # a masked vocabulary: each entry -inf with probability 0.4, one entry kept finite
        keep = rng.randint(V)
        return {j: -INF for j in range(V) if j != keep and rng.rand() < 0.4}
    if name == 'scattered specials':
        # each entry -inf, +inf or NaN with probability 0.3
        return {j: [-INF, INF, NAN][rng.randint(3)] for j in range(V) if rng.rand() < 0.3}
    raise ValueError(name)


PATTERNS = ['first -inf', 'middle -inf', 'last -inf', 'all -inf', 'all but one -inf',
            'first +inf', 'middle +inf', 'two +inf', '+inf and -inf', 'first nan',
            'middle nan', 'nan and -inf', 'scattered -inf', 'scattered specials']
SIDES = ['student', 'teacher', 'both', 'crossed']
TEMPERATURES = [1.0, 2.0, 0.5]
BETAS = [0.0, 0.5, 1.0, 0.3]


def apply_pattern(x, dim, rows, values, mirror=False):
    """Writes `values` into the given rows (indices into the rows of x moved to dim last)."""
    if x.ndim == 0:
        for v in values.values():
            x[()] = v
        return x
    moved = np.moveaxis(x, dim, -1)  # a view: writes land in x
    V = moved.shape[-1]
    for r in rows:
        for j, v in values.items():
            at = V - 1 - j if mirror else j
            idx = np.unravel_index(r, moved.shape[:-1]) if moved.ndim > 1 else ()
            moved[idx + (at,)] = v
    return x


def enc(v, dtype):
    return encode_number(v, FLOAT32_DIGITS if dtype == 'float32' else None, signed_zero=False)


def enc_list(a, dtype):
    return [enc(v, dtype) for v in np.asarray(a, dtype=np.float64).reshape(-1)]


def kl_unfused(s, t, T, dim, reduction):
    return F.kl_div(F.log_softmax(s / T, dim), F.softmax(t / T, dim), reduction=reduction) * (T * T)


def jsd_unfused(s, t, T, dim, beta, reduction):
    # TRL's generalized_jsd_loss, log_softmax along `dim`
    s = s / T
    t = t / T
    return jsd_log_probs(F.log_softmax(s, dim=dim), F.log_softmax(t, dim=dim), beta, reduction)


def jsd_log_probs(student_log_probs, teacher_log_probs, beta, reduction):
    # the rest of TRL's generalized_jsd_loss, on log-probabilities
    jsd = trl_jsd(student_log_probs, teacher_log_probs, beta)
    if reduction == 'sum':
        return jsd.sum()
    return jsd


def grads(f, s0, t0, upstream, teacher=True):
    s = s0.clone().requires_grad_(True)
    t = t0.clone().requires_grad_(teacher)
    out = f(s, t)
    if upstream is None:
        out.backward()
    else:
        out.backward(upstream)
    return s.grad, (t.grad if teacher else None)


def main():
    torch.set_grad_enabled(True)
    cases = []
    counter = 0
    for dtype_name, dtype in [('float32', torch.float32), ('float64', torch.float64)]:
        for pi, pattern in enumerate(PATTERNS):
            for si, side in enumerate(SIDES):
                # half of the layouts per side, alternating: each pattern meets every layout
                for shape, dim in LAYOUTS[(pi + si) % 2::2]:
                    T = TEMPERATURES[counter % len(TEMPERATURES)]
                    beta = BETAS[counter % len(BETAS)]
                    counter += 1
                    npd = np.float32 if dtype_name == 'float32' else np.float64
                    s = np.array(np.asarray(rng.randn(*shape)) * 2, dtype=npd)
                    t = np.array(np.asarray(rng.randn(*shape)) * 2, dtype=npd)
                    V = shape[dim] if shape else 1
                    rows = int(np.prod(shape)) // V
                    # row 0, and sometimes one more, leaving clean rows where there are some
                    chosen = [0]
                    if rows > 2 and rng.rand() < 0.5:
                        chosen.append(int(rng.randint(1, rows)))
                    values = pattern_values(pattern, V)
                    if side in ('student', 'both', 'crossed'):
                        apply_pattern(s, dim, chosen, values)
                    if side in ('teacher', 'both'):
                        apply_pattern(t, dim, chosen, values)
                    if side == 'crossed':
                        apply_pattern(t, dim, chosen, values, mirror=True)
                    st = torch.tensor(s, dtype=dtype)
                    tt = torch.tensor(t, dtype=dtype)
                    g = torch.tensor(np.asarray(rng.randn(*shape)), dtype=dtype)
                    case = {
                        'name': f'{dtype_name} {pattern} in {side}, shape {shape} dim {dim} T {T}',
                        'dtype': dtype_name,
                        'shape': shape,
                        'dim': dim,
                        'temperature': T,
                        'student': enc_list(s, dtype_name),
                        'teacher': enc_list(t, dtype_name),
                        'gradOutput': enc_list(g.numpy(), dtype_name),
                    }
                    with torch.no_grad():
                        kl = {r: kl_unfused(st, tt, T, dim, r) for r in ('none', 'sum', 'batchmean')}
                    gs_sum, gt_sum = grads(lambda a, b: kl_unfused(a, b, T, dim, 'sum'), st, tt, None)
                    gs_none, gt_none = grads(lambda a, b: kl_unfused(a, b, T, dim, 'none'), st, tt, g)
                    case['kl'] = {
                        'none': enc_list(kl['none'].numpy(), dtype_name),
                        'sum': enc(kl['sum'].item(), dtype_name),
                        'batchmean': enc(kl['batchmean'].item(), dtype_name),
                        'gradSum': {'student': enc_list(gs_sum.numpy(), dtype_name),
                                    'teacher': enc_list(gt_sum.numpy(), dtype_name)},
                        'gradNone': {'student': enc_list(gs_none.numpy(), dtype_name),
                                     'teacher': enc_list(gt_none.numpy(), dtype_name)},
                    }
                    with torch.no_grad():
                        j_none = jsd_unfused(st, tt, T, dim, beta, 'none')
                        j_sum = jsd_unfused(st, tt, T, dim, beta, 'sum')
                    js_sum, _ = grads(lambda a, b: jsd_unfused(a, b, T, dim, beta, 'sum'), st, tt,
                                      None, teacher=False)
                    js_none, _ = grads(lambda a, b: jsd_unfused(a, b, T, dim, beta, 'none'), st, tt,
                                       g, teacher=False)
                    case['jsd'] = {
                        'beta': beta,
                        'none': enc_list(j_none.numpy(), dtype_name),
                        'sum': enc(j_sum.item(), dtype_name),
                        'gradSum': enc_list(js_sum.numpy(), dtype_name),
                        'gradNone': enc_list(js_none.numpy(), dtype_name),
                    }
                    # the same tensors taken as log-probabilities (jsDivergence)
                    with torch.no_grad():
                        p_none = jsd_log_probs(st, tt, beta, 'none')
                        p_sum = jsd_log_probs(st, tt, beta, 'sum')
                    ps_sum, _ = grads(lambda a, b: jsd_log_probs(a, b, beta, 'sum'), st, tt, None,
                                      teacher=False)
                    ps_none, _ = grads(lambda a, b: jsd_log_probs(a, b, beta, 'none'), st, tt, g,
                                       teacher=False)
                    case['jsdLogProbs'] = {
                        'none': enc_list(p_none.numpy(), dtype_name),
                        'sum': enc(p_sum.item(), dtype_name),
                        'gradSum': enc_list(ps_sum.numpy(), dtype_name),
                        'gradNone': enc_list(ps_none.numpy(), dtype_name),
                    }
                    cases.append(case)
    out = write_json('logits-nonfinite.json', {
        'generator': 'tools/differential/gen-logits-nonfinite.py',
        'torch': torch.__version__,
        'cases': cases,
    })
    print(f'wrote {len(cases)} cases to {os.path.relpath(out)}')


if __name__ == '__main__':
    main()
