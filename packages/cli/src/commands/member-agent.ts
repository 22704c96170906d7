import { resolve } from 'node:path';
import { MemberError } from '@credence/member/member-error';
import { type Command, InvalidArgumentError } from 'commander';
import { configOption, n, withSession } from './member-common.js';
import { requireSealingKeys } from './member-disclosures.js';
import { collect } from './parse.js';

/** The dashboard's state (sign-in links, sessions) beside the member's configuration. */
const uiStateFile = (config: string) => resolve(config, '..', 'dashboard.sqlite');

/**
 * Where the dashboard listens: host:port or a port alone (on 127.0.0.1). Loopback only:
 * its session cookie is Secure, which a browser keeps over plain HTTP for loopback alone,
 * and the dashboard shows the member's raw identifiers, so it stays on the machine unless
 * a TLS proxy of the member's own fronts it.
 */
export function parseUiListen(text: string): { host: string; port: number } {
  const match = /^(?:(127\.0\.0\.1|localhost|\[::1\]):)?([0-9]{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (match === null || port > 65535)
    throw new InvalidArgumentError(
      'give host:port on a loopback address (127.0.0.1:8090, localhost:8090) or a port',
    );
  return { host: (match[1] ?? '127.0.0.1').replace(/^\[|\]$/g, ''), port };
}

/** `credence member agent`: the long-running process inside the member's network. */
export function registerAgent(member: Command): void {
  member
    .command('agent')
    .description(
      "Run the member's agent inside its own network: follow the police's disclosure requests for your reports (catching up on those that came while it was down), grant or deny what your disclosurePolicy (member.json) decides by re-sealing the report's data key to the case's investigator with your sealing key, and leave the rest to a person (credence member disclosures). With --ui, also serve the dashboard for your analysts (sign in with credence member login). Runs until stopped.",
    )
    .addOption(configOption())
    .option(
      '--ui <host:port>',
      'serve the dashboard here (loopback: 127.0.0.1:8090, or a port)',
      parseUiListen,
    )
    .option(
      '--ui-origin <url>',
      'another address people open the dashboard at: your own TLS proxy in front of it, e.g. https://credence.bank.example (repeatable)',
      collect,
    )
    .option(
      '--ui-language <lang>',
      "the dashboard's default language: zh-CN or en (default: zh-CN for a CN member)",
    )
    .action(
      async (flags: {
        config: string;
        ui?: { host: string; port: number };
        uiOrigin?: string[];
        uiLanguage?: string;
      }) => {
        if (flags.uiLanguage !== undefined && !['zh-CN', 'en'].includes(flags.uiLanguage))
          throw new MemberError('member.config', '--ui-language must be zh-CN or en', {
            field: 'ui-language',
          });
        const { runDisclosureAgent } = await import('@credence/member/disclosure-agent');
        await withSession(flags.config, { cache: false, threads: 0 }, async (session) => {
          const stop = new AbortController();
          for (const signal of ['SIGINT', 'SIGTERM'] as const)
            process.once(signal, () => stop.abort());
          const keys =
            flags.ui === undefined
              ? await requireSealingKeys(session)
              : await session.sealingKeys();
          let ui: { close(): Promise<void> } | undefined;
          if (flags.ui !== undefined) {
            const { startAgentUi } = await import('@credence/dashboard/agent-ui');
            const { UiState } = await import('@credence/dashboard/ui-state');
            const state = UiState.open(uiStateFile(flags.config));
            const started = await startAgentUi({
              session,
              state,
              ...flags.ui,
              ...(flags.uiOrigin === undefined ? {} : { origins: flags.uiOrigin }),
              ...(keys === undefined ? {} : { sealingKeys: keys }),
              ...(flags.uiLanguage === undefined
                ? {}
                : { language: flags.uiLanguage as 'en' | 'zh-CN' }),
            });
            ui = {
              close: async () => {
                await started.close();
                state.close();
              },
            };
            console.error(
              `dashboard of ${started.identity.id} (${started.identity.type}): listening on ${started.url} (sign in: credence member login --config ${flags.config})`,
            );
          }
          try {
            if (keys === undefined) {
              console.error(
                `agent of ${session.config.memberId}: no sealingKeyFile in member.json, so no disclosure requests are followed`,
              );
              await new Promise<void>((done) =>
                stop.signal.addEventListener('abort', () => done()),
              );
              return;
            }
            const rules = session.config.disclosurePolicy.rules.length;
            await runDisclosureAgent({
              platform: session.platform,
              keys,
              policy: session.config.disclosurePolicy,
              onHandled: (d, result) =>
                console.log(
                  result.outcome === 'failed'
                    ? `${d.id}  not handled: ${result.error}`
                    : `${d.id}  ${result.outcome === 'waiting' ? 'waits for a person' : result.outcome} · report ${d.record?.ref ?? d.report} · case ${d.case} of ${d.police} (${d.basis.type})`,
                ),
              stream: {
                signal: stop.signal,
                onConnected: () =>
                  console.error(
                    `agent of ${session.config.memberId}: following disclosure requests (${n(rules)} policy rule${rules === 1 ? '' : 's'})`,
                  ),
              },
            });
          } finally {
            await ui?.close();
          }
        });
      },
    );
}

/** `credence member login`: a one-time sign-in link to the agent's dashboard. */
export function registerLogin(member: Command): void {
  member
    .command('login')
    .description(
      'Print a one-time link that signs a person in to the dashboard your agent serves (credence member agent --ui): good once, for 10 minutes. Give it only to the person it is for.',
    )
    .addOption(configOption())
    .action(async (flags: { config: string }) => {
      const { UiState } = await import('@credence/dashboard/ui-state');
      const file = uiStateFile(flags.config);
      const { existsSync } = await import('node:fs');
      if (!existsSync(file))
        throw new MemberError(
          'member.config',
          `${file} does not exist: start the dashboard first (credence member agent --ui 127.0.0.1:8090)`,
        );
      const state = UiState.open(file);
      try {
        const url = state.url();
        if (url === undefined)
          throw new MemberError(
            'member.config',
            'the dashboard has not started yet (credence member agent --ui 127.0.0.1:8090)',
          );
        console.log(`${url}/#login=${state.issueLoginLink(Date.now())}`);
      } finally {
        state.close();
      }
    });
}
