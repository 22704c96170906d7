import { parentPort } from 'node:worker_threads';
import { loadRistretto255 } from '@credence/core/oprf/ristretto255';
import { ClientOperations } from './client-crypto.js';
import { pack, type Request, unpack } from './worker-protocol.js';

/** A worker thread of WorkerClientCrypto: runs ClientOperations on request. */
const port = parentPort;
if (port === null) throw new Error('crypto-worker runs as a worker thread');
const ops = new ClientOperations(await loadRistretto255());

port.on('message', (request: Request) => {
  try {
    switch (request.op) {
      case 'blind': {
        const { blinds, elements } = ops.blind(unpack(request.inputs, request.lengths));
        const reply = {
          id: request.id,
          blinds: pack(blinds).bytes,
          elements: pack(elements).bytes,
        };
        port.postMessage(reply, [
          reply.blinds.buffer as ArrayBuffer,
          reply.elements.buffer as ArrayBuffer,
        ]);
        return;
      }
      case 'verify': {
        const ok = ops.verify(
          request.sharePublicKey,
          unpack(request.elements, 32),
          unpack(request.evaluated, 32),
          request.proof,
        );
        port.postMessage({ id: request.id, ok });
        return;
      }
      case 'finalize': {
        const outputs = ops.finalize(
          request.threshold,
          unpack(request.inputs, request.lengths),
          unpack(request.blinds, 32),
          request.evaluations.map((e) => ({
            index: e.index,
            evaluatedElements: unpack(e.evaluated, 32),
          })),
        );
        const reply = { id: request.id, outputs: pack(outputs).bytes };
        port.postMessage(reply, [reply.outputs.buffer as ArrayBuffer]);
        return;
      }
    }
  } catch (error) {
    port.postMessage({ id: request.id, error: (error as Error).message });
  }
});
