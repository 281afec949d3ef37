/**
 * The upstream gradient every backward function takes.
 *
 * @module
 */

import { ShapeError } from '../errors.js';
import type { TensorData } from '../tensor/dtype.js';
import { sameShape } from '../tensor/shape.js';
import { toTensor } from '../tensor/tensor.js';

/** @internal Validates gradOutput against the loss shape; returns its data (default: one 1). */
export function upstreamGradient(
  gradOutput: unknown,
  outShape: readonly number[],
  fn: string,
): TensorData {
  if (gradOutput === undefined) return Float64Array.of(1);
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
  return gt.data;
}
