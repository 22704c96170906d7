import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * A build of the dashboard's app (npm run build makes both): `app` served at / by the
 * member's agent, `platform-app` under /ui/ by the platform. Found through the package's
 * exports, from src/, dist/ or the CLI's bundle alike.
 */
export const appFolder = (build: 'app' | 'platform-app'): string =>
  dirname(createRequire(import.meta.url).resolve(`@credence/dashboard/${build}/index.html`));
