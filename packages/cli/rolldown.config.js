// The `credence` command as the launcher loads it: one bundle of the CLI with the
// workspace packages and the libraries a member command needs, in a few files instead of
// several hundred modules, which Node.js 20 resolves and compiles one by one at every
// start (issue 13 §6: `member check` 0.54 s unbundled, 0.33 s bundled on the same run).
// tsc still type-checks and builds dist/ (the tests and the other packages use it); this
// runs after it, on dist/ (npm run build).
import { join } from 'node:path';
import { defineConfig } from 'rolldown';

const packages = join(import.meta.dirname, '..');

export default defineConfig({
  input: {
    main: join(packages, 'cli/dist/main.js'),
    // Worker threads, beside the chunks that start them (new URL('./…', import.meta.url)).
    'crypto-worker': join(packages, 'member/dist/crypto-worker.js'),
    'analysis-worker': join(packages, 'platform/dist/services/analysis-worker.js'),
    'sqlite-worker': join(packages, 'platform/dist/storage/sqlite/sqlite-worker.js'),
  },
  platform: 'node',
  // A native addon, and the servers' libraries (loaded only by the server commands,
  // where start-up does not matter), stay where npm put them.
  external: [
    /^node:/,
    /^better-sqlite3($|\/)/,
    /^pg($|\/)/,
    /^fastify($|\/)/,
    // fastify's plugins, but the cookie plugin (bundled: npm may keep it, with the cookie
    // version it needs, in server-kit's own node_modules, out of the bundle's reach).
    /^@fastify\/(?!cookie($|\/))/,
    /^prom-client($|\/)/,
  ],
  output: {
    dir: join(packages, 'cli/bundle'),
    format: 'esm',
    // One flat folder: a worker's URL is relative to the chunk that starts it.
    entryFileNames: '[name].js',
    chunkFileNames: '[name]-[hash].js',
    sourcemap: true,
    cleanDir: true,
  },
});
