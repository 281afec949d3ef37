"""gen-distributions.py's method cases (distributions-methods.json and, for what torch raises,
distributions-errors.json): one case per (distribution, method), issue 15's repros,
TestNumericalStability, the shape tests and the mixed-dtype sweep."""

import math

import numpy as np
import torch
import torch.distributions.kl as K

from dist_common import build, dec, dec_dtype, enc, f32, rng, spec
from dist_evaluate import EVENT_FAMILIES, PARAM_EVENT, evaluate
from dist_params import FAMILIES, PROPS, gen_params, value_tensors


def last_event(d):
    """The last event of a sample: shape event_shape, broadcast against the batch."""
    s = d.sample()
    n = len(d.event_shape)
    return s.reshape((-1,) + tuple(s.shape[s.dim() - n:]))[-1] if n else s.reshape(-1)[-1]


def method_fn(method):
    if method == 'log_prob':
        f = lambda d, v: d.log_prob(v)  # noqa: E731
    elif method == 'entropy':
        f = lambda d: d.entropy()  # noqa: E731
    elif method == 'shape':
        def f(d):
            r = {'batchShape': list(d.batch_shape), 'eventShape': list(d.event_shape)}
            try:
                r['sampleShape'] = [2]
                r['sampleResultShape'] = list(d.sample((2,)).shape)
            except Exception:  # invalid parameters under validate_args=False
                del r['sampleShape']
            return r
    else:
        f = lambda d: getattr(d, method)  # noqa: E731
    f.kind = method
    return f


def kl_fn(p, q):
    return K.kl_divergence(p, q)


kl_fn.kind = 'kl'


STATS = ['entropy', 'mean', 'variance', 'stddev']
cases_methods, cases_errors, cases_kl = [], [], []
names = set()


def add(target, case):
    assert case['name'] not in names, case['name']
    names.add(case['name'])
    target.append(case)


def method_case(name, s, method, value=None, source='random', exact_edge=False):
    args = (s,) if value is None else (s, value)
    r = evaluate(method_fn(method), *args, exact_edge=exact_edge)
    if r is None:
        return
    case = {'name': name, 'source': source, 'dist': s, 'method': method}
    if value is not None:
        case['value'] = enc(value)
    case.update(r)
    add(cases_errors if 'error' in r else cases_methods, case)


def all_methods(prefix, s, fam, dt, source='random', values=True):
    try:
        d64 = build(s, torch.float64)
    except Exception:
        d64 = None
    for m in STATS + PROPS.get(fam, []) + ['shape']:
        method_case(f'{prefix}/{m}', s, m, source=source)
    if values and d64 is not None:
        for label, v in value_tensors(fam, d64, dt):
            method_case(f'{prefix}/log_prob/{label}', s, 'log_prob', v, source)
            if label.startswith('outside') and s.get('validate_args') is not False:
                method_case(f'{prefix}/log_prob/{label}/novalidate', dict(s, validate_args=False),
                            'log_prob', v, source)



