/**
 * NumPy's .npz: a zip archive of .npy files, one per array, named `<name>.npy`. `np.savez`
 * stores them, `np.savez_compressed` deflates them; either way one array is read from the
 * archive without loading the rest (stored: by offset; deflated: inflated as a stream).
 */
import type { RandomAccessFile } from './file.js';
import { npyArray } from './npy.js';
import { pickArray, type StoredArray } from './stored-array.js';
import { readZipDirectory, zipEntryBytes } from './zip.js';

/**
 * Opens the array `array` of an .npz archive (the name `np.load(path)[array]` takes, without
 * `.npy`), or its only array when `array` is undefined.
 *
 * @example
 * ```ts
 * import { openRandomAccess } from './file.js';
 * import { openNpz } from './npz.js';
 * const array = openNpz(openRandomAccess('test/data/cli-formats/logits-compressed.npz'), 'logits3');
 * console.log(array.name, array.type.dtype, array.shape); // logits3 float16 [ 2, 3, 7 ]
 * array.close();
 * ```
 */
export function openNpz(file: RandomAccessFile, array?: string): StoredArray {
  try {
    const entries = readZipDirectory(file).filter((e) => e.name.endsWith('.npy'));
    const names = entries.map((e) => e.name.slice(0, -'.npy'.length));
    const name = pickArray(names, array, file.path);
    const label = `array '${name}': `;
    const bytes = zipEntryBytes(file, entries[names.indexOf(name)], label);
    return npyArray(bytes, file.path, name, 'entry', () => file.close());
  } catch (e) {
    file.close();
    throw e;
  }
}
