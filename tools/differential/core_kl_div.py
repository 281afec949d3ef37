"""gen-core.py's klDiv / klDivBackward / KLDivLoss cases (core-kl-div.json): random draws,
PyTorch's own test inputs and error messages, and their tolerances (see gen-core.py's header)."""

import numpy as np
import torch
import torch.nn.functional as F

from common import (
    EPS, K, NAME, QUANTUM, SPECIALS_LOG, SPECIALS_PROB, as_tensor, broadcast_partner,
    cascade_levels, fsum, random_shape, spec, sprinkle, tol_spec,
)
from core_helpers import F32, F64, np64, record, reduce_count, same_classes, sum_to


def legacy_reduction(size_average, reduce):
    sa = True if size_average is None else size_average
    rd = True if reduce is None else reduce
    if sa and rd:
        return 'mean'
    return 'sum' if rd else 'none'


def torch_kl_div(x, t, options, g, module):
    kw = {}
    if 'reduction' in options:
        kw['reduction'] = options['reduction']
    if options.get('logTarget'):
        kw['log_target'] = True
    if 'sizeAverage' in options:
        kw['size_average'] = options['sizeAverage']
    if 'reduce' in options:
        kw['reduce'] = options['reduce']
    xr = x.clone().requires_grad_(True)
    tr = t.clone().requires_grad_(True)
    if module:
        out, warns = record(lambda: torch.nn.KLDivLoss(**kw)(xr, tr))
    else:
        out, warns = record(lambda: F.kl_div(xr, tr, **kw))
    out.backward(torch.ones_like(out) if g is None else g)
    return out.detach(), warns, xr.grad, tr.grad


def kl_div_bounds(x, t, out, red, log_target, g, gi, gt):
    """Tolerances of klDiv's output and both gradients (see the header for the rule)."""
    rdt = out.dtype
    er, et, ex = EPS[rdt], EPS[t.dtype], EPS[x.dtype]
    qr, qt, qx = QUANTUM[rdt], QUANTUM[t.dtype], QUANTUM[x.dtype]
    shape = list(torch.broadcast_shapes(x.shape, t.shape))
    X = np.broadcast_to(np64(x), shape)
    T = np.broadcast_to(np64(t), shape)
    N = int(np.prod(shape, dtype=np.int64))
    with np.errstate(all='ignore'):
        if log_target:
            # exact inputs: t - x rounds once (eps_r |t-x|), exp in t's dtype, the product
            E = np.exp(T)
            budget = (et + 2 * er) * E * np.abs(T - X) + qt * np.abs(T - X) + qr
            mag = E * np.abs(T - X)
            note_out = 'l = exp(t)(t - x): K[(eps_t + 2 eps_r) e^t|t-x| + q_t|t-x| + q_r]'
        else:
            a = np.where(T == 0, 0.0, np.abs(T * np.log(np.abs(T))))
            b = np.abs(T * X)
            budget = (et + er) * a + er * b + qt + qr
            mag = a + b
            note_out = 'l = xlogy(t,t) - t x: K[(eps_t + eps_r)|t log t| + eps_r|t x| + q_t + q_r]'
    d = 1.0
    if red == 'mean':
        d = float(N)
    elif red == 'batchmean':
        d = float(x.shape[0]) if x.dim() > 0 else 1.0
    tols = {}
    if red == 'none':
        tols['output'] = tol_spec(er, 0.0, K * budget, note_out)
    else:
        total = K * fsum(budget) + cascade_levels(N) * er * fsum(mag)
        div = d if d > 0 else 1.0
        tols['output'] = tol_spec(2 * er, total / div, None,
                                  f'{red} of N={N}: (K sum budget + L(N) eps_r sum|terms|) / {d:g}'
                                  ' + 2 eps_r relative; ' + note_out)
    # gradients: G = upstream gradient per element divided by the reduction's divisor
    Gd = np.abs(np.broadcast_to(np64(g) if g is not None else np.ones(()), shape if red == 'none'
                                else ())) / (d if d > 0 else 1.0)
    Gd = np.broadcast_to(Gd, shape)
    with np.errstate(all='ignore'):
        if log_target:
            E = np.exp(T)
            # exp(t) carries a quantum of absolute error where it is subnormal
            bx = (et + er) * E * Gd + qt * Gd + qr
            mx = E * Gd
            bt = (et + 2 * er) * Gd * E * (np.abs(T - X) + 1) \
                + qt * Gd * (np.abs(T - X) + 1) + qt + qr
            mt = Gd * E * (np.abs(T - X) + 1)
        else:
            bx = er * np.abs(T) * Gd + qr
            mx = np.abs(T) * Gd
            logt = np.where(T == 0, 0.0, np.abs(np.log(np.abs(T))))
            sub = np.where(T == 0, 0.0, qt / np.abs(T)) * Gd  # (g t)/t with g t subnormal
            # the mul branch (-g x, result dtype) is cast to t's dtype before autograd adds it
            bt = et * Gd * (logt + 1) + (et + er) * Gd * np.abs(X) + sub + qt + qr
            mt = Gd * (logt + 1 + np.abs(X))
    for key, op, b, m, grad, e, q in (('gradInput', x, bx, mx, gi, ex, qx),
                                      ('gradTarget', t, bt, mt, gt, et, qt)):
        osh = list(op.shape)
        n = reduce_count(shape, osh)
        if osh == shape:
            el = K * b
        else:
            bb = np.where(np.isfinite(b), b, 0.0)
            mm = np.where(np.isfinite(m), m, 0.0)
            el = K * sum_to(bb, osh) + cascade_levels(n) * max(e, er) * sum_to(mm, osh)
        tols[key] = tol_spec(e + er, 0.0, el + q,
                             f'{key}: per element K(eps * term magnitudes), summed over {n}'
                             ' broadcast elements with L(n); + eps relative for the cast')
    return tols


