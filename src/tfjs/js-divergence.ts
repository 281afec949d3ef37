/**
 * `jsDivergence` on tf.Tensors: the generalised Jensen-Shannon divergence of GKD on
 * log-probabilities, with the core's options, in tf ops, differentiable in both arguments.
 *
 * @module
 */

import * as tf from '@tensorflow/tfjs-core';
import { type JSDivergenceOptions, jsdKeys, jsdSettings } from '../functional/js-divergence.js';
import { checkOptions } from '../options.js';
import { divide, treeSum } from './convert.js';
import { tensorPair } from './logits.js';
import { keepTensor, masked } from './rows.js';

/** log(exp(u) + exp(v)), stable; -inf where both are -inf. */
function logAddExp(u: tf.Tensor, v: tf.Tensor): tf.Tensor {
  const m = tf.maximum(u, v);
  const finite = tf.add(m, tf.log(tf.add(tf.exp(tf.sub(u, m)), tf.exp(tf.sub(v, m)))));
  return tf.where(tf.equal(m, Number.NEGATIVE_INFINITY), m, finite);
}

/**
 * The generalised JSD `beta KL(P || M) + (1 - beta) KL(Q || M)`, `M = beta P + (1 - beta) Q`,
 * between teacher P and student Q given as log-probabilities (tf.Tensors), as the core
 * `jsDivergence`: beta = 0 is the forward KL(P || Q), beta = 1 the reverse KL(Q || P); default
 * `'batchmean'`. For logits, apply `tf.logSoftmax(logits.div(T))` first: gradients flow through.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-cpu';
 * import { jsDivergence } from 'kldiv/tfjs';
 * const q = tf.log(tf.tensor([[0.9, 0.1]]));
 * const p = tf.log(tf.tensor([[0.1, 0.9]]));
 * console.log(jsDivergence(q, p).dataSync()[0].toFixed(4)); // 0.3681
 * ```
 */
export function jsDivergence(
  studentLogProbs: tf.Tensor,
  teacherLogProbs: tf.Tensor,
  options?: JSDivergenceOptions,
): tf.Tensor {
  const fn = 'jsDivergence';
  const opts = checkOptions<JSDivergenceOptions>(options, jsdKeys(false), fn);
  const [a, b] = tensorPair(studentLogProbs, teacherLogProbs, fn, [
    'studentLogProbs',
    'teacherLogProbs',
  ]);
  const set = jsdSettings(fn, a.shape, opts);
  const { beta, divisor, dim } = set;
  const none = set.reduction === 'none';
  const shape = a.shape;

  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [ai, bi, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([ai, bi]);
    const value = tf.tidy(() => {
      let l: tf.Tensor;
      if (beta === 0) l = tf.mul(tf.exp(bi), tf.sub(bi, ai));
      else if (beta === 1) l = tf.mul(tf.exp(ai), tf.sub(ai, bi));
      else {
        const logM = logAddExp(tf.add(ai, Math.log(1 - beta)), tf.add(bi, Math.log(beta)));
        l = tf.add(
          tf.mul(tf.mul(tf.exp(bi), tf.sub(bi, logM)), beta),
          tf.mul(tf.mul(tf.exp(ai), tf.sub(ai, logM)), 1 - beta),
        );
      }
      l = masked(l, keepTensor(set, shape, dim));
      return none ? l : divide(treeSum(l), divisor);
    });
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const [as, bs] = saved;
        const keep = keepTensor(set, shape, dim);
        const g = masked(none ? dy : divide(dy, divisor), keep);
        let ga: tf.Tensor;
        let gb: tf.Tensor;
        if (beta === 0) {
          ga = tf.neg(tf.exp(bs));
          gb = tf.mul(tf.exp(bs), tf.add(tf.sub(bs, as), 1));
        } else if (beta === 1) {
          ga = tf.mul(tf.exp(as), tf.add(tf.sub(as, bs), 1));
          gb = tf.neg(tf.exp(as));
        } else {
          // the terms through log M cancel: each side keeps its own weight
          const logM = logAddExp(tf.add(as, Math.log(1 - beta)), tf.add(bs, Math.log(beta)));
          ga = tf.mul(tf.mul(tf.exp(as), tf.sub(as, logM)), 1 - beta);
          gb = tf.mul(tf.mul(tf.exp(bs), tf.sub(bs, logM)), beta);
        }
        return [masked(tf.mul(g, ga), keep), masked(tf.mul(g, gb), keep)];
      });
    return { value, gradFunc };
  });
  return f(a, b) as tf.Tensor;
}
