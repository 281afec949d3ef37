"""gen-core.py's klEstimate(+Backward) cases (core-kl-estimate.json): k1, k2, k3 under each
reduction, autograd for both log-probabilities (see gen-core.py's header)."""

import numpy as np
import torch

from common import (
    EPS, K, NAME, QUANTUM, as_tensor, cascade_levels, fsum, random_shape, spec, sprinkle, tol_spec,
)
from core_helpers import F32, F64, np64, same_classes


def kl_estimate_case(rng, i):
    for _attempt in range(20):
        shape = random_shape(rng, max_rank=4, max_numel=100)
        dtypes = rng.choice([(F32, F32), (F64, F64), (F32, F64), (F64, F32)], p=[0.4, 0.3, 0.15, 0.15])
        est = rng.choice(['k1', 'k2', 'k3'])
        red = rng.choice(['none', 'mean', 'sum'])
        special_rate = rng.choice([0.0, 0.0, 0.05, 0.15])
        n = int(np.prod(shape, dtype=np.int64))
        lp = -rng.g.exponential(2.0, n)
        lq = lp + rng.normal(n, rng.choice([0.01, 0.3, 2.0]))
        if special_rate:
            lp = sprinkle(rng, lp, dtypes[0], [float('-inf'), float('nan'), -0.0, -1e30, 'sub',
                                               -100.0, 30.0], special_rate)
            lq = sprinkle(rng, lq, dtypes[1], [float('-inf'), float('inf'), float('nan'), -0.0,
                                               -1e30, 'sub', 100.0], special_rate)
        p = as_tensor(lp, dtypes[0], shape)
        q = as_tensor(lq, dtypes[1], shape)
        pr, qr = p.clone().requires_grad_(True), q.clone().requires_grad_(True)
        lr = qr - pr
        k = -lr if est == 'k1' else (lr ** 2 / 2 if est == 'k2' else (torch.exp(lr) - 1) - lr)
        out = k if red == 'none' else (k.sum() if red == 'sum' else k.mean())
        rdt = out.dtype
        g = None
        if red == 'none' or rng.bool(0.7):
            g = as_tensor(rng.normal(int(np.prod(list(out.shape), dtype=np.int64)), 2.0), rdt,
                          list(out.shape))
        out.backward(torch.ones_like(out) if g is None else g)
        if dtypes == (F32, F32):
            p64, q64 = p.double().requires_grad_(True), q.double().requires_grad_(True)
            l64 = q64 - p64
            k64 = -l64 if est == 'k1' else (l64 ** 2 / 2 if est == 'k2' else (torch.exp(l64) - 1) - l64)
            o64 = k64 if red == 'none' else (k64.sum() if red == 'sum' else k64.mean())
            o64.backward(torch.ones_like(o64) if g is None else g.double())
            if not (same_classes(out, o64.float()) and same_classes(pr.grad, p64.grad.float())
                    and same_classes(qr.grad, q64.grad.float())):
                continue
        er = EPS[rdt]
        P, Qa = np64(p), np64(q)
        with np.errstate(all='ignore'):
            # exact inputs: lr = logq - logp rounds once, eps_r |lr|
            L = Qa - P
            A = np.abs(L)
            if est == 'k1':
                budget, mag, dgb = er * A, A, 0 * A
            elif est == 'k2':
                budget, mag, dgb = 3 * er * A * A, L * L / 2, 2 * er * A
            else:
                # (exp(lr) - 1) - lr: exp's error e^lr eps(|lr| + 1), then two differences
                R = np.exp(L)
                budget = er * (R * (A + 1) + np.abs(R - 1) + np.abs(R - 1 - L))
                mag = np.abs(R - 1) + A
                dgb = er * (R * (A + 1) + np.abs(R - 1))
            budget = budget + QUANTUM[rdt] * 4
        N = n
        d = N if red == 'mean' else 1
        if red == 'none':
            tol = tol_spec(er, 0.0, K * budget, 'per element: K eps_r x term magnitudes')
        else:
            total = K * fsum(budget) + cascade_levels(N) * er * fsum(mag)
            tol = tol_spec(2 * er, total / (d if d else 1), None,
                           f'{red}: (K sum budget + L({N}) eps sum|terms|)/{d} + 2 eps relative')
        G = np.abs(np.broadcast_to(np64(g) if g is not None else np.ones(()), shape)) / (d if d else 1)
        tols = {'output': tol}
        for key, dt in (('gradLogProbP', dtypes[0]), ('gradLogProbQ', dtypes[1])):
            tols[key] = tol_spec(EPS[dt] + er, QUANTUM[dt] + QUANTUM[rdt], K * G * dgb,
                                 'per element: K eps x |g| x derivative term magnitudes')
        options = {}
        if est != 'k3' or rng.bool(0.3):
            options['estimator'] = est
        if red != 'mean' or rng.bool(0.3):
            options['reduction'] = red
        c = {'name': f'klEstimate-{i:04d}-{NAME[dtypes[0]]}x{NAME[dtypes[1]]}-'
                     f'{"x".join(map(str, shape)) or "0d"}-{est}-{red}{"-special" if special_rate else ""}',
             'logProbP': spec(p), 'logProbQ': spec(q), 'options': options, 'expected': spec(out),
             'tolerance': tol, 'tolerances': tols, 'expectedGradLogProbP': spec(pr.grad),
             'expectedGradLogProbQ': spec(qr.grad)}
        if g is not None:
            c['gradOutput'] = spec(g)
        return c
    return None
