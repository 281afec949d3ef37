// kldiv/tfjs on TensorFlow.js's WebGL backend in a real browser: the loss and tf.grads.
import * as tf from '@tensorflow/tfjs';
import { klDiv, klDivWithLogits } from 'kldiv/tfjs';

const out: Record<string, unknown> = {};
try {
  out.webgl = await tf.setBackend('webgl');
  await tf.ready();
  out.backend = tf.getBackend();
  const input = tf.tensor([
    [-2, -6, -8],
    [-7, -1, -2],
    [-1, -9, -2.3],
    [-1.9, -2.8, -5.4],
  ]);
  const target = tf.tensor([
    [0.8, 0.1, 0.1],
    [0.1, 0.7, 0.2],
    [0.5, 0.2, 0.3],
    [0.4, 0.3, 0.3],
  ]);
  out.batchmean = (await klDiv(input, target, { reduction: 'batchmean' }).data())[0];
  const g = tf.grad((x: tf.Tensor) => klDiv(x, target, { reduction: 'sum' }))(input);
  out.gradInput = Array.from(await g.data());
  const gs = tf.grad((s: tf.Tensor) =>
    klDivWithLogits(s, tf.tensor([[0, Math.log(3)]]), { reduction: 'sum' }),
  )(tf.tensor([[0, 0]]));
  out.gradStudent = Array.from(await gs.data());
} catch (e) {
  out.error = String((e as Error)?.stack ?? e);
}
document.getElementById('out')!.textContent = JSON.stringify(out);
document.title = 'done';
