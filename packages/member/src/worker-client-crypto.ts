import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ShareEvaluation } from '@credence/core/oprf/threshold';
import { workerEntry } from '@credence/core/worker-entry';
import type { ClientCrypto } from './client-crypto.js';
import { pack, type Reply, type Request, unpack } from './worker-protocol.js';

type Pending = { resolve: (reply: Reply) => void; reject: (error: Error) => void };
/** A request before it gets its id (Omit, distributed over the union). */
type Task = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

/**
 * ClientCrypto on a pool of worker threads (one per core by default). Tasks go to the
 * least busy worker.
 */
export class WorkerClientCrypto implements ClientCrypto {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(size = availableParallelism()) {
    for (let i = 0; i < Math.max(1, size); i++) {
      const entry = workerEntry(import.meta.url, 'crypto-worker');
      const worker = new Worker(entry.script, {
        eval: entry.eval,
        ...(entry.execArgv === undefined ? {} : { execArgv: entry.execArgv }),
      });
      const slot = { worker, busy: 0 };
      worker.on('message', (reply: Reply) => {
        slot.busy--;
        const p = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (p === undefined) return;
        if (reply.error !== undefined) p.reject(new Error(reply.error));
        else p.resolve(reply);
      });
      worker.on('error', (error) => {
        for (const p of this.pending.values()) p.reject(error);
        this.pending.clear();
      });
      this.workers.push(slot);
    }
  }

  private run(request: Task, transfer: ArrayBuffer[] = []): Promise<Reply> {
    const id = this.nextId++;
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ ...request, id }, transfer);
    });
  }

  async blind(inputs: readonly Uint8Array[]) {
    const packed = pack(inputs);
    const reply = await this.run({ op: 'blind', inputs: packed.bytes, lengths: packed.lengths });
    return {
      blinds: unpack(reply.blinds as Uint8Array, 32),
      elements: unpack(reply.elements as Uint8Array, 32),
    };
  }

  async verify(
    sharePublicKey: Uint8Array,
    elements: readonly Uint8Array[],
    evaluated: readonly Uint8Array[],
    proof: Uint8Array,
  ) {
    const reply = await this.run({
      op: 'verify',
      sharePublicKey,
      elements: pack(elements).bytes,
      evaluated: pack(evaluated).bytes,
      proof,
    });
    return reply.ok === true;
  }

  async finalize(
    threshold: number,
    inputs: readonly Uint8Array[],
    blinds: readonly Uint8Array[],
    evaluations: readonly ShareEvaluation[],
  ) {
    const packed = pack(inputs);
    const reply = await this.run({
      op: 'finalize',
      threshold,
      inputs: packed.bytes,
      lengths: packed.lengths,
      blinds: pack(blinds).bytes,
      evaluations: evaluations.map((e) => ({
        index: e.index,
        evaluated: pack(e.evaluatedElements).bytes,
      })),
    });
    return unpack(reply.outputs as Uint8Array, 64);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
