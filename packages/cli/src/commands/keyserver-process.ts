import { type ServiceProcess, spawnService } from './service-process.js';

export type KeyserverProcess = ServiceProcess;

export interface KeyserverProcessOptions {
  readonly share: string;
  /** The members file (the key server's default when absent: members-<i>.json beside share-<i>.json). */
  readonly members?: string;
  /** Usage counts file (the key server's default when absent). */
  readonly state?: string;
  readonly host?: string;
  /** 0 for any free port. */
  readonly port: number;
  /** Where its JSON log goes; discarded when absent. */
  readonly log?: string;
  readonly logLevel?: string;
  /** Report evaluation counts to the platform's log, with this key server's credential. */
  readonly reportTo?: {
    readonly url: string;
    readonly credential: string;
    readonly intervalSeconds?: number;
  };
}

/** Starts `credence keyserver` as a process of its own; resolves with its URL. */
export function spawnKeyserver(options: KeyserverProcessOptions): Promise<KeyserverProcess> {
  const args = [
    'keyserver',
    '--share',
    options.share,
    ...(options.members === undefined ? [] : ['--members', options.members]),
    '--host',
    options.host ?? '127.0.0.1',
    '--port',
    String(options.port),
  ];
  if (options.state !== undefined) args.push('--state', options.state);
  args.push('--log-level', options.logLevel ?? 'info');
  if (options.reportTo !== undefined)
    args.push(
      '--report-to',
      options.reportTo.url,
      '--report-interval',
      String(options.reportTo.intervalSeconds ?? 60),
    );
  return spawnService(`key server on port ${options.port}`, args, {
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.reportTo === undefined
      ? {}
      : { env: { CREDENCE_REPORT_CREDENTIAL: options.reportTo.credential } }),
  });
}
