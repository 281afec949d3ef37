/**
 * The runners of the core functions' fixtures (test/fixtures and test/data/differential/core-*):
 * klDiv / KLDivLoss, printed reprs, the from-logits losses and the JSD, klEstimate and the
 * accumulators.
 */

import {
  jsDivergence,
  jsDivergenceBackward,
  jsDivergenceWithLogits,
  jsDivergenceWithLogitsBackward,
  KLAccumulator,
  KLDivLoss,
  type KLDivOptions,
  klDiv,
  klDivBackward,
  klDivWithLogits,
  klDivWithLogitsBackward,
  klEstimate,
  klEstimateBackward,
  LogitsKLAccumulator,
  setPrintOptions,
} from '../../src/index.js';
import { compareTensor, specTensor, type TensorSpec, type Tolerance } from './fixtures.js';
import { collectWarnings, errorText, expectError, toleranceFor } from './runners-common.js';

export interface KlDivCase {
  name: string;
  input: TensorSpec;
  target: TensorSpec;
  options: KLDivOptions;
  warnings?: string[];
  expected?: TensorSpec;
  expected64?: TensorSpec;
  tolerance?: Tolerance;
  gradOutput?: TensorSpec;
  expectedGradInput?: TensorSpec;
  expectedGradTarget?: TensorSpec;
  error?: { type: string; message: string };
  repr?: string;
  /** Run through `new KLDivLoss(options)` instead of `klDiv` (differential sets). */
  module?: boolean;
  /** A tolerance per compared output (`output`, `gradInput`, `gradTarget`); else `tolerance`. */
  tolerances?: Record<string, Tolerance>;
}

export interface ReprCase {
  name: string;
  value: TensorSpec;
  repr: string;
  /** `setPrintOptions` calls made first, in order (torch.set_printoptions); reset afterwards. */
  printOptions?: Record<string, unknown>[];
}

/** A `torch-kl-div.json` case: output, warnings, both gradients, repr, or the error. */
export function runKlDivCase(c: KlDivCase): string[] {
  const input = specTensor(c.input);
  const target = specTensor(c.target);
  // KLDivLoss warns for legacy options at construction and for 'mean' on forward, as PyTorch
  const run = collectWarnings(() =>
    c.module ? new KLDivLoss(c.options).forward(input, target) : klDiv(input, target, c.options),
  );
  if (c.error) return expectError(run, c.error);
  if (run.error !== undefined) return [`threw ${errorText(run.error)}`];
  const out = run.result!;
  const tol = toleranceFor(c, 'output');
  const problems = compareTensor('output', out, c.expected!, tol);
  if (c.expected64) {
    problems.push(
      ...compareTensor(
        'output vs float64 reference',
        out,
        { ...c.expected64, dtype: out.dtype },
        tol,
      ),
    );
  }
  const want = c.warnings ?? [];
  if (JSON.stringify(run.warnings) !== JSON.stringify(want)) {
    problems.push(`warnings ${JSON.stringify(run.warnings)}, expected ${JSON.stringify(want)}`);
  }
  if (c.repr !== undefined && out.toString() !== c.repr) {
    problems.push(`repr ${JSON.stringify(out.toString())}, expected ${JSON.stringify(c.repr)}`);
  }
  if (c.expectedGradInput || c.expectedGradTarget) {
    const g = c.gradOutput && specTensor(c.gradOutput);
    const grads = collectWarnings(() =>
      c.module
        ? new KLDivLoss(c.options).backward(input, target, g)
        : klDivBackward(input, target, c.options, g),
    );
    if (grads.error !== undefined) return [...problems, `backward threw ${errorText(grads.error)}`];
    // the loss klDivBackward returns beside the gradients is PyTorch's output too
    problems.push(...compareTensor('backward loss', grads.result!.loss, c.expected!, tol));
    if (c.expectedGradInput) {
      problems.push(
        ...compareTensor(
          'gradInput',
          grads.result!.gradInput,
          c.expectedGradInput,
          toleranceFor(c, 'gradInput'),
        ),
      );
    }
    if (c.expectedGradTarget) {
      problems.push(
        ...compareTensor(
          'gradTarget',
          grads.result!.gradTarget,
          c.expectedGradTarget,
          toleranceFor(c, 'gradTarget'),
        ),
      );
    }
  }
  return problems;
}

/**
 * A `torch-repr.json` case: `toString()` equals PyTorch's `repr()` exactly, after the case's
 * `setPrintOptions` calls if any (the defaults are restored afterwards, whatever happens).
 */
