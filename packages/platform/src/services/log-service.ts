import { encodeBase64url } from '@credence/core/encoding/base64url';
import { formatCheckpoint, signCheckpoint, verifyCheckpoint } from '@credence/core/log/checkpoint';
import type { Receipt } from '@credence/core/log/receipt';
import {
  appendSignatures,
  formatVerifierKey,
  type NoteSigner,
  parseVerifierKey,
} from '@credence/core/log/signed-note';
import {
  consistencyProof,
  consistencyProofNodes,
  inclusionProof,
  inclusionProofNodes,
  type NodeId,
  rootNodes,
} from '@credence/core/merkle/proofs';
import { HttpProblem } from '@credence/server-kit/problem';
import type { LogAppend, LogHead, StoredCheckpoint } from '../domain/types.js';
import type { Store } from '../storage/store.js';

/** At most this many entries per page of GET /v1/log/entries. */
export const MAX_ENTRIES_PAGE = 1000;

/**
 * A write's receipt (@credence/core/log/receipt): the write's entries are the leaves
 * [index, index + count) of the tree that `checkpoint` signs, and `frontier` holds the
 * roots of the perfect subtrees left of `index`, so the writer recomputes the root from
 * its own entries. `size` is always `index + count`: the checkpoint is signed for exactly
 * this write.
 */
export type { Receipt };

export interface LogSigner extends NoteSigner {
  /** The log's origin line; by convention its key name too. */
  readonly origin: string;
}

const key = (n: NodeId) => `${n.level}/${n.index}`;

/**
 * The log's read side and its checkpoints. Checkpoints are signed here, in the API
 * process, with the platform's key: one for every write (its receipt's), one at a fixed
 * interval when the log grew, and one on demand when a reader asks for the newest. Ed25519
 * signatures are deterministic, so two processes signing the same tree head write the same
 * note, and the history keeps the first.
 */
export class LogService {
  constructor(
    private readonly store: Store,
    private readonly signer: LogSigner,
    /** The witnesses whose cosignatures the log collects (vkeys, type 0x04). */
    private readonly witnesses: readonly string[] = [],
    private readonly now: () => number = Date.now,
  ) {
    for (const w of witnesses) parseVerifierKey(w);
  }

  get origin(): string {
    return this.signer.origin;
  }

  /** The log's verifier key (C2SP signed-note vkey): what members and witnesses trust. */
  get vkey(): string {
    return formatVerifierKey(this.signer.name, this.signer.publicKey);
  }

  /** Signs and keeps the checkpoint of a tree head; returns its note text. */
  async sign(head: LogHead): Promise<string> {
    const body = formatCheckpoint({
      origin: this.signer.origin,
      size: head.size,
      rootHash: head.root,
    });
    const note = signCheckpoint(body, this.signer);
    await this.store.saveCheckpoint(head.size, note, this.now());
    return note;
  }

  async receipt(append: LogAppend): Promise<Receipt> {
    const checkpoint = await this.sign({ size: append.size, root: append.root });
    const ids = rootNodes(append.first);
    const nodes = await this.store.logNodes(ids);
    return {
      index: append.first,
      count: append.count,
      size: append.size,
      checkpoint,
      frontier: ids.map((id) => encodeBase64url(this.node(nodes, id))),
    };
  }

  /** The newest checkpoint, signing the current head first if the log grew since. */
  async latest(): Promise<StoredCheckpoint> {
    const [head, kept] = await Promise.all([this.store.logHead(), this.store.getCheckpoint()]);
    if (kept !== undefined && kept.size >= head.size) return kept;
    await this.sign(head);
    return (await this.store.getCheckpoint(head.size)) as StoredCheckpoint;
  }

  /** The note as published: the log's signature, then the witnesses' cosignatures. */
  static published(checkpoint: StoredCheckpoint): string {
    return checkpoint.cosignatures.length === 0
      ? checkpoint.note
      : appendSignatures(checkpoint.note, checkpoint.cosignatures);
  }

