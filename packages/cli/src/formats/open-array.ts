/**
 * One array from a binary file, whatever the format: the dispatch from `detectFormat` to the
 * .npy, .npz and .safetensors readers.
 */
import type { RandomAccessFile } from './file.js';
import { openNpy } from './npy.js';
import { openNpz } from './npz.js';
import { openSafetensors } from './safetensors.js';
import type { StoredArray } from './stored-array.js';

/**
 * Opens the array `array` of `file` (`npz` and `safetensors` hold several, picked by name; a
 * `.npy` holds one, and `array` is ignored). The returned array owns `file`: closing it closes
 * the file, and so does an error.
 *
 * @example
 * ```ts
 * import { openRandomAccess } from './file.js';
 * import { openArray } from './open-array.js';
 * const array = openArray(openRandomAccess('test/data/cli-formats/logits-stored.npz'), 'npz', 'tokens');
 * console.log(array.label, array.type.descr, array.shape); // array 'tokens':  <i8 [ 2, 3 ]
 * array.close();
 * ```
 */
export function openArray(
  file: RandomAccessFile,
  format: 'npy' | 'npz' | 'safetensors',
  array?: string,
): StoredArray {
  if (format === 'npz') return openNpz(file, array);
  if (format === 'safetensors') return openSafetensors(file, array);
  return openNpy(file);
}
