/**
 * The from-logits losses on rows with `-inf`, `+inf` and NaN logits (issue 15, root cause 4),
 * against PyTorch 1.13's UNFUSED expressions and autograd (test/data/logits-nonfinite.json,
 * written by tools/differential/gen-logits-nonfinite.py):
 *   kl:  F.kl_div(F.log_softmax(s / T, dim), F.softmax(t / T, dim), reduction) * (T * T)
 *   jsd: TRL's generalized_jsd_loss (log_softmax along `dim`)
 * Every case runs under every backend configuration (js; wasm 1 thread; wasm 2 threads; and
 * wasm with the logits and `out` gradients in `wasmArray`s, read and written in place), for
 * the forward of each reduction, the gradients of 'sum' and of 'none' with an upstream
 * gradient, and the streaming LogitsKLAccumulator.
 *
 * Non-finite expected entries must match exactly (NaN where PyTorch has NaN, infinities of the
 * same sign). A finite one within `TOL[dtype] * (|expected| + scale)`, where `scale` is the
 * magnitude of the terms the result is made of, from the inputs (float64, two-pass
 * log-softmax): for element i of a row, `(p_i + q_i) L` with L = 1 + the row's largest finite
 * |log p|, |log q| (and |log beta|, |log(1 - beta)| for the JSD), times T * T for the KL and
 * times k |gradOutput|max for gradients; for a reduced result, the sum over rows of twice the
 * rows' element scales plus |lse(s / T)| + |lse(t / T)| (the WebAssembly reductions add the
 * log-sum-exps, docs/numerics.md). Each term is rounded a few times in the storage precision
 * (2^-24 or 2^-53 each); TOL allows 16 roundings. The fixture, the scales and the comparison
 * are in logits-nonfinite-helpers.ts.
 */
import { describe, expect, test } from 'vitest';
import {
  jsDivergence,
  jsDivergenceBackward,
  jsDivergenceWithLogits,
  jsDivergenceWithLogitsBackward,
  klDivWithLogits,
  klDivWithLogitsBackward,
  LogitsKLAccumulator,
  type Tensor,
  tensor,
} from '../../src/index.js';
import { CONFIGS, WASM_ARRAYS, withConfig } from '../helpers/backends.js';
import { placement } from '../helpers/fixtures.js';
import {
  asTensor,
  buffer,
  type Case,
  check,
  data,
  decodeAll,
  type Encoded,
  elementwise,
  maxAbs,
  reduced,
  reducedScale,
  TOL,
  termScales,
} from './logits-nonfinite-helpers.js';

function runKl(c: Case): string[] {
  const tol = TOL[c.dtype];
  const s = asTensor(c, c.student);
  const t = asTensor(c, c.teacher);
  const g = asTensor(c, c.gradOutput);
  const base = { temperature: c.temperature, dim: c.dim };
  const tt = c.temperature * c.temperature;
  const k = 1 / c.temperature;
  const sc = termScales(c, null);
  const sumScale = reducedScale(sc, tt);
  const divisor = c.shape.length === 0 ? 1 : c.shape[0];
  const gMax = maxAbs(decodeAll(c.gradOutput));
  const problems: string[] = [];
  const loss = (what: string, actual: ArrayLike<number>, expected: Encoded[]) =>
    problems.push(...elementwise(what, actual, expected, tol, sc.element, tt));
  const grad = (what: string, actual: ArrayLike<number>, expected: Encoded[], gm: number) =>
    problems.push(...elementwise(what, actual, expected, tol, sc.element, k * tt * gm));

  loss(
    'klDivWithLogits none',
    klDivWithLogits(s, t, { ...base, reduction: 'none' }).data,
    c.kl.none,
  );
  const sum = klDivWithLogits(s, t, { ...base, reduction: 'sum' }).data[0];
  problems.push(...reduced('klDivWithLogits sum', sum, c.kl.sum, tol, sumScale));
  const bm = klDivWithLogits(s, t, { ...base, reduction: 'batchmean' }).data[0];
  problems.push(
    ...reduced('klDivWithLogits batchmean', bm, c.kl.batchmean, tol, sumScale / divisor),
  );

  const bs = klDivWithLogitsBackward(s, t, { ...base, reduction: 'sum' });
  problems.push(
    ...reduced('klDivWithLogitsBackward sum: loss', bs.loss.data[0], c.kl.sum, tol, sumScale),
  );
  grad('klDivWithLogitsBackward sum: gradStudent', bs.gradStudent.data, c.kl.gradSum.student, 1);
  grad(
    'klDivWithLogitsBackward sum: gradTeacher',
    (bs.gradTeacher as Tensor).data,
    c.kl.gradSum.teacher,
    1,
  );
  const bsOnly = klDivWithLogitsBackward(s, t, { ...base, reduction: 'sum', gradTeacher: false });
  grad(
    'klDivWithLogitsBackward sum, gradTeacher false: gradStudent',
    bsOnly.gradStudent.data,
    c.kl.gradSum.student,
    1,
  );

  const bn = klDivWithLogitsBackward(s, t, { ...base, reduction: 'none' }, g);
  loss('klDivWithLogitsBackward none: loss', bn.loss.data, c.kl.none);
  grad(
    'klDivWithLogitsBackward none: gradStudent',
    bn.gradStudent.data,
    c.kl.gradNone.student,
    gMax,
  );
  grad(
    'klDivWithLogitsBackward none: gradTeacher',
    (bn.gradTeacher as Tensor).data,
    c.kl.gradNone.teacher,
    gMax,
  );
  if (placement.wasmArrays) {
    // gradients written in place into wasmArrays by the kernels
    const out = { gradStudent: buffer(c, s.numel), gradTeacher: buffer(c, t.numel) };
    klDivWithLogitsBackward(s, t, { ...base, reduction: 'none', out }, g);
    grad(
      'klDivWithLogitsBackward none, out wasmArrays: gradStudent',
      out.gradStudent,
      c.kl.gradNone.student,
      gMax,
    );
    grad(
      'klDivWithLogitsBackward none, out wasmArrays: gradTeacher',
      out.gradTeacher,
      c.kl.gradNone.teacher,
      gMax,
    );
  }
  const bnOnly = klDivWithLogitsBackward(
    s,
    t,
    { ...base, reduction: 'none', gradTeacher: false },
    g,
  );
  grad(
    'klDivWithLogitsBackward none, gradTeacher false: gradStudent',
    bnOnly.gradStudent.data,
    c.kl.gradNone.student,
    gMax,
  );
  return problems;
}

