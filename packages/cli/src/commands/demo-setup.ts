/**
 * The demo consortium put in place on one machine, as its operators and members would:
 * key server credentials and signing keys, every member enrolled on the platform, a
 * witness, the platform and the key servers running, and each member's member.json.
 */
import { join } from 'node:path';
import { formatVerifierKey, type NoteSigner } from '@credence/core/log/signed-note';
import type { serializeGroupKey } from '@credence/core/oprf/key-set';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { type PlatformEndpoint, platformRequest } from '@credence/member/platform-client';
import { writeSealingKey } from '@credence/member/sealing-key';
import { openStore } from '@credence/platform/server';
import { CredentialCache } from '@credence/platform/services/credentials';
import { MemberService } from '@credence/platform/services/members';
import { existsSync, readJson, writeJson } from './files.js';
import { giveMemberCredential } from './keyserver.js';
import { spawnKeyserver } from './keyserver-process.js';
import { type ServiceProcess, spawnService } from './service-process.js';
import type { StartOptions } from './start.js';

/** A member of the world, as its member.json in the world describes it. */
export interface WorldMember {
  readonly id: string;
  readonly type: string;
  readonly name: string;
}

/** A member's configuration, as the demo writes it (and reads it back on the next run). */
type MemberConfig = Record<string, unknown>;

const DEMO_WITNESS = 'witness.credence.local/demo';

/** Where the demo keeps a member's member.json. */
export const memberConfigFile = (data: string, id: string) =>
  join(data, 'members', id, 'member.json');

/** The world's members, in the order of its manifest. */
export function worldMembers(world: string): WorldMember[] {
  const manifest = readJson(join(world, 'world.json')) as { members: { id: string }[] };
  return manifest.members.map(
    (m) => readJson(join(world, 'members', m.id, 'member.json')) as WorldMember,
  );
}

/**
 * Each member's configuration as an earlier run left it, or, for a member new to the
 * demo, one with a credential from each key server (every key server reads its members
 * file when it starts, so these come first).
 */
export function memberConfigs(
  data: string,
  members: readonly WorldMember[],
  keysDir: string,
  groupKey: ReturnType<typeof serializeGroupKey>,
): Map<string, MemberConfig> {
  const previous = new Map<string, MemberConfig>();
  for (const { id } of members) {
    const file = memberConfigFile(data, id);
    if (existsSync(file)) {
      previous.set(id, readJson(file) as MemberConfig);
      continue;
    }
    const keyServers = [1, 2, 3].map((index) => ({
      index,
      url: '',
      token: giveMemberCredential(join(keysDir, `members-${index}.json`), id).token,
    }));
    previous.set(id, { memberId: id, phoneRegion: 'CN', key: groupKey, keyServers });
  }
  return previous;
}

/**
 * The operator's step (on the platform's host, before it serves): every demo member, and
 * an operator, with a credential and a registered signing key. A credential kept from
 * an earlier run is reused while the platform still knows it.
 */
async function enrollMembers(
  db: string,
  wanted: readonly (WorldMember & {
    credential?: string;
    publicKey?: string;
    shareIndex?: number;
  })[],
): Promise<Map<string, string>> {
  const store = openStore(db);
  const credentials = new Map<string, string>();
  try {
    await store.migrate();
    const cache = new CredentialCache(store);
    // The demo's operator stands in for every member: a key it registers again for a
    // member (a member's key file made anew) starts at once. A real operator's wait.
    const members = new MemberService(store, cache, { keyWaitingMs: 0 });
    for (const m of wanted) {
      const existing = await store.getMember(m.id);
      // A key server of a demo made before shares were bound: bind it now (logged).
      if (
        existing !== undefined &&
        m.shareIndex !== undefined &&
        existing.shareIndex !== m.shareIndex
      )
        await members.bindShare(m.id, m.shareIndex);
      const known = m.credential === undefined ? undefined : await cache.authenticate(m.credential);
      if (known?.id === m.id && m.credential !== undefined) {
        credentials.set(m.id, m.credential);
        continue;
      }
      const keys = m.publicKey === undefined ? {} : { publicKey: m.publicKey };
      if (existing === undefined) {
        const added = await members.add({
          id: m.id,
          type: m.type,
          name: m.name,
          ...keys,
          ...(m.shareIndex === undefined ? {} : { shareIndex: m.shareIndex }),
        });
        credentials.set(m.id, added.credential);
      } else {
        await members.enable(m.id);
        const current = (await members.keys(m.id)).some(
          (k) => k.publicKey === m.publicKey && k.revokedAt === undefined,
        );
        const rotated = await members.rotate(m.id, {
          credential: true,
          ...(current ? {} : keys),
        });
        credentials.set(m.id, rotated.credential as string);
      }
    }
  } finally {
    await store.close();
  }
  return credentials;
}

/**
 * Each member's signing key (made where missing), then every member, the operator and
 * the three key servers enrolled on the platform: their platform credentials, by id.
 */
