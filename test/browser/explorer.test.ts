/**
 * The explorer page (docs/explorer) as a reader meets it: built with Vite, served statically,
 * driven in headless Chromium. It loads, shows the numbers of its default tensors (the README's
 * first example), recomputes when a value is typed or a bar is dragged and when a continuous
 * family changes, and leaves a screenshot in .vitest-artifacts/. The built page also works
 * opened from disk (file://), and the unbuilt source page says how to build or serve it.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { browserAvailable, buildPage, launchChromium, serveStatic } from '../helpers/browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let server: Server;
let url = '';
let out = '';

beforeAll(async () => {
  out = await buildPage(join(root, 'docs', 'explorer', 'vite.config.ts'));
  ({ url, server } = await serveStatic(out, join(out, 'index.html')));
}, 120_000);

afterAll(() => {
  server?.close();
});

const klByHand = (p: number[], q: number[]) => {
  const sp = p.reduce((a, b) => a + b, 0);
  const sq = q.reduce((a, b) => a + b, 0);
  return p.reduce((s, v, i) => (v === 0 ? s : s + (v / sp) * Math.log(v / sp / (q[i] / sq))), 0);
};

test.skipIf(!browserAvailable)(
  'the explorer computes the default tensors and reacts to edits in headless Chromium',
  async () => {
    const browser = await launchChromium(['--disable-gpu']);
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 1600 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      expect(errors).toEqual([]);
      expect(await page.textContent('#status')).toBe('ready (WebAssembly kernels)');

      // the default tensors, every reduction as PyTorch prints it
      const tensors = (await page.textContent('#t-reductions')) ?? '';
      expect(tensors).toContain('batchmean:\ntensor(1.8626)');
      expect(tensors).toContain('mean:\ntensor(0.6209)');
      expect(tensors).toContain('sum:\ntensor(7.4506)');
      expect(tensors).toContain("UserWarning: reduction: 'mean' divides the total loss");

      // discrete: the default pair, then a typed edit
      const P = [0.1, 0.2, 0.4, 0.2, 0.1];
      const Q = [0.2, 0.2, 0.2, 0.2, 0.2];
      const kl = async () => Number(await page.textContent('#kl-pq'));
      expect(Math.abs((await kl()) - klByHand(P, Q))).toBeLessThan(1e-6);
      await page.fill('#p-values input[data-i="0"]', '0.7');
      P[0] = 0.7;
      expect(Math.abs((await kl()) - klByHand(P, Q))).toBeLessThan(1e-6);
      expect(Math.abs(Number(await page.textContent('#kl-qp')) - klByHand(Q, P))).toBeLessThan(
        1e-6,
      );

      // dragging Q's first bar changes it
      const before = await kl();
      const bar = page.locator('#bars rect[data-series="1"][data-i="0"]');
      const box = (await bar.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2, box.y - 60, { steps: 4 });
      await page.mouse.up();
      expect(await kl()).not.toBe(before);
      expect(await page.inputValue('#q-values input[data-i="0"]')).not.toBe('0.2');

      // continuous: Normal(0, 1) vs Normal(1, 1.5), then Q becomes a Gamma (no mass below 0)
      const ckl = Number(await page.textContent('#ckl-pq'));
      const vr = (1 / 1.5) ** 2;
      expect(Math.abs(ckl - 0.5 * (vr + (1 / 1.5) ** 2 - 1 - Math.log(vr)))).toBeLessThan(1e-6);
      expect(Number(await page.textContent('#cjsd'))).toBeGreaterThan(0);
      await page.selectOption('#q-family', 'Gamma');
      expect(await page.textContent('#ckl-pq')).toBe('Infinity');
      expect(Number(await page.textContent('#ckl-qp'))).toBeGreaterThan(0);
      const jsd = Number(await page.textContent('#cjsd'));
      expect(jsd > 0 && jsd < Math.log(2), `JSD ${jsd} in (0, log 2)`).toBe(true);

      mkdirSync(join(root, '.vitest-artifacts'), { recursive: true });
      await page.screenshot({
        path: join(root, '.vitest-artifacts', 'explorer.png'),
        fullPage: true,
      });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  },
  90_000,
);

test.skipIf(!browserAvailable)(
  'the built explorer is one file that works from file://; the unbuilt page says what to do',
  async () => {
    expect(readdirSync(out)).toEqual(['index.html']);
    const browser = await launchChromium(['--disable-gpu']);
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(pathToFileURL(join(out, 'index.html')).href);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      expect(await page.textContent('#status')).toBe('ready (WebAssembly kernels)');
      expect(await page.textContent('#t-reductions')).toContain('batchmean:\ntensor(1.8626)');
      expect(await page.isHidden('#start-problem')).toBe(true);
      expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain(
        'system-ui',
      );
      expect(errors).toEqual([]);

      // the source page opened from disk: its module script is refused, and the page says so
      const source = await browser.newPage();
      await source.goto(pathToFileURL(join(root, 'docs', 'explorer', 'index.html')).href);
      await source.waitForSelector('#start-problem:not([hidden])', { timeout: 20_000 });
      expect(await source.textContent('#status')).toBe('not started');
      const note = (await source.textContent('#start-problem')) ?? '';
      for (const hint of [
        'npm run explorer:build',
        'docs/explorer/dist/index.html',
        'npm run explorer',
      ]) {
        expect(note, `the note mentions ${hint}`).toContain(hint);
      }
    } finally {
      await browser.close();
    }
  },
  60_000,
);
