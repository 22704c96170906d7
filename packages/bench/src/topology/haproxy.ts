import type { ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { WRITABLE_QUERY } from './postgres-ha.js';
import { startProcess, waitFor } from './processes.js';

/**
 * HAProxy (Debian's haproxy) in front of the topology (topology.ts): HTTP to the API nodes,
 * and TCP to PostgreSQL: one port to whichever node takes writes now, one to the hot
 * standbys (the primary's backend standing in while none is up). A PostgreSQL node's role is asked
 * by an external check (psql: out of recovery and not read-only), so after a failover the
 * write port follows the new primary within a check or two, and the old primary's open
 * connections are cut when it is marked down, rather than left to write into a node that
 * no longer takes writes.
 */

export interface Backend {
  readonly name: string;
  readonly port: number;
}

export interface HaproxyLayout {
  readonly dir: string;
  readonly httpPort: number;
  readonly pgWritePort: number;
  readonly pgReadPort: number;
  readonly apiNodes: readonly Backend[];
  readonly pgNodes: readonly Backend[];
}

/** HAProxy's configuration for the layout (the checks' scripts are written beside it). */
export function haproxyConfig(layout: HaproxyLayout): string {
  const check = (name: string) => join(layout.dir, `check-${name}.sh`);
  return [
    'global',
    '  maxconn 4096',
    // The PostgreSQL checks run psql: HAProxy must be allowed to start it.
    '  insecure-fork-wanted',
    '  external-check',
    // Where the topology asks which servers are up (serversUp).
    `  stats socket ${join(layout.dir, 'haproxy.sock')} mode 600 level user`,
    '',
    'defaults',
    '  timeout connect 2s',
    // Server-sent event streams and pooled database connections stay open for long.
    '  timeout client 1h',
    '  timeout server 1h',
    '  timeout tunnel 1h',
    '  timeout check 2s',
    '',
    'frontend api',
    '  mode http',
    `  bind 127.0.0.1:${layout.httpPort}`,
    '  default_backend api_nodes',
    '',
    'backend api_nodes',
    '  mode http',
    '  balance roundrobin',
    '  option httpchk GET /healthz',
    '  http-check expect status 200',
    // A request that never reached a node (connection refused) goes to another; one that
    // reached a node that then died is the client's to retry (batches are idempotent).
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure',
    ...layout.apiNodes.map(
      (n) =>
        `  server ${n.name} 127.0.0.1:${n.port} check inter 500ms fall 2 rise 2 on-marked-down shutdown-sessions`,
    ),
    '',
    'frontend postgres_write',
    '  mode tcp',
    `  bind 127.0.0.1:${layout.pgWritePort}`,
    '  default_backend postgres_primary',
    '',
    ...postgresBackend('postgres_primary', check('primary'), layout.pgNodes),
    '',
    'frontend postgres_read',
    '  mode tcp',
    `  bind 127.0.0.1:${layout.pgReadPort}`,
    // No standby up: the primary answers reads too.
    '  use_backend postgres_primary if { nbsrv(postgres_standbys) eq 0 }',
    '  default_backend postgres_standbys',
    '',
    ...postgresBackend('postgres_standbys', check('standby'), layout.pgNodes),
    '',
  ].join('\n');
}

/**
 * A backend of PostgreSQL nodes that admits those its external check passes, checked
 * every second; a node marked down (three checks failed in a row) has its connections
 * cut. The check starts psql, and HAProxy gives it until the next check: at 500 ms and
 * one failure, a loaded two-core machine (the soak) had psql late often enough that the
 * live primary was marked down 11 times in two minutes, each time cutting every
 * connection to it. A dead node fails its checks at once, and a promotion takes longer
 * than the three seconds anyway.
 */
function postgresBackend(name: string, check: string, nodes: readonly Backend[]): string[] {
  return [
    `backend ${name}`,
    '  mode tcp',
    '  balance leastconn',
    '  option external-check',
    `  external-check command ${check}`,
    '  external-check path "/usr/bin:/bin"',
    ...nodes.map(
      (n) =>
        `  server ${n.name} 127.0.0.1:${n.port} check inter 1s fall 3 rise 1 on-marked-down shutdown-sessions`,
    ),
  ];
}

/** The external checks: $3 and $4 are the server's address and port. */
function checkScript(query: string): string {
  return [
    '#!/bin/sh',
    `# HAProxy external check (written by topology/haproxy.ts): exits 0 when ${query} is true.`,
    `answer=$(psql -h "$3" -p "$4" -U postgres -d postgres -XtAc "${query}" 2>/dev/null)`,
    'test "$answer" = t',
    '',
  ].join('\n');
}

/** Writes the configuration and the checks, starts HAProxy, and waits for its HTTP port. */
export async function startHaproxy(layout: HaproxyLayout): Promise<ChildProcess> {
  for (const [name, query] of [
    ['primary', WRITABLE_QUERY],
    ['standby', 'SELECT pg_is_in_recovery()'],
  ] as const) {
    const file = join(layout.dir, `check-${name}.sh`);
    writeFileSync(file, checkScript(query));
    chmodSync(file, 0o755);
  }
  const config = join(layout.dir, 'haproxy.cfg');
  writeFileSync(config, haproxyConfig(layout));
  const child = startProcess('haproxy', ['-db', '-f', config], join(layout.dir, 'haproxy.log'));
  await waitFor('HAProxy', () => listening(layout.httpPort), 10_000);
  // HAProxy counts a server up until its checks have failed: until the standby's have,
  // the write port may lead to it (an API node's first migration did, and stopped on
  // "cannot execute CREATE TABLE in a read-only transaction").
  await waitFor(
    'HAProxy to send writes to one PostgreSQL node alone',
    async () => (await serversUp(layout.dir, 'postgres_primary')).length === 1,
    30_000,
  );
  return child;
}

/** The servers of a backend that HAProxy has up now (`show stat` on its socket). */
export function serversUp(dir: string, backend: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = createConnection(join(dir, 'haproxy.sock'));
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.end('show stat\n'));
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', ...rows] = text.split('\n');
      const columns = head.replace(/^# /, '').split(',');
      const [proxy, server, status] = ['pxname', 'svname', 'status'].map((c) =>
        columns.indexOf(c),
      ) as [number, number, number];
      resolve(
        rows
          .map((row) => row.split(','))
          .filter(
            (c) =>
              c[proxy] === backend &&
              c[server] !== 'FRONTEND' &&
              c[server] !== 'BACKEND' &&
              c[status] === 'UP',
          )
          .map((c) => c[server] as string),
      );
    });
  });
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
