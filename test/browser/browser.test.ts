/**
 * The built package in a real browser: headless Chromium (Debian's `chromium`, driven by
 * playwright-core) loads dist/ as plain ES modules from a local server, compiles the
 * WebAssembly kernels with `initWasm()` and computes. `.ci/run` installs Chromium; elsewhere
 * the test is skipped with a note when /usr/bin/chromium is missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const chromium = '/usr/bin/chromium';
const available = existsSync(chromium);
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.map': 'application/json',
};

let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const file =
      path === '/' ? join(root, 'test', 'browser', 'page.html') : normalize(join(root, path));
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => {
  server?.close();
});

test.skipIf(!available && !process.env.CI)(
  'the built package runs in headless Chromium with the WebAssembly backend',
  async () => {
    const { chromium: browserType } = await import('playwright-core');
    const browser = await browserType.launch({
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForFunction(() => document.title === 'done', null, { timeout: 20_000 });
      const out = JSON.parse((await page.textContent('#out')) ?? '{}');
      expect(out.error).toBeUndefined();
      expect(out.initWasm).toBe(true);
      expect(out.backend).toBe('wasm');
      expect(out.batchmean).toBe('tensor(1.8626)');
      // 1e5 * (0.25 ln 0.25 + 0.25 * 1.5), computed in float32 lanes
      expect(out.bigSum).toBeCloseTo(1e5 * (0.25 * Math.log(0.25) + 0.375), 1);
      expect(out.logits).toBe('tensor([[ 0.2500, -0.2500]])');
      expect(out.entropyBits).toBe(1);
      expect(out.normalKL).toBe(0.5);
    } finally {
      await browser.close();
    }
  },
  60_000,
);
