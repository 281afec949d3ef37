import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/**
 * Makes the built page one self-contained file that also works when opened from disk: browsers
 * refuse module scripts (and fetches) on file:// addresses, so the bundle is built as a classic
 * script (IIFE) and inlined, with the stylesheet, into index.html.
 */
function singleFile(): Plugin {
  return {
    name: 'kldiv-explorer-single-file',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const page = bundle['index.html'];
      if (page?.type !== 'asset') throw new Error('explorer build: no index.html in the bundle');
      let html = String(page.source);
      let script = '';
      for (const [name, file] of Object.entries(bundle)) {
        const tag = new RegExp(`<(script|link)\\b[^>]*"\\./${name.replace(/\./g, '\\.')}"[^>]*>`);
        if (file.type === 'chunk') {
          // the IIFE wraps everything: nothing leaks into the page's globals
          script += file.code;
          html = html.replace(new RegExp(`${tag.source}\\s*</script>`), '');
        } else if (name.endsWith('.css')) {
          html = html.replace(tag, () => `<style>\n${String(file.source)}</style>`);
        } else if (name !== 'index.html') {
          throw new Error(`explorer build: ${name} would be a separate file; inline it`);
        }
        if (name !== 'index.html') delete bundle[name];
      }
      if (/<script[^>]*type="module"/.test(html)) {
        throw new Error('explorer build: a module script is left in index.html');
      }
      // at the end of the body, where the elements it looks up exist; `</script` cannot end it early
      const inline = `<script>\n${script.replace(/<\/script/gi, '<\\/script')}</script>\n`;
      page.source = html.replace('</body>', () => `${inline}</body>`);
    },
  };
}

// The explorer is a static page: `npm run explorer:build` writes docs/explorer/dist/index.html.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [singleFile()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: false,
    cssCodeSplit: false,
    // kldiv's WebAssembly, if it is a separate file, becomes a data: URL inside the script
    assetsInlineLimit: () => true,
    rollupOptions: { output: { format: 'iife', inlineDynamicImports: true } },
  },
  logLevel: 'warn',
});
