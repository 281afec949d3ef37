/**
 * Constants and helpers the closed forms share, as in torch.distributions.kl.
 *
 * @module
 */

/** @internal */
export const INF = Number.POSITIVE_INFINITY;
/** @internal log(2π). */
export const LOG_2PI = Math.log(2 * Math.PI);
/** @internal NaN at 0, as PyTorch's `_x_log_x`. */
export const xLogX = (x: number) => x * Math.log(x);
