import { join } from 'node:path';
import { type Ed25519KeyPair, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { createPlatform, type Platform } from '@credence/platform/server';
import { type SubmitOptions, submitTokens } from '../src/submit.js';

/** A real platform on SQLite in `dir`, listening on a free port, for the member's tests. */
export async function livePlatform(
  dir: string,
  options: {
    readonly checkpointIntervalMs?: number;
    /** The TAXII server's epochs (a day, by default; a millisecond serves each batch at once). */
    readonly taxiiEpochs?: { readonly epochMs: number; readonly graceMs: number };
  } = {},
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

/** `member submit` of a tokens file as bank-a, signed with its key, against `endpoint`. */
export const submitAsBankA = (
  endpoint: { url: string; credential: string },
  key: Ed25519KeyPair,
  tokens: string,
  more: Partial<SubmitOptions> = {},
) =>
  submitTokens({
    tokens,
    results: `${tokens}.results.jsonl`,
    memberId: 'bank-a',
    platform: endpoint,
    signingKey: privateKeyFromJwk(key.privateJwk),
    publicKey: key.publicKey,
    ...more,
  });
