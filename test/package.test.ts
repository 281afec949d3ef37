/**
 * The built package as a user gets it: `import ... from 'kldiv'` resolved through package.json
 * "exports" to dist/ (npm test builds first), types beside it, and a tarball with no test data.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('the published package', () => {
  test('declares ESM, exports with types and a default condition, no side effects and no runtime dependencies', () => {
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    // `default`, not `import`: require(esm) in Node >= 20.19 resolves it too (one ESM build)
    for (const [subpath, dir] of [
      ['.', ''],
      ['./scipy', 'scipy/'],
      ['./distributions', 'distributions/'],
      ['./tfjs', 'tfjs/'],
      ['./report', 'report/'],
      ['./samples', 'samples/'],
    ]) {
      expect(pkg.exports[subpath], subpath).toEqual({
        types: `./dist/${dir}index.d.ts`,
        default: `./dist/${dir}index.js`,
      });
      // moduleResolution node10 ignores exports: typesVersions maps the subpaths' types
      if (dir !== '')
        expect(pkg.typesVersions['*'][dir.slice(0, -1)]).toEqual([`./dist/${dir}index.d.ts`]);
    }
    // tfjs is an optional peer: core users install nothing
    expect(pkg.peerDependenciesMeta['@tensorflow/tfjs-core']).toEqual({ optional: true });
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  test("node imports 'kldiv/tfjs' with the user's tfjs-core and computes on tf tensors", () => {
    const script = `
      const tf = await import('@tensorflow/tfjs-core');
      await import('@tensorflow/tfjs-backend-cpu');
      const { klDiv } = await import('kldiv/tfjs');
      console.log(klDiv(tf.tensor([Math.log(0.25)]), tf.tensor([0.5]), { reduction: 'sum' }).dataSync()[0].toFixed(6));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'], // tfjs greets Node users on stderr
    });
    expect(out).toBe(`${(0.5 * Math.log(2)).toFixed(6)}\n`);
  });

  test('the core entry point does not load TensorFlow.js', () => {
    const script = `
      await import('kldiv');
      await import('kldiv/distributions');
      await import('kldiv/scipy');
      const { createRequire } = await import('node:module');
      const cache = createRequire(import.meta.url).cache;
      console.log(Object.keys(cache).filter((k) => k.includes('@tensorflow')).length);
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out).toBe('0\n');
  });

  test('dist/ holds the compiled module and its declarations', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/functional/kl-div.d.ts']) {
      expect(existsSync(join(root, f)), f).toBe(true);
    }
  });

  test("node imports 'kldiv', 'kldiv/scipy' and 'kldiv/distributions' through the exports map and computes the blog example", () => {
    const script = `
      import { klDiv, KLDivLoss, tensor } from 'kldiv';
      const input = [[-2, -6, -8], [-7, -1, -2], [-1, -9, -2.3], [-1.9, -2.8, -5.4]];
      const target = [[0.8, 0.1, 0.1], [0.1, 0.7, 0.2], [0.5, 0.2, 0.3], [0.4, 0.3, 0.3]];
      console.log(String(klDiv(input, target, { reduction: 'batchmean' })));
      console.log(String(new KLDivLoss({ reduction: 'sum' }).forward(tensor(input), target)));
      const { entropy } = await import('kldiv/scipy');
      console.log(entropy([1, 1], null, { base: 2 }).item());
      const { Normal, klDivergence } = await import('kldiv/distributions');
      console.log(klDivergence(new Normal({ loc: 0, scale: 1 }), new Normal({ loc: 1, scale: 1 })).item());
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out).toBe('tensor(1.8626)\ntensor(7.4506)\n1\n0.5\n');
  });

  test('the tarball ships dist, README, LICENSE and CHANGELOG only; the build runs at prepack', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
    });
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    expect(files).toContain('dist/index.js');
    for (const f of ['README.md', 'LICENSE', 'CHANGELOG.md']) expect(files).toContain(f);
    expect(files.filter((f) => f.includes('/') && !f.startsWith('dist/'))).toEqual([]);
    expect(pkg.scripts.prepare).toBeUndefined();
    expect(pkg.scripts.prepack).toBe('npm run build');
    for (const field of ['repository', 'homepage', 'bugs']) expect(pkg[field], field).toBeDefined();
  });
});
