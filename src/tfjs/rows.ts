/**
 * Row masks of the logits losses as tf tensors.
 *
 * @module
 */

import * as tf from '@tensorflow/tfjs-core';
import type { Rows } from '../functional/logits-args.js';

/** @internal The keep flags as a bool tensor shaped to broadcast along `dim`, or null. */
export function keepTensor(rows: Rows, shape: readonly number[], dim: number): tf.Tensor | null {
  if (rows.keep === undefined) return null;
  const s = shape.length === 0 ? [] : shape.map((n, i) => (i === dim ? 1 : n));
  return tf.tensor(rows.keep, s, 'bool');
}

/** @internal `t` where rows are kept, 0 elsewhere. */
export function masked(t: tf.Tensor, keep: tf.Tensor | null): tf.Tensor {
  return keep === null ? t : tf.where(keep, t, tf.zerosLike(t));
}
