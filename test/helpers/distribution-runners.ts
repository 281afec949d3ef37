/**
 * Runners for the differential distribution cases (test/data/differential/distributions-*.json,
 * written by tools/differential/gen-distributions.py): each takes a case and returns the list of
 * problems (empty when the case passes), as the runners in runners.ts do for the shared fixtures.
 */

import * as dist from '../../src/distributions/index.js';
import { KLDivError } from '../../src/errors.js';
import type { Tensor } from '../../src/index.js';
import {
  closeEnough,
  compareTensor,
  specTensor,
  specValues,
  type TensorSpec,
  type Tolerance,
} from './fixtures.js';
import { collectWarnings } from './runners.js';

/**
 * A distribution as the differential cases describe it: torch's class name and snake_case
 * parameters with an explicit `validate_args`, or an Independent wrapping a `base`.
 */
export interface DiffDistSpec {
  family: string;
  params?: Record<string, TensorSpec>;
  /** null: torch's default (None) and kldiv's omitted option. */
  validate_args?: boolean | null;
  base?: DiffDistSpec;
  reinterpreted_batch_ndims?: number;
}

/** torch's exception: its class, its text, and the parts of it kldiv's message must carry. */
export interface TorchError {
  type: string;
  message: string;
  fragments: string[];
}

interface Expectation {
  name: string;
  source: string;
  expected?: TensorSpec;
  /** rtol, and atol the largest of `atols`. */
  tolerance?: Tolerance;
  /** Per-element atol (row-major) where elements' conditioning differs. */
  atols?: number[];
  error?: TorchError;
  /** Set where torch 1.13 crashed on the parameters as given and the expectation comes from
   * explicitly expanded parameters (see the generator). */
  torchError?: string;
  /** The documented difference (a key of the file's `meta.parity`, an entry of docs/parity.md)
   * under which `expected` is torch evaluated with kldiv's semantics rather than as given. */
  parity?: string;
}

export interface ShapeExpectation {
  batchShape: number[];
  eventShape: number[];
  sampleShape?: number[];
  sampleResultShape?: number[];
}

/** A `distributions-methods.json` / `distributions-errors.json` case. */
export interface DistributionMethodCase extends Omit<Expectation, 'expected'> {
  dist: DiffDistSpec;
  method: string;
  value?: TensorSpec;
  expected?: TensorSpec | ShapeExpectation;
}

