/**
 * `npm run docs` (TypeDoc over the four public entry points, typedoc.json) builds the API
 * reference with no warning: typedoc.json sets `treatWarningsAsErrors`, so a broken
 * `{@link}`, an undocumented-but-referenced private type or a bad TSDoc tag fails here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

test('TypeDoc builds the API reference with warnings as errors', () => {
  const out = mkdtempSync(join(tmpdir(), 'kldiv-api-'));
  try {
    let log = '';
    try {
      log = execFileSync(
        process.execPath,
        [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out],
        { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
    } catch (e) {
      const { stdout, stderr } = e as { stdout: string; stderr: string };
      expect.fail(`typedoc failed:\n${stdout}\n${stderr}`);
    }
    expect(log, 'TypeDoc printed a warning').not.toMatch(/warning/i);
    // one page per public subpath, and no @internal member in them
    for (const sub of ['kldiv', 'kldiv_scipy', 'kldiv_distributions', 'kldiv_tfjs']) {
      expect(existsSync(join(out, 'modules', `${sub}.html`)), `${sub}.html`).toBe(true);
    }
    const klDivPage = readFileSync(join(out, 'functions', 'kldiv.klDiv.html'), 'utf8');
    expect(klDivPage).toContain('batchmean');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 90_000);
