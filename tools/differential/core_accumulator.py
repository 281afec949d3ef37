"""gen-core.py's KLAccumulator and LogitsKLAccumulator cases (core-accumulator.json): the
one-shot value per reduction for random chunkings and a merge point (see gen-core.py's
header)."""

import numpy as np
import torch
import torch.nn.functional as F

from common import EPS, K, NAME, QUANTUM, as_tensor, cascade_levels, fsum, spec, tol_spec
from core_helpers import F32, F64, np64, same_classes
from core_kl_div import kl_values
from core_logits import logits_values
from core_logits_bounds import logits_bounds


def split_rows(rng, n):
    cuts = sorted(rng.int(0, n) for _ in range(rng.int(0, 4)))
    bounds = [0] + cuts + [n]
    return [(bounds[k], bounds[k + 1]) for k in range(len(bounds) - 1)]


def accumulator_case(rng, i, kind):
    for _attempt in range(20):
        dtype = rng.choice([F32, F64])
        rank = rng.choice([1, 2, 2, 3]) if kind == 'KLAccumulator' else rng.choice([2, 2, 3])
        shape = [rng.int(1, 9)] + [rng.int(1, 5) for _ in range(rank - 1)]
        special_rate = rng.choice([0.0, 0.0, 0.03, 0.1])
        chunks = split_rows(rng, shape[0])
        if kind == 'KLAccumulator':
            log_target = rng.bool(0.3)
            x = as_tensor(kl_values(rng, shape, dtype, log_target, special_rate, False), dtype, shape)
            t = as_tensor(kl_values(rng, shape, dtype, log_target, special_rate, True), dtype, shape)
            X, Tt = x.double(), t.double()
            vals = {r: F.kl_div(X, Tt, reduction=r, log_target=log_target) for r in ('sum', 'mean')}
            vals['batchmean'] = vals['sum'] / shape[0]
            options = {'logTarget': True} if log_target else {}
            chunk_specs = [{'input': spec(x[a:b]), 'target': spec(t[a:b])} for a, b in chunks]
            with np.errstate(all='ignore'):
                Xn, Tn = np64(x), np64(t)
                if log_target:
                    E = np.exp(Tn)
                    budget = EPS[dtype] * E * (np.abs(Tn) + np.abs(Xn) + np.abs(Tn - Xn)) + \
                        QUANTUM[dtype] * (1 + np.abs(Tn - Xn))
                else:
                    a = np.where(Tn == 0, 0.0, np.abs(Tn * np.log(np.abs(Tn))))
                    budget = EPS[dtype] * (a + np.abs(Tn * Xn)) + 2 * QUANTUM[dtype]
            mag = budget / EPS[dtype]
            if dtype == F32:
                v32 = F.kl_div(x, t, reduction='sum', log_target=log_target)
                if not same_classes(v32, vals['sum'].float()):
                    continue
            rows_div = {'sum': 1.0, 'mean': float(x.numel()), 'batchmean': float(shape[0])}
        else:
            T = rng.choice([1.0, 2.0, 0.5])
            dim = rng.choice([-1, rank - 1]) if rank > 1 else -1
            s = as_tensor(logits_values(rng, shape, dtype, special_rate, 3.0), dtype, shape)
            t = as_tensor(logits_values(rng, shape, dtype, special_rate, 3.0), dtype, shape)
            keep = None
            if rank == 2 and rng.bool(0.3):
                keep = rng.random(shape[0]) < 0.7
            S, Tt = s.double(), t.double()
            loss = F.kl_div(F.log_softmax(S / T, dim), F.softmax(Tt / T, dim), reduction='none') * (T * T)
            kexp = None if keep is None else np.expand_dims(keep, 1)
            if kexp is not None:
                loss = torch.where(torch.from_numpy(np.broadcast_to(kexp, loss.shape).copy()), loss,
                                   torch.zeros((), dtype=loss.dtype))
            total = loss.sum()
            V = shape[dim]
            kept = int(keep.sum()) if keep is not None else shape[0]
            rows_div = {'sum': 1.0,
                        'mean': float(kept * V) if keep is not None else float(loss.numel()),
                        'batchmean': float(shape[0]), 'tokenmean': float(kept * loss.numel() // (
                            shape[0] * V)) if keep is None else float(kept)}
            vals = {r: total / rows_div[r] for r in rows_div}
            if dtype == F32:
                l32 = F.kl_div(F.log_softmax(s / T, dim), F.softmax(t / T, dim), reduction='none')
                if kexp is not None:
                    l32 = torch.where(torch.from_numpy(np.broadcast_to(kexp, l32.shape).copy()), l32,
                                      torch.zeros((), dtype=l32.dtype))
                if not same_classes(l32.sum(), total.float()):
                    continue
            options = {'temperature': T} if T != 1.0 or rng.bool(0.3) else {}
            if dim != -1:
                options['dim'] = dim
            chunk_specs = []
            for a, b in chunks:
                ch = {'studentLogits': spec(s[a:b]), 'teacherLogits': spec(t[a:b])}
                if keep is not None:
                    ch['mask'] = keep[a:b].astype(int).tolist()
                chunk_specs.append(ch)
            tols = logits_bounds(s, t, dim % rank, T, 'sum', 1.0, None, kexp, F64)
            budget = None
            sum_tol = tols['output']['atol']
        if budget is not None:
            sum_tol = K * fsum(budget) + cascade_levels(x.numel()) * EPS[dtype] * fsum(mag)
        tols = {}
        for r in rows_div:
            dv = rows_div[r] if rows_div[r] > 0 else 1.0
            tols[r] = tol_spec(2 * EPS[F64], sum_tol / dv, None,
                               f'one-shot sum bound (K sum budget + L(n) eps sum|terms|, eps of '
                               f'{NAME[dtype]}) / {rows_div[r]:g}; float64 result')
        merge_at = rng.int(0, len(chunks))
        c = {'name': f'{kind}-{i:04d}-{NAME[dtype]}-{"x".join(map(str, shape))}-chunks{len(chunks)}'
                     f'-merge{merge_at}{"-special" if special_rate else ""}',
             'kind': kind, 'options': options, 'chunks': chunk_specs, 'mergeAt': merge_at,
             'expected': {r: spec(vals[r].reshape(()).double()) for r in vals},
             'tolerance': tols['sum'], 'tolerances': tols}
        return c
    return None
