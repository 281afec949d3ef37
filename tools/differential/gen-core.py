#!/usr/bin/env python3
"""Differential cases for kldiv's core functions, expected values from real PyTorch 1.13.

Run (from the repository root, Debian's python3-torch 1.13 and numpy):

    /usr/bin/python3 tools/differential/gen-core.py

It writes, deterministically (seeded numpy PCG64, one torch thread; same bytes every run):

    test/data/differential/core-kl-div.json      klDiv, klDivBackward, KLDivLoss (legacy
                                                 sizeAverage/reduce too), errors; runner runKlDivCase
    test/data/differential/core-logits.json      klDivWithLogits(+Backward), jsDivergence(+Backward),
                                                 jsDivergenceWithLogits(+Backward); runner runLogitsCase
    test/data/differential/core-kl-estimate.json klEstimate(+Backward); runner runKlEstimateCase
    test/data/differential/core-accumulator.json KLAccumulator, LogitsKLAccumulator; runAccumulatorCase
    test/data/differential/core-repr.json        toString() under setPrintOptions; runReprCase

Formats are those of test/fixtures/README.md (tensors {dtype, shape, data|base64}, 'nan',
'inf', '-inf', '-0' strings), plus: a `tolerance` may carry `elementAtol` (a float64 tensor
spec, one bound per element, row-major, added to atol) and `derivation` (how it was derived);
`tolerances` gives a separate tolerance per compared output (`output`, `gradInput`, ...).

PyTorch expressions (what each `expected` is):
- klDiv: F.kl_div(input, target, reduction, log_target, size_average, reduce), autograd of
  out.backward(gradOutput) for both gradients; warnings as Python recorded them.
- KLDivLoss (`module: true`): nn.KLDivLoss(**options)(input, target).
- klDivWithLogits: F.kl_div(F.log_softmax(s/T, dim), F.softmax(t/T, dim), reduction) * T*T,
  autograd for both logits. `mask` (kldiv's extension): torch.where(mask, loss, 0) summed;
  'mean' divides by kept rows * V, 'batchmean' by shape[0] whatever the mask (so an all-true
  mask equals no mask; issue 15 root cause 8), 'tokenmean' (kldiv's) by kept rows; masked
  rows' gradients are 0. An all-true mask expects the unmasked value.
- jsDivergence / jsDivergenceWithLogits: TRL's generalized_jsd_loss: beta 0 is
  F.kl_div(S, T, log_target=True), beta 1 F.kl_div(T, S, log_target=True), else
  b = torch.tensor(beta, dtype=S.dtype), M = logsumexp(stack([S + log1p(-b), T + log(b)])),
  b kl_div(M, T) + (1-b) kl_div(M, S) (log targets), S/T the student/teacher log-probabilities
  (log_softmax(x/T, dim) from logits). 'batchmean' is TRL's per-token mean, sum over (kept)
  rows / (kept) rows (`jsd.sum() / (B*S)` on [B, S, V]; the project's decision in issue 15),
  as 'tokenmean'; 'mean' = sum / (kept rows * V); 'sum'; 'none'. Gradient for the student.
- klEstimate: lr = logq - logp; k1 = -lr, k2 = lr**2 / 2, k3 = (exp(lr) - 1) - lr; 'mean',
  'sum', 'none'; autograd for both.
- Accumulators: the one-shot value on the whole tensor (torch, float64 on the stored values),
  per reduction ('sum', 'mean', 'batchmean' = / sum of shape[0], and 'tokenmean' = / kept rows
  for LogitsKLAccumulator), for any chunking along dim 0 (empty chunks included); a random
  split point merges a second accumulator's state() after a JSON round trip.
- Reprs: repr(t) after a sequence of torch.set_printoptions calls.

Tolerances (derived, never tuned): |actual - expected| <= atol + elementAtol[i] + rtol|expected|.
eps = unit roundoff of the dtype a sub-expression is evaluated in (2^-24 float32, 2^-53
float64), q = its smallest subnormal. For each pointwise formula the bound is K * budget with
budget = sum over the formula's terms of eps(term's dtype) * |term|, K = 8 (PyTorch's and
kldiv's float32 kernels are each within 4 eps per term magnitude, docs/numerics.md), plus K q
per term that can be subnormal (and q/|t| where PyTorch forms (g t)/t). Sums add PyTorch's
cascade summation error L(n) eps sum|terms|, L(n) = 15 ceil(log16 n) + 1; a divided result
adds 2 eps relative (the division and the final rounding). kldiv evaluates float32 in float64
and rounds once (docs/decisions.md 2), which is inside the same bound. The row losses (from
logits, JSD) enumerate every rounding of PyTorch's unfused expression to first order instead
(log_softmax, softmax, the JSD mixture, each in its operand's dtype) and take K_ROW = 4 times
that sum (each side within 2x: a log or exp is within 1 ulp, 2 eps). Details per function in
each case's `derivation`. Gradients summed over broadcast dimensions use the same sum rule.

Excluded by construction: float32-only cases where PyTorch's float32 intermediate overflows or
underflows to a different class (inf/NaN vs finite) than the float64 evaluation of the same
stored values; those differ by design (decisions.md 2, docs/parity.md). Mixed-dtype cases keep
them: there each sub-expression's dtype is PyTorch's (issue 15, root cause 2).
"""

