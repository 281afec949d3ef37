/**
 * The committed WebAssembly artefacts (src/kernels/wasm/kldiv.wasm and kldiv-shared.wasm, which
 * the loader reads or fetches, wasm/build/kldiv.wat and module.generated.ts) are what
 * wasm/*.ts builds to with the pinned AssemblyScript: rebuilding changes nothing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { sharedWasm, wasmScratch } from '../../src/kernels/wasm/instance.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const wasmDir = join(root, 'src', 'kernels', 'wasm');

test('wasm/build.mjs --check: every committed artefact matches its source', () => {
  const out = execFileSync(process.execPath, [join(root, 'wasm', 'build.mjs'), '--check'], {
    encoding: 'utf8',
  });
  expect(out).toContain('up to date');
});

test('the committed .wat does not depend on where the repository was built', () => {
  const wat = readFileSync(join(root, 'wasm', 'build', 'kldiv.wat'), 'utf8');
  // function names are module paths relative to the build folder, e.g. $wasm/sum/klSum<f32>
  expect(wat).toContain('$wasm/sum/klSum<f32>');
  for (const absolute of [root, tmpdir(), '/home/', 'C:\\']) {
    expect(wat.includes(absolute), `kldiv.wat mentions ${absolute}`).toBe(false);
  }
});

test('AssemblyScript is pinned to an exact version (the artefacts are its output)', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  expect(pkg.devDependencies.assemblyscript).toMatch(/^\d+\.\d+\.\d+$/);
});

test('Node loads both builds synchronously from the files beside the loader', () => {
  const names = (m: WebAssembly.Module) => WebAssembly.Module.exports(m).map((e) => e.name);
  const own = new WebAssembly.Module(readFileSync(join(wasmDir, 'kldiv.wasm')));
  const sharedFile = new WebAssembly.Module(readFileSync(join(wasmDir, 'kldiv-shared.wasm')));
  expect(Object.keys(wasmScratch()?.exports ?? {})).toEqual(names(own));
  const shared = sharedWasm();
  expect(shared?.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  expect(names(shared!.module)).toEqual(names(sharedFile));
  // the same kernels; the shared build imports its memory (and exports it again)
  expect(names(sharedFile)).toEqual(names(own));
  expect(WebAssembly.Module.imports(own)).toEqual([]);
  expect(WebAssembly.Module.imports(sharedFile)).toEqual([
    { module: 'env', name: 'memory', kind: 'memory' },
  ]);
});
