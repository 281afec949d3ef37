"""gen-distributions.py's KL cases (distributions-kl.json): every registered pair with random
parameters, Independent pairs, the pairs torch refuses, and TestKL's finite, infinite, edge,
shape, low-rank and batched examples."""

import numpy as np
import torch
import torch.distributions.kl as K

from dist_common import build, enc, f32, indep, rng, spec, tens
from dist_evaluate import evaluate
from dist_examples import get_examples
from dist_methods import add, cases_kl, kl_fn
from dist_params import FAMILIES, gen_params, pd, pos, real, sub_shape, tril


def kl_case(name, p, q, source='random'):
    r = evaluate(kl_fn, p, q)
    if r is None:
        return
    case = {'name': name, 'source': source, 'p': p, 'q': q}
    case.update(r)
    add(cases_kl, case)


def pair_batches():
    """Batch shapes for p and q that broadcast together."""
    b = [((3,), (3,)), ((2, 1), (3,)), ((), (2, 3)), ((2, 3), ()), ((1, 3), (2, 1)), ((4,), (1,)),
         ((0,), (1,)), ((2, 1, 3), (1, 2, 1))]
    return b


def kl_cases():
    reg = sorted((p.__name__, q.__name__) for p, q in K._KL_REGISTRY)
    base_families = set(FAMILIES)
    k = 0
    for pn, qn in reg:
        if pn not in base_families or qn not in base_families:
            continue
        for j, (bp, bq) in enumerate(pair_batches()):
            dt = torch.float32 if j % 2 == 0 else torch.float64
            kk = int(rng.choice([2, 3, 4]))  # shared event size of Categorical/Dirichlet pairs
            pp = gen_params(pn, bp, dt, kk)
            qq = gen_params(qn, bq, dt, kk)
            if pn in ('MultivariateNormal', 'LowRankMultivariateNormal'):
                n = int(rng.choice([1, 2, 3]))
                pp = gaussian_params(pn, bp, n, dt)
                qq = gaussian_params(qn, bq, n, dt)
            if pn == 'Binomial' and qn == 'Binomial':
                tc = enc(tens(np.full(sub_shape(bq), float(rng.integers(1, 12))), dt))
                pp['total_count'] = tc
                qq['total_count'] = tc
            kl_case(f'kl-random/{pn}-{qn}/{j}', spec(pn, pp), spec(qn, qq))
            k += 1
    # Independent pairs
    for j in range(6):
        dt = torch.float64 if j % 2 else torch.float32
        fam = ['Normal', 'Bernoulli', 'Exponential', 'Normal', 'Beta', 'Normal'][j]
        bp, bq = [((2, 3), (2, 3)), ((4, 2), (1, 2)), ((3,), (3,)), ((2, 1, 3), (2, 3)), ((2, 2), (2, 2)), ((2, 3), (2, 3))][j]
        rp, rq = [(1, 1), (1, 1), (1, 1), (2, 2), (2, 2), (1, 2)][j]
        kl_case(f'kl-independent/{fam}/{j}', indep(spec(fam, gen_params(fam, bp, dt)), rp),
                indep(spec(fam, gen_params(fam, bq, dt)), rq))
    # pairs torch does not implement (NotImplementedError), and mismatched events
    nie = [('Cauchy', 'Normal'), ('Normal', 'Cauchy'), ('Bernoulli', 'Geometric'),
           ('Exponential', 'Poisson'), ('LogNormal', 'HalfNormal'), ('Gumbel', 'LogNormal'),
           ('Pareto', 'LogNormal'), ('Beta', 'Dirichlet'), ('Categorical', 'OneHotCategorical'),
           ('Poisson', 'Geometric'), ('Binomial', 'Bernoulli'), ('Uniform', 'Laplace'),
           ('HalfNormal', 'Normal'), ('ContinuousBernoulli', 'Bernoulli'), ('Geometric', 'Poisson'),
           ('Laplace', 'Cauchy'), ('MultivariateNormal', 'Normal')]
    for pn, qn in nie:
        kl_case(f'kl-notimplemented/{pn}-{qn}', spec(pn, gen_params(pn, (3,), torch.float64)),
                spec(qn, gen_params(qn, (3,), torch.float64)))
    kl_case('kl-notimplemented/Binomial-larger-q-count',
            spec('Binomial', {'total_count': f32([10.0, 10.0]), 'probs': f32([0.2, 0.6])}),
            spec('Binomial', {'total_count': f32([12.0, 12.0]), 'probs': f32([0.1, 0.3])}))
    kl_case('kl-error/mvn-event-mismatch', spec('MultivariateNormal', gaussian_params('MultivariateNormal', (), 2, torch.float64)),
            spec('MultivariateNormal', gaussian_params('MultivariateNormal', (), 3, torch.float64)))
    kl_case('kl-error/batch-mismatch', spec('Normal', gen_params('Normal', (2,), torch.float64)),
            spec('Normal', {'loc': enc(torch.zeros(3, dtype=torch.float64)), 'scale': enc(torch.ones(3, dtype=torch.float64))}))
    kl_case('kl-error/independent-ndims', indep(spec('Normal', {'loc': f32(np.zeros((2, 3))), 'scale': f32(np.ones((2, 3)))}), 1),
            indep(spec('Normal', {'loc': f32(np.zeros((2, 3))), 'scale': f32(np.ones((2, 3)))}), 2))
    # TestKL.finite_examples: pairwise(Dist, params) -> p varies column-wise, q row-wise
    src = 'test_distributions.TestKL.finite_examples'
    pw = finite_pairwise()
    finite = [('bernoulli', 'bernoulli'), ('bernoulli', 'poisson'), ('beta', 'beta'), ('beta', 'chi2'),
              ('beta', 'exponential'), ('beta', 'gamma'), ('beta', 'normal'), ('binomial30', 'binomial30'),
              ('binomial_vectorized_count', 'binomial_vectorized_count'), ('categorical', 'categorical'),
              ('cauchy', 'cauchy'), ('chi2', 'chi2'), ('chi2', 'exponential'), ('chi2', 'gamma'),
              ('chi2', 'normal'), ('dirichlet', 'dirichlet'), ('exponential', 'chi2'),
              ('exponential', 'exponential'), ('exponential', 'gamma'), ('exponential', 'gumbel'),
              ('exponential', 'normal'), ('gamma', 'chi2'), ('gamma', 'exponential'), ('gamma', 'gamma'),
              ('gamma', 'gumbel'), ('gamma', 'normal'), ('gumbel', 'gumbel'), ('gumbel', 'normal'),
              ('halfnormal', 'halfnormal'), ('independent', 'independent'), ('laplace', 'laplace'),
              ('lognormal', 'lognormal'), ('laplace', 'normal'), ('normal', 'gumbel'),
              ('normal', 'laplace'), ('normal', 'normal'), ('onehotcategorical', 'onehotcategorical'),
              ('pareto', 'chi2'), ('pareto', 'pareto'), ('pareto', 'exponential'), ('pareto', 'gamma'),
              ('poisson', 'poisson'), ('uniform_within_unit', 'beta'), ('uniform_positive', 'chi2'),
              ('uniform_positive', 'exponential'), ('uniform_positive', 'gamma'),
              ('uniform_real', 'gumbel'), ('uniform_real', 'normal'), ('uniform_pareto', 'pareto'),
              ('continuous_bernoulli', 'continuous_bernoulli'), ('continuous_bernoulli', 'exponential'),
              ('continuous_bernoulli', 'normal'), ('beta', 'continuous_bernoulli')]
    for a, b in finite:
        kl_case(f'testkl-finite/{a}-{b}', pw[a][0], pw[b][1], source=src)
    # TestKL.infinite_examples
    src = 'test_distributions.TestKL.infinite_examples'
    S = lambda fam, **kw: spec(fam, {k: (v if isinstance(v, dict) else f32(v)) for k, v in kw.items()})
    chi2 = lambda df: S('Gamma', concentration=df / 2, rate=0.5)
    inf_ex = [
        (S('Bernoulli', probs=0.0), S('Bernoulli', probs=1.0)),
        (S('Bernoulli', probs=1.0), S('Bernoulli', probs=0.0)),
        (S('Categorical', probs=[0.9, 0.1]), S('Categorical', probs=[1.0, 0.0])),
        (S('Categorical', probs=[[0.9, 0.1], [0.9, 0.1]]), S('Categorical', probs=[1.0, 0.0])),
        (S('Beta', concentration1=1.0, concentration0=2.0), S('Uniform', low=0.25, high=1.0)),
        (S('Beta', concentration1=1.0, concentration0=2.0), S('Uniform', low=0.0, high=0.75)),
        (S('Beta', concentration1=1.0, concentration0=2.0), S('Uniform', low=0.25, high=0.75)),
        (S('Beta', concentration1=1.0, concentration0=2.0), S('Pareto', scale=1.0, alpha=2.0)),
        (S('Binomial', total_count=31.0, probs=0.7), S('Binomial', total_count=30.0, probs=0.3)),
        (spec('Binomial', {'total_count': enc(torch.tensor([3, 4])), 'probs': f32([0.4, 0.6])}),
         spec('Binomial', {'total_count': enc(torch.tensor([2, 3])), 'probs': f32([0.5, 0.8])})),
        (chi2(1.0), S('Beta', concentration1=2.0, concentration0=3.0)),
        (chi2(1.0), S('Pareto', scale=2.0, alpha=3.0)),
        (chi2(1.0), S('Uniform', low=-2.0, high=3.0)),
    ]
    for pfam, pk in [('Exponential', {'rate': 1.0}), ('Gamma', {'concentration': 1.0, 'rate': 2.0})]:
        for q in (S('Beta', concentration1=2.0, concentration0=3.0) if pfam == 'Exponential' else S('Beta', concentration1=3.0, concentration0=4.0),
                  S('Pareto', scale=2.0, alpha=3.0) if pfam == 'Exponential' else S('Pareto', scale=3.0, alpha=4.0),
                  S('Uniform', low=-2.0, high=3.0) if pfam == 'Exponential' else S('Uniform', low=-3.0, high=4.0)):
            inf_ex.append((S(pfam, **pk), q))
    for pfam in ('Gumbel', 'Laplace', 'Normal'):
        p = S(pfam, loc=-1.0, scale=2.0)
        for q in (S('Beta', concentration1=3.0, concentration0=4.0), chi2(3.0), S('Exponential', rate=3.0),
                  S('Gamma', concentration=3.0, rate=4.0), S('Pareto', scale=3.0, alpha=4.0),
                  S('Uniform', low=-3.0, high=4.0), S('ContinuousBernoulli', probs=0.75)):
            inf_ex.append((p, q))
    inf_ex += [
        (S('Pareto', scale=2.0, alpha=1.0), chi2(3.0)),
        (S('Pareto', scale=2.0, alpha=1.0), S('Exponential', rate=3.0)),
        (S('Pareto', scale=2.0, alpha=1.0), S('Gamma', concentration=3.0, rate=4.0)),
        (S('Pareto', scale=1.0, alpha=2.0), S('Normal', loc=-3.0, scale=4.0)),
        (S('Pareto', scale=1.0, alpha=2.0), S('Pareto', scale=3.0, alpha=4.0)),
        (S('Poisson', rate=2.0), S('Bernoulli', probs=0.5)),
        (S('Poisson', rate=2.3), S('Binomial', total_count=10.0, probs=0.2)),
        (S('Uniform', low=-1.0, high=1.0), S('Beta', concentration1=2.0, concentration0=2.0)),
        (S('Uniform', low=0.0, high=2.0), S('Beta', concentration1=3.0, concentration0=4.0)),
        (S('Uniform', low=-1.0, high=2.0), S('Beta', concentration1=3.0, concentration0=4.0)),
        (S('Uniform', low=-1.0, high=2.0), chi2(3.0)),
        (S('Uniform', low=-1.0, high=2.0), S('Exponential', rate=3.0)),
        (S('Uniform', low=-1.0, high=2.0), S('Gamma', concentration=3.0, rate=4.0)),
        (S('Uniform', low=-1.0, high=2.0), S('Pareto', scale=3.0, alpha=4.0)),
        (S('ContinuousBernoulli', probs=0.25), S('Uniform', low=0.25, high=1.0)),
        (S('ContinuousBernoulli', probs=0.25), S('Uniform', low=0.0, high=0.75)),
        (S('ContinuousBernoulli', probs=0.25), S('Uniform', low=0.25, high=0.75)),
        (S('ContinuousBernoulli', probs=0.25), S('Pareto', scale=1.0, alpha=2.0)),
        (S('Exponential', rate=1.0), S('ContinuousBernoulli', probs=0.75)),
        (S('Gamma', concentration=1.0, rate=2.0), S('ContinuousBernoulli', probs=0.75)),
        (S('Uniform', low=-1.0, high=1.0), S('ContinuousBernoulli', probs=0.75)),
        (S('Uniform', low=0.0, high=2.0), S('ContinuousBernoulli', probs=0.75)),
        (S('Uniform', low=-1.0, high=2.0), S('ContinuousBernoulli', probs=0.75)),
    ]
    for j, (p, q) in enumerate(inf_ex):
        kl_case(f'testkl-infinite/{j}/{p["family"]}-{q["family"]}', p, q, source=src)
    src = 'test_distributions.TestKL.test_kl_edgecases'
    kl_case('testkl-edge/bernoulli0', S('Bernoulli', probs=0.0), S('Bernoulli', probs=0.0), src)
    kl_case('testkl-edge/bernoulli1', S('Bernoulli', probs=1.0), S('Bernoulli', probs=1.0), src)
    kl_case('testkl-edge/categorical', S('Categorical', probs=[0.0, 1.0]), S('Categorical', probs=[0.0, 1.0]), src)
    kl_case('testkl-edge/uniform-beta', S('Uniform', low=0.0, high=1.0), S('Beta', concentration1=1.0, concentration0=1.0), src)
    # test_kl_shape: kl(d, d) for every example
    src = 'test_distributions.TestKL.test_kl_shape'
    for fam, plist in get_examples():
        for i, params in enumerate(plist):
            s = params if params.get('family') == 'Independent' else spec(fam, params)
            kl_case(f'testkl-shape/{fam}/{i}', s, s, src)
    # lowrank vs full-covariance agreement cases (test_kl_lowrank_multivariate_normal)
    src = 'test_distributions.TestKL.test_kl_lowrank_multivariate_normal'
    for i in range(3):
        p = gaussian_params('LowRankMultivariateNormal', (), 4, torch.float64, rank=3)
        q = gaussian_params('LowRankMultivariateNormal', (), 4, torch.float64, rank=3)
        full = lambda g: {'loc': g['loc'], 'covariance_matrix': enc(
            build(spec('LowRankMultivariateNormal', g)).covariance_matrix)}
        kl_case(f'testkl-lowrank/{i}/lr-lr', spec('LowRankMultivariateNormal', p), spec('LowRankMultivariateNormal', q), src)
        kl_case(f'testkl-lowrank/{i}/lr-full', spec('LowRankMultivariateNormal', p), spec('MultivariateNormal', full(q)), src)
        kl_case(f'testkl-lowrank/{i}/full-lr', spec('MultivariateNormal', full(p)), spec('LowRankMultivariateNormal', q), src)
    # float32 ContinuousBernoulli just outside torch's Taylor region (0.499, 0.501): torch's
    # float32 mean and variance cancel there (see PARITY, 'float64-internals')
    for i, probs in enumerate([[0.5014393925666809, 0.49950146675109863, 0.49974003434181213],
                               [0.4985, 0.5012, 0.3]]):
        kl_case(f'kl-cb-near-half/{i}/ContinuousBernoulli-Normal', spec('ContinuousBernoulli', {'probs': f32([probs])}),
                spec('Normal', {'loc': f32([-0.2597162425518036]), 'scale': f32([0.5944832563400269])}), 'issue15')
        kl_case(f'kl-cb-near-half/{i}/ContinuousBernoulli-Exponential', spec('ContinuousBernoulli', {'probs': f32([probs])}),
                spec('Exponential', {'rate': f32([1.5])}), 'issue15')
    for i, (bp, bq) in enumerate([((7,), (7,)), ((7,), ())]):
        kl_case(f'testkl-mvn-batched/{i}', spec('MultivariateNormal', gaussian_params('MultivariateNormal', bp, 3, torch.float64, which='scale_tril')),
                spec('MultivariateNormal', gaussian_params('MultivariateNormal', bq, 3, torch.float64, which='scale_tril')),
                'test_distributions.TestKL.test_kl_multivariate_normal_batched')


