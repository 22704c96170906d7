import { generateKeySet, type NewKeySet, type ShareKey } from '@credence/core/oprf/key-set';
import type { Ristretto255 } from '@credence/core/oprf/ristretto255';
import { buildKeyserverApp } from '@credence/keyserver/app';
import { MemberRegistry } from '@credence/keyserver/members';
import { UsageLedger } from '@credence/keyserver/usage';
import { newCredential } from '@credence/server-kit/bearer';
import { type Clock, systemClock } from '@credence/server-kit/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { KeyServerEndpoint } from '../src/keyserver-client.js';

/** Real key servers on loopback ports, for the member side's tests. */
export interface Cluster {
  readonly set: NewKeySet;
  readonly endpoints: KeyServerEndpoint[];
  readonly apps: FastifyInstance[];
  close(): Promise<void>;
}

export async function startCluster(
  group: Ristretto255,
  options: {
    threshold?: number;
    shares?: number;
    quotaPerDay?: number;
    ratePerMinute?: number;
    tamper?: number;
    clock?: Clock;
  } = {},
): Promise<Cluster> {
  const set = generateKeySet(group, {
    threshold: options.threshold ?? 2,
    shares: options.shares ?? 3,
    createdAt: '2026-11-25T00:00:00Z',
    keyId: 'k-test',
  });
  const apps: FastifyInstance[] = [];
  const endpoints: KeyServerEndpoint[] = [];
  for (const share of set.shares) {
    const credential = newCredential('cks');
    // A tampered server evaluates with a key other than the share it publishes.
    const key: ShareKey =
      share.index === options.tamper ? { ...share, secret: group.randomScalar() } : share;
    const app = await buildKeyserverApp({
      group,
      keys: [key],
      members: new MemberRegistry({
        members: [
          {
            id: 'bank-a',
            tokenSha256: credential.sha256,
            quotaPerDay: options.quotaPerDay ?? 10_000_000,
            ratePerMinute: options.ratePerMinute ?? 10_000_000,
          },
        ],
      }),
      usage: new UsageLedger(options.clock ?? systemClock),
      clock: options.clock ?? systemClock,
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    apps.push(app);
    endpoints.push({ index: share.index, url, token: credential.token });
  }
  return {
    set,
    endpoints,
    apps,
    close: async () => void (await Promise.all(apps.map((a) => a.close()))),
  };
}
