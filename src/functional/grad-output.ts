/**
 * The upstream gradient every backward function takes.
 *
 * @module
 */

import { ShapeError } from '../errors.js';
import type { TensorData } from '../tensor/dtype.js';
import { sameShape } from '../tensor/shape.js';
import { toTensor } from '../tensor/tensor.js';

/**
 * @internal An upstream gradient: one value per loss element when `perElement` (a given
 * `gradOutput` of a loss with dimensions), else `data[0]` serves every element (default 1).
 */
export interface UpstreamGradient {
  data: TensorData;
  perElement: boolean;
}

/** @internal Validates gradOutput against the loss shape (default: ones everywhere). */
export function upstreamGradient(
  gradOutput: unknown,
  outShape: readonly number[],
  fn: string,
): UpstreamGradient {
  if (gradOutput === undefined) return { data: Float64Array.of(1), perElement: false };
  const gt = toTensor(gradOutput, fn, 'gradOutput');
  if (!sameShape(gt.shape, outShape)) {
    throw new ShapeError(
      `${fn}: Mismatch in shape: grad_output[0] has a shape of torch.Size([${gt.shape.join(', ')}]) and output[0] has a shape of torch.Size([${outShape.join(', ')}]).`,
      {
        code: 'E_GRAD_SHAPE',
        fn,
        argument: 'gradOutput',
        received: gt.shape,
        torchType: 'RuntimeError',
      },
    );
  }
  return { data: gt.data, perElement: outShape.length > 0 };
}