import math
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (  # noqa: E402
    EPS, K, NAME, QUANTUM, SPECIALS_LOG, SPECIALS_PROB, Rng, as_tensor, broadcast_partner,
    cascade_levels, dump, fsum, random_shape, spec, sprinkle, tol_spec, trl_jsd,
)

torch.set_num_threads(1)
# The row losses' bounds enumerate every rounding (each eps once); see logits_bounds.
K_ROW = 4
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
OUT = os.path.join(ROOT, 'test', 'data', 'differential')
F32, F64 = torch.float32, torch.float64
META = {
    'generator': f'PyTorch {torch.__version__} (Debian python3-torch 1.13.1), '
                 'tools/differential/gen-core.py',
    'tolerance': 'see the generator header: K=8 eps per term magnitude, cascade-sum levels',
}


def record(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        out = fn()
    return out, [str(x.message) for x in w]


def np64(t):
    return t.detach().to(F64).numpy()


def sum_to(arr, shape):
    """numpy: sums a broadcast-shaped array back to `shape` (as autograd's sum_to_size)."""
    arr = np.asarray(arr)
    lead = arr.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, d in enumerate(shape) if d == 1 and arr.shape[i + lead] != 1)
    r = arr.sum(axis=axes, keepdims=True) if axes else arr
    if lead:
        r = r.reshape(r.shape[lead:])
    return r.reshape(shape)


def reduce_count(full_shape, shape):
    n = int(np.prod(full_shape, dtype=np.int64))
    m = int(np.prod(shape, dtype=np.int64))
    return n // m if m else 0


def classes(t):
    a = t.detach().to(F64).numpy()
    return (np.isnan(a), np.isposinf(a), np.isneginf(a))


def same_classes(a, b):
    return all(np.array_equal(x, y) for x, y in zip(classes(a), classes(b)))


# ---------------------------------------------------------------------------------------------
# klDiv / klDivBackward / KLDivLoss
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# From logits: klDivWithLogits, JSD
# ---------------------------------------------------------------------------------------------

def row_stats(s, dim, T, dtype):
    """float64 numpy: x/T, row max, log-sum-exp, log-softmax (for the bounds only)."""
    a = np64(s) / T
    with np.errstate(all='ignore'):
        m = np.max(a, axis=dim, keepdims=True) if a.size else a
        lse = m + np.log(np.sum(np.exp(a - m), axis=dim, keepdims=True)) if a.size else a
        lp = a - lse
    return a, m, lse, lp


def sm(*factors):
    """Product of bound factors where 0 times anything is 0 (a zero probability contributes
    nothing, whatever the magnitude of its log); NaN only if a factor is NaN."""
    out = np.ones(np.broadcast(*factors).shape)
    zero = np.zeros(out.shape, dtype=bool)
    for f in factors:
        f = np.broadcast_to(np.asarray(f, dtype=np.float64), out.shape)
        zero |= f == 0
        with np.errstate(all='ignore'):
            out = out * f
    return np.where(zero, 0.0, out)


def fa(x):
    """|x| as a rounding-error magnitude: an infinite value is exact (no rounding error; what
    it produces is inf, 0 or NaN exactly), so it contributes 0."""
    x = np.asarray(x, dtype=np.float64)
    return np.where(np.isfinite(x), np.abs(x), 0.0)


def rowsum(a, dim, rank):
    if rank == 0:
        return a
    with np.errstate(all='ignore'):
        return np.sum(a, axis=dim, keepdims=True)


