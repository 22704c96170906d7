import { join } from 'node:path';
import { type ServiceProcess, spawnService } from './service-process.js';

/** A dashboard the demo serves: whose agent, and where. */
export interface DemoDashboard {
  readonly member: string;
  readonly url: string;
  /** A one-time sign-in link (10 minutes, once). */
  readonly link: string;
}

/**
 * The demo's dashboards (issue 16): the agents of the first bank and of the police
 * member, each serving its dashboard on loopback (ports `uiPort` and `uiPort + 1`), as a
 * member would run `credence member agent --ui`; then a one-time sign-in link for each,
 * as `credence member login` prints it.
 */
export async function startDashboards(
  data: string,
  members: readonly { readonly id: string; readonly type: string }[],
  uiPort: number,
  services: ServiceProcess[],
): Promise<DemoDashboard[]> {
  const chosen = [
    members.find((m) => m.type === 'bank'),
    members.find((m) => m.type === 'police'),
  ].filter((m) => m !== undefined);
  const { UiState } = await import('@credence/dashboard/ui-state');
  const out: DemoDashboard[] = [];
  for (const [i, m] of chosen.entries()) {
    const config = join(data, 'members', m.id, 'member.json');
    const agent = await spawnService(
      `${m.id}'s agent`,
      ['member', 'agent', '--config', config, '--ui', `127.0.0.1:${uiPort === 0 ? 0 : uiPort + i}`],
      { log: join(data, 'logs', `agent-${m.id}.log`) },
    );
    services.push(agent);
    const state = UiState.open(join(data, 'members', m.id, 'dashboard.sqlite'));
    try {
      out.push({
        member: m.id,
        url: agent.url,
        link: `${agent.url}/#login=${state.issueLoginLink(Date.now())}`,
      });
    } finally {
      state.close();
    }
  }
  return out;
}
