/**
 * What the headless-browser tests share: a static file server on a free local port, Vite
 * builds of test pages, and Debian's Chromium driven by playwright-core (skipped with a note
 * where /usr/bin/chromium is missing, except in CI, which installs it).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Run browser tests here? (In CI a missing Chromium is a failure, not a skip.) */
export const browserAvailable = existsSync(CHROMIUM) || process.env.CI !== undefined;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.css': 'text/css',
  '.map': 'application/json',
};

/**
 * Serves files below `root` (`/` is `index`) with extra response `headers`; returns the base URL
 * and the server.
 */
export async function serveStatic(
  root: string,
  index: string,
  headers: Record<string, string> = {},
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const file = path === '/' ? index : normalize(join(root, path));
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      ...headers,
    });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/** Builds the Vite page whose config is `configFile` into a fresh temporary directory. */
export async function buildPage(configFile: string): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'kldiv-page-'));
  const { build } = await import('vite');
  await build({ configFile, build: { outDir: out, emptyOutDir: true }, logLevel: 'silent' });
  return out;
}

/** Launches headless Chromium with the flags every test uses, plus `extra`. */
export async function launchChromium(extra: string[] = []): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extra,
    ],
  });
}
