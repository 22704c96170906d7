/**
 * Messages between WorkerClientCrypto and its workers. Lists of byte strings travel as
 * one buffer (and, for inputs of varying length, their lengths), so that a batch of a
 * thousand elements is one transfer, not a thousand.
 */

export type Request =
  | {
      readonly id: number;
      readonly op: 'blind';
      readonly inputs: Uint8Array;
      readonly lengths: number[];
    }
  | {
      readonly id: number;
      readonly op: 'verify';
      readonly sharePublicKey: Uint8Array;
      readonly elements: Uint8Array;
      readonly evaluated: Uint8Array;
      readonly proof: Uint8Array;
    }
  | {
      readonly id: number;
      readonly op: 'finalize';
      readonly threshold: number;
      readonly inputs: Uint8Array;
      readonly lengths: number[];
      readonly blinds: Uint8Array;
      readonly evaluations: { readonly index: number; readonly evaluated: Uint8Array }[];
    };

export interface Reply {
  readonly id: number;
  readonly error?: string;
  readonly ok?: boolean;
  readonly blinds?: Uint8Array;
  readonly elements?: Uint8Array;
  readonly outputs?: Uint8Array;
}

export function pack(items: readonly Uint8Array[]): { bytes: Uint8Array; lengths: number[] } {
  const lengths = items.map((i) => i.length);
  const bytes = new Uint8Array(lengths.reduce((s, n) => s + n, 0));
  let offset = 0;
  for (const item of items) {
    bytes.set(item, offset);
    offset += item.length;
  }
  return { bytes, lengths };
}

/** Splits a buffer into items of the given lengths, or of one fixed length. */
export function unpack(bytes: Uint8Array, lengths: readonly number[] | number): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (typeof lengths === 'number') {
    for (let offset = 0; offset < bytes.length; offset += lengths)
      out.push(bytes.slice(offset, offset + lengths));
    return out;
  }
  let offset = 0;
  for (const n of lengths) {
    out.push(bytes.slice(offset, offset + n));
    offset += n;
  }
  return out;
}
