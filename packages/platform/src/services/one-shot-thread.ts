import { Worker } from 'node:worker_threads';
import { workerEntry } from '@credence/core/worker-entry';

/**
 * Runs one job on a thread of its own and ends the thread: the script `name` beside
 * `moduleUrl` takes one message and answers one (analysis-worker.ts, filter-build-worker.ts).
 * The thread's failure or exit before answering rejects, saying which `what` stopped.
 */
export function oneShotThread<I, O>(
  moduleUrl: string,
  name: string,
  what: string,
  input: I,
): Promise<O> {
  return new Promise((resolve, reject) => {
    const entry = workerEntry(moduleUrl, name);
    const worker = new Worker(entry.script, { eval: entry.eval, execArgv: entry.execArgv ?? [] });
    let settled = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      done();
      void worker.terminate();
    };
    worker.once('message', (output: O) => settle(() => resolve(output)));
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`the ${what} thread stopped (exit ${code})`))),
    );
    worker.postMessage(input);
  });
}
