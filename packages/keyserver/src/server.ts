import { unwatchFile, watchFile } from 'node:fs';
import { KeyFileError, parseShareKey, type ShareKey } from '@credence/core/oprf/key-set';
import { loadRistretto255 } from '@credence/core/oprf/ristretto255';
import { readJsonFile } from '@credence/server-kit/json-file';
import { type Clock, systemClock } from '@credence/server-kit/rate-limit';
import { readTls, reloadServerTls, type TlsFiles } from '@credence/server-kit/tls';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildKeyserverApp } from './app.js';
import { MemberRegistry, parseMembersFile } from './members.js';
import { UsageLedger } from './usage.js';
import { UsageReporter } from './usage-reporter.js';

export interface KeyserverConfig {
  /** Share files, one per key id (the current key, and during a rotation the next). */
  readonly shareFiles: readonly string[];
  readonly membersFile: string;
  /** How often the members file is looked at for changes (ms, default 1000). */
  readonly membersPollMs?: number;
  /** Where evaluation counts survive restarts; none keeps them in memory. */
  readonly stateFile?: string;
  readonly host: string;
  readonly port: number;
  readonly logger?: FastifyServerOptions['logger'];
  readonly clock?: Clock;
  /**
   * Where to report evaluation counts (the platform's URL and this key server's platform
   * credential), and how often; none: counts stay here (GET /v1/oprf/usage).
   */
  readonly report?: {
    readonly url: string;
    readonly credential: string;
    readonly intervalMs?: number;
  };
  /**
   * Serve HTTPS with this certificate chain and key (PEM files); none: plain HTTP, for a
   * reverse proxy that terminates TLS in front (docs/deployment.md).
   */
  readonly tls?: TlsFiles;
}

export interface RunningKeyserver {
  readonly url: string;
  readonly keys: readonly ShareKey[];
  readonly app: FastifyInstance;
  /** Reads the TLS certificate and key again (a renewal; SIGHUP); throws when not HTTPS. */
  reloadTls(): void;
  close(): Promise<void>;
}

/** Composition root of a key server process: reads and checks its files, then listens. */
export async function startKeyserver(config: KeyserverConfig): Promise<RunningKeyserver> {
  const tls = config.tls === undefined ? undefined : readTls(config.tls);
  const group = await loadRistretto255();
  const keys = config.shareFiles.map((f) => {
    try {
      return parseShareKey(group, readJsonFile(f));
    } catch (error) {
      throw error instanceof KeyFileError ? error.inFile(f) : error;
    }
  });
  const ids = new Set(keys.map((k) => k.keyId));
  if (ids.size !== keys.length) throw new Error('two share files hold the same key id');
  const members = new MemberRegistry(parseMembersFile(readJsonFile(config.membersFile)));
  const clock = config.clock ?? systemClock;
  const usage = new UsageLedger(clock, config.stateFile);
  const app = await buildKeyserverApp({
    group,
    keys,
    members,
    usage,
    clock,
    logger: config.logger ?? false,
    ...(tls === undefined ? {} : { tls }),
  });
  // A credential given (or taken back) while the key server runs counts without a restart:
  // the file is read again when it changes. A file that does not parse (caught half
  // written, or edited wrongly) leaves the members as they were, and says so.
  const reload = () => {
    try {
      members.replace(parseMembersFile(readJsonFile(config.membersFile)));
      app.log.info({ members: members.size }, 'members file read again');
    } catch (error) {
      app.log.warn(
        { error: (error as Error).message },
        'members file changed but does not parse: the members stay as they were',
      );
    }
  };
  watchFile(config.membersFile, { interval: config.membersPollMs ?? 1000 }, (now, before) => {
    if (now.mtimeMs !== before.mtimeMs || now.size !== before.size) reload();
  });
  const current = keys[0] as ShareKey;
  const reporter =
    config.report === undefined
      ? undefined
      : new UsageReporter({
          ledger: usage,
          keyId: current.keyId,
          shareIndex: current.index,
          platformUrl: config.report.url,
          credential: config.report.credential,
          clock,
          log: app.log,
          ...(config.report.intervalMs === undefined
            ? {}
            : { intervalMs: config.report.intervalMs }),
        });
  reporter?.start();
  app.addHook('onClose', async () => {
    unwatchFile(config.membersFile);
    await reporter?.stop();
    usage.close();
  });
  let address: string;
  try {
    address = await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  return {
    url: address,
    keys,
    app,
    reloadTls: () => reloadServerTls(app, config.tls),
    close: () => app.close(),
  };
}
