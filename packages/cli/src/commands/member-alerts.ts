/** A member's alerts: what it watches, where the platform pushes them, and reading them. */
import type { Alert } from '@credence/member/alerts';
import { platformRequest } from '@credence/member/platform-client';
import type { WatchIndex } from '@credence/member/watch-index';
import type { Command } from 'commander';
import { existsSync } from './files.js';
import {
  cacheFileOption,
  configOption,
  encodingOption,
  n,
  sessionCache,
  withSession,
} from './member-common.js';
import { endpoint } from './platform-endpoint.js';

/** The platform a member's config names, for commands that need no key server. */
const memberPlatform = (config: string) => endpoint({ config });

/** An alert as a person reads it, the member's own customer named from its watch index. */
export function describeAlert(alert: Alert, index: Pick<WatchIndex, 'get'> | undefined): string {
  if (alert.source === 'key')
    return `${alert.createdAt}  the operator announced signing key ${alert.token} for you: it starts at ${alert.occurredAt} and your other keys stop then. If you did not ask for it: credence member keys object ${alert.token}  [${alert.cursor}]`;
  const watched = index?.get(alert.token);
  const who =
    watched === undefined ? `${alert.kind} ${alert.token}` : `${watched.kind} ${watched.value}`;
  if (alert.source === 'exposed')
    return `${alert.createdAt}  ${who}: on a list of personal data the police seized from fraudsters on ${alert.occurredAt}; warn your customer that a fraudster may call  [${alert.cursor}]`;
  if (alert.source === 'appeal')
    return `${alert.createdAt}  ${who}: an appeal was upheld on ${alert.occurredAt}; what members (you too, if you reported it) said of it until then no longer counts  [${alert.cursor}]`;
  const what =
    alert.source === 'report'
      ? `reported (${alert.reportType ?? 'report'}${alert.category ? `, ${alert.category}` : ''})`
      : alert.source === 'ring'
        ? `put in ${alert.ringId ?? 'a ring'} by joint analysis`
        : alert.linkType === undefined || alert.linkType === null
          ? 'in a link'
          : `in a ${alert.linkType} link`;
  const by = alert.source === 'ring' ? '' : ' by another member';
  return `${alert.createdAt}  ${who} ${what}${by}, ${alert.occurredAt}  [${alert.cursor}]`;
}

/** `credence member webhook set|show|remove|test`: where the platform pushes the alerts. */
export function registerWebhook(member: Command): void {
  const webhook = member
    .command('webhook')
    .description(
      'Where the platform POSTs your alerts, signed as Standard Webhooks says (verify with the secret it answers, or with the key at GET /v1/platform).',
    );
  webhook
    .command('set')
    .argument('<url>', 'https://… (http: only to a receiver the operator allowed)')
    .addOption(configOption())
    .action(async (url: string, flags: { config: string }) => {
      const platform = memberPlatform(flags.config);
      const { secret } = await platformRequest<{ secret: string }>(platform, 'PUT', '/v1/webhook', {
        url,
      });
      console.log(`alerts go to ${url} (credence member webhook test sends one now)`);
      console.log(`signing secret (Standard Webhooks, new with every set): ${secret}`);
    });
  webhook
    .command('show')
    .addOption(configOption())
    .action(async (flags: { config: string }) => {
      const { url, secret } = await platformRequest<{ url: string | null; secret?: string }>(
        memberPlatform(flags.config),
        'GET',
        '/v1/webhook',
      );
      console.log(url ?? 'no webhook: alerts are pulled (credence member alerts)');
      if (secret !== undefined) console.log(`signing secret (Standard Webhooks): ${secret}`);
    });
  webhook
    .command('remove')
    .addOption(configOption())
    .action(async (flags: { config: string }) => {
      const { removed } = await platformRequest<{ removed: boolean }>(
        memberPlatform(flags.config),
        'DELETE',
        '/v1/webhook',
      );
      console.log(removed ? 'webhook removed' : 'there was no webhook');
    });
  webhook
    .command('test')
    .description('Have the platform send a signed test delivery to your webhook now.')
    .addOption(configOption())
    .action(async (flags: { config: string }) => {
      const r = await platformRequest<{
        url: string;
        delivered: boolean;
        status?: number;
        error?: string;
      }>(memberPlatform(flags.config), 'POST', '/v1/webhook/test');
      if (r.delivered) console.log(`delivered to ${r.url}: HTTP ${r.status}`);
      else {
        console.log(`not delivered to ${r.url}: ${r.error ?? 'no answer'}`);
        process.exitCode = 1;
      }
    });
}

