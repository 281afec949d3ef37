"""gen-core.py's cases from logits (core-logits.json): klDivWithLogits(+Backward),
jsDivergence(+Backward), jsDivergenceWithLogits(+Backward), masks, issue 15's non-finite
repros and errors; the PyTorch expressions are in gen-core.py's header."""

import warnings

import numpy as np
import torch
import torch.nn.functional as F

from common import NAME, as_tensor, random_shape, spec, sprinkle, trl_jsd
from core_helpers import F32, F64, np64, same_classes
from core_logits_bounds import logits_bounds


def logits_values(rng, shape, dtype, special_rate, scale):
    n = int(np.prod(shape, dtype=np.int64))
    v = rng.normal(n, scale)
    if rng.bool(0.1):
        v = v + rng.choice([1e4, -1e4, 80.0, -200.0])
    if special_rate:
        v = sprinkle(rng, v, dtype, [float('inf'), float('-inf'), float('nan'), -0.0, 1e30, -1e30,
                                     'sub', 1e4], special_rate)
    return v


def expand_keep(keep, shape, dim):
    if keep is None:
        return None
    if len(shape) == 0:
        return np.asarray(keep, dtype=bool).reshape(())
    return np.expand_dims(np.asarray(keep, dtype=bool), dim)


def torch_logits_kl(s, t, T, dim, red, keep, g):
    sr = s.clone().requires_grad_(True)
    tr = t.clone().requires_grad_(True)
    d = dim if s.dim() else 0
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        loss = F.kl_div(F.log_softmax(sr / T, d), F.softmax(tr / T, d), reduction='none') * (T * T)
    if keep is not None:
        km = torch.from_numpy(np.broadcast_to(keep, loss.shape).copy())
        loss = torch.where(km, loss, torch.zeros((), dtype=loss.dtype))
    out = reduce_loss(loss, red, s, keep, dim)
    out.backward(torch.ones_like(out) if g is None else g)
    gs, gt = sr.grad, tr.grad
    if keep is not None:
        km = torch.from_numpy(np.broadcast_to(keep, s.shape).copy())
        gs = torch.where(km, gs, torch.zeros((), dtype=gs.dtype))
        gt = torch.where(km, gt, torch.zeros((), dtype=gt.dtype))
    return out.detach(), gs, gt


def divisor_of(red, shape, keep, dim, jsd=False):
    """What a reduced row loss is divided by: 'mean' kept elements, 'batchmean' shape[0] (1
    for 0-d; a mask never changes it, so an all-true mask equals no mask), 'tokenmean' kept
    rows (kldiv's per-token mean, TRL's `sum / mask.sum()`). For the JSD, 'batchmean' is TRL's
    per-token mean too (`jsd.sum() / (B * S)` on [B, S, V]; the project's decision, issue 15)."""
    if jsd and red == 'batchmean':
        red = 'tokenmean'
    V = shape[dim] if len(shape) else 1
    rows = int(np.prod([d for i, d in enumerate(shape) if i != dim], dtype=np.int64)) \
        if len(shape) else 1
    kept = int(np.sum(keep)) if keep is not None else rows
    if red == 'mean':
        return float(kept * V)
    if red == 'batchmean':
        return float(shape[0]) if len(shape) else 1.0
    if red == 'tokenmean':
        return float(kept)
    return 1.0


def reduce_loss(loss, red, s, keep, dim, jsd=False):
    if red == 'none':
        return loss
    total = loss.sum()
    if red == 'sum':
        return total
    return total / divisor_of(red, list(s.shape), keep, dim, jsd)


def torch_jsd(s, t, beta, T, dim, red, keep, g):
    sr = s.clone().requires_grad_(True)
    d = dim if s.dim() else 0
    if T is None:
        S, Tl = sr, t
    else:
        S, Tl = F.log_softmax(sr / T, d), F.log_softmax(t / T, d)
    loss = trl_jsd(S, Tl, beta, log1p=True)
    if keep is not None:
        km = torch.from_numpy(np.broadcast_to(keep, loss.shape).copy())
        loss = torch.where(km, loss, torch.zeros((), dtype=loss.dtype))
    out = reduce_loss(loss, red, s, keep, dim, True)
    out.backward(torch.ones_like(out) if g is None else g)
    gs = sr.grad
    if keep is not None:
        km = torch.from_numpy(np.broadcast_to(keep, s.shape).copy())
        gs = torch.where(km, gs, torch.zeros((), dtype=gs.dtype))
    return out.detach(), gs


