// The dashboard is built once at set-up into dist/ui and served by `podlet serve` under /ui/.
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/ui/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    // Served by podlet with a CSP that allows no inline script: keep every module a file.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