def logits_bounds(s, t, dim, T, red, divisor, g, keep, out_dtype, beta=None, jsd=False,
                  from_logits=True):
    """Tolerances of the row losses (see the header), by first-order propagation of every
    rounding through PyTorch's unfused expression, each in its own operand's dtype:
    - log_softmax(x/T): d_j = eps(|x_j/T| + |max| + |lse - max| + L(V)) absolute; softmax the
      same relative (given log-probabilities: exact inputs, only exp's eps relative);
    - JSD mixture M = logsumexp(S + log1p(-beta), T + log(beta)) (beta in the student's dtype):
      dM = eps_s(|S| + |log1p(-beta)|) + eps_t|T| + eps_s|log beta| + d_S + d_T + 2 eps_r;
    - each product/difference eps_r per term magnitude; T*T and the divisor 2 eps relative.
    Every rounding is counted once in that first-order sum, and a log or exp costs up to 1 ulp
    (2 eps) rather than 1/2, so each side is within 2x the sum and the two differ by at most
    K_ROW = 4 times it; plus a quantum per term that can be subnormal."""
    es, et, er = EPS[s.dtype], EPS[t.dtype], EPS[out_dtype]
    shape = list(s.shape)
    rank = len(shape)
    V = shape[dim] if rank else 1
    LV = cascade_levels(V)
    with np.errstate(all='ignore'):
        if from_logits:
            a_s, m_s, lse_s, lq = row_stats(s, dim, T, s.dtype)
            a_t, m_t, lse_t, lp = row_stats(t, dim, T, t.dtype)
            dq = es * (fa(a_s) + fa(m_s) + fa(lse_s - m_s) + LV)
            dp = et * (fa(a_t) + fa(m_t) + fa(lse_t - m_t) + LV)
        else:  # log-probabilities given: exact inputs; exp's rounding relative below
            lq, lp = np64(s), np64(t)
            dq, dp = np.zeros_like(lq), np.zeros_like(lp)
        P, Q = np.exp(lp), np.exp(lq)
        dP = dp + et  # relative error of P (and of Q below)
        dQ = dq + es
        alp, alq = np.abs(lp), np.abs(lq)
        if not jsd:
            tt = T * T
            # l = xlogy(P, P) - P lq: P (d log P + d lq) + |lp - lq| dP P + eps_r P(|lp| + |lq|)
            budget = tt * (sm(P, dP + dq) + sm(P, dP, np.abs(lp - lq)) + er * sm(P, alp + alq)) \
                + tt * QUANTUM[t.dtype] * (fa(lp) + fa(lq) + 1)
            mag = tt * sm(P, alp + alq)
        else:
            b = beta
            if b in (0, 1):
                # F.kl_div(S, T, log_target) (beta 0) or F.kl_div(T, S, log_target) (beta 1)
                W, dW, dO = (P, dP, dq) if b == 0 else (Q, dQ, dp)
                mag = sm(W, alp + alq)
                budget = sm(W, dW + dO) + sm(W, dW, np.abs(lp - lq)) + er * mag
            else:
                eb = es  # beta is a tensor of the student's dtype
                lm = np.logaddexp(lq + math.log1p(-b), lp + math.log(b))
                # S + log1p(-beta) rounds in the student's dtype, T + log(beta) in the
                # teacher's (a 0-d beta does not promote it), log(beta) itself in beta's
                dm = (es * (fa(lq) + abs(math.log1p(-b))) + (et + eb) * (fa(lp) + abs(math.log(b)))
                      + dq + dp + 2 * er)
                alm = np.abs(lm)
                mag = b * sm(P, alp + alm) + (1 - b) * sm(Q, alq + alm)
                budget = (b * (sm(P, dp + dm) + sm(P, dP, np.abs(lp - lm)))
                          + (1 - b) * (sm(Q, dq + dm) + sm(Q, dQ, np.abs(lq - lm)))
                          + (er + eb) * mag)
            budget = budget + QUANTUM[out_dtype] * (1 + fa(lp) + fa(lq))
    if keep is not None:
        budget = np.where(keep, budget, 0.0)
        mag = np.where(keep, mag, 0.0)
    N = int(np.prod(shape, dtype=np.int64))
    tols = {}
    if red == 'none':
        tols['output'] = tol_spec(er, 0.0, K_ROW * budget,
                                  'none: K_ROW x first-order budget per element')
    else:
        total = K_ROW * fsum(budget) + cascade_levels(N) * er * fsum(mag)
        dv = divisor if divisor > 0 else 1.0
        tols['output'] = tol_spec(2 * er, total / dv, None,
                                  f'{red}: (K sum budget + L({N}) eps sum|terms|) / {divisor:g}'
                                  ' + 2 eps relative')
    # gradients, per element; G = |upstream| / divisor (times T*T for the KL)
    Gd = np.abs(np.broadcast_to(np64(g) if g is not None else np.ones(()),
                                shape if red == 'none' else ())) / (divisor if divisor > 0 else 1)
    Gd = np.broadcast_to(Gd, shape).copy()
    if keep is not None:
        Gd = np.where(keep, Gd, 0.0)
    with np.errstate(all='ignore'):
        if not jsd:
            Gd = Gd * T * T
            # dL/dlq_j = -G_j P_j; student grad = (-G_j P_j + Q_j sum_k G_k P_k) / T
            u = sm(Gd, P)
            u_err = sm(Gd, P, dP + er)
            su, se = rowsum(u, dim, rank), rowsum(u_err, dim, rank)
            gs = (u_err + sm(Q, se) + sm(Q, dQ + LV * es, su) + es * (u + sm(Q, su))) / T
            # teacher: h_j = G_j (lp_j + 1 - lq_j); grad = P_j (h_j - sum_k P_k h_k) / T
            h = Gd * (alp + 1 + alq)
            dh = Gd * (dp + dq + et * (fa(lp) + 1 + fa(lq))) + np.where(P == 0, 0.0, Gd * QUANTUM[t.dtype] / P)
            sh = rowsum(sm(P, h), dim, rank)
            sdh = rowsum(sm(P, dh) + sm(P, dP, h), dim, rank)
            gt = (sm(P, dh + sdh) + sm(P, dP + et, h + sh)) / T
        else:
            b = beta
            # u_j = dJSD/dlq_j (its magnitude from every term autograd forms) and its error
            if b == 0:
                um = sm(Gd, P)
                ue = sm(Gd, P, dP + er)
            elif b == 1:
                um = sm(Gd, Q, 1 + np.abs(lq - lp))
                ue = sm(Gd, Q, (dQ + dp + er) * (2 + np.abs(lq - lp)))
            else:
                lm = np.logaddexp(lq + math.log1p(-b), lp + math.log(b))
                dm = (es * (fa(lq) + abs(math.log1p(-b))) + (et + es) * (fa(lp) + abs(math.log(b)))
                      + dq + dp + 2 * er)
                W = (1 - b) * Q + b * P
                um = Gd * ((1 - b) * sm(Q, 1 + np.abs(lq - lm)) + W)
                ue = Gd * ((1 - b) * sm(Q, (dQ + dm + er) * (2 + np.abs(lq - lm)))
                           + sm(W, dm + dP + dQ + er))
            if not from_logits:
                gs = ue
            else:
                su, se = rowsum(um, dim, rank), rowsum(ue, dim, rank)
                gs = (ue + sm(Q, se) + sm(Q, dQ + LV * es, su) + es * (um + sm(Q, su))) / T
            gt = None
    if keep is not None:
        gs = np.where(keep, gs, 0.0)
    tols['gradStudent'] = tol_spec(es, QUANTUM[s.dtype], K_ROW * gs,
                                   'per element: K_ROW x first-order error of autograd\'s terms')
    if gt is not None:
        if keep is not None:
            gt = np.where(keep, gt, 0.0)
        tols['gradTeacher'] = tol_spec(et, QUANTUM[t.dtype], K_ROW * gt,
                                       'per element: K_ROW x first-order error of softmax backward')
    return tols


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


