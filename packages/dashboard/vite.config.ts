import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defaultClientConditions, defineConfig } from 'vite';

// The dashboard's browser app, built twice by `npm run build` from the same code: into
// dist/app (base /), which the member's agent serves, and with `--mode platform` into
// dist/platform-app (base /ui/), which the platform serves; as files (no CDN, nothing
// fetched at run time).
// The core is bundled from its TypeScript sources (the "source" condition), the same
// code the servers run, so the log view verifies with the core's own functions.
export default defineConfig(({ mode }) => ({
  root: fileURLToPath(new URL('./app', import.meta.url)),
  base: mode === 'platform' ? '/ui/' : '/',
  plugins: [preact()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: fileURLToPath(
      new URL(mode === 'platform' ? './dist/platform-app' : './dist/app', import.meta.url),
    ),
    emptyOutDir: true,
    target: 'es2022',
    // The app is served by our own servers, which send a strict CSP: no inline script.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  logLevel: 'warn',
}));