/** `credence member watch`'s options. */
interface WatchFlags {
  readonly config: string;
  readonly cache?: string;
  readonly remove?: boolean;
  readonly index?: string;
  readonly encoding?: string;
}

/** `credence member watch`: the file's identifiers watched (or no longer), rejections named. */
async function watchAndSay(file: string, flags: WatchFlags): Promise<void> {
  const { watchFile } = await import('@credence/member/watch');
  const summary = await withSession(flags.config, sessionCache(flags.cache), (session) =>
    watchFile(session, file, {
      ...(flags.remove === true ? { remove: true } : {}),
      ...(flags.index === undefined ? {} : { index: flags.index }),
      ...(flags.encoding === undefined ? {} : { encoding: flags.encoding }),
    }),
  );
  console.log(
    flags.remove === true
      ? `${n(summary.identifiers)} identifiers sent, ${n(summary.changed)} no longer watched.`
      : `${n(summary.identifiers)} identifiers watched (${n(summary.changed)} new).`,
  );
  for (const r of summary.rejected.slice(0, 20))
    console.log(`  line ${r.line}: ${r.message} (${r.code})`);
  if (summary.rejected.length > 20) console.log(`  … and ${n(summary.rejected.length - 20)} more`);
  if (summary.rejected.length > 0) process.exitCode = 1;
}

/** `credence member watch`: the member's customers' identifiers, watched. */
export function registerWatch(member: Command): void {
  member
    .command('watch')
    .description(
      "Watch your own customers' identifiers: alerts come when another member reports them.",
    )
    .argument('<file>', 'one identifier per line: kind,value (or {"kind","value"})')
    .addOption(configOption())
    .addOption(cacheFileOption())
    .option('--remove', 'stop watching the identifiers in the file')
    .addOption(encodingOption())
    .option(
      '--index <file>',
      'local token → identifier index (default: watchlist.sqlite by the config)',
    )
    .action(watchAndSay);
}

/** `credence member alerts`' options. */
interface AlertsFlags {
  readonly config: string;
  readonly after?: string;
  readonly follow?: boolean;
  readonly json?: boolean;
  readonly index?: string;
}

/** `credence member alerts`: the alerts so far, or (--follow) as they come until interrupted. */
async function printAlerts(flags: AlertsFlags): Promise<void> {
  const { fetchAlerts, followAlerts } = await import('@credence/member/alerts');
  const { WatchIndex } = await import('@credence/member/watch-index');
  await withSession(flags.config, { cache: false, threads: 0 }, async (session) => {
    const indexFile = flags.index ?? `${session.home}/watchlist.sqlite`;
    const index = existsSync(indexFile) ? new WatchIndex(indexFile) : undefined;
    const print = (a: Alert) =>
      console.log(flags.json === true ? JSON.stringify(a) : describeAlert(a, index));
    try {
      if (flags.follow !== true) {
        let count = 0;
        const next = await fetchAlerts(session.platform, flags.after, (a) => {
          count++;
          print(a);
        });
        process.stderr.write(
          `${n(count)} alerts${next === undefined ? '' : `; continue with --after ${next}`}\n`,
        );
        return;
      }
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      await followAlerts(session.platform, flags.after, print, {
        signal: stop.signal,
        onConnected: () => process.stderr.write('following alerts (Ctrl-C stops)\n'),
      });
    } finally {
      index?.close();
    }
  });
}

/** `credence member alerts`: the alerts about what the member watches, pulled. */
export function registerAlerts(member: Command): void {
  member
    .command('alerts')
    .description("Your alerts: another member's report or link touched a token you watch.")
    .addOption(configOption())
    .option('--after <cursor>', 'only alerts after this cursor (as printed in [ ])')
    .option('--follow', 'keep the connection open and print alerts as they come')
    .option('--json', 'one JSON object per alert')
    .option('--index <file>', 'local watch index (default: watchlist.sqlite by the config)')
    .action(printAlerts);
}