def logits_case(rng, i, fn):
    for _attempt in range(30):
        shape = random_shape(rng, max_rank=4, max_numel=120)
        rank = len(shape)
        dtypes = rng.choice([(F32, F32), (F64, F64), (F32, F64), (F64, F32)], p=[0.4, 0.3, 0.15, 0.15])
        dim = -1 if rank == 0 else rng.choice(list(range(-rank, rank)))
        dpos = dim % rank if rank else 0
        if fn == 'jsDivergence':
            T = None
        else:
            T = rng.choice([1.0, 1.0, 2.0, 0.5, 4.0, 0.7])
        beta = rng.choice([0.5, 0.5, 0.0, 1.0, 0.1, 0.9, 0.3]) if fn != 'klDivWithLogits' else None
        red = rng.choice(['none', 'mean', 'sum', 'batchmean', 'tokenmean'])
        row_shape = [d for k, d in enumerate(shape) if k != dpos] if rank else []
        keep = None
        mask_kind = 'none'
        if rank and rng.bool(0.25):
            mask_kind = rng.choice(['all', 'partial'])
            nrows = int(np.prod(row_shape, dtype=np.int64))
            keep = np.ones(nrows, dtype=bool) if mask_kind == 'all' else rng.random(nrows) < 0.6
            keep = keep.reshape(row_shape)
        special_rate = rng.choice([0.0, 0.0, 0.0, 0.05, 0.15])
        scale = rng.choice([1.0, 3.0, 10.0])
        if fn == 'jsDivergence':
            raw_s = torch.from_numpy(logits_values(rng, shape, dtypes[0], special_rate, scale))
            raw_t = torch.from_numpy(logits_values(rng, shape, dtypes[1], special_rate, scale))
            s = F.log_softmax(raw_s.reshape(shape), dpos).to(dtypes[0])
            t = F.log_softmax(raw_t.reshape(shape), dpos).to(dtypes[1])
            if special_rate:
                s = as_tensor(sprinkle(rng, np64(s).copy(), dtypes[0], [float('-inf'), float('nan'),
                                       -0.0, 0.0, -1e30, float('inf')], special_rate), dtypes[0], shape)
        else:
            s = as_tensor(logits_values(rng, shape, dtypes[0], special_rate, scale), dtypes[0], shape)
            t = as_tensor(logits_values(rng, shape, dtypes[1], special_rate, scale), dtypes[1], shape)
        out_dtype = torch.promote_types(s.dtype, t.dtype)
        out_shape = shape if red == 'none' else []
        g = None
        if red == 'none' or rng.bool(0.7):
            g = as_tensor(rng.normal(int(np.prod(out_shape, dtype=np.int64)), 2.0), out_dtype, out_shape)
        # an all-true mask must change nothing: the expected value is the unmasked one
        kexp = expand_keep(keep, shape, dpos) if mask_kind == 'partial' else None
        try:
            if fn == 'klDivWithLogits':
                out, gs, gt = torch_logits_kl(s, t, T, dpos, red, kexp, g)
            else:
                out, gs = torch_jsd(s, t, beta, T, dpos, red, kexp, g)
                gt = None
        except RuntimeError:
            continue
        if dtypes == (F32, F32):
            g64 = None if g is None else g.double()
            if fn == 'klDivWithLogits':
                o64, gs64, gt64 = torch_logits_kl(s.double(), t.double(), T, dpos, red, kexp, g64)
                ok = same_classes(out, o64.float()) and same_classes(gs, gs64.float()) and \
                    same_classes(gt, gt64.float())
            else:
                o64, gs64 = torch_jsd(s.double(), t.double(), beta, T, dpos, red, kexp, g64)
                ok = same_classes(out, o64.float()) and same_classes(gs, gs64.float())
            if not ok:
                continue
        divisor = divisor_of(red, shape, kexp, dpos, fn != 'klDivWithLogits')
        tols = logits_bounds(s, t, dpos, 1.0 if T is None else T, red, divisor, g, kexp, out_dtype,
                             beta, fn != 'klDivWithLogits', T is not None)
        options = {}
        if T is not None and (T != 1.0 or rng.bool(0.3)):
            options['temperature'] = T
        if dim != -1 or rng.bool(0.2):
            options['dim'] = dim
        if red != 'batchmean' or rng.bool(0.5):
            options['reduction'] = red
        if beta is not None and (beta != 0.5 or rng.bool(0.5)):
            options['beta'] = beta
        if keep is not None:
            kl = keep.astype(int) if rng.bool(0.5) else keep
            options['mask'] = kl.reshape(-1).tolist() if kl.ndim != 1 or rng.bool(0.3) else kl.tolist()
        name = (f'{fn}-{i:04d}-{NAME[dtypes[0]]}x{NAME[dtypes[1]]}-{"x".join(map(str, shape)) or "0d"}'
                f'-dim{dim}-{red}' + (f'-T{T:g}' if T is not None else '')
                + (f'-beta{beta:g}' if beta is not None else '')
                + (f'-mask-{mask_kind}' if keep is not None else '')
                + ('-special' if special_rate else ''))
        c = {'name': name, 'fn': fn, 'options': options, 'expected': spec(out),
             'tolerance': tols['output'], 'tolerances': tols}
        if fn == 'jsDivergence':
            c['studentLogProbs'], c['teacherLogProbs'] = spec(s), spec(t)
        else:
            c['studentLogits'], c['teacherLogits'] = spec(s), spec(t)
        if g is not None:
            c['gradOutput'] = spec(g)
        c['expectedGradStudent'] = spec(gs)
        if gt is not None:
            if rng.bool(0.2):
                c['backwardOptions'] = {'gradTeacher': False}
            else:
                c['expectedGradTeacher'] = spec(gt)
        return c
    return None


