import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defaultClientConditions, defineConfig } from 'vite';

// The dashboard's browser app: built by `npm run build` into dist/app, which both the
// member's agent and the platform serve as files (no CDN, nothing fetched at run time).
// The core is bundled from its TypeScript sources (the "source" condition), the same
// code the servers run, so the log view verifies with the core's own functions.
export default defineConfig({
  root: fileURLToPath(new URL('./app', import.meta.url)),
  base: '/',
  plugins: [preact()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: fileURLToPath(new URL('./dist/app', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The app is served by our own servers, which send a strict CSP: no inline script.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
