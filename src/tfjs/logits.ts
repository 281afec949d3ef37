/**
 * `klDivWithLogits` on tf.Tensors: the distillation loss
 * `F.kl_div(F.log_softmax(s/T, dim), F.softmax(t/T, dim), reduction) * T*T` with the core's
 * options (temperature, dim, reduction, mask), in tf ops, with PyTorch autograd's gradients
 * for both logits.
 *
 * @module
 */

import * as tf from '@tensorflow/tfjs-core';
import { formatShape, ShapeError } from '../errors.js';
import {
  KL_DIV_WITH_LOGITS_OPTION_KEYS,
  type KLDivWithLogitsOptions,
} from '../functional/kl-div-with-logits.js';
import { logitsSettings } from '../functional/logits-args.js';
import { checkOptions } from '../options.js';
import { asTensor, divide, logOrZero, treeSum, xlogySelf } from './convert.js';
import { keepTensor, masked } from './rows.js';

/** @internal Two same-shape float32 tf tensors, or PyTorch's shape error. */
export function tensorPair(
  a: unknown,
  b: unknown,
  fn: string,
  names: readonly [string, string],
): [tf.Tensor, tf.Tensor] {
  const x = asTensor(a, fn, names[0]);
  const y = asTensor(b, fn, names[1]);
  if (x.shape.join() !== y.shape.join()) {
    throw new ShapeError(
      `${fn}: arguments '${names[0]}' and '${names[1]}' must have the same shape; received ${formatShape(x.shape)} and ${formatShape(y.shape)}.`,
      {
        code: 'E_SHAPE_MISMATCH',
        fn,
        argument: names[1],
        received: y.shape,
        torchType: 'RuntimeError',
      },
    );
  }
  return [x, y];
}

/**
 * Knowledge-distillation loss from logits on tf.Tensors, equal to PyTorch's
 * `F.kl_div(F.log_softmax(s / T, dim), F.softmax(t / T, dim), reduction) * T * T` (default
 * `'batchmean'`), with an optional row `mask`. Differentiable in both arguments; a frozen
 * teacher simply is not a variable.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-cpu';
 * import { klDivWithLogits } from 'kldiv/tfjs';
 * const student = tf.tensor([[0, 0]]);
 * const teacher = tf.tensor([[0, Math.log(3)]]);
 * const g = tf.grad((s: tf.Tensor) => klDivWithLogits(s, teacher, { reduction: 'sum' }))(student);
 * console.log(Array.from(g.dataSync())); // [ 0.25, -0.25 ]
 * ```
 */
export function klDivWithLogits(
  studentLogits: tf.Tensor,
  teacherLogits: tf.Tensor,
  options?: KLDivWithLogitsOptions,
): tf.Tensor {
  const fn = 'klDivWithLogits';
  const opts = checkOptions<KLDivWithLogitsOptions>(options, KL_DIV_WITH_LOGITS_OPTION_KEYS, fn);
  const [s, t] = tensorPair(studentLogits, teacherLogits, fn, ['studentLogits', 'teacherLogits']);
  const set = logitsSettings(fn, s.shape, opts, true);
  const { dim, k, tt, divisor } = set;
  const none = set.reduction === 'none';
  const shape = s.shape;

  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [si, ti, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [ls, pt] = tf.tidy(() => {
      const zs = tf.mul(si, k);
      const zt = tf.mul(ti, k);
      return [
        tf.sub(zs, tf.logSumExp(zs, dim, true)),
        tf.exp(tf.sub(zt, tf.logSumExp(zt, dim, true))),
      ];
    });
    save([ls, pt]);
    const value = tf.tidy(() => {
      const keep = keepTensor(set, shape, dim);
      const l = masked(tf.sub(xlogySelf(pt), tf.mul(pt, ls)), keep);
      return none ? tf.mul(l, tt) : divide(tf.mul(treeSum(l), tt), divisor);
    });
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const [lsS, ptS] = saved;
        const keep = keepTensor(set, shape, dim);
        const g = masked(none ? tf.mul(dy, tt) : divide(tf.mul(dy, tt), divisor), keep);
        // student: log_softmax backward of dL/d ls = -pt g
        const pg = tf.mul(ptS, g);
        const gs = tf.mul(tf.sub(tf.mul(tf.exp(lsS), tf.sum(pg, dim, true)), pg), k);
        // teacher: xlogy(pt, pt) backward (NaN where pt underflowed to 0), then softmax's
        const dpt = tf.mul(g, tf.sub(tf.add(logOrZero(ptS), tf.div(ptS, ptS)), lsS));
        const gt = tf.mul(tf.mul(ptS, tf.sub(dpt, tf.sum(tf.mul(ptS, dpt), dim, true))), k);
        return [masked(gs, keep), masked(gt, keep)];
      });
    return { value, gradFunc };
  });
  return f(s, t) as tf.Tensor;
}
