/**
 * The fixture runners for the TensorFlow.js adapter: build tf tensors (float32) from fixture
 * specs, run the adapter's loss and `tf.grads` with the fixture's upstream gradient, and judge
 * with the same comparison as the core runners.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Tensor } from '../../src/index.js';
import * as adapter from '../../src/tfjs/index.js';
import { compareTensor, specValues, type TensorSpec } from './fixtures.js';
import { collectWarnings, type KlDivCase, type LogitsCase } from './runners.js';

/** A fixture tensor as a tf tensor: floats become float32, integers int32. */
export function tfTensor(spec: TensorSpec): tf.Tensor {
  const values = Array.from(specValues(spec));
  const dtype = spec.dtype === 'int64' || spec.dtype === 'int32' ? 'int32' : 'float32';
  return tf.tensor(values, spec.shape, dtype);
}

/** A tf result as a kldiv float32 Tensor, for compareTensor. */
export function fromTf(t: tf.Tensor): Tensor {
  return new Tensor(Float32Array.from(t.dataSync() as Float32Array), t.shape, 'float32');
}

const text = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** A float32 `torch-kl-div.json` case through `kldiv/tfjs`: output, warnings, both gradients. */
export function runTfKlDivCase(c: KlDivCase): string[] {
  return tf.tidy(() => {
    const x = tfTensor(c.input);
    const y = tfTensor(c.target);
    const run = collectWarnings(() => adapter.klDiv(x, y, c.options));
    if (c.error) {
      if (run.error === undefined) return [`expected an error containing "${c.error.message}"`];
      return String((run.error as Error).message).includes(c.error.message)
        ? []
        : [`error "${text(run.error)}" does not contain PyTorch's "${c.error.message}"`];
    }
    if (run.error !== undefined) return [`threw ${text(run.error)}`];
    const tol = c.tolerance!;
    const problems = compareTensor('output', fromTf(run.result!), c.expected!, tol);
    if (JSON.stringify(run.warnings) !== JSON.stringify(c.warnings ?? [])) {
      problems.push(
        `warnings ${JSON.stringify(run.warnings)}, expected ${JSON.stringify(c.warnings ?? [])}`,
      );
    }
    if (c.expectedGradInput) {
      const dy = c.gradOutput ? tfTensor(c.gradOutput) : undefined;
      const grads = collectWarnings(() =>
        tf.grads((a, b) => adapter.klDiv(a, b, c.options))([x, y], dy),
      );
      if (grads.error !== undefined) return [...problems, `tf.grads threw ${text(grads.error)}`];
      const [gx, gy] = grads.result!;
      problems.push(...compareTensor('gradInput', fromTf(gx), c.expectedGradInput, tol));
      if (c.expectedGradTarget)
        problems.push(...compareTensor('gradTarget', fromTf(gy), c.expectedGradTarget, tol));
    }
    return problems;
  });
}

/** A float32 `torch-kl-div-logits.json` case through `kldiv/tfjs`, gradients by `tf.grads`. */
export function runTfLogitsCase(c: LogitsCase): string[] {
  return tf.tidy(() => {
    // every logits fixture the adapter runs has a result and a tolerance (no error cases)
    const tol = c.tolerance!;
    const js = c.fn === 'jsDivergence';
    const s = tfTensor((js ? c.studentLogProbs : c.studentLogits)!);
    const t = tfTensor((js ? c.teacherLogProbs : c.teacherLogits)!);
    const loss = (a: tf.Tensor, b: tf.Tensor) =>
      js ? adapter.jsDivergence(a, b, c.options) : adapter.klDivWithLogits(a, b, c.options);
    const run = collectWarnings(() => loss(s, t));
    if (run.error !== undefined) return [`threw ${text(run.error)}`];
    const problems = compareTensor('output', fromTf(run.result!), c.expected!, tol);
    const dy = c.gradOutput ? tfTensor(c.gradOutput) : undefined;
    const grads = collectWarnings(() => tf.grads(loss)([s, t], dy));
    if (grads.error !== undefined) return [...problems, `tf.grads threw ${text(grads.error)}`];
    const [gs, gt] = grads.result!;
    if (c.expectedGradStudent)
      problems.push(...compareTensor('gradStudent', fromTf(gs), c.expectedGradStudent, tol));
    if (c.expectedGradTeacher)
      problems.push(...compareTensor('gradTeacher', fromTf(gt), c.expectedGradTeacher, tol));
    return problems;
  });
}
