import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type Ed25519KeyPair,
  generateEd25519,
  privateKeyFromJwk,
} from '@credence/core/signing/ed25519';
import { readTls, reloadServerTls, type TlsFiles } from '@credence/server-kit/tls';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Disclosure } from './domain/types.js';
import { buildPlatformApp } from './http/app.js';
import { createMetrics } from './http/metrics.js';
import { DEFAULT_REQUEST_RATES, RequestLimiter, type RequestRates } from './http/request-limits.js';
import type { PlatformUi } from './http/ui.js';
import { type AlertHub, alertHub, MemberFeed } from './services/alerts.js';
import { AnalysisService } from './services/analysis.js';
import { AppealService } from './services/appeals.js';
import { Background } from './services/background.js';
import { CaseEvidence } from './services/case-evidence.js';
import { CaseService } from './services/cases.js';
import { CheckLedger } from './services/check-ledger.js';
import { CheckService } from './services/check-service.js';
import { CheckView } from './services/check-view.js';
import { CredentialCache } from './services/credentials.js';
import { EvidenceFiles } from './services/evidence-files.js';
import { ExposureService } from './services/exposures.js';
import { FilterService } from './services/filters.js';
import { IngestionService } from './services/ingestion.js';
import { LogService, type LogSigner, verifierKeyOf } from './services/log-service.js';
import { MemberService } from './services/members.js';
import { CheckIds, OutcomeService } from './services/outcomes.js';
import { PolicyService } from './services/policy-service.js';
import { QualityService } from './services/quality.js';
import { DEFAULT_TAXII_EPOCHS, type TaxiiEpochs, TaxiiService } from './services/taxii.js';
import { type Resolve, WebhookTargets } from './services/webhook-targets.js';
import { WebhookDispatcher, webhookPublicKey } from './services/webhooks.js';
import { isPostgresUrl } from './storage/open-reader.js';
import { PostgresStore } from './storage/postgres/postgres-store.js';
import { ThreadedSqliteStore } from './storage/sqlite/threaded-sqlite-store.js';
import type { Store } from './storage/store.js';

export const DEFAULT_LOG_ORIGIN = 'credence.local/log';

/** How often due webhook deliveries are sent. */
const WEBHOOK_INTERVAL_MS = 1000;

export interface PlatformConfig {
  /** A SQLite file path (embedded default) or a postgres:// URL. */
  readonly db: string;
  /**
   * PostgreSQL hot standbys (a postgres:// URL, such as a balancer's port to them) for
   * reads a standby answers when it has replayed far enough: flagged tokens' states for
   * checks, the log's nodes for proofs (docs/deployment.md).
   */
  readonly dbRead?: string;
  readonly host: string;
  readonly port: number;
  /** The platform's Ed25519 key (JWK), made on first start if missing. */
  readonly keyFile: string;
  readonly logger?: FastifyServerOptions['logger'];
  /**
   * How often every process catches up with changes made elsewhere (PostgreSQL: a safety
   * net for NOTIFY; both: members disabled or rotated by `credence members` on the store).
   */
  readonly syncIntervalMs?: number;
  /** Deliver webhooks in the background (default); tests drive `webhooks.tick()` themselves. */
  readonly webhooks?: boolean;
  /** The clock of webhook retries (tests). */
  readonly webhookClock?: () => number;
  /** The clock cases hold legal bases to (tests; default Date.now). */
  readonly caseClock?: () => number;
  /**
   * Webhook receivers inside the operator's network that members may use: address ranges
   * (CIDR), addresses, or host:port (see WebhookTargets). None by default.
   */
  readonly webhookAllow?: readonly string[];
  /** How webhook host names are resolved (tests; default: the system's resolver). */
  readonly webhookResolve?: Resolve;
  /** Requests per second per member and API process, by class (0: no limit). */
  readonly requestRates?: Partial<RequestRates>;
  /** The log's origin and key name (C2SP tlog-checkpoint); default credence.local/log. */
  readonly logOrigin?: string;
  /** Witnesses whose cosignatures the log collects and publishes (vkeys, type 0x04). */
  readonly witnesses?: readonly string[];
  /** How often a checkpoint is signed when the log grew (default 10 s; 0: never). */
  readonly checkpointIntervalMs?: number;
  /**
   * How often joint analysis runs when something changed since the last run (0, the
   * default: only on POST /v1/analysis or `credence analyze`).
   */
  readonly analysisIntervalMs?: number;
  /**
   * How often the compact filters of flagged tokens are rebuilt and published when their
   * tokens moved (default 15 minutes; 0: only on POST /v1/filters/publish).
   */
  readonly filterIntervalMs?: number;
  /**
   * The TAXII server's epochs (docs/interop.md): flagged tokens are dated by the epoch of
   * their last change and served once it is over (default: a day, served a minute after).
   */
  readonly taxiiEpochs?: TaxiiEpochs;
  /**
   * Flagged tokens' summaries the check view keeps in memory, the most recently used
   * (default 100,000); the others are read from the store when checked.
   */
  readonly checkCacheSize?: number;
  /** The TAXII server's clock (tests). */
  readonly taxiiClock?: () => number;
  /**
   * How long a signing key the operator announces for a member waits before it starts
   * (default 72 hours): the member is alerted and may object meanwhile.
   */
  readonly keyWaitingMs?: number;
  /**
   * Serve HTTPS with this certificate chain and key (PEM files); none: plain HTTP, for a
   * reverse proxy that terminates TLS in front (docs/deployment.md).
   */
  readonly tls?: TlsFiles;
  /** Serve the dashboard's operator and auditor views under /ui/ (docs/dashboard.md). */
  readonly ui?: PlatformUi;
}

