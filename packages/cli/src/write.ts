/** Output files are written atomically: a temporary file beside the target, then a rename. */
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError } from './errors.js';
import { describeFsError } from './formats/file.js';

/** Writes `content` to `path` so that readers see the old file or the whole new one, never a part. */
export function writeAtomic(path: string, content: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was created
    }
    throw new CliError(path, `cannot write: ${describeFsError(e)}`);
  }
}
