/**
 * Type promotion and mixed-precision rounding of every two-tensor function (issue 15, root
 * causes 1 and 2), against PyTorch 1.13: test/data/promotion.json, written by
 * tools/differential/gen-promotion.py (seeded; its header says what each section holds).
 *
 * Tolerances: |actual - expected| <= (4 + log2 n) * eps * scale, with `scale` the generator's
 * magnitude of the formula's terms (rounding error is relative to the terms, not to a result
 * that cancels), n the number of terms summed into the value, and eps that of the lowest
 * precision PyTorch's expression computes in (2^-24 for float32, 2^-53 for float64), plus one
 * float32 rounding of the value when a float64 computation is stored as float32. NaN
 * matches NaN, an infinity the same infinity. Where the generator flags a klDiv element `exact`
 * (float64 result, float32 target whose float32 log / exp PyTorch rounds correctly), the bits
 * must be PyTorch's; likewise where it flags an input-gradient element `exactGradInput`.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  jsDivergence,
  jsDivergenceBackward,
  jsDivergenceWithLogits,
  jsDivergenceWithLogitsBackward,
  KLAccumulator,
  KLDivLoss,
  klDiv,
  klDivBackward,
  klDivWithLogits,
  klDivWithLogitsBackward,
  klEstimate,
  klEstimateBackward,
  LogitsKLAccumulator,
  type Reduction,
  type Tensor,
  tensor,
} from '../../src/index.js';
import { type DType, resultType } from '../../src/tensor/dtype.js';
import { CONFIGS, WASM_ARRAYS, withConfig } from '../helpers/backends.js';
import {
  FIXTURE_DIR,
  loadFixture,
  show,
  specTensor,
  specValues,
  type TensorSpec,
} from '../helpers/fixtures.js';
import { collectWarnings } from '../helpers/runners.js';

type Precision = 'float32' | 'float64';
interface Expected extends TensorSpec {
  scale: (number | string)[];
}
interface KlCase {
  name: string;
  input: TensorSpec;
  target: TensorSpec;
  logTarget: boolean;
  reduction: Reduction;
  gradOutput: TensorSpec;
  eps: Precision;
  loss: Expected;
  gradInput: Expected;
  gradTarget: Expected;
  exact?: boolean[];
  exactGradInput?: boolean[];
}
interface OtherCase {
  fn: 'klDivWithLogits' | 'jsDivergence' | 'jsDivergenceWithLogits' | 'klEstimate';
  student: TensorSpec;
  teacher: TensorSpec;
  // biome-ignore lint/suspicious/noExplicitAny: options differ per function
  options: any;
  eps: Precision;
  loss: Expected;
  gradStudent?: Expected;
  gradTeacher?: Expected;
  gradLogProbP?: Expected;
  gradLogProbQ?: Expected;
}
interface Data {
  resultType: {
    a: { dtype: DType; shape: number[] };
    b: { dtype: DType; shape: number[] };
    result: DType;
  }[];
  klDiv: KlCase[];
  others: OtherCase[];
}

const data = loadFixture<never>(
  join(FIXTURE_DIR, '..', 'data', 'promotion.json'),
) as unknown as Data;
const EPS: Record<Precision, number> = { float32: 2 ** -24, float64: 2 ** -53 };
// below the smallest normal float32 a float32 result is absolute-rounded
const ATOL: Record<Precision, number> = { float32: 2 ** -149 * 4, float64: 0 };

/**
 * Problems of `actual` against `expected` (dtype, shape, values under the tolerance rule), at
 * most 4 element lines. `terms` is how many terms each value sums; `exact` flags elements whose
 * bits must be PyTorch's.
 */
