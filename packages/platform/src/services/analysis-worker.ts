import { parentPort } from 'node:worker_threads';
import type { AnalysisParts } from '../domain/types.js';
import { openReader } from '../storage/open-reader.js';
import {
  type AnalysisJob,
  type ComputeInput,
  computeAnalysisParts,
  computeInput,
} from './analysis-compute.js';

/**
 * The analysis thread of one run (services/analysis.ts): reads the evidence from the
 * store through a connection of its own (`read`: the store's --db) or takes it read
 * already (`input`, for a store no other connection can reach), answers with the run's
 * parts (the document, its summary, the rings' tokens, the ranks), and is done. A failure
 * ends the thread with the error, which rejects the run.
 */
export type AnalysisMessage =
  | { readonly read: AnalysisJob & { readonly db: string } }
  | { readonly input: ComputeInput };

async function parts(message: AnalysisMessage): Promise<AnalysisParts> {
  if ('input' in message) return computeAnalysisParts(message.input);
  const store = openReader(message.read.db);
  try {
    return computeAnalysisParts(await computeInput(store, message.read));
  } finally {
    await store.close();
  }
}

const port = parentPort;
if (port === null) throw new Error('analysis-worker runs as a worker thread');
port.once('message', (message: AnalysisMessage) =>
  parts(message).then(
    (answer) => {
      port.postMessage(answer);
      port.close();
    },
    (error: unknown) => {
      // Thrown again as a plain Error: a library's own error class (better-sqlite3's,
      // pg's) reaches the other thread without its message.
      const { name, message: why } = error instanceof Error ? error : new Error(String(error));
      throw new Error(`${name}: ${why}`);
    },
  ),
);
