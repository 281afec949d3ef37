/**
 * The built package through the bundlers users have: one small app (initWasm, then klDiv on
 * the WebAssembly backend) bundled with esbuild, webpack 5 and Vite for the browser and run in
 * headless Chromium, and bundled with esbuild for Node and run there. webpack and Vite ship
 * kldiv.wasm themselves (they understand `new URL('./kldiv.wasm', import.meta.url)`); esbuild
 * leaves that URL as it is, so its users copy the .wasm files beside the bundle, as this test
 * does and the README describes.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { browserAvailable, launchChromium, serveStatic } from '../helpers/browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(root, 'dist');
const wasmFiles = ['kldiv.wasm', 'kldiv-shared.wasm'];

// no top-level await: every bundler's default settings accept this
const app = (
  report: string,
) => `import { getBackend, initWasm, klDiv, setBackend } from '${dist}/index.js';
initWasm().then((ok) => {
  const out = { initWasm: ok };
  try {
    setBackend('wasm');
    out.backend = getBackend();
    out.loss = klDiv([[-1.2, -0.4], [-2, -0.1]], [[0.3, 0.7], [0.1, 0.9]], { reduction: 'batchmean' }).toString();
    const n = 100000;
    out.bigSum = klDiv(new Float32Array(n).fill(-1.5), new Float32Array(n).fill(0.25), { reduction: 'sum' }).item();
  } catch (e) {
    out.error = String(e?.stack ?? e);
  }
  ${report}
});
`;
const browserReport = `document.getElementById('out').textContent = JSON.stringify(out);
  document.title = 'done';`;
const html = (script: string) =>
  `<!doctype html><html lang="en"><body><pre id="out">running</pre><script type="module" src="${script}"></script></body></html>`;

// torch: F.kl_div(torch.tensor([[-1.2,-0.4],[-2,-0.1]]), torch.tensor([[0.3,0.7],[0.1,0.9]]), reduction='batchmean')
const LOSS = 'tensor(-0.0030)';
// 1e5 * (0.25 ln 0.25 + 0.25 * 1.5), computed in float32 lanes
const BIG_SUM = 1e5 * (0.25 * Math.log(0.25) + 0.375);

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `kldiv-${name}-`));
  made.push(dir);
  return dir;
}

async function bundleEsbuild(): Promise<string> {
  const dir = tempDir('esbuild');
  writeFileSync(join(dir, 'app.js'), app(browserReport));
  await esbuild({
    entryPoints: [join(dir, 'app.js')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    outfile: join(dir, 'out', 'app.js'),
    logLevel: 'silent',
  });
  for (const f of wasmFiles) copyFileSync(join(dist, 'kernels', 'wasm', f), join(dir, 'out', f));
  writeFileSync(join(dir, 'out', 'index.html'), html('./app.js'));
  return join(dir, 'out');
}

async function bundleWebpack(): Promise<string> {
  const dir = tempDir('webpack');
  writeFileSync(join(dir, 'app.js'), app(browserReport));
  const { default: webpack } = await import('webpack');
  const stats = await new Promise<import('webpack').Stats>((resolve, reject) => {
    webpack(
      {
        mode: 'production',
        target: 'web',
        entry: join(dir, 'app.js'),
        output: { path: join(dir, 'out'), filename: 'app.js' },
        infrastructureLogging: { level: 'error' },
      },
      (err, result) => (err || !result ? reject(err) : resolve(result)),
    );
  });
  expect(stats.hasErrors(), stats.toString('errors-only')).toBe(false);
  writeFileSync(join(dir, 'out', 'index.html'), html('./app.js'));
  return join(dir, 'out');
}

async function bundleVite(): Promise<string> {
  const dir = tempDir('vite');
  writeFileSync(join(dir, 'app.js'), app(browserReport));
  writeFileSync(join(dir, 'index.html'), html('./app.js'));
  const { build } = await import('vite');
  await build({
    root: dir,
    configFile: false,
    base: './',
    logLevel: 'silent',
    build: { outDir: join(dir, 'out'), target: 'es2022', emptyOutDir: true },
  });
  return join(dir, 'out');
}

/** Every file below `dir`, recursively, as relative paths. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

const bundlers = { esbuild: bundleEsbuild, webpack: bundleWebpack, vite: bundleVite };
const outDirs: Record<string, string> = {};

describe.skipIf(!browserAvailable)('browser bundles run kldiv on the WebAssembly backend', () => {
  beforeAll(async () => {
    for (const [name, bundle] of Object.entries(bundlers)) outDirs[name] = await bundle();
  }, 180_000);

  const servers: { close(): void }[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
  });

  test.each(Object.keys(bundlers))(
    '%s',
    async (name) => {
      const out = outDirs[name];
      // the bundle ships kldiv.wasm (webpack and Vite under a hashed name, esbuild by copying)
      expect(listFiles(out).some((f) => f.endsWith('.wasm'))).toBe(true);
      const { url, server } = await serveStatic(out, join(out, 'index.html'));
      servers.push(server);
      const browser = await launchChromium(['--disable-gpu', '--disable-quic']);
      try {
        const page = await browser.newPage();
        await page.goto(url);
        await page.waitForFunction(() => document.title === 'done', null, { timeout: 30_000 });
        const res = JSON.parse((await page.textContent('#out')) ?? '{}');
        expect(res.error, `${name}: ${res.error}`).toBeUndefined();
        expect(res.initWasm).toBe(true);
        expect(res.backend).toBe('wasm');
        expect(res.loss).toBe(LOSS);
        expect(res.bigSum).toBeCloseTo(BIG_SUM, 1);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});

test('an esbuild bundle for Node runs on the WebAssembly backend, threads included', async () => {
  const dir = tempDir('esbuild-node');
  writeFileSync(
    join(dir, 'app.mjs'),
    `import { getBackend, klDiv, setBackend, setNumThreads, wasmArray } from '${dist}/index.js';
import { threadStats } from '${dist}/kernels/threads/pool.js';
const out = {};
try {
  setBackend('wasm');
  out.backend = getBackend();
  out.loss = klDiv([[-1.2, -0.4], [-2, -0.1]], [[0.3, 0.7], [0.1, 0.9]], { reduction: 'batchmean' }).toString();
  setNumThreads(2);
  const n = 1 << 20;
  out.bigSum = klDiv(new Float32Array(n).fill(-1.5), new Float32Array(n).fill(0.25), { reduction: 'sum' }).item();
  out.workerChunks = threadStats.workerChunks;
  out.sharedMemory = wasmArray(4).buffer instanceof SharedArrayBuffer;
} catch (e) {
  out.error = String(e?.message ?? e);
}
console.log(JSON.stringify(out));
`,
  );
  await esbuild({
    entryPoints: [join(dir, 'app.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: join(dir, 'out', 'app.mjs'),
    logLevel: 'silent',
  });
  const run = () =>
    JSON.parse(execFileSync(process.execPath, [join(dir, 'out', 'app.mjs')], { encoding: 'utf8' }));
  // without the .wasm files beside it, the bundle has only the JS kernels, and says why
  const bare = run();
  expect(bare.error).toMatch(/could not read .*kldiv\.wasm/);
  for (const f of wasmFiles) copyFileSync(join(dist, 'kernels', 'wasm', f), join(dir, 'out', f));
  const res = run();
  expect(res.error).toBeUndefined();
  expect(res.backend).toBe('wasm');
  expect(res.loss).toBe(LOSS);
  // 2^20 * (0.25 ln 0.25 + 0.25 * 1.5), computed in float32 lanes
  expect(res.bigSum).toBeCloseTo(2 ** 20 * (0.25 * Math.log(0.25) + 0.375), 0);
  // on 2 threads: the shared-memory build was found beside the bundle and a worker computed
  expect(res.sharedMemory).toBe(true);
  expect(res.workerChunks).toBeGreaterThan(0);
}, 60_000);