function check(
  label: string,
  actual: Tensor | undefined,
  expected: Expected,
  eps: Precision,
  terms: number,
  exact?: boolean[],
): string[] {
  if (actual === undefined) return [`${label}: missing`];
  const problems: string[] = [];
  if (actual.dtype !== expected.dtype) {
    problems.push(`${label}: dtype ${actual.dtype}, PyTorch ${expected.dtype}`);
  }
  if (JSON.stringify(actual.shape) !== JSON.stringify(expected.shape)) {
    return [...problems, `${label}: shape [${actual.shape}], PyTorch [${expected.shape}]`];
  }
  // float32 values are written with 9 digits: round them back to the float32 PyTorch returned
  const want = specValues(expected).map(expected.dtype === 'float32' ? Math.fround : (v) => v);
  const scale = specValues({ dtype: 'float64', shape: [], data: expected.scale });
  const c = 4 + Math.log2(Math.max(terms, 1));
  let lines = 0;
  for (let i = 0; i < want.length; i++) {
    const a = actual.data[i];
    const e = want[i];
    // plus the rounding of a float64-computed value into its float32 storage (either side's)
    const stored =
      expected.dtype === 'float32' && eps === 'float64' ? EPS.float32 * Math.abs(e) : 0;
    const tol = c * EPS[eps] * scale[i] + stored + ATOL[eps];
    let why = '';
    if (exact?.[i] === true) {
      if (!Object.is(a, e)) why = 'not bit-identical';
    } else if (Number.isNaN(e) || !Number.isFinite(e)) {
      if (!Object.is(a, e)) why = 'special value differs';
    } else if (!(Math.abs(a - e) <= tol)) {
      why = `|diff| ${Math.abs(a - e).toExponential(2)} > tol ${tol.toExponential(2)}`;
    }
    if (why !== '' && lines++ < 4) {
      problems.push(`${label}[${i}]: ${show(a)}, PyTorch ${show(e)} (${why})`);
    }
  }
  if (lines > 4) problems.push(`${label}: ${lines - 4} more elements differ`);
  return problems;
}

const numel = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const broadcastNumel = (a: number[], b: number[]) => {
  const n = Math.max(a.length, b.length);
  let total = 1;
  for (let i = 0; i < n; i++) {
    total *= Math.max(a[a.length - n + i] ?? 1, b[b.length - n + i] ?? 1);
  }
  return total;
};

function runKlCase(c: KlCase): string[] {
  const x = specTensor(c.input);
  const y = specTensor(c.target);
  const options = { reduction: c.reduction, logTarget: c.logTarget };
  const n = broadcastNumel(c.input.shape, c.target.shape);
  const summed = c.reduction === 'none' ? 1 : n;
  const problems: string[] = [];
  const loss = collectWarnings(() => klDiv(x, y, options)).result;
  problems.push(...check('klDiv', loss, c.loss, c.eps, summed, c.exact));
  const g = specTensor(c.gradOutput);
  const back = klDivBackward(x, y, options, g);
  problems.push(...check('klDivBackward loss', back.loss, c.loss, c.eps, summed, c.exact));
  problems.push(
    ...check(
      'gradInput',
      back.gradInput,
      c.gradInput,
      c.eps,
      n / numel(c.input.shape),
      c.exactGradInput,
    ),
  );
  problems.push(
    ...check('gradTarget', back.gradTarget, c.gradTarget, c.eps, n / numel(c.target.shape)),
  );
  const module = new KLDivLoss(options);
  const fromModule = collectWarnings(() => module.forward(x, y)).result;
  if (fromModule === undefined || loss === undefined || !sameBits(fromModule, loss)) {
    problems.push('KLDivLoss.forward: not the bits klDiv gives');
  }
  const moduleGrads = module.backward(x, y, g);
  if (!sameBits(moduleGrads.gradTarget, back.gradTarget)) {
    problems.push('KLDivLoss.backward: gradTarget not the bits klDivBackward gives');
  }
  if (c.reduction === 'sum') {
    // the accumulator's float64 sum, within the same tolerance of PyTorch's loss
    const acc = new KLAccumulator({ logTarget: c.logTarget }).add(x, y).result('sum');
    const asF64: Expected = { ...c.loss, dtype: 'float64' };
    problems.push(...check('KLAccumulator', acc, asF64, c.eps, summed));
  }
  return problems.map((p) => `${c.name}, ${c.reduction}${c.logTarget ? ', logTarget' : ''}: ${p}`);
}

