import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages through their "source" export condition, so they run
// against the TypeScript sources rather than whatever is in dist/. Vitest runs tests on
// Vite's server side, whose resolver takes its conditions from `ssr.resolve`. Worker
// threads started from source run their sources too (core/src/worker-entry.ts, on tsx).
export default defineConfig({
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
