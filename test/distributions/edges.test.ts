/**
 * torch.distributions 1.13 at the edges (test/data/distribution-edges.json, written by
 * tools/differential/gen-distribution-edges.py): logProb at the ends of every family's
 * support, statistics of unvalidated invalid parameters, ContinuousBernoulli's probs check, and
 * Independent's value broadcasting. Edge values are exact in PyTorch, so most cases carry atol 0.
 */
import { describe, expect, test } from 'vitest';
import * as dist from '../../src/distributions/index.js';
import type { Tensor } from '../../src/index.js';
import data from '../data/distribution-edges.json' with { type: 'json' };
import { compareTensor, specTensor, type TensorSpec, type Tolerance } from '../helpers/fixtures.js';
import { thrownBy } from '../helpers/runners.js';

interface Case {
  name: string;
  family: string;
  op: 'logProb' | 'mean' | 'variance' | 'stddev' | 'entropy' | 'probs';
  params?: Record<string, TensorSpec>;
  validateArgs?: boolean;
  base?: { family: string; params: Record<string, TensorSpec>; validateArgs?: boolean };
  reinterpretedBatchNdims?: number;
  value?: TensorSpec;
  expected?: TensorSpec;
  tolerance?: Tolerance;
  error?: { type: string; message: string };
}

const cases = (data as unknown as { cases: Case[] }).cases;
type Ctor = new (p: object) => dist.Distribution;
const family = (name: string): Ctor => {
  const cls = (dist as unknown as Record<string, Ctor>)[name];
  if (cls === undefined) throw new Error(`no family ${name} in kldiv/distributions`);
  return cls;
};
const tensors = (params: Record<string, TensorSpec>) =>
  Object.fromEntries(Object.entries(params).map(([k, v]) => [k, specTensor(v)]));

function build(c: Case): dist.Distribution {
  if (c.family === 'Independent') {
    const baseOpts: Record<string, unknown> = tensors(c.base!.params);
    if (c.base!.validateArgs !== undefined) baseOpts.validateArgs = c.base!.validateArgs;
    return new dist.Independent({
      baseDistribution: new (family(c.base!.family))(baseOpts),
      reinterpretedBatchNdims: c.reinterpretedBatchNdims!,
      ...(c.validateArgs === undefined ? {} : { validateArgs: c.validateArgs }),
    });
  }
  const opts: Record<string, unknown> = tensors(c.params!);
  if (c.validateArgs !== undefined) opts.validateArgs = c.validateArgs;
  return new (family(c.family))(opts);
}

function run(c: Case): Tensor {
  const d = build(c);
  switch (c.op) {
    case 'probs':
      return (d as dist.ContinuousBernoulli).probs;
    case 'logProb':
      return d.logProb(specTensor(c.value!));
    case 'entropy':
      return d.entropy();
    default:
      return d[c.op];
  }
}

describe('distribution-edges.json (torch 1.13)', () => {
  test('holds the generated set', () => {
    expect(cases.length).toBeGreaterThanOrEqual(280);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const where = `${c.name}: ${c.family}.${c.op}${c.value ? ` at ${JSON.stringify(c.value.data)}` : ''}`;
    if (c.error) {
      const thrown = thrownBy(() => run(c));
      expect(thrown, `${where}: PyTorch raised ${c.error.type}: ${c.error.message}`).toBeDefined();
      const e = thrown as { torchType?: string; code?: string; message: string };
      expect(e.torchType, `${where}: ${e.message}`).toBe(c.error.type);
      // PyTorch's wording up to the first tensor repr, which kldiv prints its own way.
      const words = c.error.message.split(/[(:]/)[0].trim();
      expect(e.message, where).toContain(words);
      return;
    }
    const out = run(c);
    const problems = compareTensor('output', out, c.expected!, c.tolerance!);
    // Where PyTorch is exactly 0 (log 1 at a support edge), no tolerance applies.
    c.expected!.data!.forEach((e, i) => {
      if ((e === 0 || e === '-0') && out.data[i] !== 0)
        problems.push(`output[${i}]: ${out.data[i]}, PyTorch gives exactly 0`);
    });
    expect(problems, `${where}:\n${problems.join('\n')}`).toEqual([]);
  });
});

describe('issue 15 root cause 7 repros', () => {
  test('Independent.logProb broadcasts the value against batch + event shape', () => {
    // torch: D.Independent(D.Normal(torch.zeros(2, 3), torch.ones(2, 3)), 2).log_prob(torch.tensor([0.5, 0., -0.5])) -> tensor(-6.0136)
    const zeros = new Float32Array(6);
    const ones = new Float32Array(6).fill(1);
    const d = new dist.Independent({
      baseDistribution: new dist.Normal({
        loc: specTensor({ dtype: 'float32', shape: [2, 3], data: Array.from(zeros) }),
        scale: specTensor({ dtype: 'float32', shape: [2, 3], data: Array.from(ones) }),
      }),
      reinterpretedBatchNdims: 2,
    });
    expect(d.logProb(new Float32Array([0.5, 0, -0.5])).toString()).toBe('tensor(-6.0136)');
  });

  test('Normal.stddev under validateArgs: false is the scale as given', () => {
    // torch: D.Normal(0., -1., validate_args=False).stddev -> tensor(-1.)
    expect(new dist.Normal({ loc: 0, scale: -1, validateArgs: false }).stddev.item()).toBe(-1);
  });

  test('Binomial at the edge of its support is exactly 0 in float32', () => {
    // torch: D.Binomial(10, probs=torch.tensor(1.)).log_prob(torch.tensor(10.)).item() -> 0.0
    const d = new dist.Binomial({ totalCount: 10, probs: new Float32Array([1]) });
    expect(d.logProb(new Float32Array([10])).item()).toBe(0);
  });

  test('sample({ rng }) takes the options in the place of the shape', () => {
    const a = new dist.Normal({ loc: 0, scale: 1 }).sample({ rng: new dist.RandomGenerator(7) });
    const b = new dist.Normal({ loc: 0, scale: 1 }).sample([], {
      rng: new dist.RandomGenerator(7),
    });
    expect(a.shape).toEqual([]);
    expect(a.item()).toBe(b.item());
  });
});
