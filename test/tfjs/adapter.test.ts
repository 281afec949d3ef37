/**
 * kldiv/tfjs beyond the fixtures: agreement with the core library, masks, options and errors
 * shared with the core, memory hygiene, and the Layers loss wrappers.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import * as core from '../../src/index.js';
import {
  jsDivergence,
  KLDivLoss,
  klDiv,
  klDivWithLogits,
  kldivLoss,
  kldivLossFromLogits,
} from '../../src/tfjs/index.js';
import { collectWarnings } from '../helpers/runners.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const S = [
  [1.5, -0.3, 2.2, 0.1],
  [0.2, 0.9, -1.1, 3.0],
  [-2.0, 0.5, 0.5, 0.0],
];
const T = [
  [0.4, 1.1, -0.5, 2.0],
  [1.0, -1.0, 0.3, 0.2],
  [0.0, 0.0, 4.0, -3.0],
];

function close(actual: tf.Tensor, expected: core.Tensor, rtol = 1e-5) {
  const a = actual.dataSync();
  expect(actual.shape).toEqual(expected.shape);
  expected.data.forEach((e, i) => {
    expect(
      Math.abs(a[i] - e) <= 1e-6 + rtol * Math.abs(e),
      `[${i}] tfjs ${a[i]} vs core ${e}`,
    ).toBe(true);
  });
}

describe('agrees with the core library', () => {
  test('klDivWithLogits with a mask, dim 0, temperature 3: value and both gradients', () => {
    const opts = {
      temperature: 3,
      dim: 0,
      mask: [true, false, true, true],
      reduction: 'batchmean' as const,
    };
    const g = core.klDivWithLogitsBackward(S, T, opts);
    close(klDivWithLogits(tf.tensor(S), tf.tensor(T), opts), core.klDivWithLogits(S, T, opts));
    const [gs, gt] = tf.grads((a: tf.Tensor, b: tf.Tensor) => klDivWithLogits(a, b, opts))([
      tf.tensor(S),
      tf.tensor(T),
    ]);
    close(gs, g.gradStudent);
    close(gt, g.gradTeacher as core.Tensor);
  });
  test('jsDivergence for beta in {0, 0.3, 1} with a mask and reduction none', () => {
    for (const beta of [0, 0.3, 1]) {
      const opts = { beta, mask: [1, 0, 1], reduction: 'none' as const };
      const lq = tf.logSoftmax(tf.tensor(S));
      const lp = tf.logSoftmax(tf.tensor(T));
      const coreQ = core.tensor(Array.from(lq.dataSync()), { shape: [3, 4], dtype: 'float64' });
      const coreP = core.tensor(Array.from(lp.dataSync()), { shape: [3, 4], dtype: 'float64' });
      close(jsDivergence(lq, lp, opts), core.jsDivergence(coreQ, coreP, opts));
      const gs = tf.grad((q: tf.Tensor) => jsDivergence(q, lp, { beta }))(lq);
      close(gs, core.jsDivergenceBackward(coreQ, coreP, { beta }).gradStudent);
    }
  });
  test('klDiv broadcasts and sums gradients back to each input shape', () => {
    const x = tf.log(tf.tensor([[0.2, 0.8]]));
    const y = tf.tensor([
      [0.5, 0.5],
      [0.1, 0.9],
    ]);
    const [gx, gy] = tf.grads((a: tf.Tensor, b: tf.Tensor) => klDiv(a, b, { reduction: 'sum' }))([
      x,
      y,
    ]);
    const ref = core.klDivBackward(
      core.tensor([[Math.log(0.2), Math.log(0.8)]]),
      [
        [0.5, 0.5],
        [0.1, 0.9],
      ],
      { reduction: 'sum' },
    );
    expect(gx.shape).toEqual([1, 2]);
    close(gx, ref.gradInput);
    close(gy, ref.gradTarget);
  });
});

describe('options, warnings and errors are the core ones', () => {
  test("'mean' warns with PyTorch's text", () => {
    const run = collectWarnings(() => klDiv(tf.tensor([-1]), tf.tensor([0.5])));
    expect(run.warnings[0]).toMatch(
      /^reduction: 'mean' divides the total loss by both the batch size and the support size/,
    );
  });
  test.each([
    [
      'a misspelt option',
      () => klDiv(tf.tensor([-1]), tf.tensor([1]), { logtarget: true } as never),
      'E_UNKNOWN_OPTION',
    ],
    [
      'a bad reduction',
      () => klDiv(tf.tensor([-1]), tf.tensor([1]), { reduction: 'avg' as never }),
      'E_INVALID_REDUCTION',
    ],
    [
      'an int32 input',
      () => klDiv(tf.tensor([1], undefined, 'int32'), tf.tensor([1])),
      'E_INTEGRAL_INPUT',
    ],
    ['a string', () => klDiv('x' as never, tf.tensor([1])), 'E_INVALID_DATA'],
    [
      'shapes that do not broadcast',
      () => klDiv(tf.tensor([[-1, -2, -3]]), tf.tensor([[0.5, 0.5]]), { reduction: 'sum' }),
      'E_BROADCAST',
    ],
    [
      'logits of different shapes',
      () => klDivWithLogits(tf.tensor([[1, 2]]), tf.tensor([[1, 2, 3]])),
      'E_SHAPE_MISMATCH',
    ],
    [
      'temperature 0',
      () => klDivWithLogits(tf.tensor([[1, 2]]), tf.tensor([[1, 2]]), { temperature: 0 }),
      'E_OPTION_RANGE',
    ],
    [
      'beta 2',
      () => jsDivergence(tf.tensor([[-1]]), tf.tensor([[-1]]), { beta: 2 }),
      'E_OPTION_RANGE',
    ],
    [
      'a Layers loss with a bad option',
      () => kldivLoss({ reduce: 'yes' } as never),
      'E_OPTION_TYPE',
    ],
    [
      'a Layers logits loss with an unknown option',
      () => kldivLossFromLogits({ temp: 2 } as never),
      'E_UNKNOWN_OPTION',
    ],
  ])('%s', (_name, f, code) => {
    expect(f).toThrow(expect.objectContaining({ code }));
  });
});

describe('wrappers and hygiene', () => {
  test('KLDivLoss and the Layers losses equal klDiv / klDivWithLogits with arguments swapped', () => {
    const x = tf.logSoftmax(tf.tensor(S));
    const y = tf.softmax(tf.tensor(T));
    const want = klDiv(x, y, { reduction: 'batchmean' }).dataSync()[0];
    expect(new KLDivLoss({ reduction: 'batchmean' }).forward(x, y).dataSync()[0]).toBe(want);
    expect(kldivLoss({ reduction: 'batchmean' })(y, x).dataSync()[0]).toBe(want);
    const fromLogits = klDivWithLogits(tf.tensor(S), tf.tensor(T), {
      temperature: 2,
    }).dataSync()[0];
    expect(kldivLossFromLogits({ temperature: 2 })(tf.tensor(T), tf.tensor(S)).dataSync()[0]).toBe(
      fromLogits,
    );
  });
  test('no tensors leak from forward and backward passes', () => {
    const s = tf.tensor(S);
    const t = tf.tensor(T);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grads((a: tf.Tensor, b: tf.Tensor) => klDivWithLogits(a, b, { mask: [1, 0, 1] }))([s, t]);
      tf.grads((a: tf.Tensor, b: tf.Tensor) => klDiv(a, b, { reduction: 'sum' }))([
        tf.logSoftmax(s),
        tf.softmax(t),
      ]);
      tf.grads((a: tf.Tensor, b: tf.Tensor) => jsDivergence(a, b))([
        tf.logSoftmax(s),
        tf.logSoftmax(t),
      ]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
  test('a large float32 sum stays within 1e-6 relative (tree summation)', () => {
    const n = 1 << 20;
    const y = tf.fill([n], 0.25);
    const x = tf.fill([n], -1.5);
    const exact = n * (0.25 * Math.log(0.25) + 0.25 * 1.5);
    const got = klDiv(x, y, { reduction: 'sum' }).dataSync()[0];
    expect(Math.abs(got - exact) / exact).toBeLessThan(1e-6);
  });
});
