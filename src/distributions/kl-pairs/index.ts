/**
 * PyTorch 1.13's built-in KL registry (`torch.distributions.kl._KL_REGISTRY`, 87 pairs): one
 * row per `@register_kl(P, Q)`, naming the closed form it registers. The public `kl.ts`
 * installs these rows on first use; nothing here touches the registry.
 *
 * @module
 */

import { ExponentialFamily, TransformedDistribution } from '../distribution.js';
import { Bernoulli } from '../families/bernoulli.js';
import { Beta } from '../families/beta.js';
import { Binomial } from '../families/binomial.js';
import { Categorical } from '../families/categorical.js';
import { Cauchy } from '../families/cauchy.js';
import { ContinuousBernoulli } from '../families/continuous-bernoulli.js';
import { Dirichlet } from '../families/dirichlet.js';
import { Exponential } from '../families/exponential.js';
import { Gamma } from '../families/gamma.js';
import { Geometric } from '../families/geometric.js';
import { Gumbel } from '../families/gumbel.js';
import { HalfNormal } from '../families/half-normal.js';
import { Independent } from '../families/independent.js';
import { Laplace } from '../families/laplace.js';
import { LowRankMultivariateNormal } from '../families/low-rank-multivariate-normal.js';
import { MultivariateNormal } from '../families/multivariate-normal.js';
import { Normal } from '../families/normal.js';
import { OneHotCategorical } from '../families/one-hot-categorical.js';
import { Pareto } from '../families/pareto.js';
import { Poisson } from '../families/poisson.js';
import { Uniform } from '../families/uniform.js';
import { type KLPair, klPair } from '../kl-registry.js';
import {
  klBernoulliPoisson,
  klBetaContinuousBernoulli,
  klBetaExponential,
  klBetaGamma,
  klBetaNormal,
  klBetaUniform,
  klContinuousBernoulliExponential,
  klContinuousBernoulliNormal,
  klContinuousBernoulliUniform,
  klExponentialGamma,
  klExponentialGumbel,
  klExponentialNormal,
  klGammaExponential,
  klGammaGumbel,
  klGammaNormal,
  klGumbelNormal,
  klLaplaceNormal,
  klNormalGumbel,
  klNormalLaplace,
  klParetoExponential,
  klParetoGamma,
  klParetoNormal,
  klUniformBeta,
  klUniformContinuousBernoulli,
  klUniformExponential,
  klUniformGamma,
  klUniformGumbel,
  klUniformNormal,
  klUniformPareto,
} from './cross-family.js';
import {
  klBetaInfinity,
  klContinuousBernoulliInfinity,
  klExponentialInfinity,
  klGammaInfinity,
  klGumbelInfinity,
  klLaplaceInfinity,
  klNormalInfinity,
  klParetoInfinity,
  klPoissonInfinity,
} from './infinite.js';
import {
  klCategoricalCategorical,
  klDirichletDirichlet,
  klLowRankMultivariateNormalLowRankMultivariateNormal,
  klLowRankMultivariateNormalMultivariateNormal,
  klMultivariateNormalLowRankMultivariateNormal,
  klMultivariateNormalMultivariateNormal,
  klOneHotCategoricalOneHotCategorical,
} from './multivariate.js';
import {
  klBernoulliBernoulli,
  klBetaBeta,
  klBinomialBinomial,
  klCauchyCauchy,
  klContinuousBernoulliContinuousBernoulli,
  klExponentialExponential,
  klGammaGamma,
  klGeometricGeometric,
  klGumbelGumbel,
  klHalfNormalHalfNormal,
  klLaplaceLaplace,
  klNormalNormal,
  klParetoPareto,
  klPoissonPoisson,
  klUniformUniform,
} from './same-family.js';
import {
  klExpFamilyExpFamily,
  klIndependentIndependent,
  klTransformedTransformed,
} from './structural.js';

