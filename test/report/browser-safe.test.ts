/**
 * kldiv/report runs in browsers: bundled for the browser platform (where a `node:` import
 * fails to resolve), it pulls neither the WebAssembly loader nor the worker pool, and no file
 * of it names a Node module.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = join(root, 'src');

test('a browser bundle of kldiv/report: no node: module, no wasm loader, no threads', async () => {
  const result = await build({
    stdin: {
      contents: `import * as report from '${src}/report/index.js';
document.body.textContent = Object.keys(report).join();`,
      resolveDir: root,
      loader: 'ts',
      sourcefile: 'page.ts',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    platform: 'browser',
    target: 'es2022',
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs).map((p) => p.replace(/^.*?src\//, 'src/'));
  expect(inputs).toContain('src/report/logits-report.ts');
  expect(inputs).toContain('src/kernels/js/report-rows.ts');
  expect(inputs.filter((p) => /kernels\/(wasm|threads)|dispatch|runtime/.test(p))).toEqual([]);
  expect(inputs.filter((p) => p.startsWith('node:'))).toEqual([]);
  const js = result.outputFiles.map((f) => f.text).join('\n');
  expect(js).not.toMatch(/\.wasm|new Worker/);
  // 12.4 kB gzipped today, about half of it tensor()'s readers of other libraries' tensors
  expect(gzipSync(js).length).toBeLessThan(16_000);
});

test('no file of src/report imports a Node module', () => {
  const files = [
    ...readdirSync(join(src, 'report')).map((f) => join(src, 'report', f)),
    join(src, 'kernels', 'js', 'report-rows.ts'),
  ];
  expect(files.length).toBeGreaterThanOrEqual(7);
  for (const f of files) {
    expect(readFileSync(f, 'utf8'), f).not.toMatch(/from ['"](node:|fs|path|buffer|util)/);
  }
});
