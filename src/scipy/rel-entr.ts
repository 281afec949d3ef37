/**
 * `scipy.special.rel_entr` and `scipy.special.kl_div`.
 *
 * @module
 */

import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { asArray64, broadcastPair } from './arrays.js';
import { klDivPoint, relEntrPoint } from './elementwise.js';

function elementwise(
  fn: string,
  f: (x: number, y: number) => number,
  x: unknown,
  y: unknown,
): Tensor<'float64'> {
  const [a, b] = broadcastPair(asArray64(x, fn, 'x'), asArray64(y, fn, 'y'), fn, ['x', 'y']);
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f(a.data[i], b.data[i]);
  return new Tensor(out, a.shape, 'float64');
}

/**
 * `scipy.special.rel_entr(x, y)`, elementwise and broadcast: `x log(x / y)` for x, y > 0,
 * 0 for x = 0 and y >= 0, +inf otherwise (NaN propagates). Summed over a distribution it is
 * KL(x || y).
 *
 * @example
 * ```ts
 * import { relEntr } from 'kldiv/scipy';
 * console.log(relEntr([0.5, 0, 0.5], [0.25, 0.5, 0]).toString());
 * // tensor([0.3466, 0.0000,    inf], dtype=torch.float64)
 * ```
 */
export function relEntr(x: TensorLike, y: TensorLike): Tensor<'float64'> {
  return elementwise('relEntr', relEntrPoint, x, y);
}

/**
 * `scipy.special.kl_div(x, y)` (not PyTorch's `kl_div`): `x log(x / y) - x + y` for x, y > 0,
 * `y` for x = 0 and y >= 0, +inf otherwise. Non-negative for any x, y >= 0 (unnormalised).
 *
 * @example
 * ```ts
 * import { klDiv } from 'kldiv/scipy';
 * console.log(klDiv([1, 0], [2, 3]).toString()); // tensor([0.3069, 3.0000], dtype=torch.float64)
 * ```
 */
export function klDiv(x: TensorLike, y: TensorLike): Tensor<'float64'> {
  return elementwise('scipy klDiv', klDivPoint, x, y);
}