def concrete_method_cases():
    src = 'issue15'
    # root cause 7: stddev with validate_args false keeps the sign of the scale
    s = spec('Normal', {'loc': f32(0.0), 'scale': f32(-1.0)}, False)
    for m in STATS:
        method_case(f'issue15/normal-negative-scale/{m}', s, m, source=src)
    # ContinuousBernoulli with probs outside [0, 1], validated and not
    for p in (1.5, -0.5):
        for v in (True, False):
            s = spec('ContinuousBernoulli', {'probs': f32([p])}, v)
            for m in STATS + ['probs', 'logits']:
                method_case(f'issue15/cb-probs-{p}/validate-{v}/{m}', s, m, source=src)
            method_case(f'issue15/cb-probs-{p}/validate-{v}/log_prob', s, 'log_prob',
                        torch.tensor([0.25]), source=src)
    # exact support edges
    for dt in (torch.float32, torch.float64):
        n = str(dt).split('.')[1]
        T = lambda a: enc(torch.tensor(a, dtype=dt))
        edge = [
            ('binomial-p1-k10', spec('Binomial', {'total_count': T(10.0), 'probs': T(1.0)}), torch.tensor(10.0, dtype=dt)),
            ('binomial-p0-k0', spec('Binomial', {'total_count': T(10.0), 'probs': T(0.0)}), torch.tensor(0.0, dtype=dt)),
            ('binomial-p1-k9', spec('Binomial', {'total_count': T(10.0), 'probs': T(1.0)}), torch.tensor(9.0, dtype=dt)),
            ('binomial-n0', spec('Binomial', {'total_count': T(0.0), 'probs': T(0.3)}), torch.tensor(0.0, dtype=dt)),
            ('bernoulli-p1-x1', spec('Bernoulli', {'probs': T(1.0)}), torch.tensor(1.0, dtype=dt)),
            ('bernoulli-p0-x1', spec('Bernoulli', {'probs': T(0.0)}), torch.tensor(1.0, dtype=dt)),
            ('bernoulli-p0-x0', spec('Bernoulli', {'probs': T(0.0)}), torch.tensor(0.0, dtype=dt)),
            ('geometric-p1-x0', spec('Geometric', {'probs': T(1.0)}), torch.tensor(0.0, dtype=dt)),
            ('geometric-p1-x3', spec('Geometric', {'probs': T(1.0)}), torch.tensor(3.0, dtype=dt)),
            ('poisson-r0-x0', spec('Poisson', {'rate': T(0.0)}), torch.tensor(0.0, dtype=dt)),
            ('poisson-r0-x2', spec('Poisson', {'rate': T(0.0)}), torch.tensor(2.0, dtype=dt)),
            ('categorical-p01', spec('Categorical', {'probs': T([0.0, 1.0])}), torch.tensor(1)),
            ('categorical-p01-zero', spec('Categorical', {'probs': T([0.0, 1.0])}), torch.tensor(0)),
            ('onehot-p01', spec('OneHotCategorical', {'probs': T([0.0, 1.0])}), torch.tensor([0.0, 1.0], dtype=dt)),
            ('onehot-logits-inf', spec('OneHotCategorical', {'logits': T([-math.inf, 0.0])}), torch.tensor([0.0, 1.0], dtype=dt)),
            ('onehot-logits-inf-zero', spec('OneHotCategorical', {'logits': T([-math.inf, 0.0])}), torch.tensor([1.0, 0.0], dtype=dt)),
            ('beta-11-x0', spec('Beta', {'concentration1': T(1.0), 'concentration0': T(1.0)}), torch.tensor(0.0, dtype=dt)),
            ('beta-05-x0', spec('Beta', {'concentration1': T(0.5), 'concentration0': T(2.0)}), torch.tensor(0.0, dtype=dt)),
            ('beta-2-x1', spec('Beta', {'concentration1': T(2.0), 'concentration0': T(2.0)}), torch.tensor(1.0, dtype=dt)),
            ('uniform-high', spec('Uniform', {'low': T(0.0), 'high': T(1.0)}), torch.tensor(1.0, dtype=dt)),
            ('uniform-low', spec('Uniform', {'low': T(0.0), 'high': T(1.0)}), torch.tensor(0.0, dtype=dt)),
            ('pareto-scale', spec('Pareto', {'scale': T(2.0), 'alpha': T(3.0)}), torch.tensor(2.0, dtype=dt)),
            ('exponential-0', spec('Exponential', {'rate': T(2.0)}), torch.tensor(0.0, dtype=dt)),
            ('gamma-1-x0', spec('Gamma', {'concentration': T(1.0), 'rate': T(2.0)}), torch.tensor(0.0, dtype=dt)),
            ('gamma-05-x0', spec('Gamma', {'concentration': T(0.5), 'rate': T(2.0)}), torch.tensor(0.0, dtype=dt)),
            ('halfnormal-0', spec('HalfNormal', {'scale': T(2.0)}), torch.tensor(0.0, dtype=dt)),
            ('dirichlet-vertex', spec('Dirichlet', {'concentration': T([1.0, 2.0, 3.0])}), torch.tensor([1.0, 0.0, 0.0], dtype=dt)),
            ('cb-x0', spec('ContinuousBernoulli', {'probs': T(0.2)}), torch.tensor(0.0, dtype=dt)),
            ('cb-x1', spec('ContinuousBernoulli', {'probs': T(0.2)}), torch.tensor(1.0, dtype=dt)),
        ]
        for name, s, v in edge:
            method_case(f'issue15/edge/{name}/{n}', s, 'log_prob', v, source=src, exact_edge=True)
            method_case(f'issue15/edge/{name}/{n}/entropy', s, 'entropy', source=src)
    # TestNumericalStability
    src = 'test_distributions.TestNumericalStability'
    for dt in (torch.float32, torch.float64):
        n = str(dt).split('.')[1]
        T = lambda a: enc(torch.tensor(a, dtype=dt))
        V = lambda a: torch.tensor(a, dtype=dt)
        lim = 1e38 if dt == torch.float32 else 1e308
        stab = [
            ('bernoulli-p0-x0', 'Bernoulli', {'probs': T([0.0])}, V([0.0])),
            ('bernoulli-p0-x1', 'Bernoulli', {'probs': T([0.0])}, V([1.0])),
            ('bernoulli-p1e-4-x1', 'Bernoulli', {'probs': T([1e-4])}, V([1.0])),
            ('bernoulli-p1-1e-4-x0', 'Bernoulli', {'probs': T([1 - 1e-4])}, V([0.0])),
            ('bernoulli-logit9999-x0', 'Bernoulli', {'logits': T([math.log(9999)])}, V([0.0])),
            ('bernoulli-logits-underflow', 'Bernoulli', {'logits': T([-lim])}, V([0.0])),
            ('bernoulli-logits-overflow', 'Bernoulli', {'logits': T([lim])}, V([1.0])),
            ('onehot-p01', 'OneHotCategorical', {'probs': T([0.0, 1.0])}, V([0.0, 1.0])),
            ('onehot-logits', 'OneHotCategorical', {'logits': T([-math.inf, 0.0])}, V([0.0, 1.0])),
            ('onehot-logits-zero', 'OneHotCategorical', {'logits': T([-math.inf, 0.0])}, V([1.0, 0.0])),
            ('cb-0.1-x0.1', 'ContinuousBernoulli', {'probs': T([0.1])}, V([0.1])),
            ('cb-0.1-x1', 'ContinuousBernoulli', {'probs': T([0.1])}, V([1.0])),
            ('cb-0.4999-x0.9', 'ContinuousBernoulli', {'probs': T([0.4999])}, V([0.9])),
            ('cb-1e-4-x1', 'ContinuousBernoulli', {'probs': T([1e-4])}, V([1.0])),
            ('cb-1-1e-4-x0.1', 'ContinuousBernoulli', {'probs': T([1 - 1e-4])}, V([0.1])),
            ('cb-logit9999-x0', 'ContinuousBernoulli', {'logits': T([math.log(9999)])}, V([0.0])),
            ('cb-logit0.001-x0.5', 'ContinuousBernoulli', {'logits': T([0.001])}, V([0.5])),
            ('cb-logits-underflow', 'ContinuousBernoulli', {'logits': T([-lim])}, V([0.0])),
            ('cb-logits-overflow', 'ContinuousBernoulli', {'logits': T([lim])}, V([1.0])),
        ]
        for name, fam, params, v in stab:
            method_case(f'stability/{name}/{n}', spec(fam, params), 'log_prob', v, source=src)
    # test_*_shape_*: value shapes against batch shapes (tensor_sample_1 = ones(3, 2),
    # tensor_sample_2 = ones(3, 2, 3))
    src = 'test_distributions.TestDistributionShapes'
    one = lambda *s: torch.ones(*s)
    shapes = [
        ('gamma-scalar', spec('Gamma', {'concentration': f32(1.0), 'rate': f32(1.0)}), [one(3, 2), one(3, 2, 3)]),
        ('gamma-tensor', spec('Gamma', {'concentration': f32([1.0, 1.0]), 'rate': f32([1.0, 1.0])}), [one(3, 2), one(3, 2, 3), one(2, 1)]),
        ('normal-tensor', spec('Normal', {'loc': f32([0.0, 0.0]), 'scale': f32([1.0, 1.0])}), [one(3, 2), one(3, 2, 3), one(2, 1)]),
        ('uniform-tensor', spec('Uniform', {'low': f32([0.0, 0.0]), 'high': f32([1.0, 1.0])}), [one(3, 2) * 0.5, one(3, 2, 3) * 0.5, one(2, 1) * 0.5]),
        ('exponential-tensor', spec('Exponential', {'rate': f32([1.0, 1.0])}), [one(3, 2), one(3, 2, 3), one(2, 2)]),
        ('laplace-tensor', spec('Laplace', {'loc': f32([0.0, 0.0]), 'scale': f32([1.0, 1.0])}), [one(3, 2), one(3, 2, 3), one(2, 1)]),
        ('pareto-scalar', spec('Pareto', {'scale': f32(1.0), 'alpha': f32(1.0)}), [one(3, 2) + 1, one(3, 2, 3) + 1]),
        ('gumbel-scalar', spec('Gumbel', {'loc': f32(1.0), 'scale': f32(1.0)}), [one(3, 2), one(3, 2, 3)]),
        ('cb-tensor', spec('ContinuousBernoulli', {'probs': f32([[0.6, 0.3], [0.6, 0.3], [0.6, 0.3]])}), [one(3, 2), one(3, 2, 3), one(3, 1, 1)]),
        ('bernoulli-tensor', spec('Bernoulli', {'probs': f32([[0.6, 0.3], [0.6, 0.3], [0.6, 0.3]])}), [one(3, 2), one(3, 2, 3), one(3, 1, 1)]),
        ('beta-tensor', spec('Beta', {'concentration1': f32([[0.6, 0.3]] * 3), 'concentration0': f32([[0.6, 0.3]] * 3)}), [one(3, 2) * 0.5, one(3, 2, 3) * 0.5, one(3, 1, 1) * 0.5]),
        ('dirichlet-tensor', spec('Dirichlet', {'concentration': f32([[0.6, 0.3], [1.6, 1.3], [2.6, 2.3]])}), [one(3, 2) / 2, one(3, 2, 3) / 3, one(3, 1, 2) / 2]),
        ('categorical-tensor', spec('Categorical', {'probs': f32([[0.6, 0.3], [0.6, 0.3], [0.6, 0.3]])}), [torch.zeros(3, 3, dtype=torch.int64), torch.ones(3, 1, dtype=torch.int64), torch.tensor(1)]),
        ('onehot-tensor', spec('OneHotCategorical', {'probs': f32([[0.6, 0.3], [0.6, 0.3], [0.6, 0.3]])}), [torch.tensor([[1.0, 0.0]] * 3), one(3, 2, 3), torch.tensor([[[1.0, 0.0]]] * 4)]),
        ('mvn-2', spec('MultivariateNormal', {'loc': f32([0.0, 0.0]), 'covariance_matrix': f32(np.eye(2))}), [one(3, 2), one(3), one(4, 1, 2)]),
    ]
    for name, s, values in shapes:
        method_case(f'shapes/{name}/shape', s, 'shape', source=src)
        for j, v in enumerate(values):
            method_case(f'shapes/{name}/log_prob/{j}', s, 'log_prob', v, source=src)


