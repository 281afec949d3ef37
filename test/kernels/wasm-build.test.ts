/**
 * The committed WebAssembly artefacts (wasm/build/kldiv.wasm and the embedded base64) are what
 * wasm/kl-div.ts builds to with the pinned AssemblyScript: rebuilding changes nothing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { WASM_BASE64 } from '../../src/kernels/wasm/module.generated.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('wasm/build.mjs --check: the committed .wasm matches its source', () => {
  const out = execFileSync(process.execPath, [join(root, 'wasm', 'build.mjs'), '--check'], {
    encoding: 'utf8',
  });
  expect(out).toContain('up to date');
});

test('the embedded module is the committed .wasm file', () => {
  const file = readFileSync(join(root, 'wasm', 'build', 'kldiv.wasm'));
  expect(Buffer.from(WASM_BASE64, 'base64').equals(file)).toBe(true);
});