function sameBits(a: Tensor, b: Tensor): boolean {
  return (
    a.dtype === b.dtype &&
    a.data.length === b.data.length &&
    Array.from(a.data).every((v, i) => Object.is(v, b.data[i]))
  );
}

function runOtherCase(c: OtherCase): string[] {
  const s = specTensor(c.student);
  const t = specTensor(c.teacher);
  const V = c.student.shape.length === 0 ? 1 : c.student.shape.at(c.options.dim ?? -1)!;
  const summed = c.options.reduction === 'none' ? V : numel(c.student.shape);
  const label = `${c.fn} ${c.student.dtype}/${c.teacher.dtype} [${c.student.shape}] ${JSON.stringify(c.options)}`;
  const problems: string[] = [];
  if (c.fn === 'klDivWithLogits') {
    problems.push(...check('loss', klDivWithLogits(s, t, c.options), c.loss, c.eps, summed));
    const { temperature, dim } = c.options;
    // the accumulator refuses a softmax along dim 0, the dim its chunks are added along
    const alongChunks = s.ndim > 1 && (dim === 0 || dim === -s.ndim);
    if (c.options.reduction === 'sum' && !alongChunks) {
      // the streaming form: a float64 sum of the same losses
      const acc = new LogitsKLAccumulator({ temperature, dim }).add(s, t).result('sum');
      problems.push(
        ...check('LogitsKLAccumulator', acc, { ...c.loss, dtype: 'float64' }, c.eps, summed),
      );
    }
    if (c.gradStudent !== undefined) {
      const grads = klDivWithLogitsBackward(s, t, c.options);
      problems.push(...check('gradStudent', grads.gradStudent, c.gradStudent, c.eps, V));
      problems.push(...check('gradTeacher', grads.gradTeacher, c.gradTeacher!, c.eps, V));
    }
  } else if (c.fn === 'klEstimate') {
    problems.push(...check('loss', klEstimate(s, t, c.options), c.loss, c.eps, summed));
    if (c.gradLogProbP !== undefined) {
      const grads = klEstimateBackward(s, t, c.options);
      problems.push(...check('gradLogProbP', grads.gradLogProbP, c.gradLogProbP, c.eps, 1));
      problems.push(...check('gradLogProbQ', grads.gradLogProbQ, c.gradLogProbQ!, c.eps, 1));
    }
  } else {
    const logits = c.fn === 'jsDivergenceWithLogits';
    const forward = logits ? jsDivergenceWithLogits : jsDivergence;
    problems.push(...check('loss', forward(s, t, c.options), c.loss, c.eps, summed));
    if (c.gradStudent !== undefined) {
      const backward = logits ? jsDivergenceWithLogitsBackward : jsDivergenceBackward;
      const grads = backward(s, t, c.options);
      problems.push(...check('gradStudent', grads.gradStudent, c.gradStudent, c.eps, V));
    }
  }
  return problems.map((p) => `${label}: ${p}`);
}

describe('resultType is torch.result_type', () => {
  test('every pair of dtypes, 0-d or not', () => {
    const wrong = data.resultType
      .map((r) => ({ ...r, got: resultType(r.a, r.b) }))
      .filter((r) => r.got !== r.result)
      .map(
        (r) =>
          `${r.a.dtype}[${r.a.shape}] with ${r.b.dtype}[${r.b.shape}]: ${r.got}, PyTorch ${r.result}`,
      );
    expect(data.resultType.length).toBe(36);
    expect(wrong).toEqual([]);
  });
});