/** A `distributions-kl.json` case: kl_divergence(p, q). */
export interface DistributionKlCase extends Expectation {
  p: DiffDistSpec;
  q: DiffDistSpec;
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const errorText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** Builds the kldiv distribution for a differential spec, with its own `validateArgs`. */
export function buildDiffDistribution(spec: DiffDistSpec): dist.Distribution {
  const validate =
    spec.validate_args === null || spec.validate_args === undefined
      ? {}
      : { validateArgs: spec.validate_args };
  if (spec.family === 'Independent') {
    return new dist.Independent({
      baseDistribution: buildDiffDistribution(spec.base!),
      reinterpretedBatchNdims: spec.reinterpreted_batch_ndims!,
      ...validate,
    });
  }
  const cls = (dist as unknown as Record<string, new (p: object) => dist.Distribution>)[
    spec.family
  ];
  if (cls === undefined) throw new Error(`no family ${spec.family} in kldiv/distributions`);
  const params = Object.fromEntries(
    Object.entries(spec.params ?? {}).map(([k, v]) => [camel(k), specTensor(v)]),
  );
  return new cls({ ...params, ...validate });
}

/** One line describing a spec: family, each parameter's dtype and shape, validation. */
export function describeSpec(spec: DiffDistSpec): string {
  if (spec.family === 'Independent') {
    return `Independent(${describeSpec(spec.base!)}, ${spec.reinterpreted_batch_ndims}, validate_args=${spec.validate_args ?? 'None'})`;
  }
  const params = Object.entries(spec.params ?? {})
    .map(([k, v]) => {
      const data = v.data !== undefined && v.data.length <= 6 ? ` ${JSON.stringify(v.data)}` : '';
      return `${k}: ${v.dtype}[${v.shape}]${data}`;
    })
    .join(', ');
  return `${spec.family}(${params}, validate_args=${spec.validate_args ?? 'None'})`;
}

/** Checks that a run threw a coded kldiv error matching torch's exception. */
export function checkTorchError(run: { error?: unknown; result?: unknown }, want: TorchError) {
  if (run.error === undefined) {
    const got = run.result as Tensor | undefined;
    const shown =
      got !== undefined && typeof got === 'object' && 'shape' in got
        ? `${got.dtype}[${got.shape}] ${JSON.stringify(Array.from(got.data).slice(0, 6))}`
        : String(got);
    return [`expected ${want.type} "${want.message.split('\n')[0]}", got a result: ${shown}`];
  }
  const e = run.error as { message?: string; torchType?: string; code?: string };
  const problems: string[] = [];
  if (!(run.error instanceof KLDivError) || typeof e.code !== 'string') {
    problems.push(`threw an uncoded ${errorText(run.error)}, expected a KLDivError with a code`);
  }
  if (e.torchType !== want.type) {
    problems.push(`torchType ${e.torchType}, expected ${want.type} (${errorText(run.error)})`);
  }
  for (const f of want.fragments) {
    // kldiv names parameters in camelCase (covarianceMatrix for covariance_matrix)
    if (!String(e.message).includes(f) && !String(e.message).includes(camel(f))) {
      problems.push(`message "${e.message}" does not contain PyTorch's "${f}"`);
    }
  }
  return problems;
}

function compareResult(c: Expectation, actual: unknown): string[] {
  if (!(actual !== null && typeof actual === 'object' && 'shape' in actual)) {
    return [`result is ${String(actual)}, expected a Tensor`];
  }
  const out = actual as Tensor;
  const expected = c.expected as TensorSpec;
  if (c.atols === undefined) return compareTensor('result', out, expected, c.tolerance!);
  // the shared rule, element by element with that element's atol
  const problems: string[] = [];
  if (out.dtype !== expected.dtype)
    problems.push(`result: dtype ${out.dtype}, expected ${expected.dtype}`);
  if (out.shape.join() !== expected.shape.join())
    return [...problems, `result: shape [${out.shape}], expected [${expected.shape}]`];
  const want = specValues(expected);
  let bad = 0;
  for (let i = 0; i < want.length; i++) {
    const tol = { rtol: c.tolerance!.rtol, atol: c.atols[i] };
    if (closeEnough(out.data[i], want[i], tol)) continue;
    if (++bad <= 5) {
      const bound = tol.atol + tol.rtol * Math.abs(want[i]);
      problems.push(
        `result[${i}]: actual ${out.data[i]}, expected ${want[i]}, |diff| ${Math.abs(out.data[i] - want[i])} > atol + rtol*|expected| = ${bound} (atol ${tol.atol}, rtol ${tol.rtol})`,
      );
    }
  }
  if (bad > 5) problems.push(`result: ${bad - 5} more mismatching elements`);
  return problems;
}

/** Reads a method or property of a kldiv distribution by torch's name. */
function callMethod(d: dist.Distribution, method: string, value?: TensorSpec): unknown {
  switch (method) {
    case 'log_prob':
      return d.logProb(specTensor(value!));
    case 'entropy':
      return d.entropy();
    default: {
      const name = camel(method);
      if (!(name in d)) throw new Error(`kldiv's ${d.constructor.name} has no '${name}'`);
      return (d as unknown as Record<string, unknown>)[name];
    }
  }
}

function checkShapes(d: dist.Distribution, want: ShapeExpectation): string[] {
  const problems: string[] = [];
  if (d.batchShape.join() !== want.batchShape.join())
    problems.push(`batchShape [${d.batchShape}], expected [${want.batchShape}]`);
  if (d.eventShape.join() !== want.eventShape.join())
    problems.push(`eventShape [${d.eventShape}], expected [${want.eventShape}]`);
  if (want.sampleShape !== undefined) {
    const s = collectWarnings(() => d.sample(want.sampleShape));
    if (s.error !== undefined) problems.push(`sample threw ${errorText(s.error)}`);
    else if (s.result!.shape.join() !== want.sampleResultShape!.join())
      problems.push(
        `sample([${want.sampleShape}]).shape [${s.result!.shape}], expected [${want.sampleResultShape}]`,
      );
  }
  return problems;
}

/** A methods/errors case: builds the distribution, runs the method, compares with torch. */
export function runDistributionMethodCase(c: DistributionMethodCase): string[] {
  const run = collectWarnings(() => {
    const d = buildDiffDistribution(c.dist);
    return c.method === 'shape' ? d : callMethod(d, c.method, c.value);
  });
  if (c.error) return checkTorchError(run, c.error);
  if (run.error !== undefined) return [`threw ${errorText(run.error)}`];
  if (c.method === 'shape') {
    return checkShapes(run.result as dist.Distribution, c.expected as ShapeExpectation);
  }
  return compareResult(c as Expectation, run.result);
}

/** A KL case: klDivergence(p, q) against torch's kl_divergence, or torch's error. */
export function runDistributionKlCase(c: DistributionKlCase): string[] {
  const run = collectWarnings(() =>
    dist.klDivergence(buildDiffDistribution(c.p), buildDiffDistribution(c.q)),
  );
  if (c.error) return checkTorchError(run, c.error);
  if (run.error !== undefined) return [`threw ${errorText(run.error)}`];
  return compareResult(c, run.result);
}
