/**
 * kldiv/tfjs on TensorFlow.js's WebGL backend: a page (test/browser/tfjs-page, built with
 * Vite) runs the loss and `tf.grad` in headless Chromium, where WebGL is software-rendered.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const chromium = '/usr/bin/chromium';
const available = existsSync(chromium);
const out = mkdtempSync(join(tmpdir(), 'kldiv-tfjs-page-'));
let server: Server;
let url = '';

beforeAll(async () => {
  const { build } = await import('vite');
  await build({
    configFile: join(root, 'test', 'browser', 'tfjs-page', 'vite.config.ts'),
    build: { outDir: out, emptyOutDir: true },
    logLevel: 'silent',
  });
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const file = normalize(join(out, path === '/' ? 'index.html' : path));
    if (!file.startsWith(out) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const type = extname(file) === '.js' ? 'text/javascript' : 'text/html';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}, 120_000);

afterAll(() => {
  server?.close();
});

test.skipIf(!available && !process.env.CI)(
  'klDiv and klDivWithLogits with tf.grad on the WebGL backend',
  async () => {
    const { chromium: browserType } = await import('playwright-core');
    const browser = await browserType.launch({
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--use-gl=angle',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForFunction(() => document.title === 'done', null, { timeout: 60_000 });
      const res = JSON.parse((await page.textContent('#out')) ?? '{}');
      expect(res.error).toBeUndefined();
      expect(res.backend).toBe('webgl');
      expect(res.batchmean).toBeCloseTo(1.8626, 4);
      // d/dx of sum(y (log y - x)) = -y
      const y = [0.8, 0.1, 0.1, 0.1, 0.7, 0.2, 0.5, 0.2, 0.3, 0.4, 0.3, 0.3];
      expect(res.gradInput).toEqual(y.map((v) => expect.closeTo(-v, 5)));
      expect(res.gradStudent[0]).toBeCloseTo(0.25, 5);
      expect(res.gradStudent[1]).toBeCloseTo(-0.25, 5);
    } finally {
      await browser.close();
    }
  },
  120_000,
);
