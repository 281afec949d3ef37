/**
 * `klDiv` / `KLDivLoss` on tf.Tensors: PyTorch's `F.kl_div` semantics (the core's argument
 * policy, warnings and errors) computed with tf ops, so it runs on any tfjs backend, with
 * PyTorch autograd's gradients through `tf.customGrad`.
 *
 * @module
 */

import * as tf from '@tensorflow/tfjs-core';
import { checkKlDivOptions, type KLDivOptions } from '../functional/kl-div-args.js';
import { klDivDivisor, resolveKlDivReduction } from '../reduction.js';
import { broadcastShapes, numelOf } from '../tensor/shape.js';
import { asTensor, divide, logOrZero, sumTo, treeSum, xlogySelf } from './convert.js';

/**
 * `F.kl_div(input, target, reduction, log_target)` on tf.Tensors (float32): `input` holds
 * log-probabilities, `target` probabilities (or log-probabilities with `logTarget`). Same
 * options, defaults, warnings and errors as the core `klDiv`; differentiable with `tf.grad`,
 * `tf.grads`, `tf.variableGrads` and optimizers, with the gradients PyTorch autograd gives
 * (including NaN for `target == 0` in the target gradient).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-cpu';
 * import { klDiv } from 'kldiv/tfjs';
 * const input = tf.tensor([[-2, -6, -8], [-7, -1, -2], [-1, -9, -2.3], [-1.9, -2.8, -5.4]]);
 * const target = tf.tensor([[0.8, 0.1, 0.1], [0.1, 0.7, 0.2], [0.5, 0.2, 0.3], [0.4, 0.3, 0.3]]);
 * console.log(klDiv(input, target, { reduction: 'batchmean' }).dataSync()[0].toFixed(4)); // 1.8626
 * const g = tf.grad((x: tf.Tensor) => klDiv(x, target, { reduction: 'sum' }))(input);
 * console.log(g.shape); // [ 4, 3 ]
 * ```
 */
export function klDiv(input: tf.Tensor, target: tf.Tensor, options?: KLDivOptions): tf.Tensor {
  const fn = 'klDiv';
  const opts = checkKlDivOptions(options, fn);
  const x = asTensor(input, fn, 'input');
  const y = asTensor(target, fn, 'target');
  const reduction = resolveKlDivReduction(opts, fn, true);
  const shape = broadcastShapes(y.shape, x.shape, fn, ['target', 'input']);
  const logTarget = opts.logTarget ?? false;
  const divisor = klDivDivisor(reduction, numelOf(shape), x.shape);
  const reduced = reduction.base !== 'none';

  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, yi, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([xi, yi]);
    const value = tf.tidy(() => {
      const l = logTarget
        ? tf.mul(tf.exp(yi), tf.sub(yi, xi))
        : tf.sub(xlogySelf(yi), tf.mul(yi, xi));
      return reduced ? divide(treeSum(l), divisor) : l;
    });
    // Both gradients, always: tf.customGrad calls this eagerly and needs a tensor per input
    // (tfjs prunes unneeded inputs only afterwards), so the target's cannot be skipped here.
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const [xs, ys] = saved;
        // a scalar for reduced losses: elementwise ops broadcast it for free
        const s = divide(dy, divisor);
        let gx: tf.Tensor;
        let gy: tf.Tensor;
        if (logTarget) {
          const e = tf.exp(ys);
          gx = tf.neg(tf.mul(s, e));
          gy = tf.add(tf.mul(tf.mul(s, tf.sub(ys, xs)), e), tf.mul(s, e));
        } else {
          gx = tf.neg(tf.mul(s, ys));
          // d/dy [xlogy(y, y) - y x] as autograd composes it: log y (0 at y == 0) + y/y - x
          gy = tf.sub(tf.add(tf.mul(s, logOrZero(ys)), tf.div(tf.mul(s, ys), ys)), tf.mul(s, xs));
        }
        return [sumTo(gx, shape, xs.shape), sumTo(gy, shape, ys.shape)];
      });
    return { value, gradFunc };
  });
  return f(x, y) as tf.Tensor;
}

/**
 * `nn.KLDivLoss` for tf.Tensors: options fixed at construction, `forward(input, target)`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-cpu';
 * import { KLDivLoss } from 'kldiv/tfjs';
 * const loss = new KLDivLoss({ reduction: 'sum' });
 * console.log(loss.forward(tf.tensor([Math.log(0.5)]), tf.tensor([0.25])).dataSync()[0].toFixed(6)); // -0.173287
 * ```
 */
export class KLDivLoss {
  /** The options every `forward` uses. */
  readonly options: KLDivOptions;
  constructor(options: KLDivOptions = {}) {
    this.options = checkKlDivOptions(options, 'KLDivLoss');
  }
  /** The loss for `input` (log-probabilities) against `target`. */
  forward(input: tf.Tensor, target: tf.Tensor): tf.Tensor {
    return klDiv(input, target, this.options);
  }
}
