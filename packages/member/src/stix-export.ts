import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { MemberError } from './member-error.js';
import { type PlatformEndpoint, platformRequest } from './platform-client.js';

/**
 * `credence member export-stix` (docs/interop.md): a collection of the platform's TAXII
 * 2.1 server written out as one STIX 2.1 bundle, page by page, so that a member's tool
 * that takes files (a SIEM, a case system) gets them. Memory holds one page whatever the
 * collection's size; the file is written whole or not at all.
 */

export const STIX_COLLECTIONS = ['flagged-tokens', 'rings', 'campaigns'] as const;
export type StixCollection = (typeof STIX_COLLECTIONS)[number];

interface Envelope {
  readonly more?: boolean;
  readonly next?: string;
  readonly objects?: readonly unknown[];
}

export interface ExportedBundle {
  readonly objects: number;
  readonly pages: number;
  readonly bundleId: string;
}

export async function exportStix(
  platform: PlatformEndpoint,
  options: {
    readonly collection: StixCollection;
    readonly out: string;
    /** RFC 3339: only what was added to the collection after it. */
    readonly addedAfter?: string;
    /** Objects per page asked (the server caps it at 1,000). */
    readonly pageSize?: number;
  },
): Promise<ExportedBundle> {
  const bundleId = `bundle--${randomUUID()}`;
  const tmp = `${options.out}.tmp`;
  const file = createWriteStream(tmp, { mode: 0o600 });
  // A failure is thrown where it happens; the stream's own errors are awaited there too.
  let failed: Error | undefined;
  file.on('error', (error) => {
    failed = error;
  });
  const write = async (text: string) => {
    if (failed !== undefined) throw failed;
    if (!file.write(text)) await once(file, 'drain');
  };
  let objects = 0;
  let pages = 0;
  try {
    await write(`{"type":"bundle","id":${JSON.stringify(bundleId)},"objects":[`);
    let next: string | undefined;
    const seen = new Set<string>();
    do {
      const query = new URLSearchParams({ limit: String(options.pageSize ?? 1000) });
      if (next !== undefined) query.set('next', next);
      if (options.addedAfter !== undefined) query.set('added_after', options.addedAfter);
      const page = await platformRequest<Envelope>(
        platform,
        'GET',
        `/taxii2/credence/collections/${options.collection}/objects/?${query}`,
      );
      pages++;
      for (const o of page.objects ?? []) {
        await write(`${objects === 0 ? '\n' : ',\n'}${JSON.stringify(o)}`);
        objects++;
      }
      next = page.more === true ? page.next : undefined;
      if (next !== undefined) {
        // A server whose pages never end would fill the disk.
        if (seen.has(next))
          throw new MemberError('member.platform_refused', 'the platform gave the same page twice');
        seen.add(next);
      }
    } while (next !== undefined);
    await write('\n]}\n');
    file.end();
    await once(file, 'finish');
    renameSync(tmp, options.out);
  } catch (error) {
    if (!file.closed) {
      // events.once would reject on the error that destroying a stream mid-write emits.
      const closed = new Promise<void>((done) => file.once('close', () => done()));
      file.destroy();
      await closed;
    }
    rmSync(tmp, { force: true });
    throw error;
  }
  return { objects, pages, bundleId };
}