export async function enrollDemo(
  data: string,
  db: string,
  members: readonly WorldMember[],
  previous: ReadonlyMap<string, MemberConfig>,
): Promise<Map<string, string>> {
  const publicKeys = new Map<string, string>();
  for (const { id } of members) {
    const keyFile = join(data, 'members', id, 'signing-key.json');
    if (!existsSync(keyFile)) writeJson(keyFile, generateEd25519().privateJwk, true);
    publicKeys.set(id, (readJson(keyFile) as { x: string }).x);
    // Each demo member seals its reports' narratives and exact losses to its own key.
    const sealingFile = join(data, 'members', id, 'sealing-key.json');
    if (!existsSync(sealingFile)) await writeSealingKey(sealingFile);
  }
  const operatorFile = join(data, 'operator.json');
  const operatorBefore = existsSync(operatorFile)
    ? (readJson(operatorFile) as { credential?: string })
    : {};
  return enrollMembers(db, [
    ...members.map((m) => {
      const platform = previous.get(m.id)?.platform as { credential?: string } | undefined;
      return {
        ...m,
        ...(platform?.credential === undefined ? {} : { credential: platform.credential }),
        publicKey: publicKeys.get(m.id) as string,
      };
    }),
    {
      id: 'operator',
      type: 'operator',
      name: 'Platform operator',
      ...(operatorBefore.credential === undefined ? {} : { credential: operatorBefore.credential }),
    },
    // Each key server reports its evaluation counts to the log with a credential of its
    // own, for its own share only.
    ...[1, 2, 3].map((index) => ({
      id: `keyserver-${index}`,
      type: 'keyserver',
      name: `Key server ${index}`,
      shareIndex: index,
    })),
  ]);
}

/**
 * A witness of the log (in a real consortium: run by a member or a third party), its key
 * made on the first run: as the signer it cosigns with, and as members name it.
 */
export function demoWitness(data: string): { signer: NoteSigner; vkey: string } {
  const witnessFile = join(data, 'witness', 'witness-key.json');
  if (!existsSync(witnessFile)) writeJson(witnessFile, generateEd25519(), true);
  const witnessKey = readJson(witnessFile) as { publicKey: string; privateJwk: unknown };
  return {
    signer: {
      name: DEMO_WITNESS,
      publicKey: witnessKey.publicKey,
      privateKey: privateKeyFromJwk(witnessKey.privateJwk),
    },
    vkey: formatVerifierKey(DEMO_WITNESS, witnessKey.publicKey, 0x04),
  };
}

/**
 * The platform, then the three key servers, each added to `services` as it starts (the
 * key servers report their evaluation counts to the platform's log). On a failure the
 * ones started stop; a port in use is said as such.
 */
export async function startServices(
  options: Pick<StartOptions, 'data' | 'host' | 'port' | 'portBase'>,
  setup: {
    readonly db: string;
    readonly keysDir: string;
    readonly witnessVkey: string;
    readonly credentials: ReadonlyMap<string, string>;
  },
  services: ServiceProcess[],
): Promise<void> {
  try {
    const platform = await spawnService(
      `platform on port ${options.port}`,
      [
        'serve',
        '--db',
        setup.db,
        '--key',
        join(options.data, 'platform-key.json'),
        '--host',
        options.host,
        '--port',
        String(options.port),
        '--witness',
        setup.witnessVkey,
      ],
      { log: join(options.data, 'logs', 'platform.log') },
    );
    services.push(platform);
    for (let index = 1; index <= 3; index++) {
      services.push(
        await spawnKeyserver({
          share: join(setup.keysDir, `share-${index}.json`),
          members: join(setup.keysDir, `members-${index}.json`),
          state: join(setup.keysDir, `usage-${index}.json`),
          host: options.host,
          port: options.portBase === 0 ? 0 : options.portBase + index - 1,
          log: join(options.data, 'logs', `keyserver-${index}.log`),
          reportTo: {
            url: platform.url,
            credential: setup.credentials.get(`keyserver-${index}`) as string,
            intervalSeconds: 5,
          },
        }),
      );
    }
  } catch (error) {
    await Promise.all(services.map((s) => s.stop()));
    const message = (error as Error).message;
    throw new Error(
      /EADDRINUSE/.test(message)
        ? `a port is in use (key servers from ${options.portBase}, platform ${options.port}): is another Credence running? (--port-base and --port change them)`
        : message,
    );
  }
}

/**
 * Every member's member.json, pointing at the services as they run, and the operator's
 * credential file. Members trust the log key the operator hands them (here: read from the
 * platform, which runs on this machine), and require the demo witness on the checkpoints
 * they verify with credence member verify. Returns the log key.
 */
export async function configureMembers(
  data: string,
  members: readonly WorldMember[],
  previous: ReadonlyMap<string, MemberConfig>,
  running: {
    readonly operator: PlatformEndpoint;
    readonly keyServerUrls: readonly string[];
    readonly credentials: ReadonlyMap<string, string>;
    readonly witnessVkey: string;
  },
): Promise<string> {
  const { operator } = running;
  const { vkey: logKey } = await platformRequest<{ vkey: string }>(operator, 'GET', '/v1/log/key');
  for (const { id } of members) {
    const config = previous.get(id) as { keyServers: { index: number; url: string }[] };
    for (const s of config.keyServers) s.url = running.keyServerUrls[s.index - 1] as string;
    writeJson(
      memberConfigFile(data, id),
      {
        ...config,
        platform: {
          url: operator.url,
          credential: running.credentials.get(id),
          logKey,
          witnesses: [running.witnessVkey],
          requiredWitnesses: 1,
        },
        signingKeyFile: 'signing-key.json',
        sealingKeyFile: 'sealing-key.json',
      },
      true,
    );
  }
  writeJson(join(data, 'operator.json'), operator, true);
  return logKey;
}
