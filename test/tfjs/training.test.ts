/**
 * Training with kldiv/tfjs: gradients reach tf.train optimizers (variableGrads / minimize) and
 * tfjs-layers' model.compile + fit. Seeded, small, a few seconds on the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { klDiv, klDivWithLogits, kldivLossFromLogits } from '../../src/tfjs/index.js';

const N = 64; // examples
const D = 8; // features
const V = 10; // classes

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function data() {
  const x = tf.randomNormal([N, D], 0, 1, 'float32', 1);
  const wTeacher = tf.randomNormal([D, V], 0, 1.5, 'float32', 2);
  const teacherLogits = tf.matMul(x, wTeacher);
  return { x, teacherLogits };
}

describe('distilling a student from a fixed teacher', () => {
  test('klDivWithLogits + tf.train.adam: the loss falls by 20x within 300 steps', () => {
    const { x, teacherLogits } = data();
    const w = tf.variable(tf.zeros([D, V]));
    const b = tf.variable(tf.zeros([V]));
    const opt = tf.train.adam(0.05);
    const lossOf = () =>
      klDivWithLogits(tf.add(tf.matMul(x, w), b), teacherLogits, { temperature: 2 }) as tf.Scalar;
    const first = lossOf().dataSync()[0];
    let last = first;
    for (let step = 0; step < 300; step++) {
      last = (opt.minimize(lossOf, true, [w, b]) as tf.Scalar).dataSync()[0];
    }
    expect(first).toBeGreaterThan(0.5);
    expect(last, `loss ${first} -> ${last}`).toBeLessThan(first / 20);
  });

  test('klDiv on log_softmax outputs with tf.variableGrads and SGD also trains', () => {
    const { x, teacherLogits } = data();
    const target = tf.softmax(teacherLogits);
    const w = tf.variable(tf.zeros([D, V]));
    const opt = tf.train.sgd(0.5);
    const lossOf = () =>
      klDiv(tf.logSoftmax(tf.matMul(x, w)), target, { reduction: 'batchmean' }) as tf.Scalar;
    const first = lossOf().dataSync()[0];
    for (let step = 0; step < 100; step++) {
      const { value, grads } = tf.variableGrads(lossOf);
      opt.applyGradients(grads);
      value.dispose();
    }
    const last = lossOf().dataSync()[0];
    expect(last, `loss ${first} -> ${last}`).toBeLessThan(first / 5);
  });

  test('as a Layers loss: model.compile({ loss: kldivLossFromLogits() }) + fit', async () => {
    const { x, teacherLogits } = data();
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: V, inputShape: [D], kernelInitializer: 'zeros' })],
    });
    model.compile({
      optimizer: tf.train.adam(0.05),
      loss: kldivLossFromLogits({ temperature: 2 }),
    });
    const history = await model.fit(x, teacherLogits, {
      epochs: 60,
      batchSize: N,
      shuffle: false,
      verbose: 0,
    });
    const losses = history.history.loss as number[];
    expect(
      losses[losses.length - 1],
      `loss ${losses[0]} -> ${losses[losses.length - 1]}`,
    ).toBeLessThan(losses[0] / 10);
  });
});