def logits_concrete():
    """Issue 15's non-finite-logit repros (root cause 4) on every dim, and errors."""
    cases = []
    base = torch.tensor([[1.0, -2.0, 0.5], [0.3, 0.2, -0.1]])
    for fn in ('klDivWithLogits', 'jsDivergenceWithLogits'):
        for label, pos, val in (('first-neg-inf', (0, 0), float('-inf')),
                                ('mid-neg-inf', (1, 1), float('-inf')),
                                ('pos-inf', (0, 1), float('inf')),
                                ('nan', (1, 2), float('nan'))):
            for who in ('student', 'teacher'):
                for dim in (-1, 0):
                    for dtype in (F32, F64):
                        s = base.clone().to(dtype)
                        t = (base.flip(1) * 1.5).to(dtype)
                        (s if who == 'student' else t)[pos] = val
                        for red in ('none', 'sum'):
                            g = torch.ones(2, 3, dtype=dtype) if red == 'none' else None
                            if fn == 'klDivWithLogits':
                                out, gs, gt = torch_logits_kl(s, t, 2.0, dim % 2, red, None, g)
                            else:
                                out, gs = torch_jsd(s, t, 0.5, 2.0, dim % 2, red, None, g)
                                gt = None
                            tols = logits_bounds(s, t, dim % 2, 2.0, red, 1.0, g, None, dtype, 0.5,
                                                 fn != 'klDivWithLogits')
                            c = {'name': f'issue15-{fn}-{label}-{who}-dim{dim}-{NAME[dtype]}-{red}',
                                 'fn': fn, 'studentLogits': spec(s), 'teacherLogits': spec(t),
                                 'options': {'temperature': 2.0, 'dim': dim, 'reduction': red},
                                 'expected': spec(out), 'tolerance': tols['output'],
                                 'tolerances': tols, 'expectedGradStudent': spec(gs)}
                            if fn != 'klDivWithLogits':
                                c['options']['beta'] = 0.5
                            if gt is not None:
                                c['expectedGradTeacher'] = spec(gt)
                            if g is not None:
                                c['gradOutput'] = spec(g)
                            cases.append(c)
    # issue 15 root cause 8: an all-true mask changes nothing (rank 3)
    gen = torch.Generator().manual_seed(8)
    s = torch.randn(2, 3, 4, generator=gen)
    t = torch.randn(2, 3, 4, generator=gen)
    for red in ('batchmean', 'mean', 'sum'):
        out, gs, gt = torch_logits_kl(s, t, 1.0, 2, red, None, None)
        tols = logits_bounds(s, t, 2, 1.0, red, divisor_of(red, [2, 3, 4], None, 2), None, None, F32)
        cases.append({'name': f'issue15-mask-all-true-rank3-{red}', 'fn': 'klDivWithLogits',
                      'studentLogits': spec(s), 'teacherLogits': spec(t),
                      'options': {'reduction': red, 'mask': [[True] * 3] * 2},
                      'expected': spec(out), 'tolerance': tols['output'], 'tolerances': tols,
                      'expectedGradStudent': spec(gs), 'expectedGradTeacher': spec(gt)})
    # several WebAssembly chunks: long rows, reductions only
    for fn, shape, dtype, red in (('klDivWithLogits', (6, 1600), F32, 'batchmean'),
                                  ('klDivWithLogits', (3, 1500), F64, 'sum'),
                                  ('jsDivergenceWithLogits', (4, 2100), F32, 'sum')):
        s = (torch.randn(shape, generator=gen) * 4).to(dtype)
        t = (torch.randn(shape, generator=gen) * 4).to(dtype)
        if fn == 'klDivWithLogits':
            out, _, _ = torch_logits_kl(s, t, 2.0, 1, red, None, None)
        else:
            out, _ = torch_jsd(s, t, 0.5, 2.0, 1, red, None, None)
        tols = logits_bounds(s, t, 1, 2.0, red, divisor_of(red, list(shape), None, 1), None, None,
                             dtype, 0.5, fn != 'klDivWithLogits')
        cases.append({'name': f'chunks-{fn}-{NAME[dtype]}-{shape[0]}x{shape[1]}-{red}', 'fn': fn,
                      'studentLogits': spec(s), 'teacherLogits': spec(t),
                      'options': {'temperature': 2.0, 'reduction': red, **(
                          {'beta': 0.5} if fn != 'klDivWithLogits' else {})},
                      'expected': spec(out), 'tolerance': tols['output']})
    # errors with PyTorch's text: dim out of range
    for shape, dim in (((2, 3), 2), ((2, 3), -3), ((4,), 1), ((), 1), ((2, 2, 2), 3)):
        try:
            F.log_softmax(torch.zeros(shape), dim)
            raise AssertionError('torch did not raise')
        except IndexError as e:
            msg = str(e)
        for fn in ('klDivWithLogits', 'jsDivergenceWithLogits', 'jsDivergence'):
            key = 'studentLogProbs' if fn == 'jsDivergence' else 'studentLogits'
            tkey = 'teacherLogProbs' if fn == 'jsDivergence' else 'teacherLogits'
            cases.append({'name': f'error-{fn}-dim-{dim}-shape-{"x".join(map(str, shape)) or "0d"}',
                          'fn': fn, key: spec(torch.zeros(shape)), tkey: spec(torch.zeros(shape)),
                          'options': {'dim': dim}, 'error': {'type': 'IndexError', 'message': msg}})
    for fn in ('klDivWithLogits', 'jsDivergenceWithLogits'):
        for bad in ('avg', 'elementwise_sum'):
            cases.append({'name': f'error-{fn}-reduction-{bad}', 'fn': fn,
                          'studentLogits': spec(torch.zeros(2, 3)),
                          'teacherLogits': spec(torch.zeros(2, 3)), 'options': {'reduction': bad},
                          'error': {'type': 'ValueError',
                                    'message': f'{bad} is not a valid value for reduction'}})
    return cases
