"""gen-distributions.py's rebuild of test_distributions.py's `_get_examples()` and
`_get_bad_examples()` for kldiv's families, torch.randn replaced by the seeded draws."""

import numpy as np
import torch

from dist_common import enc, f32, indep, rng, spec


def randn(*shape):
    return rng.normal(size=shape)


def get_examples():
    """test_distributions.py `_get_examples()` for kldiv's families (randn from our seed)."""
    ex = []
    ex.append(('Bernoulli', [{'probs': f32([0.7, 0.2, 0.4])}, {'probs': f32([0.3])},
                             {'probs': f32(0.3)}, {'logits': f32([0.0])}]))
    ex.append(('Geometric', [{'probs': f32([0.7, 0.2, 0.4])}, {'probs': f32([0.3])},
                             {'probs': f32(0.3)}]))
    ex.append(('Beta', [{'concentration1': f32(np.exp(randn(2, 3))), 'concentration0': f32(np.exp(randn(2, 3)))},
                        {'concentration1': f32(np.exp(randn(4))), 'concentration0': f32(np.exp(randn(4)))}]))
    ex.append(('Categorical', [{'probs': f32([[0.1, 0.2, 0.3], [0.5, 0.3, 0.2]])},
                               {'probs': f32([[1.0, 0.0], [0.0, 1.0]])},
                               {'logits': f32([[0.0, 0.0], [0.0, 0.0]])}]))
    pb = f32([[1.0, 0.0], [0.0, 1.0]])
    ex.append(('Binomial', [{'probs': f32([[0.1, 0.2, 0.3], [0.5, 0.3, 0.2]]), 'total_count': f32(10)},
                            {'probs': pb, 'total_count': f32(10)},
                            {'probs': pb, 'total_count': enc(torch.tensor([10]))},
                            {'probs': pb, 'total_count': enc(torch.tensor([10, 8]))},
                            {'probs': pb, 'total_count': f32([[10.0, 8.0], [5.0, 3.0]])},
                            {'probs': pb, 'total_count': f32(0.0)}]))
    ex.append(('Cauchy', [{'loc': f32(0.0), 'scale': f32(1.0)}, {'loc': f32([0.0]), 'scale': f32(1.0)},
                          {'loc': f32([[0.0], [0.0]]), 'scale': f32([[1.0], [1.0]])}]))
    ex.append(('Dirichlet', [{'concentration': f32(np.exp(randn(2, 3)))},
                             {'concentration': f32(np.exp(randn(4)))}]))
    ex.append(('Exponential', [{'rate': f32(np.abs(randn(5, 5)))}, {'rate': f32(np.abs(randn(1)))}]))
    ex.append(('Gamma', [{'concentration': f32(np.exp(randn(2, 3))), 'rate': f32(np.exp(randn(2, 3)))},
                         {'concentration': f32(np.exp(randn(1))), 'rate': f32(np.exp(randn(1)))}]))
    ex.append(('Gumbel', [{'loc': f32(randn(5, 5)), 'scale': f32(np.abs(randn(5, 5)))},
                          {'loc': f32(randn(1)), 'scale': f32(np.abs(randn(1)))}]))
    ex.append(('HalfNormal', [{'scale': f32(np.abs(randn(5, 5)))}, {'scale': f32(np.abs(randn(1)))},
                              {'scale': f32([1e-5, 1e-5])}]))
    ex.append(('Independent', [indep(spec('Normal', {'loc': f32(randn(*b)), 'scale': f32(np.abs(randn(*b)))}), r)
                               for b, r in [((2, 3), 0), ((2, 3), 1), ((2, 3), 2), ((2, 3, 5), 2), ((2, 3, 5), 3)]]))
    for fam in ('Laplace', 'LogNormal', 'Normal'):
        ex.append((fam, [{'loc': f32(randn(5, 5)), 'scale': f32(np.abs(randn(5, 5)))},
                         {'loc': f32(randn(1)), 'scale': f32(np.abs(randn(1)))},
                         {'loc': f32([1.0, 0.0]), 'scale': f32([1e-5, 1e-5])}]))
    ex.append(('LowRankMultivariateNormal', [
        {'loc': f32(randn(5, 2)), 'cov_factor': f32(randn(5, 2, 1)), 'cov_diag': f32([2.0, 0.25])},
        {'loc': f32(randn(4, 3)), 'cov_factor': f32(randn(3, 2)), 'cov_diag': f32([5.0, 1.5, 3.0])}]))
    ex.append(('MultivariateNormal', [
        {'loc': f32(randn(5, 2)), 'covariance_matrix': f32([[2.0, 0.3], [0.3, 0.25]])},
        {'loc': f32(randn(2, 3)), 'precision_matrix': f32([[2.0, 0.1, 0.0], [0.1, 0.25, 0.0], [0.0, 0.0, 0.3]])},
        {'loc': f32(randn(5, 3, 2)), 'scale_tril': f32([[[2.0, 0.0], [-0.5, 0.25]], [[2.0, 0.0], [0.3, 0.25]], [[5.0, 0.0], [-0.5, 1.5]]])},
        {'loc': f32([1.0, -1.0]), 'covariance_matrix': f32([[5.0, -0.5], [-0.5, 1.5]])}]))
    ex.append(('OneHotCategorical', [{'probs': f32([[0.1, 0.2, 0.3], [0.5, 0.3, 0.2]])},
                                     {'probs': f32([[1.0, 0.0], [0.0, 1.0]])},
                                     {'logits': f32([[0.0, 0.0], [0.0, 0.0]])}]))
    ex.append(('Pareto', [{'scale': f32(1.0), 'alpha': f32(1.0)},
                          {'scale': f32(np.abs(randn(5, 5)) + 0.1), 'alpha': f32(np.abs(randn(5, 5)) + 0.1)},
                          {'scale': f32([1.0]), 'alpha': f32(1.0)}]))
    ex.append(('Poisson', [{'rate': f32(np.abs(randn(5, 5)))}, {'rate': f32(np.abs(randn(3)))},
                           {'rate': f32(0.2)}, {'rate': f32([0.0])}, {'rate': f32(0.0)}]))
    ex.append(('Uniform', [{'low': f32(np.zeros((5, 5))), 'high': f32(np.ones((5, 5)))},
                           {'low': f32([0.0]), 'high': f32([1.0])},
                           {'low': f32([1.0, 1.0]), 'high': f32([2.0, 3.0])}]))
    ex.append(('ContinuousBernoulli', [{'probs': f32([0.7, 0.2, 0.4])}, {'probs': f32([0.3])},
                                       {'probs': f32(0.3)}, {'logits': f32([0.0])}]))
    return ex


