/**
 * The packages as a new user gets them: `npm pack` of the core and of the CLI, both tarballs
 * installed into a fresh project (the CLI's other dependencies from the registry, the npm cache
 * first), and there: the `kldiv` bin, every subpath imported from ESM and required from
 * CommonJS, a TypeScript consumer under node16, bundler and node10 resolution with and without
 * DOM types and skipLibCheck, publint and are-the-types-wrong on the tarballs.
 *
 * `npm test` builds first; the tarballs are packed with --ignore-scripts so the test packs that
 * build instead of rebuilding (prepack builds when publishing).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeNpy } from './helpers/npy.js';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const work = mkdtempSync(join(tmpdir(), 'kldiv-pack-'));
const project = join(work, 'project');
const SUBPATHS = [
  'kldiv',
  'kldiv/scipy',
  'kldiv/distributions',
  'kldiv/tfjs',
  'kldiv/report',
  'kldiv/samples',
];
// require(esm) without a flag: Node 20.19+ and 22.12+
const [major, minor] = process.versions.node.split('.').map(Number);
const requireEsm = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}
const packed: Record<'core' | 'cli', Packed> = {} as never;
/** The version the repository itself uses, so the temporary project installs from the cache. */
const devVersion = (name: string) =>
  JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

function pack(dir: string): Packed {
  const out = execFileSync(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', work],
    { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return JSON.parse(out)[0];
}

/** Runs a command in the temporary project; on failure the error carries stdout and stderr. */
async function inProject(file: string, args: string[], cwd = project) {
  try {
    return await run(file, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

beforeAll(async () => {
  for (const f of ['dist/index.js', 'packages/cli/dist/cli.js']) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run npm run build first`);
  }
  packed.core = pack(root);
  packed.cli = pack(join(root, 'packages', 'cli'));
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  // kldiv-cli's `kldiv: ^0.1.0` is met by the core tarball installed beside it
  await inProject('npm', [
    'install',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    '--loglevel=error',
    join(work, packed.core.filename),
    join(work, packed.cli.filename),
    `@tensorflow/tfjs-core@${devVersion('@tensorflow/tfjs-core')}`,
    `@tensorflow/tfjs-backend-cpu@${devVersion('@tensorflow/tfjs-backend-cpu')}`,
    `@types/node@${devVersion('@types/node')}`,
  ]);
}, 180_000);

afterAll(() => {
  // sizes for the release notes
  for (const p of Object.values(packed)) {
    console.log(
      `${p.filename}: ${p.size} B packed, ${p.unpackedSize} B unpacked, ${p.files.length} files`,
    );
  }
  rmSync(work, { recursive: true, force: true });
});

describe('the tarballs', () => {
  test('carry the build, README, LICENSE and CHANGELOG, and nothing of the repository besides', () => {
    const core = packed.core.files.map((f) => f.path);
    for (const f of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/index.js']) {
      expect(core, f).toContain(f);
    }
    const stray = core.filter(
      (f) => !/^(dist\/|package\.json$|README\.md$|LICENSE$|CHANGELOG\.md$)/.test(f),
    );
    expect(stray, 'files outside dist/').toEqual([]);
    expect(
      core.filter((f) => f.endsWith('.map')),
      'source maps point at src/, which is not shipped',
    ).toEqual([]);
    // stripInternal: no internal member in the published declarations
    const dir = join(project, 'node_modules', 'kldiv');
    const internal = core.filter(
      (f) => f.endsWith('.d.ts') && readFileSync(join(dir, f), 'utf8').includes('@internal'),
    );
    expect(internal, 'declarations with @internal members').toEqual([]);
    const cli = packed.cli.files.map((f) => f.path);
    expect(cli).toContain('dist/cli.js');
    expect(cli).toContain('LICENSE');
    expect(cli).toContain('README.md');
    expect(cli.filter((f) => !/^(dist\/|package\.json$|LICENSE$|README\.md$)/.test(f))).toEqual([]);
  });

  test('the WebAssembly modules are shipped once each', () => {
    // a module is shipped as a .wasm file or embedded as a long base64 string (raw or deflated);
    // kldiv has two modules (own memory, shared memory), so at most two such copies in all
    const dir = join(project, 'node_modules', 'kldiv');
    const copies: string[] = [];
    for (const { path } of packed.core.files) {
      if (path.endsWith('.wasm')) copies.push(path);
      else if (/\.[cm]?(js|ts)$/.test(path)) {
        const runs = readFileSync(join(dir, path), 'utf8').match(/[A-Za-z0-9+/]{2000,}={0,2}/g);
        for (const _ of runs ?? []) copies.push(path);
      }
    }
    expect(copies.length, `copies: ${copies.join(', ')}`).toBeGreaterThan(0);
    expect(copies.length, `copies: ${copies.join(', ')}`).toBeLessThanOrEqual(2);
  });

  test('the CLI depends on the core by version range, not a file link', () => {
    const pkg = JSON.parse(
      readFileSync(join(project, 'node_modules', 'kldiv-cli', 'package.json'), 'utf8'),
    );
    expect(pkg.dependencies.kldiv).toBe('^0.1.0');
    expect(existsSync(join(project, 'node_modules', 'kldiv-cli', 'node_modules', 'kldiv'))).toBe(
      false,
    );
  });

  test('publint finds nothing to report (strict) in either tarball', async () => {
    for (const p of [packed.core, packed.cli]) {
      const { stdout } = await inProject(bin('publint'), ['--strict', join(work, p.filename)]);
      expect(stdout, p.filename).toContain('All good!');
    }
  });

  test('are-the-types-wrong passes for every entry point (.attw.json: require(esm) is intended)', async () => {
    // .attw.json in the repository root ignores cjs-resolves-to-esm only: attw's TypeScript
    // (5.6) predates require(esm), which Node >= 20.19 does and `module: nodenext` types allow
    // (TypeScript >= 5.8, checked below). It skips the two .wasm exports, which are files, not
    // modules.
    const { stdout } = await inProject(
      bin('attw'),
      [join(work, packed.core.filename), '--format', 'json'],
      root,
    );
    const result = JSON.parse(stdout);
    const problems = (result.analysis?.problems ?? []).filter(
      (p: { kind: string }) => p.kind !== 'CJSResolvesToESM',
    );
    expect(problems).toEqual([]);
    const entries = Object.keys(result.analysis.entrypoints);
    expect(entries.sort()).toEqual([
      '.',
      './distributions',
      './package.json',
      './report',
      './samples',
      './scipy',
      './tfjs',
    ]);
  });
});

describe('installed from the tarballs', () => {
  test('`npx kldiv --help` lists the commands', async () => {
    const { stdout } = await inProject('npx', ['--no-install', 'kldiv', '--help']);
    for (const c of ['loss', 'dist', 'logits']) expect(stdout).toContain(c);
  });

  test('`kldiv logits` reports the KL of two small .npy files', async () => {
    // 2 tokens x 2 vocab: softmax(base) = [1/2, 1/2], softmax(compare) = [1/4, 3/4] (row 0)
    // and the same rows swapped (row 1), so each token's KL is the closed form below
    const base = new Float32Array([0, 0, 0, 0]);
    const compare = new Float32Array([0, Math.log(3), Math.log(3), 0]);
    writeNpy(join(project, 'base.npy'), base, [2, 2]);
    writeNpy(join(project, 'compare.npy'), compare, [2, 2]);
    const { stdout } = await inProject('npx', [
      '--no-install',
      'kldiv',
      'logits',
      'base.npy',
      'compare.npy',
      '--json',
    ]);
    const report = JSON.parse(stdout);
    const kl = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
    expect(report.tokens).toBe(2);
    expect(report.vocab).toBe(2);
    expect(Math.abs(report.mean - kl), `mean ${report.mean} against ${kl}`).toBeLessThan(1e-6);
  });

  const script = (load: (s: string) => string) => `
    ${SUBPATHS.map((s, i) => `const m${i} = ${load(s)};`).join('\n')}
    const tf = ${load('@tensorflow/tfjs-core')};
    ${load('@tensorflow/tfjs-backend-cpu')};
    const out = [
      m0.klDiv([[Math.log(0.25), Math.log(0.75)]], [[0.5, 0.5]], { reduction: 'batchmean' }).item(),
      m1.entropy([0.5, 0.5], [0.25, 0.75]).item(),
      m2.klDivergence(new m2.Normal({ loc: 0, scale: 1 }), new m2.Normal({ loc: 1, scale: 1 })).item(),
      m3.klDiv(tf.tensor([[Math.log(0.25), Math.log(0.75)]]), tf.tensor([[0.5, 0.5]]), { reduction: 'batchmean' }).dataSync()[0],
    ];
    console.log(JSON.stringify(out.map((v) => Number(v.toFixed(5)))));
  `;
  // KL([1/2, 1/2] || [1/4, 3/4]) three ways, and KL(N(0, 1) || N(1, 1)) = 1/2
  const kl = Number((0.5 * Math.log(2) + 0.5 * Math.log(2 / 3)).toFixed(5));
  const expected = `${JSON.stringify([kl, kl, 0.5, kl])}\n`;

  test('every subpath imports from ESM and computes', async () => {
    writeFileSync(
      join(project, 'esm.mjs'),
      script((s) => `await import('${s}')`),
    );
    const { stdout } = await inProject(process.execPath, ['esm.mjs']);
    expect(stdout).toBe(expected);
  });

  test("the .wasm files resolve as 'kldiv/kldiv.wasm' and 'kldiv/kldiv-shared.wasm' (for bundler setups that copy them)", async () => {
    const code = `
      import { readFileSync } from 'node:fs';
      for (const s of ['kldiv/kldiv.wasm', 'kldiv/kldiv-shared.wasm']) {
        const bytes = readFileSync(new URL(import.meta.resolve(s)));
        console.log(s, WebAssembly.validate(bytes));
      }`;
    writeFileSync(join(project, 'wasm.mjs'), code);
    const { stdout } = await inProject(process.execPath, ['wasm.mjs']);
    expect(stdout).toBe('kldiv/kldiv.wasm true\nkldiv/kldiv-shared.wasm true\n');
  });

  test.skipIf(!requireEsm)('every subpath is required from CommonJS (require(esm))', async () => {
    writeFileSync(
      join(project, 'cjs.cjs'),
      script((s) => `require('${s}')`),
    );
    const { stdout, stderr } = await inProject(process.execPath, ['cjs.cjs']);
    expect(stdout).toBe(expected);
    expect(stderr).not.toContain('ERR_REQUIRE');
    const version = execFileSync(
      process.execPath,
      ['-p', "require('kldiv/package.json').version"],
      { cwd: project, encoding: 'utf8' },
    );
    expect(version.trim()).toBe(
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
    );
  });

  test('a TypeScript consumer type-checks under node16, bundler and node10 resolution, with and without DOM and skipLibCheck, and from CommonJS under nodenext', async () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { klDiv, klDivWithLogits, tensor, type Tensor, KLDivLoss, setBackend } from 'kldiv';
import { entropy, jensenShannon } from 'kldiv/scipy';
import { Normal, klDivergence } from 'kldiv/distributions';
import { klDiv as tfKlDiv } from 'kldiv/tfjs';
import * as tf from '@tensorflow/tfjs-core';

const f64: Tensor<'float64'> = tensor(new Float64Array([0.25, 0.75]));
const f32: Tensor<'float32'> = tensor([[Math.log(0.25), Math.log(0.75)]]);
const i32: Tensor<'int32'> = tensor(new Int32Array([1, 2]));
const cast: Tensor<'float64'> = tensor([1, 2], { dtype: 'float64' });
const loss: Tensor = klDiv(f32, [[0.5, 0.5]], { reduction: 'batchmean' });
const fromLogits: Tensor = klDivWithLogits([[1, 2]], [[2, 1]], { reduction: 'batchmean' });
const lossModule = new KLDivLoss({ reduction: 'sum' });
setBackend('js');
const h: number = entropy([0.5, 0.5]).item();
const js: number = jensenShannon([0.5, 0.5], [0.25, 0.75]).item();
const normal = klDivergence(new Normal({ loc: 0, scale: 1 }), new Normal({ loc: 1, scale: 1 }));
const viaTf: tf.Tensor = tfKlDiv(tf.tensor([Math.log(0.5)]), tf.tensor([0.5]), { reduction: 'sum' });
// @ts-expect-error a float64 tensor is not a float32 one
const wrong: Tensor<'float32'> = f64;
export { f64, i32, cast, loss, fromLogits, lossModule, h, js, normal, viaTf, wrong };
`,
    );
    const resolutions = {
      node16: { module: 'node16', moduleResolution: 'node16' },
      bundler: { module: 'esnext', moduleResolution: 'bundler' },
      node10: { module: 'esnext', moduleResolution: 'node10' },
    };
    const configs: { name: string; options: Record<string, unknown> }[] = [];
    for (const [resolution, base] of Object.entries(resolutions)) {
      for (const dom of [true, false]) {
        for (const skipLibCheck of [true, false]) {
          const name = `tsconfig.${resolution}.${dom ? 'dom' : 'nodom'}.${skipLibCheck ? 'skip' : 'check'}.json`;
          const options = {
            ...base,
            target: 'es2022',
            strict: true,
            noEmit: true,
            skipLibCheck,
            // with DOM: a browser project; without: no DOM and no ambient types at all (an engine-
            // agnostic project), but Node's types under node16 (a Node-only project)
            lib: dom ? ['es2022', 'dom'] : ['es2022'],
            types: !dom && resolution === 'node16' ? ['node'] : [],
          };
          writeFileSync(
            join(project, name),
            JSON.stringify({ compilerOptions: options, files: ['consumer.ts'] }),
          );
          configs.push({ name, options });
        }
      }
    }
    // a CommonJS TypeScript file requiring the ES module: `module: nodenext` (TypeScript >= 5.8)
    // models require(esm); `node16` models Node 16 and refuses it (TS1471), as attw warns
    writeFileSync(
      join(project, 'consumer.cts'),
      `import kldiv = require('kldiv');
import scipy = require('kldiv/scipy');
const t: kldiv.Tensor<'float64'> = kldiv.tensor(new Float64Array([0.5, 0.5]));
export const h: number = scipy.entropy(t).item();
`,
    );
    const cjs = { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022' };
    const cjsOptions = { ...cjs, strict: true, noEmit: true, skipLibCheck: true, types: [] };
    writeFileSync(
      join(project, 'tsconfig.nodenext.cjs.json'),
      JSON.stringify({ compilerOptions: cjsOptions, files: ['consumer.cts'] }),
    );
    configs.push({ name: 'tsconfig.nodenext.cjs.json', options: cjsOptions });
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const results = new Map<string, string[]>();
    // two at a time: the machine's cores
    const queue = [...configs];
    await Promise.all(
      [0, 1].map(async () => {
        for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
          const name = c.name;
          const out = await run(process.execPath, [tsc, '-p', name, '--pretty', 'false'], {
            cwd: project,
            encoding: 'utf8',
          }).then(
            (r) => r.stdout,
            (e: { stdout?: string }) => e.stdout ?? String(e),
          );
          results.set(
            name,
            out.split('\n').filter((l) => l.includes('error TS')),
          );
        }
      }),
    );
    const failures: string[] = [];
    for (const { name } of configs) {
      const errors = results.get(name) ?? [];
      // TensorFlow.js's own declarations fail a strict lib check (DOM names, `Long`): not ours
      const ours = errors.filter(
        (l) => !l.startsWith('node_modules/@tensorflow/') && !l.startsWith('node_modules/@webgpu/'),
      );
      if (ours.length > 0) failures.push(`${name}:\n  ${ours.join('\n  ')}`);
    }
    expect(failures.join('\n'), 'type errors in kldiv or the consumer').toBe('');
  }, 120_000);
});