def mixed_dtype_cases():
    src = 'mixed-dtypes'
    f32_, f64_ = torch.float32, torch.float64
    for fam in FAMILIES:
        for batch in ((), (3,)):
            base = gen_params(fam, batch, f64_)
            base = {k: enc(torch.tensor([dec(x) for x in v['data']], dtype=torch.float64)
                           .reshape(v['shape']).expand(tuple(batch) + tuple(v['shape'][len(v['shape']) - PARAM_EVENT.get(k, 0):]) if fam in EVENT_FAMILIES else tuple(batch)).contiguous()
                           .to(dec_dtype(v['dtype'])))
                    for k, v in base.items()}
            floats = [k for k, v in base.items() if v['dtype'] != 'int64']
            configs = [('f32', {k: f32_ for k in floats}), ('f64', {k: f64_ for k in floats})]
            if len(floats) > 1:
                configs.append(('mixed', {k: (f32_ if j == 0 else f64_) for j, k in enumerate(floats)}))
            d64 = build(spec(fam, base), torch.float64)
            torch.manual_seed(int(rng.integers(0, 2**31)))
            one = d64.sample()  # batch-shaped for a batched distribution
            single = one.reshape((-1,) + tuple(d64.event_shape))[0] if batch else one
            many = d64.sample((2,)) if not batch else one
            for cname, dts in configs:
                params = {k: (enc(torch.tensor([dec(x) for x in v['data']], dtype=torch.float64)
                                  .reshape(v['shape']).to(dts[k])) if k in dts else v)
                          for k, v in base.items()}
                s = spec(fam, params, False)
                prefix = f'mixed-dtypes/{fam}/{"batched" if batch else "0d"}/{cname}'
                if cname == 'mixed':
                    for m in ('mean', 'variance', 'entropy'):
                        method_case(f'{prefix}/{m}', s, m, source=src)
                if fam == 'Categorical':
                    continue  # integer values: no value dtype
                for vname, v in (('single', single), ('batched', many)):
                    for vdt in (f32_, f64_):
                        own = {dts[k] for k in floats}
                        if own == {vdt}:
                            continue  # not mixed: covered by the random cases
                        method_case(f'{prefix}/log_prob/{vname}-{str(vdt)[6:]}', s, 'log_prob',
                                    v.to(vdt).contiguous(), source=src)

