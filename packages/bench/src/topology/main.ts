import { parseArgs } from 'node:util';
import { Topology } from './topology.js';

/**
 * `npm run topology -- [--api-nodes 3] [--replicas 1] [--fast-failover]`: the multi-node
 * layout on this machine (topology.ts), with an operator's credential; it prints where
 * everything is and runs until Ctrl-C, then removes what it made.
 */
const { values } = parseArgs({
  options: {
    'api-nodes': { type: 'string', default: '3' },
    replicas: { type: 'string', default: '1' },
    'fast-failover': { type: 'boolean', default: false },
  },
});
const count = (name: string, value: string, least: number) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < least || n > 16)
    throw new Error(`--${name} takes a whole number from ${least} to 16`);
  return n;
};

const topology = await Topology.start({
  apiNodes: count('api-nodes', values['api-nodes'], 1),
  replicas: count('replicas', values.replicas, 0),
  fastFailover: values['fast-failover'],
});
const operator = topology.addMember('operator', 'operator');
const primary = await topology.postgres.primary();
console.log(
  [
    `platform (through HAProxy): ${topology.url}`,
    ...topology.apiNodes.map((n) => `  ${n.name}: ${n.url} (pid ${n.process?.pid})`),
    `PostgreSQL, writes (through HAProxy): ${topology.pgUrl}`,
    `PostgreSQL, reads from the standbys: ${topology.pgReadUrl}`,
    ...topology.postgres.nodes.map(
      (n) =>
        `  ${n.name}: ${topology.postgres.urlOf(n)}${n === primary ? ' (primary)' : ' (standby)'}`,
    ),
    `pg_auto_failover monitor: ${topology.postgres.monitorUrl}`,
    `operator credential: ${operator}`,
    `logs and data: ${topology.dir}`,
    'Ctrl-C stops everything and removes the folder.',
  ].join('\n'),
);
const stop = () => {
  topology.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
// Keep running until a signal comes.
setInterval(() => undefined, 1 << 30);