function runJsd(c: Case): string[] {
  const tol = TOL[c.dtype];
  const s = asTensor(c, c.student);
  const t = asTensor(c, c.teacher);
  const g = asTensor(c, c.gradOutput);
  const opts = { temperature: c.temperature, dim: c.dim, beta: c.jsd.beta };
  const k = 1 / c.temperature;
  const sc = termScales(c, c.jsd.beta);
  const gMax = maxAbs(decodeAll(c.gradOutput));
  const problems: string[] = [];
  const none = jsDivergenceWithLogits(s, t, { ...opts, reduction: 'none' });
  problems.push(
    ...elementwise('jsDivergenceWithLogits none', none.data, c.jsd.none, tol, sc.element, 1),
  );
  const sum = jsDivergenceWithLogits(s, t, { ...opts, reduction: 'sum' });
  problems.push(
    ...reduced('jsDivergenceWithLogits sum', sum.data[0], c.jsd.sum, tol, reducedScale(sc, 1)),
  );
  const gs = jsDivergenceWithLogitsBackward(s, t, { ...opts, reduction: 'sum' });
  problems.push(
    ...elementwise(
      'jsDivergenceWithLogitsBackward sum',
      gs.gradStudent.data,
      c.jsd.gradSum,
      tol,
      sc.element,
      k,
    ),
  );
  const gn = jsDivergenceWithLogitsBackward(s, t, { ...opts, reduction: 'none' }, g);
  problems.push(
    ...elementwise(
      'jsDivergenceWithLogitsBackward none',
      gn.gradStudent.data,
      c.jsd.gradNone,
      tol,
      sc.element,
      k * gMax,
    ),
  );
  return problems;
}

/**
 * Element scales of the JSD on log-probabilities a (student), b (teacher): each element is on
 * its own, `(e^a + e^b) (1 + |a| + |b| + max(|log beta|, |log(1 - beta)|))`, 0 where not finite.
 */
function logProbScales(c: Case): Float64Array {
  const a = decodeAll(c.student);
  const b = decodeAll(c.teacher);
  const beta = c.jsd.beta;
  const logs = beta === 0 || beta === 1 ? 0 : Math.max(-Math.log(beta), -Math.log(1 - beta));
  return Float64Array.from(a, (x, i) => {
    const v = (Math.exp(x) + Math.exp(b[i])) * (1 + Math.abs(x) + Math.abs(b[i]) + logs);
    return Number.isFinite(v) ? v : 0;
  });
}

function runJsdLogProbs(c: Case): string[] {
  const tol = TOL[c.dtype];
  const a = asTensor(c, c.student);
  const b = asTensor(c, c.teacher);
  const g = asTensor(c, c.gradOutput);
  const opts = { dim: c.dim, beta: c.jsd.beta };
  const element = logProbScales(c);
  const sumScale = 2 * element.reduce((x, y) => x + y, 0);
  const gMax = maxAbs(decodeAll(c.gradOutput));
  const e = c.jsdLogProbs;
  const problems: string[] = [];
  const none = jsDivergence(a, b, { ...opts, reduction: 'none' }).data;
  problems.push(...elementwise('jsDivergence none', none, e.none, tol, element, 1));
  const sum = jsDivergence(a, b, { ...opts, reduction: 'sum' }).data[0];
  problems.push(...reduced('jsDivergence sum', sum, e.sum, tol, sumScale));
  const gs = jsDivergenceBackward(a, b, { ...opts, reduction: 'sum' }).gradStudent.data;
  problems.push(...elementwise('jsDivergenceBackward sum', gs, e.gradSum, tol, element, 1));
  const gn = jsDivergenceBackward(a, b, { ...opts, reduction: 'none' }, g).gradStudent.data;
  problems.push(...elementwise('jsDivergenceBackward none', gn, e.gradNone, tol, element, gMax));
  return problems;
}

