import { type ChildProcess, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, killGroup, killPostmaster, onPath, startProcess, waitFor } from './processes.js';

/**
 * PostgreSQL with streaming replicas and automatic failover, by pg_auto_failover (Debian's
 * pg-auto-failover-cli and postgresql-NN-auto-failover): a monitor, a primary and
 * `replicas` hot standbys, each a data directory and port of its own on this machine (on
 * separate machines in production: docs/deployment.md). The monitor watches the nodes and
 * promotes a standby when the primary fails; replication is synchronous (the formation's
 * default with a standby), so a commit the primary acknowledged is on a standby too and
 * survives the failover. Nothing here decides a failover: this only starts, kills and
 * reads the state of what pg_auto_failover runs.
 */

export interface DataNode {
  readonly name: string;
  readonly port: number;
  readonly pgdata: string;
  /** The `pg_autoctl run` keeping this node (its process group holds the keeper). */
  keeper: ChildProcess | undefined;
}

export interface NodeState {
  readonly name: string;
  readonly port: number;
  readonly reported: string;
  readonly assigned: string;
}

/** The states of a node that takes writes (pg_auto_failover's FSM). */
const WRITABLE = new Set(['single', 'primary', 'wait_primary']);

export interface PostgresHaOptions {
  /** The folder for data directories, configuration and logs (made; owned by postgres when run as root). */
  readonly dir: string;
  /** Hot standbys beside the primary (at least 1 for failover). */
  readonly replicas: number;
  /** The database the platform uses. */
  readonly dbname: string;
  /**
   * Fail over within seconds rather than pg_auto_failover's defaults (a node unhealthy
   * after 20 s, the old primary given 30 s to demote itself): for tests, where the old
   * primary is known dead. The keeper's network partition timeout is lowered with it, so
   * that a primary cut off from the monitor still demotes itself before a standby is
   * promoted.
   */
  readonly fastFailover: boolean;
}

/** The pg_autoctl and PostgreSQL binaries, or why they are missing. */
export function postgresHaMissing(): string | undefined {
  if (!onPath('pg_autoctl'))
    return 'pg_autoctl is not installed (Debian: pg-auto-failover-cli and postgresql-15-auto-failover)';
  if (pgBin() === undefined) return 'no PostgreSQL server binaries under /usr/lib/postgresql';
  return undefined;
}

/** The newest PostgreSQL server's binaries with pg_auto_failover's extension beside them. */
function pgBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  const withExtension = versions.find((v) =>
    existsSync(`/usr/share/postgresql/${v}/extension/pgautofailover.control`),
  );
  const version = withExtension ?? versions[0];
  return version === undefined ? undefined : join(root, version, 'bin');
}

/** The balancer's question too (haproxy.ts's check): out of recovery, and not read-only. */
export const WRITABLE_QUERY =
  "SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off'";

