/**
 * The runners of the torch.distributions fixtures of test/fixtures (kl_divergence and the
 * per-distribution statistics), and the fixture spec to kldiv distribution conversion.
 */

import * as dist from '../../src/distributions/index.js';
import type { Tensor } from '../../src/index.js';
import {
  compareTensor,
  specTensor,
  specValues,
  type TensorSpec,
  type Tolerance,
} from './fixtures.js';
import { collectWarnings, errorText } from './runners-common.js';

/** A distribution as the fixtures describe it: family name and torch's snake_case params. */
export interface DistSpec {
  family: string;
  params: Record<string, TensorSpec>;
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Some fixture Uniforms have low >= high, which PyTorch 1.13 can only have built with
 * validate_args=False; those (and only those) are built unvalidated here too.
 */
function fixtureValidates(spec: DistSpec): boolean {
  if (spec.family !== 'Uniform') return true;
  const low = specValues(spec.params.low);
  const high = specValues(spec.params.high);
  return low.every((l, i) => l < high[i % high.length]);
}

/** Builds the kldiv distribution for a fixture spec (snake_case names become camelCase). */
export function buildDistribution(spec: DistSpec): dist.Distribution {
  const cls = (dist as unknown as Record<string, new (p: object) => dist.Distribution>)[
    spec.family
  ];
  if (cls === undefined) throw new Error(`no family ${spec.family} in kldiv/distributions`);
  const params = Object.fromEntries(
    Object.entries(spec.params).map(([k, v]) => [camel(k), specTensor(v)]),
  );
  return new cls({ ...params, validateArgs: fixtureValidates(spec) });
}

export interface DistributionCase {
  name: string;
  p: DistSpec;
  q: DistSpec;
  expected?: TensorSpec;
  tolerance?: Tolerance;
  error?: { type: string; message: string };
}

/** A `torch-distributions.json` case: kl_divergence(p, q), or PyTorch's error. */
export function runDistributionCase(c: DistributionCase): string[] {
  const run = collectWarnings(() =>
    dist.klDivergence(buildDistribution(c.p), buildDistribution(c.q)),
  );
  if (c.error) {
    if (run.error === undefined)
      return [`expected ${c.error.type} "${c.error.message}", got a result`];
    const e = run.error as { message?: string; torchType?: string };
    const problems: string[] = [];
    if (!String(e.message).includes(c.error.message))
      problems.push(
        `error "${errorText(run.error)}" does not contain PyTorch's "${c.error.message}"`,
      );
    if (e.torchType !== c.error.type)
      problems.push(`torchType ${e.torchType}, expected ${c.error.type}`);
    return problems;
  }
  if (run.error !== undefined) return [`threw ${errorText(run.error)}`];
  return compareTensor('klDivergence', run.result!, c.expected!, c.tolerance!);
}

export interface DistributionStatsCase extends DistSpec {
  name: string;
  batchShape: number[];
  eventShape: number[];
  value: TensorSpec;
  expectedLogProb: TensorSpec;
  expectedEntropy?: TensorSpec;
  expectedMean?: TensorSpec;
  expectedVariance?: TensorSpec;
  tolerance: Tolerance;
}

/** A `torch-distribution-stats.json` case: shapes, logProb, entropy, mean, variance. */
export function runDistributionStatsCase(c: DistributionStatsCase): string[] {
  const run = collectWarnings(() => buildDistribution(c));
  if (run.error !== undefined) return [`constructor threw ${errorText(run.error)}`];
  const d = run.result!;
  const problems: string[] = [];
  if (d.batchShape.join() !== c.batchShape.join())
    problems.push(`batchShape [${d.batchShape}], expected [${c.batchShape}]`);
  if (d.eventShape.join() !== c.eventShape.join())
    problems.push(`eventShape [${d.eventShape}], expected [${c.eventShape}]`);
  const checks: [string, () => Tensor, TensorSpec | undefined][] = [
    ['logProb', () => d.logProb(specTensor(c.value)), c.expectedLogProb],
    ['entropy', () => d.entropy(), c.expectedEntropy],
    ['mean', () => d.mean, c.expectedMean],
    ['variance', () => d.variance, c.expectedVariance],
  ];
  for (const [label, f, spec] of checks) {
    if (spec === undefined) continue;
    const r = collectWarnings(f);
    if (r.error !== undefined) problems.push(`${label} threw ${errorText(r.error)}`);
    else problems.push(...compareTensor(label, r.result!, spec, c.tolerance));
  }
  return problems;
}
