import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The explorer is a static page: `npm run explorer:build` writes docs/explorer/dist.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  logLevel: 'warn',
});