  /**
   * Keeps a witness's cosignature of the checkpoint of this size, after checking it: the
   * witness must be one the log is configured with, and its signature must verify over
   * that checkpoint. The published checkpoint then carries it.
   */
  async addCosignature(size: number, line: string): Promise<{ size: number; witness: string }> {
    const kept = await this.store.getCheckpoint(size);
    if (kept === undefined)
      throw new HttpProblem('log.range', 'there is no checkpoint of this size', {
        errors: [{ field: 'size', message: 'must be the size of a published checkpoint' }],
      });
    const text = line.endsWith('\n') ? line : `${line}\n`;
    const name = /^\u2014 (\S+) /.exec(text)?.[1];
    const witness = this.witnesses.find((w) => parseVerifierKey(w).name === name);
    if (name === undefined || witness === undefined)
      throw new HttpProblem(
        'log.witness_unknown',
        'the log collects cosignatures of its configured witnesses only',
        {
          errors: [{ field: 'cosignature', message: 'is not signed by a configured witness' }],
        },
      );
    try {
      verifyCheckpoint(appendSignatures(kept.note, [text]), {
        logKey: this.vkey,
        origin: this.signer.origin,
        witnesses: [witness],
        requiredWitnesses: 1,
      });
    } catch {
      throw new HttpProblem(
        'log.cosignature_invalid',
        'the cosignature does not verify over this checkpoint',
        {
          errors: [{ field: 'cosignature', message: 'does not verify' }],
        },
      );
    }
    await this.store.addCosignature(size, name, text, this.now());
    return { size, witness: name };
  }

  /** A page of entries, each with the digest of what the store holds for its subject now. */
  async auditEntries(
    start: number,
    end: number,
  ): Promise<{ start: number; entries: { entry: string; stored: string | null }[] }> {
    const page = await this.entries(start, end);
    const parsed = page.entries.map((text) => {
      const e = JSON.parse(text) as { kind?: unknown; member?: unknown; subject?: unknown };
      return { kind: String(e.kind), member: String(e.member), subject: String(e.subject) };
    });
    const stored = await this.store.auditDigests(parsed);
    return {
      start,
      entries: page.entries.map((entry, i) => ({ entry, stored: stored[i] ?? null })),
    };
  }

  async entries(start: number, end: number): Promise<{ start: number; entries: string[] }> {
    const { size } = await this.store.logHead();
    if (start > size)
      throw new HttpProblem('log.range', 'start is beyond the end of the log', {
        errors: [{ field: 'start', message: `must be at most the log's size, ${size}` }],
      });
    const stop = Math.min(end, size, start + MAX_ENTRIES_PAGE);
    return { start, entries: await this.store.logEntries(start, stop) };
  }

  async inclusion(
    index: number,
    size: number,
  ): Promise<{ index: number; size: number; leafHash: string; proof: string[] }> {
    await this.requireSize(size, 'size');
    if (index >= size)
      throw new HttpProblem('log.range', 'the index must be below the tree size', {
        errors: [{ field: 'index', message: 'must be less than size' }],
      });
    const ids = [{ level: 0, index }, ...inclusionProofNodes(index, size)];
    const nodes = await this.store.logNodes(ids);
    const proof = inclusionProof(index, size, (level, i) => nodes.get(`${level}/${i}`));
    return {
      index,
      size,
      leafHash: encodeBase64url(this.node(nodes, { level: 0, index })),
      proof: proof.map(encodeBase64url),
    };
  }

  async consistency(
    from: number,
    to: number,
  ): Promise<{ from: number; to: number; proof: string[] }> {
    await this.requireSize(to, 'to');
    if (from > to)
      throw new HttpProblem('log.range', 'from must not exceed to', {
        errors: [{ field: 'from', message: 'must be at most to' }],
      });
    // From the empty tree, or to the same tree, there is nothing to prove (RFC 9162 §2.1.4).
    if (from === 0 || from === to) return { from, to, proof: [] };
    const nodes = await this.store.logNodes(consistencyProofNodes(from, to));
    const proof = consistencyProof(from, to, (level, i) => nodes.get(`${level}/${i}`));
    return { from, to, proof: proof.map(encodeBase64url) };
  }

  private async requireSize(size: number, field: string): Promise<void> {
    const head = await this.store.logHead();
    if (size > head.size)
      throw new HttpProblem('log.range', 'the log is not that large yet', {
        errors: [{ field, message: `must be at most the log's size, ${head.size}` }],
      });
  }

  private node(nodes: Map<string, Uint8Array>, id: NodeId): Uint8Array {
    const hash = nodes.get(key(id));
    // The store keeps every completed node; a missing one is a damaged store.
    if (hash === undefined) throw new Error(`log node ${key(id)} is missing from the store`);
    return hash;
  }
}
