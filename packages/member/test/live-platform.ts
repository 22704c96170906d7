import { join } from 'node:path';
import { createPlatform, type Platform } from '@credence/platform/server';

/** A real platform on SQLite in `dir`, listening on a free port, for the member's tests. */
export async function livePlatform(
  dir: string,
  options: { readonly checkpointIntervalMs?: number } = {},
): Promise<{
  readonly platform: Platform;
  readonly url: string;
  /** Enrols a member and gives the endpoint it calls the platform at. */
  readonly enrol: (
    id: string,
    type: 'bank' | 'telecom' | 'auditor' | 'police',
    publicKey?: string,
  ) => Promise<{ url: string; credential: string }>;
}> {
  const platform = await createPlatform({
    db: join(dir, 'p.sqlite'),
    keyFile: join(dir, 'platform-key.json'),
    webhooks: false,
    ...options,
  });
  const url = await platform.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    platform,
    url,
    enrol: async (id, type, publicKey) => ({
      url,
      credential: (
        await platform.members.add({
          id,
          type,
          ...(publicKey === undefined ? {} : { publicKey }),
        })
      ).credential,
    }),
  };
}