def get_bad_examples():
    """test_distributions.py `_get_bad_examples()` for kldiv's families."""
    return [
        ('Bernoulli', [{'probs': f32([1.1, 0.2, 0.4])}, {'probs': f32([-0.5])}, {'probs': f32(1.00001)}]),
        ('Beta', [{'concentration1': f32([0.0]), 'concentration0': f32([0.0])},
                  {'concentration1': f32([-1.0]), 'concentration0': f32([-2.0])}]),
        ('Geometric', [{'probs': f32([1.1, 0.2, 0.4])}, {'probs': f32([-0.3])}, {'probs': f32(1.00000001)}]),
        ('Categorical', [{'probs': f32([[-0.1, 0.2, 0.3], [0.5, 0.3, 0.2]])},
                         {'probs': f32([[-1.0, 10.0], [0.0, -1.0]])}]),
        ('Binomial', [{'probs': f32([[-0.0000001, 0.2, 0.3], [0.5, 0.3, 0.2]]), 'total_count': f32(10)},
                      {'probs': f32([[1.0, 0.0], [0.0, 2.0]]), 'total_count': f32(10)}]),
        ('Cauchy', [{'loc': f32(0.0), 'scale': f32(-1.0)}, {'loc': f32([0.0]), 'scale': f32(0.0)},
                    {'loc': f32([[0.0], [-2.0]]), 'scale': f32([[-0.000001], [1.0]])}]),
        ('Dirichlet', [{'concentration': f32([0.0])}, {'concentration': f32([-2.0])}]),
        ('Exponential', [{'rate': f32([0.0, 0.0])}, {'rate': f32([-2.0])}]),
        ('Gamma', [{'concentration': f32([0.0, 0.0]), 'rate': f32([-1.0, -100.0])},
                   {'concentration': f32([1.0, 1.0]), 'rate': f32([0.0, 0.0])}]),
        ('Gumbel', [{'loc': f32([1.0, 1.0]), 'scale': f32([0.0, 1.0])},
                    {'loc': f32([1.0, 1.0]), 'scale': f32([1.0, -1.0])}]),
        ('HalfNormal', [{'scale': f32([0.0, 1.0])}, {'scale': f32([1.0, -1.0])}]),
        ('Laplace', [{'loc': f32([1.0, 1.0]), 'scale': f32([0.0, 1.0])},
                     {'loc': f32([1.0, 1.0]), 'scale': f32([1.0, -1.0])}]),
        ('LogNormal', [{'loc': f32([1.0, 1.0]), 'scale': f32([0.0, 1.0])},
                       {'loc': f32([1.0, 1.0]), 'scale': f32([1.0, -1.0])}]),
        ('MultivariateNormal', [{'loc': f32([1.0, 1.0]), 'covariance_matrix': f32([[1.0, 0.0], [0.0, -2.0]])}]),
        ('Normal', [{'loc': f32([1.0, 1.0]), 'scale': f32([0.0, 1.0])},
                    {'loc': f32([1.0, 1.0]), 'scale': f32([1.0, -1.0])},
                    {'loc': f32([1.0, 0.0]), 'scale': f32([1e-5, -1e-5])}]),
        ('OneHotCategorical', [{'probs': f32([[0.1, 0.2, 0.3], [0.1, -10.0, 0.2]])},
                               {'probs': f32([[0.0, 0.0], [0.0, 0.0]])}]),
        ('Pareto', [{'scale': f32(0.0), 'alpha': f32(0.0)},
                    {'scale': f32([0.0, 0.0]), 'alpha': f32([-1e-5, 0.0])},
                    {'scale': f32([1.0]), 'alpha': f32(-1.0)}]),
        ('Poisson', [{'rate': f32([-0.1])}, {'rate': f32(-1.0)}]),
        ('Uniform', [{'low': f32([2.0]), 'high': f32([2.0])}, {'low': f32([0.0]), 'high': f32([0.0])},
                     {'low': f32([1.0]), 'high': f32([0.0])}]),
        ('ContinuousBernoulli', [{'probs': f32([1.1, 0.2, 0.4])}, {'probs': f32([-0.5])}, {'probs': f32(1.00001)}]),
    ]

