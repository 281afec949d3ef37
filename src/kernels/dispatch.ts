/**
 * The kernel table the public functions call. Every backend implements the same strided
 * signatures, so functional code never knows which one ran; a WebAssembly backend registers
 * itself here beside the JavaScript one.
 *
 * @module
 */

import { klBackward, klPointwise, klSum } from './js/kl-div.js';

/** The KL kernels a backend provides (signatures of `kernels/js/kl-div.ts`). */
export interface KLKernels {
  readonly name: string;
  readonly klPointwise: typeof klPointwise;
  readonly klSum: typeof klSum;
  readonly klBackward: typeof klBackward;
}

/** The pure-JavaScript backend: always available. */
export const jsKernels: KLKernels = { name: 'js', klPointwise, klSum, klBackward };

/** @internal The backend in use. */
export function kernels(): KLKernels {
  return jsKernels;
}
