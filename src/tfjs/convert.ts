/**
 * The adapter's boundary: what it accepts as a tensor, and the tf-op building blocks its
 * losses share (gradient reduction to a broadcast input's shape, PyTorch's xlogy).
 *
 * @module
 */

import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DTypeError, describe } from '../errors.js';

/**
 * @internal A `tf.Tensor` (returned as is) or nested number arrays (made float32); int32 and
 * bool tensors get PyTorch's integral-input error, other values a coded type error.
 */
export function asTensor(value: unknown, fn: string, argument: string): tf.Tensor {
  let t: tf.Tensor;
  if (value instanceof tf.Tensor) t = value;
  else if (typeof value === 'number' || Array.isArray(value) || value instanceof Float32Array) {
    t = tf.tensor(value as number[], undefined, 'float32');
  } else {
    throw new ArgumentError(
      `${fn}: argument '${argument}' must be a tf.Tensor or nested arrays of numbers; received ${describe(value)}.`,
      { code: 'E_INVALID_DATA', fn, argument, received: value, torchType: 'TypeError' },
    );
  }
  if (t.dtype !== 'float32') {
    throw new DTypeError(
      `${fn}: kl_div: Integral inputs not supported. Argument '${argument}' has dtype '${t.dtype}'; cast it with tf.cast(t, 'float32').`,
      { code: 'E_INTEGRAL_INPUT', fn, argument, received: t.dtype, torchType: 'RuntimeError' },
    );
  }
  return t;
}

/**
 * @internal Brings a gradient to an input's own shape: first to the broadcast shape `full`
 * (only if the scalar upstream gradient left it smaller), then summed over broadcast dims.
 */
export function sumTo(
  grad: tf.Tensor,
  full: readonly number[],
  shape: readonly number[],
): tf.Tensor {
  const g = grad.shape.join() === full.join() ? grad : tf.broadcastTo(grad, [...full]);
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const s = axes.length > 0 ? tf.sum(g, axes, true) : g;
  return tf.reshape(s, [...shape]);
}

/** @internal PyTorch's xlogy(y, y): 0 where y == 0, y log y elsewhere (NaN stays NaN). */
export function xlogySelf(y: tf.Tensor): tf.Tensor {
  // tidy: the mask and the two branches are freed at once (peak memory at 1e8 elements)
  return tf.tidy(() => tf.where(tf.equal(y, 0), tf.zerosLike(y), tf.mul(y, tf.log(y))));
}

/** @internal log(y) where y != 0, else 0: the first half of xlogy's gradient. */
export function logOrZero(y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.where(tf.equal(y, 0), tf.zerosLike(y), tf.log(y)));
}

const FAN = 256;

/**
 * @internal Sum of all elements by a 256-way tree of tf sums. tfjs backends accumulate a
 * reduction in float32 (the wasm backend sequentially), which loses ~1e-4 relative over 3e5
 * terms; summing blocks of 256 and then the block sums bounds the error by
 * levels x 255 x eps x sum|x| (levels = ceil(log256 n): 3 up to 1.6e7 elements).
 */
export function treeSum(t: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    let v = tf.reshape(t, [-1]);
    while (v.size > FAN) {
      const level = v;
      const pad = (FAN - (level.size % FAN)) % FAN;
      v = tf.tidy(() =>
        tf.sum(tf.reshape(pad > 0 ? tf.pad(level, [[0, pad]]) : level, [-1, FAN]), 1),
      );
    }
    return tf.sum(v);
  });
}

/** @internal t / d, with 0 / 0 = NaN on every backend (tfjs-wasm divides 0 by 0 to +inf). */
export function divide(t: tf.Tensor, d: number): tf.Tensor {
  return d === 0 ? tf.mul(t, Number.NaN) : tf.div(t, d);
}