export function runReprCase(c: ReprCase): string[] {
  let actual: string;
  try {
    for (const o of c.printOptions ?? []) setPrintOptions(o);
    actual = specTensor(c.value).toString();
  } catch (e) {
    return [`threw ${errorText(e)}`];
  } finally {
    if (c.printOptions) setPrintOptions(null);
  }
  return actual === c.repr
    ? []
    : [
        `repr mismatch\n  actual:   ${JSON.stringify(actual)}\n  expected: ${JSON.stringify(c.repr)}`,
      ];
}

export interface LogitsCase {
  name: string;
  fn?: 'klDivWithLogits' | 'jsDivergence' | 'jsDivergenceWithLogits';
  studentLogits?: TensorSpec;
  teacherLogits?: TensorSpec;
  studentLogProbs?: TensorSpec;
  teacherLogProbs?: TensorSpec;
  options: Record<string, unknown>;
  /** Extra options for the backward call only (e.g. `gradTeacher: false`). */
  backwardOptions?: Record<string, unknown>;
  expected?: TensorSpec;
  tolerance?: Tolerance;
  tolerances?: Record<string, Tolerance>;
  gradOutput?: TensorSpec;
  expectedGradStudent?: TensorSpec;
  expectedGradTeacher?: TensorSpec;
  error?: { type: string; message: string };
}

/**
 * A `torch-kl-div-logits.json` case: klDivWithLogits (default), jsDivergence or
 * jsDivergenceWithLogits, with gradients (and the loss `klDivWithLogitsBackward` returns), or
 * the error PyTorch raises.
 */
export function runLogitsCase(c: LogitsCase): string[] {
  const g = c.gradOutput && specTensor(c.gradOutput);
  const bopts = { ...c.options, ...c.backwardOptions };
  const problems: string[] = [];
  if (c.fn === 'jsDivergence' || c.fn === 'jsDivergenceWithLogits') {
    const logits = c.fn === 'jsDivergenceWithLogits';
    const s = specTensor(logits ? c.studentLogits! : c.studentLogProbs!);
    const t = specTensor(logits ? c.teacherLogits! : c.teacherLogProbs!);
    const forward = logits ? jsDivergenceWithLogits : jsDivergence;
    const backward = logits ? jsDivergenceWithLogitsBackward : jsDivergenceBackward;
    const run = collectWarnings(() => forward(s, t, c.options));
    if (c.error) return expectError(run, c.error);
    if (run.error !== undefined) return [`threw ${errorText(run.error)}`];
    problems.push(...compareTensor('output', run.result!, c.expected!, toleranceFor(c, 'output')));
    if (c.expectedGradStudent) {
      const grads = collectWarnings(() => backward(s, t, bopts, g));
      if (grads.error !== undefined)
        return [...problems, `backward threw ${errorText(grads.error)}`];
      problems.push(
        ...compareTensor(
          'gradStudent',
          grads.result!.gradStudent,
          c.expectedGradStudent,
          toleranceFor(c, 'gradStudent'),
        ),
      );
    }
    return problems;
  }
  const s = specTensor(c.studentLogits!);
  const t = specTensor(c.teacherLogits!);
  const run = collectWarnings(() => klDivWithLogits(s, t, c.options));
  if (c.error) return expectError(run, c.error);
  if (run.error !== undefined) return [`threw ${errorText(run.error)}`];
  const tol = toleranceFor(c, 'output');
  problems.push(...compareTensor('output', run.result!, c.expected!, tol));
  if (!c.expectedGradStudent && !c.expectedGradTeacher) return problems;
  const grads = collectWarnings(() => klDivWithLogitsBackward(s, t, bopts, g));
  if (grads.error !== undefined) return [...problems, `backward threw ${errorText(grads.error)}`];
  const { loss, gradStudent, gradTeacher } = grads.result!;
  // the loss klDivWithLogitsBackward returns beside the gradients is the forward's output
  problems.push(...compareTensor('backward loss', loss, c.expected!, tol));
  if (c.expectedGradStudent)
    problems.push(
      ...compareTensor(
        'gradStudent',
        gradStudent,
        c.expectedGradStudent,
        toleranceFor(c, 'gradStudent'),
      ),
    );
  if (c.expectedGradTeacher) {
    if (gradTeacher === undefined) problems.push('gradTeacher missing');
    else
      problems.push(
        ...compareTensor(
          'gradTeacher',
          gradTeacher,
          c.expectedGradTeacher,
          toleranceFor(c, 'gradTeacher'),
        ),
      );
  } else if (c.backwardOptions?.gradTeacher === false && gradTeacher !== undefined) {
    problems.push('gradTeacher returned although gradTeacher: false');
  }
  return problems;
}

