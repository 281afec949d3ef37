"""gen-distributions.py's evaluation of a case: torch on the spec'd distributions, the error
fragments kldiv's message must contain, the fallbacks where torch 1.13 crashes, and the
tolerances from the conditioning (see gen-distributions.py's header)."""

import numpy as np
import torch

from dist_common import D32, SEED, U32, U64, build, cast_value, dec, dec_dtype, enc
from dist_parity import PARITY_COUNT, agrees, densify, parity_entry

# Messages of the cases left out because torch itself crashed (the JSON's meta.skipped).
SKIPPED = []


def fragments(e):
    msg = ' '.join(str(e).split())  # torch's messages carry source indentation
    t = type(e).__name__
    if msg.startswith('Expected parameter '):
        name = msg.split(' ')[2]
        c = msg.split('to satisfy the constraint ')[1].split(', but found')[0]
        return [f'Expected parameter {name}', 'to satisfy the constraint ' + cut_constraint(c)]
    if msg.startswith('Expected value argument'):
        c = msg.split('to be within the support (', 1)[1]
        # supports that depend on parameters print them; keep the class name only
        dependent = any(f'of the distribution {f}(' in msg for f in ('Binomial', 'Uniform', 'Pareto'))
        c = c.split('(', 1)[0] + '(' if dependent else cut_constraint(c)
        return ['Expected value argument', 'to be within the support (' + c]
    if msg.startswith('The right-most size of value must match event_shape'):
        return ['The right-most size of value must match event_shape']
    if msg.startswith('Value is not broadcastable with batch_shape+event_shape'):
        return ['Value is not broadcastable with batch_shape+event_shape']
    if t == 'NotImplementedError':
        return [msg]
    return [msg] if msg else []


def cut_constraint(c):
    if 'tensor(' in c:
        return c.split('(', 1)[0] + '('
    depth, out = 0, ''
    for ch in c:
        out += ch
        depth += ch == '('
        depth -= ch == ')'
        if depth == 0 and ch == ')':
            return out
    return out


def error_of(e):
    # torch.linalg's _LinAlgError is a RuntimeError subclass; kldiv names the base class
    t = 'RuntimeError' if type(e).__name__ == '_LinAlgError' else type(e).__name__
    return {'type': t, 'message': str(e), 'fragments': fragments(e)}


BUG_TEXT = ('does not match the shape of the indexed tensor', 'cannot reshape tensor of 0 elements',
            'The expanded size of the tensor', 'must be greater or equal to the number of dimensions')
PARAM_EVENT = {'probs': 1, 'logits': 1, 'concentration': 1, 'loc': 1, 'cov_diag': 1, 'cov_factor': 2,
               'covariance_matrix': 2, 'precision_matrix': 2, 'scale_tril': 2}
EVENT_FAMILIES = ('Categorical', 'OneHotCategorical', 'Dirichlet', 'MultivariateNormal',
                  'LowRankMultivariateNormal')


def torch_bug(e):
    return any(t in str(e) for t in BUG_TEXT)


def expand_spec(s, batch):
    if s['family'] == 'Independent':
        return None
    params = {}
    for k, v in s['params'].items():
        ev = PARAM_EVENT.get(k, 0) if s['family'] in EVENT_FAMILIES else 0
        t = torch.tensor([dec(x) for x in v['data']], dtype=torch.float64).reshape(v['shape'])
        t = t.expand(tuple(batch) + tuple(t.shape[len(t.shape) - ev:])).contiguous()
        params[k] = enc(t.to(dec_dtype(v['dtype'])))
    return dict(s, params=params)


