/**
 * `kldiv/distributions`: torch.distributions in TypeScript. The 21 families and Independent,
 * `klDivergence` with PyTorch's whole closed-form registry, `registerKL`, a Monte Carlo
 * estimator and a seedable generator. Re-exports only.
 *
 * @module kldiv/distributions
 */

export type { Constraint } from './constraints.js';
export type {
  DistributionClass,
  DistributionOptions,
  SampleOptions,
} from './distribution.js';
export { Distribution, ExponentialFamily, TransformedDistribution } from './distribution.js';
export type { BernoulliParams } from './families/bernoulli.js';
export { Bernoulli } from './families/bernoulli.js';
export type { BetaParams } from './families/beta.js';
export { Beta } from './families/beta.js';
export type { BinomialParams } from './families/binomial.js';
export { Binomial } from './families/binomial.js';
export type { CategoricalParams } from './families/categorical.js';
export { Categorical } from './families/categorical.js';
export type { CauchyParams } from './families/cauchy.js';
export { Cauchy } from './families/cauchy.js';
export type { ContinuousBernoulliParams } from './families/continuous-bernoulli.js';
export { ContinuousBernoulli } from './families/continuous-bernoulli.js';
export type { DirichletParams } from './families/dirichlet.js';
export { Dirichlet } from './families/dirichlet.js';
export type { ExponentialParams } from './families/exponential.js';
export { Exponential } from './families/exponential.js';
export type { GammaParams } from './families/gamma.js';
export { Gamma } from './families/gamma.js';
export type { GeometricParams } from './families/geometric.js';
export { Geometric } from './families/geometric.js';
export type { GumbelParams } from './families/gumbel.js';
export { Gumbel } from './families/gumbel.js';
export type { HalfNormalParams } from './families/half-normal.js';
export { HalfNormal } from './families/half-normal.js';
export type { IndependentParams } from './families/independent.js';
export { Independent } from './families/independent.js';
export type { LaplaceParams } from './families/laplace.js';
export { Laplace } from './families/laplace.js';
export type { LogNormalParams } from './families/log-normal.js';
export { LogNormal } from './families/log-normal.js';
export type { LowRankMultivariateNormalParams } from './families/low-rank-multivariate-normal.js';
export { LowRankMultivariateNormal } from './families/low-rank-multivariate-normal.js';
export type { MultivariateNormalParams } from './families/multivariate-normal.js';
export { MultivariateNormal } from './families/multivariate-normal.js';
export type { NormalParams } from './families/normal.js';
export { Normal } from './families/normal.js';
export { OneHotCategorical } from './families/one-hot-categorical.js';
export type { ParetoParams } from './families/pareto.js';
export { Pareto } from './families/pareto.js';
export type { PoissonParams } from './families/poisson.js';
export { Poisson } from './families/poisson.js';
export type { UniformParams } from './families/uniform.js';
export { Uniform } from './families/uniform.js';
export type { KLFunction } from './kl.js';
export { klDivergence, registeredKLPairs, registerKL } from './kl.js';
export type { MonteCarloEstimate, MonteCarloOptions } from './monte-carlo.js';
export { klDivergenceMonteCarlo } from './monte-carlo.js';
export { manualSeed, RandomGenerator } from './random.js';
