/**
 * `npm start` (the `kldiv` CLI with no arguments, packages/cli/src/blog-example.ts) prints, line for line, what PyTorch printed for the
 * document's script: the expected reprs are the seed-example cases of torch-kl-div.json.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { loadFixture } from './helpers/fixtures.js';
import type { KlDivCase } from './helpers/runners.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const repr = (name: string) =>
  loadFixture<KlDivCase>('torch-kl-div.json').cases.find((c) => c.name === name)!.repr!;

test('the blog example prints exactly what PyTorch printed', () => {
  const out = execFileSync(process.execPath, [join(root, 'packages', 'cli', 'dist', 'cli.js')], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const expected = [
    `default loss: ${repr('seed-example-default')}`,
    // the document validates the default by computing the formula by hand: same value
    `validate loss: ${repr('seed-example-mean')}`,
    `batchmean loss: ${repr('seed-example-batchmean')}`,
    `mean loss: ${repr('seed-example-mean')}`,
    `none loss: ${repr('seed-example-none')}`,
  ].join('\n');
  expect(out).toBe(`${expected}\n`);
});
