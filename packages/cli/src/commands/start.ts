import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { serializeGroupKey } from '@credence/core/oprf/key-set';
import { platformRequest } from '@credence/member/platform-client';
import type { Witness } from '@credence/member/witness';
import { resolveOptions } from '@credence/sim/options';
import type { Command } from 'commander';
import {
  configureMembers,
  demoWitness,
  enrollDemo,
  memberConfigs,
  startServices,
  worldMembers,
} from './demo-setup.js';
import {
  analyseAndSay,
  showBankA,
  submitAll,
  watchCustomers,
  witnessAndAudit,
} from './demo-tour.js';
import { existsSync, readJson } from './files.js';
import { initKeys } from './keys.js';
import { decimal, integer } from './parse.js';
import type { ServiceProcess } from './service-process.js';
import { generateWorld } from './sim.js';

export { jsonLines, sharedScriptsSentence } from './demo-tour.js';

import { policeCaseAndSay } from './demo-case.js';
import { startDashboards } from './demo-dashboard.js';
import { describeExposureRun, uploadSeizedLists } from './demo-exposures.js';
import { releaseDemoStatistics } from './demo-statistics.js';

export interface StartOptions {
  readonly data: string;
  readonly host: string;
  /** First of the three key servers' ports. */
  readonly portBase: number;
  /** The platform API's port (0: any free port). */
  readonly port: number;
  /** Stop everything once the demo is loaded, instead of serving until interrupted. */
  readonly exit: boolean;
  /**
   * The first bank's dashboard port (its agent, `credence member agent --ui`), the police
   * member's the next; 0: any free ports; undefined: no dashboards.
   */
  readonly uiPort?: number;
  /** Size of the demo world (1: the demo). */
  readonly scale: number;
  /** A world made by `credence sim` to load instead of the demo world (credence eval). */
  readonly world?: string;
  /** Print nothing (credence eval prints its own table). */
  readonly quiet?: boolean;
  /**
   * Return with the services running and nothing scheduled (credence eval stops them);
   * without it, the demo serves until interrupted unless `exit`.
   */
  readonly hold?: boolean;
}

/**
 * `npm start`: Credence on its embedded default with the demo consortium: the demo world,
 * a 2-of-3 threshold key with three key servers, the platform on SQLite, every member
 * enrolled, its customers watched and its files tokenized, signed and submitted from the
 * member side; then a summary and checks to paste.
 */