def expanded_fallback(fn, specs, values):
    try:
        dists = [build(s, torch.float64) for s in specs]
        batch = torch.broadcast_shapes(*[d.batch_shape for d in dists])
        new = [expand_spec(s, batch) for s in specs]
        if any(n is None for n in new):
            return None
        try:
            return fn, new, fn(*[build(n) for n in new], *values)
        except Exception:
            pass
        # still crashing (empty batch): the empty result, shaped and typed as torch would
        if 0 not in batch:
            return None
        d = build(specs[0], torch.float64)
        dtype = dtype_of(specs[0])
        for sp in specs[1:]:
            dtype = torch.promote_types(dtype, dtype_of(sp))
        kind = getattr(fn, 'kind', None)
        shape = tuple(batch)
        if kind in ('mean', 'variance', 'stddev'):
            shape = shape + tuple(d.event_shape)
        elif kind not in ('kl', 'entropy', 'log_prob'):
            return None
        if values:
            v = values[0]
            vb = v.shape[:len(v.shape) - len(d.event_shape)]
            shape = torch.broadcast_shapes(vb, batch)
            if v.dtype.is_floating_point:
                dtype = torch.promote_types(dtype, v.dtype)
        return fn, new, EmptyResult(shape, dtype)
    except Exception:
        return None


def dtype_of(s):
    if s['family'] == 'Independent':
        return dtype_of(s['base'])
    fl = [dec_dtype(v['dtype']) for v in s['params'].values() if v['dtype'] != 'int64']
    return fl[0] if len(set(fl)) == 1 else torch.float64


class EmptyResult:
    def __init__(self, shape, dtype):
        self.t = torch.empty(shape, dtype=dtype)

    def detach(self):
        return self.t


def tolerances(dtype, r, rp, d, r64, r64p, r32):
    """Per-element atol = 4 u amp_i (and rtol = 4 u), amp_i as the header derives it."""
    def flat(t):
        return None if t is None or t.shape != r.shape else t.detach().to(torch.float64).reshape(-1)
    a, ap, a64, a64p, a32 = (flat(t) for t in (r, rp, r64, r64p, r32))
    amp = torch.ones(a.shape, dtype=torch.float64)

    def raise_to(x, y, scale, limit=None):
        if x is None or y is None:
            return
        ok = torch.isfinite(x) & torch.isfinite(y)
        diff = torch.where(ok, (x - y).abs(), torch.zeros_like(x))
        if limit is not None:  # a different quantity, not a rounding error (see the header)
            diff = torch.where(diff <= limit, diff, torch.zeros_like(diff))
        amp.copy_(torch.maximum(amp, diff / scale))
    raise_to(a, ap, d)
    raise_to(a64, a64p, U32)
    if a64 is not None:
        raise_to(a32, a64, U32, 2.0**-8 * torch.clamp(a64.abs().nan_to_num(0.0, 0.0, 0.0), min=1.0))
    u = U32 if dtype == torch.float32 else U64
    atols = [4 * u * float(x) for x in amp]
    tol = {'rtol': 4 * u, 'atol': max(atols, default=4 * u)}
    return tol, (atols if len(set(atols)) > 1 else None)


