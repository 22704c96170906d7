import { parentPort } from 'node:worker_threads';
import { type ComputeInput, computeAnalysisParts } from './analysis-compute.js';

/**
 * The analysis thread of one run (services/analysis.ts): takes the evidence, answers with
 * the run's parts (the document, its summary, the rings' tokens, the ranks), and is done.
 */
const port = parentPort;
if (port === null) throw new Error('analysis-worker runs as a worker thread');
port.once('message', (input: ComputeInput) => {
  port.postMessage(computeAnalysisParts(input));
  port.close();
});
