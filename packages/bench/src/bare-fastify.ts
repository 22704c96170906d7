import Fastify from 'fastify';

/**
 * The baseline of the platform's HTTP benchmarks: a bare Fastify server with the same
 * body limit, a route that returns a constant JSON (a clear answer's size), and one that
 * parses a posted batch and returns its size. Says "listening on <url>" like the platform.
 */
const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
const answer = {
  token: 'KmfkXIek3bwyeMgQpTiNOo49xsaOJ5Ns8BvZm_6W50Q',
  verdict: 'clear',
  score: 0,
  reporters: 0,
  reports: { police_confirmed: 0, confirmed_fraud: 0, victim_report: 0, suspected: 0 },
  categories: [],
  firstSeen: null,
  lastSeen: null,
  ring: null,
  rank: null,
  explanation: 'No member has reported this identifier.',
  policyVersion: 0,
};
app.get('/constant/:token', async () => answer);
app.post('/batch', async (request) => ({
  items: ((request.body as { batch: { reports: unknown[] } }).batch.reports ?? []).length,
}));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stderr.write(`listening on ${url}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
