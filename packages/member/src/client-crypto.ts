import type { Ristretto255 } from '@credence/core/oprf/ristretto255';
import { combineAndFinalize, type ShareEvaluation } from '@credence/core/oprf/threshold';
import { blind, createSuite, MODE_VOPRF, type Suite, verifyProof } from '@credence/core/oprf/voprf';

/**
 * The member's share of the threshold VOPRF arithmetic (blind; verify each key server's
 * proof; combine and finalize), behind one interface so that it can run on this thread
 * (InlineClientCrypto) or on a pool of worker threads (WorkerClientCrypto), which lets a
 * member use all its cores while requests are in flight.
 */
export interface ClientCrypto {
  blind(inputs: readonly Uint8Array[]): Promise<{ blinds: Uint8Array[]; elements: Uint8Array[] }>;
  /** Validates the evaluated elements (canonical, not the identity) and verifies the proof. */
  verify(
    sharePublicKey: Uint8Array,
    elements: readonly Uint8Array[],
    evaluated: readonly Uint8Array[],
    proof: Uint8Array,
  ): Promise<boolean>;
  finalize(
    threshold: number,
    inputs: readonly Uint8Array[],
    blinds: readonly Uint8Array[],
    evaluations: readonly ShareEvaluation[],
  ): Promise<Uint8Array[]>;
  close(): Promise<void>;
}

/** The operations themselves, synchronous; both implementations run exactly these. */
export class ClientOperations {
  readonly suite: Suite;

  constructor(readonly group: Ristretto255) {
    this.suite = createSuite(group, MODE_VOPRF);
  }

  blind(inputs: readonly Uint8Array[]): { blinds: Uint8Array[]; elements: Uint8Array[] } {
    const blinded = inputs.map((input) => blind(this.suite, input));
    return { blinds: blinded.map((b) => b.blind), elements: blinded.map((b) => b.blindedElement) };
  }

  verify(
    sharePublicKey: Uint8Array,
    elements: readonly Uint8Array[],
    evaluated: readonly Uint8Array[],
    proof: Uint8Array,
  ): boolean {
    try {
      const checked = evaluated.map((e) => this.group.deserializeElement(e));
      return verifyProof(
        this.suite,
        this.suite.generator,
        sharePublicKey,
        elements,
        checked,
        proof,
      );
    } catch {
      // Invalid elements or non-canonical proof scalars: not a valid evaluation.
      return false;
    }
  }

  finalize(
    threshold: number,
    inputs: readonly Uint8Array[],
    blinds: readonly Uint8Array[],
    evaluations: readonly ShareEvaluation[],
  ): Uint8Array[] {
    return combineAndFinalize(this.group, threshold, inputs, blinds, evaluations);
  }
}

export class InlineClientCrypto implements ClientCrypto {
  private readonly ops: ClientOperations;

  constructor(group: Ristretto255) {
    this.ops = new ClientOperations(group);
  }

  async blind(inputs: readonly Uint8Array[]) {
    return this.ops.blind(inputs);
  }

  async verify(
    sharePublicKey: Uint8Array,
    elements: readonly Uint8Array[],
    evaluated: readonly Uint8Array[],
    proof: Uint8Array,
  ) {
    return this.ops.verify(sharePublicKey, elements, evaluated, proof);
  }

  async finalize(
    threshold: number,
    inputs: readonly Uint8Array[],
    blinds: readonly Uint8Array[],
    evaluations: readonly ShareEvaluation[],
  ) {
    return this.ops.finalize(threshold, inputs, blinds, evaluations);
  }

  async close(): Promise<void> {}
}
