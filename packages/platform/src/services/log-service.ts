import { encodeBase64url } from '@credence/core/encoding/base64url';
import type { AuditRecord } from '@credence/core/log/audit-records';
import { formatCheckpoint, signCheckpoint, verifyCheckpoint } from '@credence/core/log/checkpoint';
import type { Receipt } from '@credence/core/log/receipt';
import {
  appendSignatures,
  formatVerifierKey,
  type NoteSigner,
  parseVerifierKey,
} from '@credence/core/log/signed-note';
import {
  assembleProof,
  consistencyProofPlan,
  inclusionProofPlan,
  type NodeId,
  type ProofElement,
  rootNodes,
} from '@credence/core/merkle/proofs';
import { PlatformError } from '../domain/errors.js';
import type { LogAppend, LogHead, StoredCheckpoint } from '../domain/types.js';
import type { AuditSubject } from '../storage/log-append.js';
import type { Store } from '../storage/store.js';

/** Tree nodes kept in memory at most (32 bytes and a key each: some 10 MB). */
const NODE_CACHE_SIZE = 100_000;

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

/** A log signer's verifier key (C2SP signed-note vkey). */
export const verifierKeyOf = (signer: Pick<LogSigner, 'name' | 'publicKey'>): string =>
  formatVerifierKey(signer.name, signer.publicKey);

export interface LogSigner extends NoteSigner {
  /** The log's origin line; by convention its key name too. */
  readonly origin: string;
}