export async function startDemo(options: StartOptions): Promise<ServiceProcess[]> {
  const say = options.quiet === true ? () => undefined : (text: string) => console.log(text);
  const world = options.world ?? join(options.data, 'demo');
  if (options.world === undefined) generateWorld(resolveOptions({ scale: options.scale }), world);
  const members = worldMembers(world);

  const keysDir = join(options.data, 'keys');
  if (!existsSync(join(keysDir, 'group.json'))) await initKeys(keysDir, 2, 3);
  const groupKey = readJson(join(keysDir, 'group.json')) as ReturnType<typeof serializeGroupKey>;

  // Key server credentials first (each key server reads its members file when it
  // starts), then the platform's members, each with its own signing key.
  const previous = memberConfigs(options.data, members, keysDir, groupKey);
  const db = join(options.data, 'platform.sqlite');
  const credentials = await enrollDemo(options.data, db, members, previous);
  const witnessKey = demoWitness(options.data);

  mkdirSync(join(options.data, 'logs'), { recursive: true });
  const services: ServiceProcess[] = [];
  const stopAll = () => Promise.all(services.map((s) => s.stop()));
  process.once('exit', () => {
    for (const s of services) s.child.kill('SIGTERM');
  });
  // A step that fails stops what was started: a caller that holds the services (eval)
  // would otherwise wait on children that no one stops.
  try {
    await startServices(
      options,
      { db, keysDir, witnessVkey: witnessKey.vkey, credentials },
      services,
    );
    const keyServerUrls = services.slice(1, 4).map((s) => s.url);
    const platformUrl = services[0]?.url as string;
    const operator = { url: platformUrl, credential: credentials.get('operator') as string };
    const logKey = await configureMembers(options.data, members, previous, {
      operator,
      keyServerUrls,
      credentials,
      witnessVkey: witnessKey.vkey,
    });

    const keyId = groupKey.keyId as string;
    say(`\nKey servers (${keyId}, 2-of-3): ${keyServerUrls.join(', ')}`);
    say(`Platform (SQLite, ${db}): ${platformUrl}`);
    say(
      'Each member watches its customers, then tokenizes, signs and submits its files (raw values never leave it)…\n',
    );
    const watched = await watchCustomers(options.data, world, members);
    await submitAll(options.data, world, members, watched, {
      quiet: options.quiet === true,
      say,
      operator,
    });
    const witness = await witnessAndAudit(
      options.data,
      { operator, logKey, signer: witnessKey.signer },
      say,
    );
    await analyseAndSay(
      options.data,
      operator,
      members.map((m) => m.id),
      say,
    );
    await policeCaseAndSay(options.data, members, say);
    const { options: worldOptions } = readJson(join(world, 'world.json')) as {
      options: { start: string; days: number };
    };
    const weeks = await releaseDemoStatistics(operator, worldOptions);
    if (weeks.length > 0)
      say(
        `\nPublic statistics: the operator released ${weeks.length} weeks of reports by category and by the victim's region (${weeks[0]} to ${weeks.at(-1)}), each cut noised at half the policy's ε per week (discrete Laplace; counts below the threshold withheld): npx credence stats --platform ${platformUrl} (no credential; docs/statistics.md).`,
      );
    const exposures = await uploadSeizedLists(options.data, world, members, operator);
    if (exposures !== undefined) say(`\n${describeExposureRun(exposures)}`);
    await showBankA(options.data, world, members, platformUrl, say);
    if (options.exit) {
      await stopAll();
      return [];
    }
    if (options.hold === true) return services;
    if (options.uiPort !== undefined) {
      const boards = await startDashboards(options.data, members, options.uiPort, services);
      say(
        "\nThe dashboard, served by each member's agent inside its network (open a link once; it signs you in):",
      );
      for (const b of boards) say(`  ${b.member.padEnd(10)} ${b.link}`);
      const { path } = await platformRequest<{ path: string }>(operator, 'POST', '/v1/ui/links');
      say(
        `  ${'operator'.padEnd(10)} ${platformUrl}${path}   (served by the platform: members, health, log)`,
      );
      say(
        `  New links: npx credence member login --config ${join(options.data, 'members', boards[0]?.member ?? 'bank-a', 'member.json')}; npx credence login --config ${join(options.data, 'operator.json')}`,
      );
    }
    say(
      '\nThe key servers and the platform keep running, and the witness cosigns every 10 s; Ctrl-C stops them.',
    );
    keepCosigning(witness, stopAll);
    return services;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * While the demo serves: the witness cosigns every 10 s (one step at a time), and Ctrl-C
 * or SIGTERM stops it and the services.
 */
function keepCosigning(witness: Witness, stopAll: () => Promise<unknown>): void {
  let stepping = false;
  const cosigning = setInterval(() => {
    if (stepping) return;
    stepping = true;
    witness
      .step()
      .catch((error: { code?: string; message: string }) => {
        // A fork is what a witness exists to catch: say so, loudly.
        if (error.code === 'member.log_fork') console.error(`\nwitness: ${error.message}`);
      })
      .finally(() => {
        stepping = false;
      });
  }, 10_000);
  const stop = () => {
    clearInterval(cosigning);
    void stopAll().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('Start Credence on its embedded default with the demo consortium.')
    .option('--data <dir>', 'data directory', 'data')
    .option('--host <h>', 'address the servers listen on', '127.0.0.1')
    .option('--port-base <p>', 'first port of the three key servers', integer, 7101)
    .option('--port <p>', "the platform API's port (0: any free port)", integer, 8080)
    .option('--exit', 'stop once the demo is loaded instead of serving')
    .option('--scale <s>', 'size of the demo world', decimal, 1)
    .option(
      '--ui-port <p>',
      "the first bank's dashboard port (its agent's), the police member's the next (0: any free ports)",
      integer,
      8090,
    )
    .option('--no-ui', 'serve no dashboards')
    .action(
      async (flags: {
        data: string;
        host: string;
        portBase: number;
        port: number;
        exit?: boolean;
        scale: number;
        uiPort: number;
        ui: boolean;
      }) => {
        await startDemo({
          data: flags.data.replace(/\/$/, ''),
          host: flags.host,
          portBase: flags.portBase,
          port: flags.port,
          exit: flags.exit === true,
          scale: flags.scale,
          ...(flags.ui ? { uiPort: flags.uiPort } : {}),
        });
      },
    );
}