/** Rows `[from, to)` of a 2-D case's logits (dim last), as a tensor of the case's dtype. */
function rowsOf(c: Case, values: Encoded[], from: number, to: number): Tensor {
  const V = c.shape[1];
  const d = decodeAll(values).slice(from * V, to * V);
  return tensor(c.dtype === 'float32' ? Float32Array.from(d) : Float64Array.from(d), {
    shape: [to - from, V],
    dtype: c.dtype,
  });
}

/** The accumulator over chunks of rows (2-D cases with the class dim last). */
function runAccumulator(c: Case): string[] {
  const tol = TOL[c.dtype];
  const scale = reducedScale(termScales(c, null), c.temperature * c.temperature);
  const rows = c.shape[0];
  const problems: string[] = [];
  const whole = new LogitsKLAccumulator({ temperature: c.temperature, dim: c.dim });
  whole.add(asTensor(c, c.student), asTensor(c, c.teacher));
  problems.push(
    ...reduced(
      'LogitsKLAccumulator, one chunk: sum',
      whole.result('sum').data[0],
      c.kl.sum,
      tol,
      scale,
    ),
  );
  const chunked = new LogitsKLAccumulator({ temperature: c.temperature, dim: c.dim });
  for (let r = 0; r < rows; r++) {
    chunked.add(rowsOf(c, c.student, r, r + 1), rowsOf(c, c.teacher, r, r + 1));
  }
  problems.push(
    ...reduced(
      'LogitsKLAccumulator, a row per chunk: sum',
      chunked.result('sum').data[0],
      c.kl.sum,
      tol,
      scale,
    ),
  );
  return problems;
}

const accumulated = data.cases.filter((c) => c.shape.length === 2 && (c.dim === -1 || c.dim === 1));

describe(`from-logits losses on non-finite logits vs PyTorch ${data.torch} (${data.cases.length} cases)`, () => {
  test('the fixture covers every pattern on every dim placement', () => {
    expect(data.cases.length).toBeGreaterThanOrEqual(300);
    const dims = new Set(data.cases.map((c) => `${c.shape.length}:${c.dim}`));
    for (const d of ['2:-1', '2:1', '2:0', '3:1', '3:-2', '1:0', '0:-1']) expect(dims).toContain(d);
  });

  test.each(CONFIGS.map((c) => [c.name, c] as const))('the issue 15 repros (%s)', (_, config) => {
    withConfig(config, () => {
      const inf = Number.POSITIVE_INFINITY;
      // torch: F.kl_div(F.log_softmax(torch.tensor([[0.,0,1]]),-1), F.softmax(torch.tensor([[-inf,0,1]]),-1), reduction='sum').item()
      const firstMinusInf = 0.23818309605121613;
      // a teacher row whose first logit is -inf: finite (was a NaN row), along the last dim and dim 0
      const last = klDivWithLogits([[0, 0, 1]], [[-inf, 0, 1]], { reduction: 'sum' });
      expect(last.data[0]).toBeCloseTo(firstMinusInf, 6);
      const first = klDivWithLogits([[0], [0], [1]], [[-inf], [0], [1]], {
        dim: 0,
        reduction: 'sum',
      });
      expect(first.data[0]).toBeCloseTo(firstMinusInf, 6);
      // a +inf logit: NaN, as PyTorch (was inf); torch: ... F.log_softmax(torch.tensor([[inf,0,1]]),-1) ... -> nan
      expect(klDivWithLogits([[inf, 0, 1]], [[0, 0, 1]], { reduction: 'sum' }).data[0]).toBeNaN();
      expect(
        jsDivergenceWithLogits([[inf, 0, 1]], [[0, 0, 1]], { reduction: 'sum' }).data[0],
      ).toBeNaN();
    });
  });

  // the three configurations, and inputs (and `out` gradients) in wasmArrays, read in place
  for (const config of [...CONFIGS, WASM_ARRAYS]) {
    describe(config.name, () => {
      const runs: [string, Case[], (c: Case) => string[]][] = [
        ['klDivWithLogits', data.cases, runKl],
        ['jsDivergenceWithLogits', data.cases, runJsd],
        ['jsDivergence (the tensors as log-probabilities)', data.cases, runJsdLogProbs],
        ['LogitsKLAccumulator', accumulated, runAccumulator],
      ];
      for (const [fn, cases, run] of runs) {
        test.each(cases.map((c) => [c.name, c] as const))(`${fn}: %s`, (_, c) => {
          check(
            c,
            config.name,
            withConfig(config, () => run(c)),
          );
        });
      }
    });
  }
});
