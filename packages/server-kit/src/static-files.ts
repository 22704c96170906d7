import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

interface Asset {
  readonly type: string;
  readonly body: Buffer;
  readonly gzip?: Buffer;
  readonly etag: string;
  /** Vite names built assets by their content: they may be cached for good. */
  readonly immutable: boolean;
}

function walk(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(folder, e.name)) : [join(folder, e.name)],
  );
}

/** Every file of a built web app, read once, gzipped once, with its type and ETag. */
export function loadAssets(folder: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of walk(folder)) {
    const type = TYPES[extname(file)];
    if (type === undefined) continue;
    const body = readFileSync(file);
    const path = `/${relative(folder, file).split(sep).join('/')}`;
    const compressible = !type.startsWith('image/png') && !type.startsWith('font/');
    assets.set(path, {
      type,
      body,
      ...(compressible && body.length > 1024 ? { gzip: gzipSync(body, { level: 9 }) } : {}),
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      immutable: path.startsWith('/assets/'),
    });
  }
  if (!assets.has('/index.html')) throw new Error(`${folder} has no index.html: run npm run build`);
  return assets;
}

/**
 * Serves a built web app under `base` ('/' or '/ui/'): only the files it was built with (a
 * path outside them is never read from disk), gzipped when the browser accepts it, hashed
 * assets cached for good and the page itself never. Any other GET under the base but
 * outside its API gets the page, which routes itself.
 */
export function serveApp(
  app: FastifyInstance,
  options: { readonly folder: string; readonly base?: string; readonly apiPrefix?: string },
): void {
  const assets = loadAssets(options.folder);
  const base = options.base ?? '/';
  const api = options.apiPrefix ?? `${base}api`;
  app.get(`${base}*`, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path === api || path.startsWith(`${api}/`)) return reply.callNotFound();
    const inApp = `/${path.slice(base.length)}`;
    const asset =
      assets.get(inApp) ?? (extname(inApp) === '' ? assets.get('/index.html') : undefined);
    if (asset === undefined) return reply.callNotFound();
    void reply
      .type(asset.type)
      .header('etag', asset.etag)
      .header('vary', 'accept-encoding')
      .header(
        'cache-control',
        asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
    const gzip =
      asset.gzip !== undefined && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
    if (gzip) void reply.header('content-encoding', 'gzip');
    return reply.send(gzip ? asset.gzip : asset.body);
  });
}