def kl_values(rng, shape, dtype, log_target, special_rate, is_target):
    n = int(np.prod(shape, dtype=np.int64))
    if is_target and not log_target:
        v = rng.random(n) if rng.bool(0.7) else rng.random(n) ** 4
    elif rng.bool(0.8):
        v = -rng.g.exponential(2.0, n)
    else:
        v = rng.normal(n, 3.0)
    if special_rate:
        v = sprinkle(rng, v, dtype, SPECIALS_PROB if (is_target and not log_target)
                     else SPECIALS_LOG, special_rate)
    return v


def kl_div_case(rng, i):
    kind = rng.choice(['same', 'same', 'bcast-target', 'bcast-input', 'zero-d'])
    for _attempt in range(20):
        base = random_shape(rng)
        if kind == 'same':
            xs, ts = base, list(base)
        elif kind == 'bcast-target':
            xs, ts = base, broadcast_partner(rng, base)
        elif kind == 'bcast-input':
            xs, ts = broadcast_partner(rng, base), base
        else:
            xs, ts = (base, []) if rng.bool() else ([], base)
        dtypes = rng.choice([(F32, F32), (F64, F64), (F32, F64), (F64, F32)],
                            p=[0.35, 0.25, 0.2, 0.2])
        log_target = rng.bool(0.35)
        opt_kind = rng.choice(['reduction', 'legacy', 'default'], p=[0.8, 0.12, 0.08])
        options = {}
        if opt_kind == 'reduction':
            options['reduction'] = rng.choice(['none', 'mean', 'batchmean', 'sum'])
        elif opt_kind == 'legacy':
            for k in ('sizeAverage', 'reduce'):
                if rng.bool(0.7):
                    options[k] = rng.bool()
            if rng.bool(0.3):
                options['reduction'] = rng.choice(['none', 'mean', 'batchmean', 'sum'])
        if log_target:
            options['logTarget'] = True
        module = rng.bool(0.15)
        special_rate = rng.choice([0.0, 0.0, 0.05, 0.2])
        x = as_tensor(kl_values(rng, xs, dtypes[0], log_target, special_rate, False), dtypes[0], xs)
        t = as_tensor(kl_values(rng, ts, dtypes[1], log_target, special_rate, True), dtypes[1], ts)
        red = options.get('reduction', 'mean')
        if 'sizeAverage' in options or 'reduce' in options:
            red = legacy_reduction(options.get('sizeAverage'), options.get('reduce'))
        rdt = torch.promote_types(x.dtype, t.dtype)
        # torch's result dtype decides the gradOutput dtype
        probe = F.kl_div(x, t, reduction='none', log_target=log_target)
        rdt = probe.dtype
        out_shape = list(probe.shape) if red == 'none' else []
        g = None
        if red == 'none' or rng.bool(0.7):
            g = as_tensor(rng.normal(int(np.prod(out_shape, dtype=np.int64)), 2.0), rdt, out_shape)
        out, warns, gi, gt = torch_kl_div(x, t, options, g, module)
        if dtypes == (F32, F32):
            # float64 evaluation of the same stored values, rounded once: must agree in class
            o64, _, gi64, gt64 = torch_kl_div(x.double(), t.double(), options,
                                              None if g is None else g.double(), module)
            if not (same_classes(out, o64.float()) and same_classes(gi, gi64.float())
                    and same_classes(gt, gt64.float())):
                continue
        tols = kl_div_bounds(x, t, out, red, log_target, g, gi, gt)
        name = (f'kl-div-{i:04d}-{kind}-{NAME[dtypes[0]]}x{NAME[dtypes[1]]}'
                f'-{"x".join(map(str, xs)) or "0d"}-{"x".join(map(str, ts)) or "0d"}'
                f'-{red}{"-log" if log_target else ""}{"-legacy" if opt_kind == "legacy" else ""}'
                f'{"-module" if module else ""}{"-special" if special_rate else ""}')
        c = {'name': name, 'input': spec(x), 'target': spec(t), 'options': options,
             'warnings': warns, 'expected': spec(out), 'tolerance': tols['output'],
             'tolerances': tols, 'expectedGradInput': spec(gi), 'expectedGradTarget': spec(gt)}
        if module:
            c['module'] = True
        if g is not None:
            c['gradOutput'] = spec(g)
        return c
    return None