export interface KlEstimateCase {
  name: string;
  logProbP: TensorSpec;
  logProbQ: TensorSpec;
  options: Record<string, unknown>;
  expected?: TensorSpec;
  tolerance?: Tolerance;
  tolerances?: Record<string, Tolerance>;
  gradOutput?: TensorSpec;
  expectedGradLogProbP?: TensorSpec;
  expectedGradLogProbQ?: TensorSpec;
  error?: { type: string; message: string };
}

/** A klEstimate case (differential set): the estimate and both gradients. */
export function runKlEstimateCase(c: KlEstimateCase): string[] {
  const p = specTensor(c.logProbP);
  const q = specTensor(c.logProbQ);
  const run = collectWarnings(() => klEstimate(p, q, c.options));
  if (c.error) return expectError(run, c.error);
  if (run.error !== undefined) return [`threw ${errorText(run.error)}`];
  const problems = compareTensor('output', run.result!, c.expected!, toleranceFor(c, 'output'));
  const g = c.gradOutput && specTensor(c.gradOutput);
  const grads = collectWarnings(() => klEstimateBackward(p, q, c.options, g));
  if (grads.error !== undefined) return [...problems, `backward threw ${errorText(grads.error)}`];
  for (const [label, want] of [
    ['gradLogProbP', c.expectedGradLogProbP],
    ['gradLogProbQ', c.expectedGradLogProbQ],
  ] as const) {
    if (want === undefined) continue;
    problems.push(...compareTensor(label, grads.result![label], want, toleranceFor(c, label)));
  }
  return problems;
}

export interface AccumulatorCase {
  name: string;
  kind: 'KLAccumulator' | 'LogitsKLAccumulator';
  options: Record<string, unknown>;
  /** Chunks along dim 0: `{input, target}` or `{studentLogits, teacherLogits, mask?}`. */
  chunks: Record<string, TensorSpec | number[] | boolean[]>[];
  /** Chunks before this index go to one accumulator, the rest to another merged into it. */
  mergeAt: number;
  /** One-shot values on the whole tensor per reduction (`sum`, `mean`, `batchmean`, `tokenmean`). */
  expected: Record<string, TensorSpec>;
  tolerance?: Tolerance;
  tolerances?: Record<string, Tolerance>;
}

/**
 * An accumulator case: every reduction equals the one-shot value, both for one accumulator fed
 * every chunk and for two whose second is merged through a JSON round trip of its `state()`.
 */
export function runAccumulatorCase(c: AccumulatorCase): string[] {
  const make = () =>
    c.kind === 'KLAccumulator'
      ? new KLAccumulator(c.options as ConstructorParameters<typeof KLAccumulator>[0])
      : new LogitsKLAccumulator(c.options as ConstructorParameters<typeof LogitsKLAccumulator>[0]);
  const feed = (acc: KLAccumulator | LogitsKLAccumulator, ch: AccumulatorCase['chunks'][0]) => {
    if (acc instanceof KLAccumulator)
      acc.add(specTensor(ch.input as TensorSpec), specTensor(ch.target as TensorSpec));
    else
      acc.add(
        specTensor(ch.studentLogits as TensorSpec),
        specTensor(ch.teacherLogits as TensorSpec),
        ch.mask as number[] | undefined,
      );
  };
  const run = collectWarnings(() => {
    const whole = make();
    for (const ch of c.chunks) feed(whole, ch);
    const first = make();
    const second = make();
    c.chunks.forEach((ch, i) => {
      feed(i < c.mergeAt ? first : second, ch);
    });
    first.merge(JSON.parse(JSON.stringify(second.state())));
    return { whole, merged: first };
  });
  if (run.error !== undefined) return [`threw ${errorText(run.error)}`];
  const problems: string[] = [];
  const { whole, merged } = run.result!;
  for (const [r, want] of Object.entries(c.expected)) {
    const tol = toleranceFor(c, r);
    const reduction = r as Parameters<KLAccumulator['result']>[0];
    for (const [label, acc] of [
      [`result('${r}')`, whole],
      [`result('${r}') after merge(JSON state) at chunk ${c.mergeAt}`, merged],
    ] as const) {
      const got = collectWarnings(() => acc.result(reduction));
      if (got.error !== undefined) problems.push(`${label} threw ${errorText(got.error)}`);
      else problems.push(...compareTensor(label, got.result!, want, tol));
    }
  }
  return problems;
}