def gaussian_params(fam, batch, n, dt, rank=None, which=None):
    T = lambda a: enc(tens(a, dt))
    if fam == 'MultivariateNormal':
        which = which or str(rng.choice(['covariance_matrix', 'precision_matrix', 'scale_tril']))
        m = tril(sub_shape(batch), n) if which == 'scale_tril' else pd(sub_shape(batch), n)
        return {'loc': T(real(sub_shape(batch) + (n,))), which: T(m)}
    r = rank or int(rng.choice([1, 2]))
    return {'loc': T(real(sub_shape(batch) + (n,))), 'cov_factor': T(real(sub_shape(batch) + (n, r), 1.0)),
            'cov_diag': T(pos(sub_shape(batch) + (n,)))}


def finite_pairwise():
    """TestKL's pairwise(Dist, *params): p[i][j] = param[j], q[i][j] = param[i]."""
    def pw(fam, names, *params):
        p1 = [np.array([p] * len(p), dtype=np.float64) for p in params]
        p2 = [np.swapaxes(a, 0, 1) for a in p1]
        return (spec(fam, {n: f32(a) for n, a in zip(names, p1)}),
                spec(fam, {n: f32(a) for n, a in zip(names, p2)}))
    out = {
        'bernoulli': pw('Bernoulli', ['probs'], [0.1, 0.2, 0.6, 0.9]),
        'beta': pw('Beta', ['concentration1', 'concentration0'], [1.0, 2.5, 1.0, 2.5], [1.5, 1.5, 3.5, 3.5]),
        'categorical': pw('Categorical', ['probs'], [[0.4, 0.3, 0.3], [0.2, 0.7, 0.1], [0.33, 0.33, 0.34], [0.2, 0.2, 0.6]]),
        'cauchy': pw('Cauchy', ['loc', 'scale'], [-2.0, 2.0, -3.0, 3.0], [1.0, 2.0, 1.0, 2.0]),
        'dirichlet': pw('Dirichlet', ['concentration'], [[0.1, 0.2, 0.7], [0.5, 0.4, 0.1], [0.33, 0.33, 0.34], [0.2, 0.2, 0.4]]),
        'exponential': pw('Exponential', ['rate'], [1.0, 2.5, 5.0, 10.0]),
        'gamma': pw('Gamma', ['concentration', 'rate'], [1.0, 2.5, 1.0, 2.5], [1.5, 1.5, 3.5, 3.5]),
        'gumbel': pw('Gumbel', ['loc', 'scale'], [-2.0, 4.0, -3.0, 6.0], [1.0, 2.5, 1.0, 2.5]),
        'halfnormal': pw('HalfNormal', ['scale'], [1.0, 2.0, 1.0, 2.0]),
        'laplace': pw('Laplace', ['loc', 'scale'], [-2.0, 4.0, -3.0, 6.0], [1.0, 2.5, 1.0, 2.5]),
        'lognormal': pw('LogNormal', ['loc', 'scale'], [-2.0, 2.0, -3.0, 3.0], [1.0, 2.0, 1.0, 2.0]),
        'normal': pw('Normal', ['loc', 'scale'], [-2.0, 2.0, -3.0, 3.0], [1.0, 2.0, 1.0, 2.0]),
        'onehotcategorical': pw('OneHotCategorical', ['probs'], [[0.4, 0.3, 0.3], [0.2, 0.7, 0.1], [0.33, 0.33, 0.34], [0.2, 0.2, 0.6]]),
        'poisson': pw('Poisson', ['rate'], [0.3, 1.0, 5.0, 10.0]),
        'uniform_within_unit': pw('Uniform', ['low', 'high'], [0.1, 0.9, 0.2, 0.75], [0.15, 0.95, 0.25, 0.8]),
        'uniform_positive': pw('Uniform', ['low', 'high'], [1, 1.5, 2, 4], [1.2, 2.0, 3, 7]),
        'uniform_real': pw('Uniform', ['low', 'high'], [-2.0, -1, 0, 2], [-1.0, 1, 1, 4]),
        'uniform_pareto': pw('Uniform', ['low', 'high'], [6.5, 7.5, 6.5, 8.5], [7.5, 8.5, 9.5, 9.5]),
        'continuous_bernoulli': pw('ContinuousBernoulli', ['probs'], [0.1, 0.2, 0.5, 0.9]),
    }
    chi = pw('Gamma', ['concentration', 'rate'], [0.5, 1.0, 1.25, 2.5], [0.5, 0.5, 0.5, 0.5])
    out['chi2'] = chi  # Chi2(df) is Gamma(df / 2, 1 / 2)
    b30 = pw('Binomial', ['probs'], [0.1, 0.2, 0.6, 0.9])
    for s in b30:
        s['params']['total_count'] = f32(30.0)
    out['binomial30'] = b30
    out['binomial_vectorized_count'] = (
        spec('Binomial', {'total_count': enc(torch.tensor([3, 4])), 'probs': f32([0.4, 0.6])}),
        spec('Binomial', {'total_count': enc(torch.tensor([3, 4])), 'probs': f32([0.5, 0.8])}))
    out['independent'] = tuple(indep(s, 1) for s in out['normal'])
    out['pareto'] = (spec('Pareto', {'scale': f32(np.tile([2.5, 4.0, 2.5, 4.0], (4, 1))), 'alpha': f32(np.tile([2.25, 3.75, 2.25, 3.75], (4, 1)))}),
                     spec('Pareto', {'scale': f32(np.tile([2.25, 3.75, 2.25, 3.8], (4, 1))), 'alpha': f32(np.tile([2.25, 3.75, 2.25, 3.75], (4, 1)))}))
    return out