def kl_div_concrete():
    """PyTorch's own test inputs: OpInfo sample_inputs_kl_div, common_nn's KLDivLoss entries,
    test_nn's batchmean / log_softmax-target checks, and the error messages."""
    cases = []
    gen = torch.Generator().manual_seed(1234)

    def rand(*shape, dtype=F32):
        return torch.rand(tuple(shape), generator=gen, dtype=dtype)

    def add(name, x, t, options, g=None, module=False):
        red = options.get('reduction', 'mean')
        if 'sizeAverage' in options or 'reduce' in options:
            red = legacy_reduction(options.get('sizeAverage'), options.get('reduce'))
        out, warns, gi, gt = torch_kl_div(x, t, options, g, module)
        tols = kl_div_bounds(x, t, out, red, options.get('logTarget', False), g, gi, gt)
        c = {'name': name, 'input': spec(x), 'target': spec(t), 'options': options,
             'warnings': warns, 'expected': spec(out), 'tolerance': tols['output'],
             'tolerances': tols, 'expectedGradInput': spec(gi), 'expectedGradTarget': spec(gt)}
        if module:
            c['module'] = True
        if g is not None:
            c['gradOutput'] = spec(g)
        cases.append(c)

    # OpInfo sample_inputs_kl_div: make_tensor(low=0) through log_softmax / softmax along -1
    for dtype in (F32, F64):
        for shape in ((2,), (2, 3)):
            for red in ('none', 'mean', 'batchmean', 'sum'):
                for lt in (True, False):
                    x = F.log_softmax(rand(*shape, dtype=dtype) * 9, -1)
                    tt = F.log_softmax(rand(*shape, dtype=dtype) * 9, -1)
                    t = tt if lt else tt.exp()
                    opts = {'reduction': red}
                    if lt:
                        opts['logTarget'] = True
                    g = None if red != 'none' else torch.ones(shape, dtype=dtype)
                    add(f'opinfo-kl_div-{NAME[dtype]}-{"x".join(map(str, shape))}-{red}'
                        f'{"-log_target" if lt else ""}', x, t, opts, g)
    # common_nn: KLDivLoss_*no_reduce* (10x10 and scalar), KLDivLoss module tests
    for lt in (False, True):
        for shape, label in (((10, 10), ''), ((), '_scalar')):
            x = rand(*shape).log()
            t = rand(*shape).log() if lt else rand(*shape)
            opts = {'reduction': 'none'}
            if lt:
                opts['logTarget'] = True
            add(f'common_nn-KLDivLoss_no_reduce{label}{"_log_target" if lt else ""}', x, t, opts,
                torch.ones(shape))
            x64, t64 = x.double(), t.double()
            add(f'common_nn-KLDivLoss_no_reduce{label}{"_log_target" if lt else ""}-double',
                x64, t64, opts, torch.ones(shape, dtype=F64))
        for red in ('mean', 'sum', 'none', 'batchmean'):
            x = rand(10, 10).log()
            t = rand(10, 10).log() if lt else rand(10, 10)
            opts = {'reduction': red}
            if lt:
                opts['logTarget'] = True
            add(f'common_nn-KLDivLoss{"-log_target" if lt else ""}-{red}-module', x, t, opts,
                torch.ones(10, 10) if red == 'none' else None, module=True)
    # test_nn: test_KLDivLoss_batch_mean(_log_target), test_kl_div_log_softmax_target
    gen_b = torch.Generator().manual_seed(0)
    inp = torch.randn(2, 5, generator=gen_b)
    prob2 = F.softmax(torch.randn(2, 5, generator=gen_b), 1)
    add('test_nn-KLDivLoss_batch_mean', F.log_softmax(inp, 1), prob2,
        {'reduction': 'batchmean'}, module=True)
    add('test_nn-KLDivLoss_batch_mean-sum', F.log_softmax(inp, 1), prob2, {'reduction': 'sum'},
        module=True)
    add('test_nn-KLDivLoss_batch_mean_log_target', F.log_softmax(inp, 1),
        F.log_softmax(torch.randn(2, 5, generator=gen_b), 1),
        {'reduction': 'batchmean', 'logTarget': True}, module=True)
    a = torch.tensor([[1.0, 2, 3], [5.0, 5, 5]])
    b = torch.tensor([[1.0, 2, 3], [5.0, 5, 5]])
    add('test_nn-kl_div_log_softmax_target', F.log_softmax(a, 1), F.log_softmax(b, 1),
        {'reduction': 'none', 'logTarget': True}, torch.ones(2, 3))
    # issue 15 repros (root causes 1 and 2)
    add('issue15-promotion-f32-input-f64-0d-target-sum', torch.tensor([-1.2, -0.4]),
        torch.tensor(0.3, dtype=F64), {'reduction': 'sum'})
    add('issue15-promotion-f64-0d-input-f32-target-none', torch.tensor(-1.2, dtype=F64),
        torch.tensor([0.3, 0.7]), {'reduction': 'none'}, torch.ones(2))
    add('issue15-mixed-f64-input-f32-target-sum', torch.tensor([-1.2], dtype=F64),
        torch.tensor([0.3]), {'reduction': 'sum'})
    add('issue15-mixed-f64-input-f32-log-target-overflow', torch.tensor([-1.0, 3.0], dtype=F64),
        torch.tensor([90.0, 89.0]), {'reduction': 'none', 'logTarget': True}, torch.ones(2, dtype=F64))
    add('issue15-mixed-f64-input-f32-target-xlogy-overflow', torch.tensor([-1.0], dtype=F64),
        torch.tensor([3e38]), {'reduction': 'sum'})
    # several WebAssembly chunks (8192 float32 / 4096 float64 elements each), reductions only
    for name, n, dtype, lt, red in (('chunks-float32-9000-sum', 9000, F32, False, 'sum'),
                                    ('chunks-float64-4500-mean-log', 4500, F64, True, 'mean'),
                                    ('chunks-float32-2x4500-batchmean', (2, 4500), F32, False,
                                     'batchmean')):
        shape = n if isinstance(n, tuple) else (n,)
        x = F.log_softmax(torch.randn(shape, generator=gen, dtype=F64) * 3, -1).to(dtype)
        t = F.softmax(torch.randn(shape, generator=gen, dtype=F64) * 3, -1).to(dtype)
        if lt:
            t = t.log()
        opts = {'reduction': red, **({'logTarget': True} if lt else {})}
        out, warns, gi, gt = torch_kl_div(x, t, opts, None, False)
        tols = kl_div_bounds(x, t, out, red, lt, None, gi, gt)
        cases.append({'name': name, 'input': spec(x), 'target': spec(t), 'options': opts,
                      'warnings': warns, 'expected': spec(out), 'tolerance': tols['output']})
    # legacy pairs, every combination
    for sa in (None, True, False):
        for rd in (None, True, False):
            opts = {}
            if sa is not None:
                opts['sizeAverage'] = sa
            if rd is not None:
                opts['reduce'] = rd
            for module in (False, True):
                red = legacy_reduction(sa, rd)
                add(f'legacy-sizeAverage-{sa}-reduce-{rd}{"-module" if module else ""}',
                    rand(3, 4).log(), rand(3, 4), opts,
                    torch.ones(3, 4) if red == 'none' else None, module)
    # errors, with PyTorch's messages
    def error(name, x, t, options):
        kw = {'reduction': options.get('reduction', 'mean')}
        try:
            F.kl_div(x, t, **kw)
        except Exception as e:  # noqa: BLE001 - we record PyTorch's own text
            msg = str(e).split('\n')[0]
            cases.append({'name': name, 'input': spec(x), 'target': spec(t), 'options': options,
                          'error': {'type': type(e).__name__, 'message': msg}})
            return
        raise AssertionError(f'{name}: torch did not raise')
    for xs, ts in (((2, 3), (2, 4)), ((4,), (3,)), ((2, 3, 4), (3, 5)), ((5, 1, 2), (3, 3)),
                   ((0,), (2,)), ((2, 0), (2, 3))):
        for red in ('sum', 'none'):
            error(f'error-broadcast-{"x".join(map(str, xs))}-{"x".join(map(str, ts))}-{red}',
                  torch.zeros(xs), torch.zeros(ts), {'reduction': red})
    for bad in ('avg', 'average', 'elementwise_sum', 'Mean', 'SUM', ''):
        error(f'error-reduction-{bad or "empty"}', torch.zeros(2, 3), torch.zeros(2, 3),
              {'reduction': bad})
    error('error-integral-input', torch.zeros(2, 3, dtype=torch.int64), torch.zeros(2, 3),
          {'reduction': 'sum'})
    error('error-integral-target', torch.zeros(2, 3), torch.zeros(2, 3, dtype=torch.int64),
          {'reduction': 'sum'})
    error('error-integral-both', torch.zeros(2, 3, dtype=torch.int64),
          torch.zeros(2, 3, dtype=torch.int64), {'reduction': 'none'})
    return cases