export interface RunningPlatform {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly store: Store;
  /** Reads the TLS certificate and key again (a renewal; SIGHUP); throws when not HTTPS. */
  reloadTls(): void;
  close(): Promise<void>;
}

/** Whether a --db names a PostgreSQL database (else a SQLite file). */
export { isPostgresUrl };

/**
 * The store a database setting names: postgres:// or postgresql:// URLs, else a SQLite
 * file, whose connection lives on a thread of its own (see ThreadedSqliteStore).
 */
export function openStore(db: string, readDb?: string): Store {
  if (readDb !== undefined && !isPostgresUrl(readDb))
    throw new Error('--db-read takes a postgres:// URL: the hot standbys to read from');
  if (readDb !== undefined && !isPostgresUrl(db))
    throw new Error(
      '--db-read needs a PostgreSQL store (--db postgres://…): SQLite has no standbys',
    );
  return isPostgresUrl(db) ? new PostgresStore(db, 10, readDb) : ThreadedSqliteStore.open(db);
}

/** Reads the platform's signing key, or makes one (readable by its owner only). */
export function platformKey(file: string): Ed25519KeyPair {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Ed25519KeyPair;
  const key = generateEd25519();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600 });
  return key;
}

/** The log's signer: the platform's key, named by the log's origin (C2SP tlog-checkpoint). */
function logSigner(key: Ed25519KeyPair, origin: string): LogSigner {
  return {
    origin,
    name: origin,
    publicKey: key.publicKey,
    privateKey: privateKeyFromJwk(key.privateJwk),
  };
}

/**
 * The log's verifier key as `credence serve` with this key file and origin signs (what a
 * member pins; `credence members add --enrol-out` puts it in the enrolment). The key
 * file must exist: this never makes one.
 */
export function logVerifierKey(keyFile: string, origin: string = DEFAULT_LOG_ORIGIN): string {
  const key = JSON.parse(readFileSync(keyFile, 'utf8')) as Ed25519KeyPair;
  return verifierKeyOf(logSigner(key, origin));
}