describe('the issue repros', () => {
  test('a float32 target term is rounded as float32 before the float64 subtraction', () => {
    const x = tensor([-1.2], { dtype: 'float64' });
    // torch: F.kl_div(torch.tensor([-1.2], dtype=torch.float64), torch.tensor([0.3]), reduction='sum').item()
    expect(klDiv(x, [0.3], { reduction: 'sum' }).item()).toBe(-0.001191854476928711);
    expect(klDivBackward(x, [0.3], { reduction: 'sum' }).loss.item()).toBe(-0.001191854476928711);
  });

  test('a 0-d float64 operand does not promote a dimensioned float32 one', () => {
    const p = tensor(0.3, { dtype: 'float64' });
    // torch: F.kl_div(torch.tensor([-1., -2.]), torch.tensor(0.3, dtype=torch.float64), reduction='sum')
    expect(klDiv([-1, -2], p, { reduction: 'sum' }).toString()).toBe('tensor(0.1776)');
    const x = tensor(-1, { dtype: 'float64' });
    // torch: F.kl_div(torch.tensor(-1., dtype=torch.float64), torch.tensor([0.3, 0.6]), reduction='none')
    expect(klDiv(x, [0.3, 0.6], { reduction: 'none' }).toString()).toBe(
      'tensor([-0.0612,  0.2935])',
    );
  });

  test('each gradient keeps its own operand dtype, 0-d float64 included', () => {
    const p = tensor(0.3, { dtype: 'float64' });
    const { loss, gradInput, gradTarget } = klDivBackward([-1, -2], p, { reduction: 'sum' });
    expect([loss.dtype, gradInput.dtype, gradTarget.dtype]).toEqual([
      'float32',
      'float32',
      'float64',
    ]);
    const x = tensor(-1, { dtype: 'float64' });
    const g = klDivBackward(x, [0.3, 0.6], { reduction: 'sum' });
    expect([g.loss.dtype, g.gradInput.dtype, g.gradTarget.dtype]).toEqual([
      'float32',
      'float64',
      'float32',
    ]);
  });

  test('a 0-d float64 target that float32 flushes to 0 keeps its float64 gradient', () => {
    const p = tensor(1e-50, { dtype: 'float64' });
    const { gradTarget } = klDivBackward([-1, -2], p, { reduction: 'sum' });
    // torch: y = torch.tensor(1e-50, dtype=torch.float64, requires_grad=True);
    //        F.kl_div(torch.tensor([-1., -2.]), y, reduction='sum').backward(); y.grad -> -225.2585
    expect(gradTarget.item()).toBeCloseTo(-225.2585, 4);
  });
});

for (const config of [...CONFIGS, WASM_ARRAYS]) {
  describe(`PyTorch's dtypes and mixed-precision values (${config.name})`, () => {
    test(`klDiv, klDivBackward, KLDivLoss, KLAccumulator: ${data.klDiv.length} cases`, () => {
      const problems = withConfig(config, () => data.klDiv.flatMap(runKlCase));
      expect(problems).toEqual([]);
    });

    test(`from logits, JSD, KL estimators: ${data.others.length} cases`, () => {
      const problems = withConfig(config, () => data.others.flatMap(runOtherCase));
      expect(problems).toEqual([]);
    });
  });
}

describe('mixed calls give the same bits on every backend', () => {
  // 300 elements: the WebAssembly backend's contiguous path, and over the JS kernel's block
  const n = 300;
  const x = tensor(Float64Array.from({ length: n }, (_, i) => -0.05 - ((i * 0.731) % 6)));
  const p = tensor(Float32Array.from({ length: n }, (_, i) => ((i * 0.377) % 1) ** 2));
  const lp = tensor(Float32Array.from({ length: n }, (_, i) => -((i * 0.613) % 7)));
  for (const [name, target, logTarget] of [
    ['probabilities', p, false],
    ['log-probabilities', lp, true],
  ] as const) {
    test(`float64 input, float32 ${name}: forward and backward`, () => {
      const run = () =>
        (['none', 'sum'] as const).flatMap((reduction) => {
          const back = klDivBackward(x, target, { reduction, logTarget });
          return [
            klDiv(x, target, { reduction, logTarget }),
            back.loss,
            back.gradInput,
            back.gradTarget,
          ];
        });
      const [reference, ...others] = [...CONFIGS, WASM_ARRAYS].map((c) => withConfig(c, run));
      for (const results of others) {
        results.forEach((r, i) => {
          expect(sameBits(r, reference[i]), `result ${i}`).toBe(true);
        });
      }
    });
  }
});