/** Whether the server at `url` takes writes now (false when it cannot be reached). */
export async function takesWrites(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ ok: boolean }>(`${WRITABLE_QUERY} AS ok`);
    return rows[0]?.ok === true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export class PostgresHa {
  readonly monitor: DataNode;
  readonly nodes: DataNode[] = [];
  private monitorKeeper: ChildProcess | undefined;
  private readonly bin: string;

  private constructor(
    private readonly options: PostgresHaOptions,
    monitorPort: number,
  ) {
    this.bin = pgBin() as string;
    this.monitor = {
      name: 'monitor',
      port: monitorPort,
      pgdata: join(options.dir, 'monitor'),
      keeper: undefined,
    };
  }

  /** Starts the monitor, the primary and its standbys, and waits until every standby is in sync. */
  static async start(options: PostgresHaOptions): Promise<PostgresHa> {
    const missing = postgresHaMissing();
    if (missing !== undefined) throw new Error(missing);
    mkdirSync(options.dir, { recursive: true });
    const ha = new PostgresHa(options, await freePort());
    ha.ownedByPostgres(options.dir);
    await ha.startMonitor();
    for (let i = 0; i <= options.replicas; i++) await ha.addNode(`node${i + 1}`);
    return ha;
  }

  /** The monitor's URL (pg_auto_failover's own database). */
  get monitorUrl(): string {
    return `postgres://autoctl_node@127.0.0.1:${this.monitor.port}/pg_auto_failover`;
  }

  /** A data node's URL, straight to it (the balancer's URLs are topology.ts's). */
  urlOf(node: DataNode): string {
    return `postgres://postgres@127.0.0.1:${node.port}/${this.options.dbname}`;
  }

  /** Each data node's state as the monitor has it. */
  async states(): Promise<NodeState[]> {
    const client = new pg.Client({ connectionString: this.monitorUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{
        nodename: string;
        nodeport: number;
        reportedstate: string;
        goalstate: string;
      }>(
        'SELECT nodename, nodeport, reportedstate, goalstate FROM pgautofailover.node ORDER BY nodeid',
      );
      return rows.map((r) => ({
        name: r.nodename,
        port: r.nodeport,
        reported: r.reportedstate,
        assigned: r.goalstate,
      }));
    } finally {
      await client.end();
    }
  }

  /** The node taking writes now (reported and assigned writable by the monitor), if one is. */
  async primary(): Promise<DataNode | undefined> {
    const states = await this.states();
    const writable = states.find((s) => WRITABLE.has(s.reported) && WRITABLE.has(s.assigned));
    return this.nodes.find((n) => n.name === writable?.name);
  }

  /** Waits for a primary other than `not`, that takes writes; how long it took. */
  async waitForPrimary(not: DataNode | undefined, timeoutMs: number): Promise<DataNode> {
    let found: DataNode | undefined;
    await waitFor(
      'a writable primary',
      async () => {
        const p = await this.primary();
        if (p === undefined || p === not) return false;
        found = (await this.takesWrites(p)) ? p : undefined;
        return found !== undefined;
      },
      timeoutMs,
      100,
    );
    return found as DataNode;
  }

  /** Whether a node is out of recovery and not read-only (as the balancer's check asks). */
  takesWrites(node: DataNode): Promise<boolean> {
    return takesWrites(this.urlOf(node));
  }

  /** Kills a data node as a dying machine would: its keeper and its postmaster, SIGKILL. */
  kill(node: DataNode): void {
    killGroup(node.keeper);
    killPostmaster(node.pgdata);
    node.keeper = undefined;
  }

  /** Stops everything at once (the topology is thrown away after). */
  stop(): void {
    for (const node of this.nodes) this.kill(node);
    killGroup(this.monitorKeeper);
    killPostmaster(this.monitor.pgdata);
  }

  private async startMonitor(): Promise<void> {
    const { pgdata, port } = this.monitor;
    this.autoctl(
      'create',
      'monitor',
      '--pgctl',
      join(this.bin, 'pg_ctl'),
      '--pgdata',
      pgdata,
      '--pgport',
      String(port),
      '--hostname',
      '127.0.0.1',
      '--auth',
      'trust',
      '--no-ssl',
    );
    this.monitorKeeper = this.run(pgdata, 'monitor');
    await waitFor('the pg_auto_failover monitor', () => this.states().then(() => true), 30_000);
    if (this.options.fastFailover) {
      const client = new pg.Client({
        connectionString: `postgres://postgres@127.0.0.1:${port}/pg_auto_failover`,
      });
      await client.connect();
      try {
        for (const [name, value] of [
          ['health_check_period', 1000],
          ['health_check_timeout', 1000],
          ['health_check_max_retries', 1],
          ['health_check_retry_delay', 500],
          ['node_considered_unhealthy_timeout', 2000],
          ['primary_demote_timeout', 5000],
        ] as const)
          await client.query(`ALTER SYSTEM SET pgautofailover.${name} = ${value}`);
        await client.query('SELECT pg_reload_conf()');
      } finally {
        await client.end();
      }
    }
  }

  private async addNode(name: string): Promise<void> {
    const node: DataNode = {
      name,
      port: await freePort(),
      pgdata: join(this.options.dir, name),
      keeper: undefined,
    };
    this.autoctl(
      'create',
      'postgres',
      '--pgctl',
      join(this.bin, 'pg_ctl'),
      '--pgdata',
      node.pgdata,
      '--pgport',
      String(node.port),
      '--hostname',
      '127.0.0.1',
      '--name',
      name,
      '--dbname',
      this.options.dbname,
      '--monitor',
      this.monitorUrl,
      '--auth',
      'trust',
      '--no-ssl',
    );
    // Below primary_demote_timeout: a primary that loses the monitor and its standbys
    // demotes itself before the monitor may promote another (split brain avoided).
    if (this.options.fastFailover)
      this.autoctl(
        'config',
        'set',
        '--pgdata',
        node.pgdata,
        'timeout.network_partition_timeout',
        '3',
      );
    node.keeper = this.run(node.pgdata, name);
    this.nodes.push(node);
    const first = this.nodes.length === 1;
    await waitFor(
      `${name} ${first ? 'as the primary' : 'in sync with the primary'}`,
      async () => {
        const states = await this.states();
        const state = states.find((s) => s.name === name);
        if (first) return state?.reported === 'single' && state.assigned === 'single';
        // A standby's base backup waits for a checkpoint on the primary; ask for one
        // rather than wait for the next timed one.
        const primary = this.nodes[0] as DataNode;
        await this.checkpoint(primary);
        return (
          state?.reported === 'secondary' &&
          states.every(
            (s) => s.name === name || s.reported === 'primary' || s.reported === 'secondary',
          )
        );
      },
      120_000,
      500,
    );
  }

  private async checkpoint(node: DataNode): Promise<void> {
    const client = new pg.Client({ connectionString: this.urlOf(node) });
    await client.connect();
    try {
      await client.query('CHECKPOINT');
    } finally {
      await client.end();
    }
  }

  /** Runs pg_autoctl to its end, as the postgres user when we are root. */
  private autoctl(...args: string[]): void {
    const [command, argv] = this.asPostgres(['pg_autoctl', ...args]);
    try {
      execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: this.env() });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
      throw new Error(`pg_autoctl ${args.slice(0, 2).join(' ')} failed: ${stderr}`);
    }
  }

  /** `pg_autoctl run` for a data directory, in a process group of its own. */
  private run(pgdata: string, name: string): ChildProcess {
    const [command, argv] = this.asPostgres(['pg_autoctl', 'run', '--pgdata', pgdata]);
    return startProcess(command, argv, join(this.options.dir, `${name}.log`), this.env());
  }

  /** pg_autoctl keeps its configuration and state under XDG folders: the topology's own. */
  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      XDG_CONFIG_HOME: join(this.options.dir, 'config'),
      XDG_DATA_HOME: join(this.options.dir, 'state'),
      PATH: `${this.bin}:${process.env.PATH ?? ''}`,
    };
  }

  /** PostgreSQL refuses to run as root: as root, commands run as the postgres user. */
  private asPostgres(argv: string[]): [string, string[]] {
    if (process.getuid?.() !== 0) return [argv[0] as string, argv.slice(1)];
    return [
      'runuser',
      [
        '-u',
        'postgres',
        '--',
        'env',
        `XDG_CONFIG_HOME=${join(this.options.dir, 'config')}`,
        `XDG_DATA_HOME=${join(this.options.dir, 'state')}`,
        `PATH=${this.bin}:/usr/bin:/bin`,
        ...argv,
      ],
    ];
  }

  private ownedByPostgres(dir: string): void {
    if (process.getuid?.() !== 0) return;
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
}