const key = (n: NodeId) => `${n.level}/${n.index}`;
/** A node as one number: indexes stay below 2^47 for any log this platform will hold. */
const cacheKey = (n: NodeId) => n.level * 2 ** 47 + n.index;

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
    /**
     * The witnesses `serve --witness` names (vkeys, type 0x04); those the operator
     * registers in the store (`credence witnesses add`) count too, read when a cosignature
     * comes, so that every API process takes a new witness at once, without a restart.
     */
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
    return verifierKeyOf(this.signer);
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
    const nodes = await this.nodes(ids);
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

  /** The witnesses' vkeys: those `serve --witness` names and those registered in the store. */
  async witnessKeys(): Promise<string[]> {
    return [...new Set([...this.witnesses, ...(await this.store.listWitnesses())])];
  }

  /** The witnesses (vkeys) whose cosignatures a kept checkpoint carries and that verify. */
  async cosigners(checkpoint: StoredCheckpoint): Promise<string[]> {
    const note = LogService.published(checkpoint);
    return (await this.witnessKeys()).filter((witness) => this.cosignedBy(note, witness));
  }

  /** Whether the note carries a valid cosignature of this witness (and the log's signature). */
  private cosignedBy(note: string, witness: string): boolean {
    try {
      verifyCheckpoint(note, {
        logKey: this.vkey,
        origin: this.signer.origin,
        witnesses: [witness],
        requiredWitnesses: 1,
      });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Keeps a witness's cosignature of the checkpoint of this size, after checking it: the
   * witness must be one the log is configured with (by `serve --witness`, or registered in
   * the store), and its signature must verify over that checkpoint. The published
   * checkpoint then carries it.
   */
  async addCosignature(size: number, line: string): Promise<{ size: number; witness: string }> {
    const kept = await this.store.getCheckpoint(size);
    if (kept === undefined)
      throw new PlatformError('log.range', 'there is no checkpoint of this size', {
        errors: [{ field: 'size', message: 'must be the size of a published checkpoint' }],
      });
    const text = line.endsWith('\n') ? line : `${line}\n`;
    const name = /^\u2014 (\S+) /.exec(text)?.[1];
    const witnesses = [...this.witnesses, ...(await this.store.listWitnesses())];
    const named = witnesses.filter((w) => parseVerifierKey(w).name === name);
    if (name === undefined || named.length === 0)
      throw new PlatformError(
        'log.witness_unknown',
        'the log collects cosignatures of its configured witnesses only (serve --witness, or credence witnesses add on the platform host)',
        {
          errors: [{ field: 'cosignature', message: 'is not signed by a configured witness' }],
        },
      );
    const note = appendSignatures(kept.note, [text]);
    if (!named.some((witness) => this.cosignedBy(note, witness))) {
      throw new PlatformError(
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

  /**
   * A page of entries, each with what the store holds for its subject now
   * (core/log/audit-records.ts): the auditor computes the digest itself.
   */
  async auditEntries(
    start: number,
    end: number,
  ): Promise<{ start: number; entries: { entry: string; record: AuditRecord | null }[] }> {
    const page = await this.entries(start, end);
    const records = await this.store.auditRecords(
      page.entries.map((text, i) => subjectOf(text, start + i)),
    );
    return {
      start,
      entries: page.entries.map((entry, i) => ({ entry, record: records[i] ?? null })),
    };
  }

  /**
   * The records of the entries in [start, end) that are in this member's name: what the
   * member monitors (issue 11), so that it can tell from the record itself — verified
   * against the entry's digest — what was done in its name and by whom.
   */
  async memberRecords(
    memberId: string,
    start: number,
    end: number,
  ): Promise<{ start: number; records: { index: number; record: AuditRecord | null }[] }> {
    const page = await this.entries(start, end);
    const mine = page.entries
      .map((text, i) => subjectOf(text, start + i))
      // An alerts entry names the member whose write raised them, but its record holds
      // the alerts of the members watching: those are theirs, not the writer's.
      .filter((e) => e.member === memberId && e.kind !== 'alerts');
    const records = mine.length === 0 ? [] : await this.store.auditRecords(mine);
    return {
      start,
      records: mine.map((e, i) => ({ index: e.index, record: records[i] ?? null })),
    };
  }

  async entries(start: number, end: number): Promise<{ start: number; entries: string[] }> {
    const { size } = await this.store.logHead();
    if (start > size)
      throw new PlatformError('log.range', 'start is beyond the end of the log', {
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
      throw new PlatformError('log.range', 'the index must be below the tree size', {
        errors: [{ field: 'index', message: 'must be less than size' }],
      });
    const leaf = { level: 0, index };
    const { proof, nodes } = await this.prove(inclusionProofPlan(index, size), [leaf]);
    return {
      index,
      size,
      leafHash: encodeBase64url(this.node(nodes, leaf)),
      proof: proof.map(encodeBase64url),
    };
  }

  async consistency(
    from: number,
    to: number,
  ): Promise<{ from: number; to: number; proof: string[] }> {
    await this.requireSize(to, 'to');
    if (from > to)
      throw new PlatformError('log.range', 'from must not exceed to', {
        errors: [{ field: 'from', message: 'must be at most to' }],
      });
    // From the empty tree, or to the same tree, there is nothing to prove (RFC 9162 §2.1.4).
    if (from === 0 || from === to) return { from, to, proof: [] };
    const { proof } = await this.prove(consistencyProofPlan(from, to), []);
    return { from, to, proof: proof.map(encodeBase64url) };
  }

  /**
   * Tree nodes read before. A stored node never changes (it is the hash of a complete
   * subtree), and every proof passes through the few nodes of the upper levels, so they
   * are read from the store once. Bounded: cleared when full.
   */
  private readonly nodeCache = new Map<number, Uint8Array>();

  private async nodes(ids: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
    const found = new Map<string, Uint8Array>();
    const missing: NodeId[] = [];
    for (const id of ids) {
      const hash = this.nodeCache.get(cacheKey(id));
      if (hash === undefined) missing.push(id);
      else found.set(key(id), hash);
    }
    if (missing.length === 0) return found;
    const read = await this.store.logNodes(missing);
    if (this.nodeCache.size + read.size > NODE_CACHE_SIZE) this.nodeCache.clear();
    for (const id of missing) {
      const hash = read.get(key(id));
      if (hash === undefined) continue;
      found.set(key(id), hash);
      // Upper nodes are shared by many proofs; leaves and low nodes rarely repeat.
      if (id.level >= 4) this.nodeCache.set(cacheKey(id), hash);
    }
    return found;
  }

  /**
   * Hashes of proof elements on the right edge of a tree (ranges that are not one perfect
   * subtree): every proof in a tree of one size shares them.
   */
  private readonly edgeCache = new Map<string, Uint8Array>();

  /** A proof's hashes from its plan, and the nodes read on the way (with `extra`). */
  private async prove(
    plan: readonly ProofElement[],
    extra: readonly NodeId[],
  ): Promise<{ proof: Uint8Array[]; nodes: Map<string, Uint8Array> }> {
    const needed: NodeId[] = [...extra];
    for (const e of plan)
      if (e.nodes.length === 1 || !this.edgeCache.has(`${e.start}:${e.end}`))
        needed.push(...e.nodes);
    const nodes = await this.nodes(needed);
    const proof = plan.map((e) => {
      if (e.nodes.length === 1) return this.node(nodes, e.nodes[0] as NodeId);
      const edge = `${e.start}:${e.end}`;
      let hash = this.edgeCache.get(edge);
      if (hash === undefined) {
        [hash] = assembleProof([e], (level, i) => nodes.get(`${level}/${i}`)) as [Uint8Array];
        if (this.edgeCache.size >= 10_000) this.edgeCache.clear();
        this.edgeCache.set(edge, hash);
      }
      return hash;
    });
    return { proof, nodes };
  }

  /** The largest tree size seen: the log only grows, so anything up to it exists. */
  private knownSize = 0;

  private async requireSize(size: number, field: string): Promise<void> {
    if (size <= this.knownSize) return;
    const head = await this.store.logHead();
    this.knownSize = Math.max(this.knownSize, head.size);
    if (size > head.size)
      throw new PlatformError('log.range', 'the log is not that large yet', {
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

/**
 * What an entry names, to look up what the store holds for it. A damaged entry is the
 * audit's to name: it names nothing the store holds.
 */
function subjectOf(text: string, index: number): AuditSubject {
  let e: { kind?: unknown; member?: unknown; subject?: unknown } = {};
  try {
    e = JSON.parse(text) as typeof e;
  } catch {}
  return { index, kind: String(e.kind), member: String(e.member), subject: String(e.subject) };
}
