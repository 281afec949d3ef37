/**
 * The built package in a real browser: headless Chromium (Debian's `chromium`, driven by
 * playwright-core) loads dist/ as plain ES modules from a local server, compiles the
 * WebAssembly kernels with `initWasm()` and computes. `.ci/run` installs Chromium; elsewhere
 * the test is skipped with a note when /usr/bin/chromium is missing. A second page, served
 * cross-origin isolated, runs kldiv inside a Web Worker that starts threads of its own.
 */
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { browserAvailable, launchChromium, serveStatic } from '../helpers/browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let server: Server;
let url = '';

beforeAll(async () => {
  ({ url, server } = await serveStatic(root, join(root, 'test', 'browser', 'page.html')));
});

afterAll(() => {
  server?.close();
});

test.skipIf(!browserAvailable)(
  'the built package runs in headless Chromium with the WebAssembly backend',
  async () => {
    const browser = await launchChromium(['--disable-gpu', '--disable-quic']);
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
      expect(out.wasmArrayPlain).toBe(true);
      expect(out.wasmArraySum).toBeCloseTo(
        [0.2, 0.3, 0.5].reduce((a, t) => a + t * (Math.log(t) + 1), 0),
        6,
      );
      expect(out.entropyBits).toBe(1);
      expect(out.normalKL).toBe(0.5);
      // the page fetched kldiv.wasm for initWasm(), and not the shared-memory build
      expect(out.wasmFetched).toEqual(['kldiv.wasm']);
    } finally {
      await browser.close();
    }
  },
  60_000,
);

test.skipIf(!browserAvailable)(
  'inside a cross-origin-isolated Web Worker, initThreads() starts a worker that computes chunks',
  async () => {
    const isolated = await serveStatic(root, join(root, 'test', 'browser', 'threads.html'), {
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-resource-policy': 'same-origin',
    });
    const browser = await launchChromium(['--disable-gpu', '--disable-quic']);
    try {
      const page = await browser.newPage();
      await page.goto(isolated.url);
      await page.waitForFunction(() => document.title === 'done', null, { timeout: 30_000 });
      const out = JSON.parse((await page.textContent('#out')) ?? '{}');
      expect(out.error).toBeUndefined();
      expect(out.crossOriginIsolated).toBe(true);
      expect(out.initWasm).toBe(true);
      expect(out.numThreads).toBe(2);
      expect(out.threads).toBe(2);
      // kldiv-shared.wasm is fetched by initThreads(), not before
      expect(out.wasmBeforeThreads).toEqual(['kldiv.wasm']);
      expect(out.wasmAfterThreads).toEqual(['kldiv.wasm', 'kldiv-shared.wasm']);
      // 2^20 elements are 128 chunks: the worker took some of them, and results did not change
      expect(out.workerChunks).toBeGreaterThan(0);
      expect(out.sameSum).toBe(true);
      expect(out.sameGrads).toBe(true);
      expect(Number.isFinite(out.sum)).toBe(true);
      expect(out.wasmArrayShared).toBe(true);
      expect(out.wasmArraySameSum).toBe(true);
      expect(out.wasmArrayWorkerChunks).toBeGreaterThan(0);
    } finally {
      await browser.close();
      isolated.server.close();
    }
  },
  60_000,
);
