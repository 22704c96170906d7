import { parentPort } from 'node:worker_threads';
import { buildFilters, type FilterJob } from './filter-build.js';

/** The thread of one filter build (services/filter-build.ts): takes the tokens, answers the filters. */
const port = parentPort;
if (port === null) throw new Error('filter-build-worker runs as a worker thread');
port.once('message', (job: FilterJob) => {
  const result = buildFilters(job);
  port.postMessage(
    result,
    result.built.map((b) => b.bytes.buffer as ArrayBuffer),
  );
  port.close();
});
