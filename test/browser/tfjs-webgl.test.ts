/**
 * kldiv/tfjs on TensorFlow.js's WebGL backend: a page (test/browser/tfjs-page, built with
 * Vite) runs the loss and `tf.grad` in headless Chromium, where WebGL is software-rendered.
 */
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { browserAvailable, buildPage, launchChromium, serveStatic } from '../helpers/browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let server: Server;
let url = '';

beforeAll(async () => {
  const out = await buildPage(join(root, 'test', 'browser', 'tfjs-page', 'vite.config.ts'));
  ({ url, server } = await serveStatic(out, join(out, 'index.html')));
}, 120_000);

afterAll(() => {
  server?.close();
});

test.skipIf(!browserAvailable)(
  'klDiv and klDivWithLogits with tf.grad on the WebGL backend',
  async () => {
    const browser = await launchChromium([
      '--use-gl=angle',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ]);
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