export interface Platform {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly members: MemberService;
  readonly view: CheckView;
  readonly publicKey: string;
  readonly log: LogService;
  readonly checkLedger: CheckLedger;
  readonly webhooks: WebhookDispatcher;
  readonly analysis: AnalysisService;
  /** The compact filters of flagged tokens (published at an interval once started). */
  readonly filters: FilterService;
  /** Starts following other processes' writes and delivering webhooks. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The composition root of an API process: opens and migrates the store, loads the view
 * of flagged tokens, builds the services with what each needs and the HTTP app, without
 * listening. Several processes may share one PostgreSQL: they follow each other's writes
 * through the change sequence (NOTIFY, and a poll as a safety net).
 */
export async function createPlatform(
  config: Omit<PlatformConfig, 'host' | 'port'>,
): Promise<Platform> {
  // A wrong certificate or key is named before anything else starts.
  const tls = config.tls === undefined ? undefined : readTls(config.tls);
  const store = openStore(config.db, config.dbRead);
  await store.migrate();
  const view = new CheckView(store, {
    ...(config.checkCacheSize === undefined ? {} : { cacheSize: config.checkCacheSize }),
  });
  await view.catchUp();
  const credentials = new CredentialCache(store);
  await credentials.follow();
  const targets = new WebhookTargets(config.webhookAllow ?? [], config.webhookResolve);
  const { registry, metrics } = createMetrics();
  const background = new Background(metrics);
  const policies = new PolicyService(store, background);
  await policies.load();
  const ingestion = new IngestionService(store, view);
  const analysis = new AnalysisService(store, policies, {
    // A SQLite file or PostgreSQL that a second connection reaches: the analysis thread
    // reads the evidence itself (an in-memory SQLite has no second connection).
    ...(config.db === ':memory:' ? {} : { db: config.db }),
  });
  await analysis.refresh();
  const quality = new QualityService(store);
  await quality.refresh();
  const checks = new CheckService(view, policies, analysis, quality);
  const members = new MemberService(store, credentials, {
    onKeysChanged: () => ingestion.invalidateKeys(),
    ...(config.keyWaitingMs === undefined ? {} : { keyWaitingMs: config.keyWaitingMs }),
  });
  const alerts = alertHub(store);
  const cases = new CaseService(store, analysis, config.caseClock);
  const disclosureFeed = new MemberFeed<Disclosure, number>(
    (owner, after, limit) =>
      store.listDisclosures({ owner, status: 'requested' }, after ?? 0, limit),
    (d) => d.id,
  );
  const key = platformKey(config.keyFile);
  const log = new LogService(
    store,
    logSigner(key, config.logOrigin ?? DEFAULT_LOG_ORIGIN),
    config.witnesses ?? [],
  );
  const checkLedger = new CheckLedger(
    store,
    createHash('sha256').update('credence check digests\0').update(key.privateJwk.d).digest(),
  );
  const checkIds = new CheckIds(
    createHash('sha256').update('credence check ids\0').update(key.privateJwk.d).digest(),
  );
  const outcomes = new OutcomeService(store, checks, checkIds, policies, quality);
  const appeals = new AppealService(store, view);
  const exposures = new ExposureService(store, view);
  const filters = new FilterService(store);
  const taxii = new TaxiiService(
    store,
    checks,
    analysis,
    config.taxiiEpochs ?? DEFAULT_TAXII_EPOCHS,
    config.taxiiClock,
  );
  // Members disabled or rotated elsewhere: drop the credentials and keys cached here.
  const followMembers = async () => {
    if (await credentials.follow()) ingestion.invalidateKeys();
  };
  const follow = async () => {
    await followMembers();
    await view.catchUp();
    await analysis.refresh();
    await quality.refresh();
    await alerts.poke();
    await disclosureFeed.poke();
  };
  const signingKey = privateKeyFromJwk(key.privateJwk);
  const dispatcher = new WebhookDispatcher(store, signingKey, {
    targets,
    ...(config.webhookClock === undefined ? {} : { now: config.webhookClock }),
  });
  const app = await buildPlatformApp({
    store,
    view,
    credentials,
    ingestion,
    checks,
    analysis,
    members,
    policies,
    alerts,
    cases,
    outcomes,
    appeals,
    exposures,
    filters,
    taxii,
    checkIds,
    evidence: new CaseEvidence(store, log, cases, config.caseClock),
    files: new EvidenceFiles(store, cases, config.caseClock),
    disclosureFeed,
    log,
    checkLedger,
    metrics,
    registry,
    platformPublicKey: key.publicKey,
    limiter: new RequestLimiter({ ...DEFAULT_REQUEST_RATES, ...config.requestRates }),
    webhookTargets: targets,
    webhookPublicKey: webhookPublicKey(signingKey),
    webhookSecret: (memberId, nonce) => dispatcher.secrets.of(memberId, nonce),
    webhookTest: (memberId, hook) => dispatcher.test(memberId, hook),
    logger: config.logger ?? false,
    ...(tls === undefined ? {} : { tls }),
    ...(config.ui === undefined ? {} : { ui: config.ui }),
    onChange: () => {
      void alerts.poke();
      void disclosureFeed.poke();
    },
  });
  background.logTo(app.log);
  let watch: { close(): Promise<void> } | undefined;
  return {
    app,
    store,
    members,
    view,
    publicKey: key.publicKey,
    log,
    checkLedger,
    webhooks: dispatcher,
    analysis,
    filters,
    start: async () => {
      watch = await startBackground({
        config,
        store,
        background,
        analysis,
        filters,
        alerts,
        log,
        checkLedger,
        dispatcher,
        follow,
        followMembers,
      });
    },
    close: async () => {
      background.stop();
      // The checks answered since the last flush go into the log before the store closes.
      await checkLedger.flush().catch((error: unknown) => background.fail('checkpoint', error));
      await app.close();
      await watch?.close().catch((error: unknown) => background.fail('listen', error));
      await store.close();
    },
  };
}

/** The parts of an API process that its background work drives. */
interface BackgroundParts {
  readonly config: Omit<PlatformConfig, 'host' | 'port'>;
  readonly store: Store;
  readonly background: Background;
  readonly analysis: AnalysisService;
  readonly filters: FilterService;
  readonly alerts: AlertHub;
  readonly log: LogService;
  readonly checkLedger: CheckLedger;
  readonly dispatcher: WebhookDispatcher;
  /** Takes in other processes' writes: members, flagged tokens, analysis, alerts. */
  readonly follow: () => Promise<void>;
  /** Takes in changes to who may do what. */
  readonly followMembers: () => Promise<void>;
}

/**
 * Starts what runs beside the requests: following other writers, webhook deliveries,
 * check digests and checkpoints, scheduled analysis. The change watch it opened
 * (PostgreSQL), for close.
 */
async function startBackground(
  parts: BackgroundParts,
): Promise<{ close(): Promise<void> } | undefined> {
  const { config, store, background, analysis, alerts, log, checkLedger, dispatcher } = parts;
  // Every API process has these on a timer; one of them takes each interval's turn
  // (several processes on PostgreSQL would otherwise each build and log the same thing).
  // A tenth of the interval's slack, so timers a little early still take their turn.
  // The turn is on the change sequence as read before the job reads the store: a write
  // during the job is the next turn's.
  const turn = async (job: string, every: number) =>
    store.takeTurn(job, Date.now(), every * 0.9, await store.currentSeq());
  const filterEvery = config.filterIntervalMs ?? 15 * 60_000;
  if (filterEvery > 0)
    background.every('filters', filterEvery, async () => {
      if (await turn('filters', filterEvery)) await parts.filters.publish();
    });
  const { follow, followMembers } = parts;
  // Other API processes' writes, as they commit (PostgreSQL), with a poll as a safety
  // net for a missed notification. SQLite has one API process, whose view takes in each
  // of its writes as it makes it, but `credence members` disables and rotates members
  // on the file directly: that is followed.
  const watch = await store.watchChanges?.(
    (what) =>
      void background.run(
        what === 'members' ? 'follow-members' : 'follow',
        what === 'members' ? followMembers : follow,
      ),
    (error) => background.fail('listen', error),
  );
  const shared = store.watchChanges !== undefined;
  background.every(
    shared ? 'follow' : 'follow-members',
    config.syncIntervalMs ?? 1000,
    shared ? follow : followMembers,
  );
  if (config.webhooks !== false)
    background.every('webhooks', WEBHOOK_INTERVAL_MS, () => dispatcher.tick());
  const interval = config.checkpointIntervalMs ?? 10_000;
  // Every interval: the checks of the last one into the log, then a checkpoint.
  if (interval > 0)
    background.every('checkpoint', interval, async () => {
      await checkLedger.flush();
      await log.latest();
    });
  const every = config.analysisIntervalMs ?? 0;
  if (every > 0) {
    // A run when the data changed since the last one, by whichever process takes the
    // turn (a run's own write does not move the sequence).
    background.every('analysis', every, async () => {
      if (!(await turn('analysis', every))) return;
      const run = await analysis.run('platform');
      if (run.alerts > 0) await alerts.poke();
    });
  }
  return watch;
}

/** An API process: createPlatform, then follow changes and listen. */
export async function startPlatform(config: PlatformConfig): Promise<RunningPlatform> {
  const platform = await createPlatform(config);
  await platform.start();
  let url: string;
  try {
    url = await platform.app.listen({ host: config.host, port: config.port });
  } catch (error) {
    // Nothing of the platform may outlive a failed start (timers, the store, a worker):
    // the command says why and ends.
    await platform.close().catch(() => undefined);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new Error(
        `port ${config.port} on ${config.host} is in use: another process (another platform?) listens there; stop it or give another --port`,
      );
    throw error;
  }
  return {
    url,
    app: platform.app,
    store: platform.store,
    reloadTls: () => reloadServerTls(platform.app, config.tls),
    close: () => platform.close(),
  };
}
