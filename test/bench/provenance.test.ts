/**
 * The provenance a benchmark run records in bench/results.json: the commit and a dirty flag,
 * compared with git's own answers, and nulls outside a checkout.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { describeProvenance, gitProvenance } from '../../bench/provenance.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });
const inCheckout = (() => {
  try {
    git('rev-parse', 'HEAD');
    return true;
  } catch {
    return false;
  }
})();

describe('gitProvenance', () => {
  test.runIf(inCheckout)('in the repository: HEAD and whether git status lists anything', () => {
    const p = gitProvenance(root);
    expect(p.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(p.commit).toBe(git('rev-parse', 'HEAD').trim());
    expect(p.dirty).toBe(git('status', '--porcelain').length > 0);
  });

  test('outside a checkout: nulls, not an exception', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kldiv-provenance-'));
    try {
      expect(gitProvenance(dir)).toEqual({ commit: null, dirty: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    [{}, 'commit not recorded (the run predates provenance)'],
    [{ commit: null, dirty: null }, 'commit unknown (not run from a git checkout)'],
    [{ commit: 'a'.repeat(40), dirty: false }, `commit ${'a'.repeat(40)}, working tree clean`],
    [{ commit: 'b'.repeat(40), dirty: true }, `commit ${'b'.repeat(40)} with uncommitted changes`],
  ])('describeProvenance(%j)', (p, text) => {
    expect(describeProvenance(p)).toBe(text);
  });
});
