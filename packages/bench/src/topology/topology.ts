import { type ChildProcess, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../processes.js';
import { startHaproxy } from './haproxy.js';
import { type DataNode, PostgresHa, postgresHaMissing, takesWrites } from './postgres-ha.js';
import { freePort, killGroup, onPath, startProcess, waitFor } from './processes.js';

/**
 * The production layout of SPEC §8 on one machine, for tests and benchmarks: HAProxy in
 * front of N stateless API nodes (`credence serve`, each a process), PostgreSQL as a
 * primary with hot standbys under pg_auto_failover, the API nodes reaching the primary
 * through HAProxy's write port. `npm run topology` starts one and prints where to look;
 * docs/deployment.md describes the same layout on separate machines.
 */

export interface TopologyOptions {
  /** API nodes behind the balancer. */
  readonly apiNodes: number;
  /** Hot standbys beside the primary. */
  readonly replicas: number;
  /** Where everything lives (a fresh temporary folder by default; removed by stop()). */
  readonly dir?: string;
  /** Fail over in seconds, not pg_auto_failover's tens of seconds (postgres-ha.ts). */
  readonly fastFailover?: boolean;
  /** More `credence serve` options for every API node. */
  readonly serveArgs?: readonly string[];
  /** API nodes read what a standby answers from the standbys (`serve --db-read`). */
  readonly readFromStandbys?: boolean;
}

export interface ApiNode {
  readonly name: string;
  readonly port: number;
  /** Straight to the node, past the balancer. */
  readonly url: string;
  process: ChildProcess | undefined;
}

/** What the topology needs from the machine, or undefined when it has it all. */
export function topologyMissing(): string | undefined {
  if (!onPath('haproxy')) return 'haproxy is not installed (Debian: haproxy)';
  if (!onPath('psql')) return 'psql is not installed (Debian: postgresql-client)';
  return postgresHaMissing();
}

export class Topology {
  /** The platform's address for members: HAProxy's HTTP port. */
  readonly url: string;
  /** The primary, whichever node it is now: HAProxy's PostgreSQL write port. */
  readonly pgUrl: string;
  /** The hot standbys (the primary while none is up): HAProxy's PostgreSQL read port. */
  readonly pgReadUrl: string;
  readonly keyFile: string;
  private haproxy: ChildProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly postgres: PostgresHa,
    readonly apiNodes: ApiNode[],
    ports: { http: number; pgWrite: number; pgRead: number },
    private readonly removeDir: boolean,
    private readonly serveArgs: readonly string[],
  ) {
    this.url = `http://127.0.0.1:${ports.http}`;
    this.pgUrl = `postgres://postgres@127.0.0.1:${ports.pgWrite}/credence`;
    this.pgReadUrl = `postgres://postgres@127.0.0.1:${ports.pgRead}/credence`;
    this.keyFile = join(dir, 'platform-key.json');
  }

  /** Starts PostgreSQL with its standbys, HAProxy and the API nodes; each is up when this returns. */
  static async start(options: TopologyOptions): Promise<Topology> {
    const missing = topologyMissing();
    if (missing !== undefined) throw new Error(missing);
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'credence-topology-'));
    // PostgreSQL runs as its own user (postgres-ha.ts), which must reach its folder here.
    chmodSync(dir, 0o755);
    let postgres: PostgresHa | undefined;
    try {
      postgres = await PostgresHa.start({
        dir: join(dir, 'postgres'),
        replicas: options.replicas,
        dbname: 'credence',
        fastFailover: options.fastFailover ?? false,
      });
      const apiNodes: ApiNode[] = [];
      for (let i = 0; i < options.apiNodes; i++) {
        const port = await freePort();
        apiNodes.push({
          name: `api${i + 1}`,
          port,
          url: `http://127.0.0.1:${port}`,
          process: undefined,
        });
      }
      const ports = { http: await freePort(), pgWrite: await freePort(), pgRead: await freePort() };
      const topology = new Topology(dir, postgres, apiNodes, ports, options.dir === undefined, [
        ...(options.serveArgs ?? []),
        ...(options.readFromStandbys === true
          ? ['--db-read', `postgres://postgres@127.0.0.1:${ports.pgRead}/credence`]
          : []),
      ]);
      topology.haproxy = await startHaproxy({
        dir,
        httpPort: ports.http,
        pgWritePort: ports.pgWrite,
        pgReadPort: ports.pgRead,
        apiNodes,
        pgNodes: postgres.nodes,
      });
      await waitFor('the write port to reach the primary', () => topology.pgAnswers(), 30_000);
      // The first node makes the schema and the signing key; the others find both.
      const [first, ...rest] = apiNodes;
      if (first !== undefined) await topology.startApiNode(first);
      await Promise.all(rest.map((n) => topology.startApiNode(n)));
      await waitFor('the balancer to see every API node', () => topology.balancerUp(), 30_000);
      return topology;
    } catch (error) {
      postgres?.stop();
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** HAProxy's process id (its CPU, for the benchmarks). */
  get haproxyPid(): number {
    return this.haproxy?.pid ?? 0;
  }

  /** Starts (or restarts) an API node and waits until it answers its health check. */
  async startApiNode(node: ApiNode): Promise<void> {
    node.process = startProcess(
      process.execPath,
      [
        BIN,
        'serve',
        '--db',
        this.pgUrl,
        '--port',
        String(node.port),
        '--key',
        this.keyFile,
        '--log-level',
        'warn',
        '--no-ui',
        ...this.serveArgs,
      ],
      join(this.dir, `${node.name}.log`),
    );
    const child = node.process;
    await waitFor(
      `${node.name} to answer /healthz`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(
            `${node.name} exited with ${child.exitCode}: see ${this.dir}/${node.name}.log`,
          );
        return (await fetch(`${node.url}/healthz`)).ok;
      },
      60_000,
    );
  }

  /** The API nodes that ended when nobody killed them (a crash), with how they ended. */
  crashedApiNodes(): string[] {
    return this.apiNodes.flatMap((n) =>
      n.process === undefined || (n.process.exitCode === null && n.process.signalCode === null)
        ? []
        : [`${n.name} (${n.process.exitCode ?? n.process.signalCode}; see ${n.name}.log)`],
    );
  }

  /** Kills an API node as a dying machine would (SIGKILL: no draining, no goodbye). */
  killApiNode(node: ApiNode): void {
    killGroup(node.process);
    node.process = undefined;
  }

  /**
   * Kills the PostgreSQL primary (keeper and postmaster, SIGKILL) and waits until a
   * standby is promoted and takes writes through the balancer; the time that took.
   */
  async killPrimary(timeoutMs = 120_000): Promise<{ old: DataNode; now: DataNode; ms: number }> {
    const old = await this.postgres.primary();
    if (old === undefined) throw new Error('no primary to kill');
    const started = performance.now();
    this.postgres.kill(old);
    const now = await this.postgres.waitForPrimary(old, timeoutMs);
    await waitFor(
      'the write port to follow the new primary',
      () => this.pgAnswers(),
      timeoutMs,
      100,
    );
    return { old, now, ms: performance.now() - started };
  }

  /** Runs `credence` (as an operator on the platform's host would) against the store. */
  credence(...args: string[]): string {
    return execFileSync(process.execPath, [BIN, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** A member made with `credence members add`: its credential. */
  addMember(id: string, type: string, publicKey?: string): string {
    return this.credence(
      'members',
      'add',
      id,
      '--type',
      type,
      '--db',
      this.pgUrl,
      '--key',
      this.keyFile,
      ...(publicKey === undefined ? [] : ['--public-key', publicKey]),
    ).trim();
  }

  /** Stops everything and removes the folder it made. */
  stop(): void {
    for (const node of this.apiNodes) this.killApiNode(node);
    killGroup(this.haproxy);
    this.postgres.stop();
    if (this.removeDir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Whether the balancer's write port reaches a node that takes writes. */
  private pgAnswers(): Promise<boolean> {
    return takesWrites(this.pgUrl);
  }

  /** Whether every running API node is up at the balancer (answers through it). */
  private async balancerUp(): Promise<boolean> {
    const answers = await Promise.all(
      this.apiNodes.map(() =>
        fetch(`${this.url}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      ),
    );
    return answers.every(Boolean);
  }
}