def evaluate(fn, *specs_and_values, exact_edge=False):
    """Runs fn on torch distributions built from specs (values cast alongside). Returns a case
    fragment: expected/tolerances, or error, or None when torch itself fails in a way kldiv
    is not asked to reproduce."""
    specs = [x for x in specs_and_values if isinstance(x, dict)]
    values = [x for x in specs_and_values if not isinstance(x, dict)]
    forced = None
    try:
        r = fn(*[build(s) for s in specs], *values)
    except (ValueError, NotImplementedError, RuntimeError, TypeError, IndexError) as e:
        if 'expected scalar type' in str(e):
            # torch 1.13 cannot mix dtypes here (LowRankMultivariateNormal.log_prob's
            # triangular solve): kldiv's documented mixed-dtype semantics define the value
            forced = parity_entry(fn, specs, values, None, None)
        if forced is not None and forced[0] == 'mixed-dtypes':
            r, note = None, None
        elif not torch_bug(e):
            return {'error': error_of(e)}
        else:
            # torch 1.13 crashes on an input its API accepts (boolean masks of unbroadcast shape
            # in several KL pairs, empty batches): expected is torch on explicitly expanded
            # parameters, or the empty result of the broadcast shape when torch crashes on that
            fallback = expanded_fallback(fn, specs, values)
            if fallback is None:
                SKIPPED.append(f'{type(e).__name__}: {e}')
                return None
            fn, specs, r = fallback
            specs_and_values = (*specs, *values)
            note = (f'torch 1.13 raises {type(e).__name__} ({str(e)[:120]}) on these parameters '
                    'as given')
    except Exception as e:  # torch's own crash (e.g. ZeroDivisionError on empty batches)
        SKIPPED.append(f'{type(e).__name__}: {e}')
        return None
    else:
        note = None
    if getattr(fn, 'kind', None) == 'kl' and note is None and r is not None:
        dists = [build(sp) for sp in specs]
        want = torch.broadcast_shapes(dists[0].batch_shape, dists[1].batch_shape)
        if tuple(r.shape) != tuple(want):
            fallback = expanded_fallback(fn, specs, values)
            if fallback is not None:
                note = (f'torch 1.13 returns shape {list(r.shape)}, not the broadcast batch shape '
                        f'{list(want)}, for the parameters as given')
                fn, specs, r = fallback
    out = {} if note is None else {'torchError': note}
    if isinstance(r, dict):  # shape case
        return {**out, 'expected': r}
    r = r.detach() if r is not None else None

    def alt(cast, delta, parity=None):
        """The evaluation with float params cast to `cast` (None: as given) and perturbed by
        delta; under a parity entry, "as given" is kldiv's documented semantics instead: every
        parameter and value in float64, the result rounded once to kldiv's result dtype."""
        try:
            with np.errstate(all='ignore'):
                pert = np.random.default_rng(SEED + 7)
                if parity is not None and cast is None:
                    dense = densify if parity[0] == 'lowrank-dense' else (lambda d: d)
                    return fn(*[dense(build(s, torch.float64, pert, delta)) for s in specs],
                              *[cast_value(v, torch.float64) for v in values]
                              ).detach().to(parity[1])
                return fn(*[build(s, cast, pert, delta) for s in specs],
                          *[cast_value(v, cast) if cast else v for v in values]).detach()
        except Exception:
            return None

    def derive(r, parity=None):
        own = D32 if r.dtype == torch.float32 else U32
        return tolerances(r.dtype, r, alt(None, own, parity), own, r64, alt(torch.float64, U32),
                          r32)

    r64, r32 = alt(torch.float64, 0.0), alt(torch.float32, 0.0)
    parity = forced or parity_entry(fn, specs, values, r64, r32)
    if parity is not None:
        # kldiv documents a different semantics here (see PARITY): its expectation is torch
        # evaluated that way, unless torch's own result already agrees within tolerance
        rk = alt(None, 0.0, parity)
        if rk is None and r is None:
            SKIPPED.append(f'{fn.kind}: torch fails on mixed dtypes in float64 too')
            return None
        if rk is not None:
            tol, atols = derive(rk, parity)
            if r is None or r.dtype != rk.dtype or not agrees(r, rk, tol, atols):
                out.update(parity=parity[0], expected=enc(rk), tolerance=tol)
                if atols is not None:
                    out['atols'] = atols
                PARITY_COUNT[parity[0]] = PARITY_COUNT.get(parity[0], 0) + 1
                return out
    out['expected'] = enc(r)
    if exact_edge and r64 is not None and r32 is not None and torch.equal(
            r64.nan_to_num(7.0), r32.to(torch.float64).nan_to_num(7.0)):
        # a support edge torch gets bit-identically in both precisions: exact (see the header)
        out['tolerance'] = {'rtol': 0, 'atol': 0}
        return out
    tol, atols = derive(r)
    out['tolerance'] = tol
    if atols is not None:
        out['atols'] = atols
    return out