/** @internal The built-in pairs, in registration order. */
export const BUILTIN_KL_PAIRS: readonly KLPair[] = [
  klPair(Bernoulli, Bernoulli, klBernoulliBernoulli),
  klPair(Beta, Beta, klBetaBeta),
  klPair(Binomial, Binomial, klBinomialBinomial),
  klPair(Categorical, Categorical, klCategoricalCategorical),
  klPair(OneHotCategorical, OneHotCategorical, klOneHotCategoricalOneHotCategorical),
  klPair(ContinuousBernoulli, ContinuousBernoulli, klContinuousBernoulliContinuousBernoulli),
  klPair(Dirichlet, Dirichlet, klDirichletDirichlet),
  klPair(Exponential, Exponential, klExponentialExponential),
  klPair(ExponentialFamily, ExponentialFamily, klExpFamilyExpFamily),
  klPair(Gamma, Gamma, klGammaGamma),
  klPair(Gumbel, Gumbel, klGumbelGumbel),
  klPair(Geometric, Geometric, klGeometricGeometric),
  klPair(HalfNormal, HalfNormal, klHalfNormalHalfNormal),
  klPair(Laplace, Laplace, klLaplaceLaplace),
  klPair(MultivariateNormal, MultivariateNormal, klMultivariateNormalMultivariateNormal),
  klPair(
    MultivariateNormal,
    LowRankMultivariateNormal,
    klMultivariateNormalLowRankMultivariateNormal,
  ),
  klPair(
    LowRankMultivariateNormal,
    MultivariateNormal,
    klLowRankMultivariateNormalMultivariateNormal,
  ),
  klPair(
    LowRankMultivariateNormal,
    LowRankMultivariateNormal,
    klLowRankMultivariateNormalLowRankMultivariateNormal,
  ),
  klPair(Normal, Normal, klNormalNormal),
  klPair(Pareto, Pareto, klParetoPareto),
  klPair(Poisson, Poisson, klPoissonPoisson),
  klPair(TransformedDistribution, TransformedDistribution, klTransformedTransformed),
  klPair(Uniform, Uniform, klUniformUniform),
  klPair(Independent, Independent, klIndependentIndependent),
  klPair(Cauchy, Cauchy, klCauchyCauchy),
  klPair(Bernoulli, Poisson, klBernoulliPoisson),
  klPair(Beta, ContinuousBernoulli, klBetaContinuousBernoulli),
  klPair(Beta, Pareto, klBetaInfinity),
  klPair(Beta, Exponential, klBetaExponential),
  klPair(Beta, Gamma, klBetaGamma),
  klPair(Beta, Normal, klBetaNormal),
  klPair(Beta, Uniform, klBetaUniform),
  klPair(ContinuousBernoulli, Pareto, klContinuousBernoulliInfinity),
  klPair(ContinuousBernoulli, Exponential, klContinuousBernoulliExponential),
  klPair(ContinuousBernoulli, Normal, klContinuousBernoulliNormal),
  klPair(ContinuousBernoulli, Uniform, klContinuousBernoulliUniform),
  klPair(Exponential, Beta, klExponentialInfinity),
  klPair(Exponential, ContinuousBernoulli, klExponentialInfinity),
  klPair(Exponential, Pareto, klExponentialInfinity),
  klPair(Exponential, Uniform, klExponentialInfinity),
  klPair(Exponential, Gamma, klExponentialGamma),
  klPair(Exponential, Gumbel, klExponentialGumbel),
  klPair(Exponential, Normal, klExponentialNormal),
  klPair(Gamma, Beta, klGammaInfinity),
  klPair(Gamma, ContinuousBernoulli, klGammaInfinity),
  klPair(Gamma, Pareto, klGammaInfinity),
  klPair(Gamma, Uniform, klGammaInfinity),
  klPair(Gamma, Exponential, klGammaExponential),
  klPair(Gamma, Gumbel, klGammaGumbel),
  klPair(Gamma, Normal, klGammaNormal),
  klPair(Gumbel, Beta, klGumbelInfinity),
  klPair(Gumbel, ContinuousBernoulli, klGumbelInfinity),
  klPair(Gumbel, Exponential, klGumbelInfinity),
  klPair(Gumbel, Gamma, klGumbelInfinity),
  klPair(Gumbel, Pareto, klGumbelInfinity),
  klPair(Gumbel, Uniform, klGumbelInfinity),
  klPair(Gumbel, Normal, klGumbelNormal),
  klPair(Laplace, Beta, klLaplaceInfinity),
  klPair(Laplace, ContinuousBernoulli, klLaplaceInfinity),
  klPair(Laplace, Exponential, klLaplaceInfinity),
  klPair(Laplace, Gamma, klLaplaceInfinity),
  klPair(Laplace, Pareto, klLaplaceInfinity),
  klPair(Laplace, Uniform, klLaplaceInfinity),
  klPair(Laplace, Normal, klLaplaceNormal),
  klPair(Normal, Beta, klNormalInfinity),
  klPair(Normal, ContinuousBernoulli, klNormalInfinity),
  klPair(Normal, Exponential, klNormalInfinity),
  klPair(Normal, Gamma, klNormalInfinity),
  klPair(Normal, Pareto, klNormalInfinity),
  klPair(Normal, Uniform, klNormalInfinity),
  klPair(Normal, Gumbel, klNormalGumbel),
  klPair(Normal, Laplace, klNormalLaplace),
  klPair(Pareto, Beta, klParetoInfinity),
  klPair(Pareto, ContinuousBernoulli, klParetoInfinity),
  klPair(Pareto, Uniform, klParetoInfinity),
  klPair(Pareto, Exponential, klParetoExponential),
  klPair(Pareto, Gamma, klParetoGamma),
  klPair(Pareto, Normal, klParetoNormal),
  klPair(Poisson, Bernoulli, klPoissonInfinity),
  klPair(Poisson, Binomial, klPoissonInfinity),
  klPair(Uniform, Beta, klUniformBeta),
  klPair(Uniform, ContinuousBernoulli, klUniformContinuousBernoulli),
  klPair(Uniform, Exponential, klUniformExponential),
  klPair(Uniform, Gamma, klUniformGamma),
  klPair(Uniform, Gumbel, klUniformGumbel),
  klPair(Uniform, Normal, klUniformNormal),
  klPair(Uniform, Pareto, klUniformPareto),
];
