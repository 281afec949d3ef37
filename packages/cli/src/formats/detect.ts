/**
 * Which format a file is in: by its extension, else (stdin, an unknown extension) by its first
 * bytes: the .npy magic string, a zip signature (.npz), a plausible .safetensors header length
 * followed by `{`; for stdin, JSON when it starts with `[` or `{`, else CSV (TSV with a tab).
 */
import { extname } from 'node:path';
import { CliError } from '../errors.js';
import type { RandomAccessFile } from './file.js';
import { isNpy } from './npy.js';

/** The formats the CLI reads. */
export type FileFormat = 'npy' | 'npz' | 'safetensors' | 'json' | 'csv' | 'tsv';

const EXTENSIONS: Readonly<Record<string, FileFormat>> = {
  '.npy': 'npy',
  '.npz': 'npz',
  '.safetensors': 'safetensors',
  '.json': 'json',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
};

/**
 * True for the binary formats, which hold typed arrays and are read by offset.
 *
 * @example
 * ```ts
 * import { isBinaryFormat } from './detect.js';
 * console.log(isBinaryFormat('npz'), isBinaryFormat('csv')); // true false
 * ```
 */
export function isBinaryFormat(f: FileFormat): f is 'npy' | 'npz' | 'safetensors' {
  return f === 'npy' || f === 'npz' || f === 'safetensors';
}

/**
 * The format of `file`: by extension; stdin and unknown extensions by content (text formats
 * only for stdin: a file named `.txt` is refused rather than guessed).
 *
 * @example
 * ```ts
 * import { detectFormat } from './detect.js';
 * import { MemoryFile, openRandomAccess } from './file.js';
 * const file = openRandomAccess('test/data/cli-formats/logits.safetensors');
 * console.log(detectFormat(file)); // safetensors
 * file.close();
 * console.log(detectFormat(new MemoryFile('stdin', new TextEncoder().encode('1\t2\n')))); // tsv
 * ```
 */
export function detectFormat(file: RandomAccessFile): FileFormat {
  const ext = file.path === 'stdin' ? '' : extname(file.path).toLowerCase();
  const byName = EXTENSIONS[ext];
  if (byName !== undefined) return byName;
  const head = file.read(0, Math.min(file.size, 4096));
  if (isNpy(head)) return 'npy';
  // a local file header, or the end record of an empty archive
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)) return 'npz';
  if (head.length > 8 && head[8] === 0x7b) {
    const n = new DataView(head.buffer).getBigUint64(0, true);
    if (n >= 2n && n <= BigInt(file.size - 8)) return 'safetensors';
  }
  if (file.path === 'stdin') {
    const text = new TextDecoder().decode(head).trimStart();
    if (text.startsWith('[') || text.startsWith('{')) return 'json';
    return text.split('\n')[0].includes('\t') ? 'tsv' : 'csv';
  }
  throw new CliError(
    file.path,
    `unknown file type '${ext}' (use .npy, .npz, .safetensors, .json, .csv or .tsv)`,
  );
}