# ---------------------------------------------------------------------------------------------
# klEstimate
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Accumulators
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Printed reprs under set_printoptions
# ---------------------------------------------------------------------------------------------

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


def draw_cases(cases, make, total, k=0):
    """Appends make(k) for k = k, k + 1, ... to `cases` until it holds `total` cases (make
    returns None for a draw excluded by construction); returns the next k."""
    while len(cases) < total:
        c = make(k)
        k += 1
        if c is not None:
            cases.append(c)
    return k


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = Rng(20240515)
    kl = kl_div_concrete()
    draw_cases(kl, lambda k: kl_div_case(rng, k), 1150)
    dump(os.path.join(OUT, 'core-kl-div.json'), META, kl)

    lg = logits_concrete()
    k = 0
    for fn, count in (('klDivWithLogits', 330), ('jsDivergence', 160), ('jsDivergenceWithLogits', 160)):
        k = draw_cases(lg, lambda i, fn=fn: logits_case(rng, i, fn), len(lg) + count, k)
    dump(os.path.join(OUT, 'core-logits.json'), META, lg)

    est = []
    draw_cases(est, lambda k: kl_estimate_case(rng, k), 150)
    dump(os.path.join(OUT, 'core-kl-estimate.json'), META, est)

    acc = []
    k = 0
    for kind, count in (('KLAccumulator', 90), ('LogitsKLAccumulator', 90)):
        k = draw_cases(acc, lambda i, kind=kind: accumulator_case(rng, i, kind), len(acc) + count, k)
    dump(os.path.join(OUT, 'core-accumulator.json'), META, acc)

    rp = repr_concrete()
    for k in range(150):
        rp.append(repr_case(rng, k))
    dump(os.path.join(OUT, 'core-repr.json'), META, rp)
    total = len(kl) + len(lg) + len(est) + len(acc) + len(rp)
    print(f'kl-div {len(kl)}, logits {len(lg)}, kl-estimate {len(est)}, accumulator {len(acc)}, '
          f'repr {len(rp)}; total {total}')


if __name__ == '__main__':
    main()
