import type { Role } from '../domain/types.js';
import {
  campaignObject,
  campaignRingRelationship,
  indicatorId,
  platformIdentity,
  ringObjects,
  type StixObject,
  tokenExtensionDefinition,
  tokenIndicator,
  tokenPrefixOf,
} from '../interop/stix.js';
import type { TokenCursor, TokenRow } from '../storage/sql/taxii.js';
import type { Store } from '../storage/store.js';
import type { AnalysisService } from './analysis.js';
import type { CheckService } from './check-service.js';

/**
 * The TAXII 2.1 collections (issue 18, docs/interop.md): one per view of what a member may
 * see, as STIX 2.1 objects. Flagged tokens (members and the police, who may check): an
 * indicator per flagged token, by the epoch of its last change. Rings (infrastructure
 * consisting of their tokens) and campaigns of the latest analysis (anyone with a
 * credential, as GET /v1/rings and /v1/campaigns). Each collection starts with the
 * platform's identity (and the flagged tokens with the extension definition of
 * `x-credence-token`).
 */

export type CollectionAlias = 'flagged-tokens' | 'rings' | 'campaigns';

export interface CollectionInfo {
  readonly id: string;
  readonly alias: CollectionAlias;
  readonly title: string;
  readonly description: string;
  /** The roles that may read it. */
  readonly roles: readonly Role[];
}

export const COLLECTIONS: readonly CollectionInfo[] = [
  {
    id: '3c9f1a7e-5b2d-4e8c-9a61-7d4b0e2f6c15',
    alias: 'flagged-tokens',
    title: 'Flagged tokens',
    description:
      "An indicator per flagged token, by the day its state last moved (served once the day is over): confidence from its reports' score as of then, valid until they stop making it suspicious, labels from their categories.",
    roles: ['member', 'police'],
  },
  {
    id: '8e2b6d40-1f7a-4c39-b5e8-2a9c3d7f1e64',
    alias: 'rings',
    title: 'Rings',
    description:
      'The rings of the latest joint analysis, each as infrastructure with its score and explanation, consisting of its tokens (as x-credence-token observables: most have no indicator, nobody reported them).',
    roles: ['member', 'police', 'auditor', 'operator'],
  },
  {
    id: 'b7d4e2a9-6c1f-4a85-8e3b-0f5c9d2a7b38',
    alias: 'campaigns',
    title: 'Campaigns',
    description:
      'The scam campaigns of the latest joint analysis (the same script told at several members), with the masked script where their members shared it, and the rings their reports name, which they use.',
    roles: ['member', 'police', 'auditor', 'operator'],
  },
];

/** An object as a collection holds it: with the time it was added. */
export interface CollectionItem {
  readonly object: StixObject;
  /** Epoch milliseconds. */
  readonly dateAdded: number;
}

export interface ObjectQuery {
  readonly limit: number;
  /** The `next` of the page before. */
  readonly next?: string;
  /** Epoch milliseconds: only what was added after. */
  readonly addedAfter?: number;
  readonly ids?: ReadonlySet<string>;
  readonly types?: ReadonlySet<string>;
  /** `match[version]`: every version here is the latest, so a time matches only itself. */
  readonly version?: 'last' | 'first' | 'all' | number;
  readonly specVersions?: ReadonlySet<string>;
}

export interface CollectionPage {
  readonly items: readonly CollectionItem[];
  readonly more: boolean;
  readonly next?: string;
}

/** Why a request cannot be answered: a `next` that is not one, or no longer good. */
export class TaxiiRefusal extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

const encodeCursor = (parts: readonly (string | number)[]) =>
  Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');

function decodeCursor(next: string): unknown[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(next, 'base64url').toString('utf8'));
    if (Array.isArray(parts)) return parts;
  } catch {}
  throw new TaxiiRefusal(400, 'next is not one this server gave');
}

/** The objects of one analysis run, as the rings or campaigns collection serves them. */
interface RunObjects {
  readonly run: number;
  readonly at: number;
  readonly rings: readonly StixObject[];
  readonly campaigns: readonly StixObject[];
}

/**
 * How the flagged tokens are dated (docs/interop.md): by epoch of their last change, and
 * served once the epoch is over. Each change's own time would tie a token to its batch,
 * and the log names each batch's member.
 */
export interface TaxiiEpochs {
  /** An epoch's length (default: a day). */
  readonly epochMs: number;
  /** How long after its end an epoch is served: writes under way at its end commit first. */
  readonly graceMs: number;
}

export const DEFAULT_TAXII_EPOCHS: TaxiiEpochs = { epochMs: 86_400_000, graceMs: 60_000 };

export class TaxiiService {
  private runObjects: RunObjects | undefined;

  constructor(
    private readonly store: Store,
    private readonly checks: CheckService,
    private readonly analysis: AnalysisService,
    private readonly epochs: TaxiiEpochs = DEFAULT_TAXII_EPOCHS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The epochs before this one are over and served. */
  private sealedBefore(): number {
    return Math.floor((this.now() - this.epochs.graceMs) / this.epochs.epochMs);
  }

  private epochEnd(epoch: number): number {
    return (epoch + 1) * this.epochs.epochMs;
  }

  collectionsFor(role: Role): CollectionInfo[] {
    return COLLECTIONS.filter((c) => c.roles.includes(role));
  }

  /** A collection by id or alias; undefined if there is none. */
  collection(idOrAlias: string): CollectionInfo | undefined {
    return COLLECTIONS.find((c) => c.id === idOrAlias || c.alias === idOrAlias);
  }

  async page(collection: CollectionAlias, q: ObjectQuery): Promise<CollectionPage> {
    const page =
      collection === 'flagged-tokens' ? await this.tokenPage(q) : this.runPage(collection, q);
    return { ...page, items: page.items.filter((i) => matches(i, q)) };
  }

  /** Every version of one object (one: the latest), or undefined if the collection has none. */
  async object(collection: CollectionAlias, id: string): Promise<CollectionItem | undefined> {
    if (collection !== 'flagged-tokens')
      return this.runItems(collection).find((i) => i.object.id === id);
    const own = await this.ownObjects();
    const mine = own.find((o) => o.object.id === id);
    if (mine !== undefined) return mine;
    const prefix = tokenPrefixOf(id);
    if (prefix === undefined) return undefined;
    const sealed = this.sealedBefore();
    const rows = await this.store.taxiiTokenRowsByPrefix(prefix, this.epochs.epochMs);
    const row = rows.find((r) => r.epoch < sealed && indicatorId(r.token) === id);
    return row === undefined ? undefined : (await this.indicators([row]))[0];
  }

  /** The identity and the extension definition: added with the first epoch served. */
  private async ownObjects(): Promise<CollectionItem[]> {
    const first = await this.store.firstChangeAt();
    if (first === undefined) return [];
    const epoch = Math.floor(first / this.epochs.epochMs);
    if (epoch >= this.sealedBefore()) return [];
    const dateAdded = this.epochEnd(epoch);
    return [platformIdentity(), tokenExtensionDefinition()].map((object) => ({
      object,
      dateAdded,
    }));
  }

  /**
   * The flagged tokens: the platform's two objects first, then the tokens epoch by epoch
   * and by token within one. `next` names the last token given and its epoch (or how many
   * of the two objects).
   */
  private async tokenPage(q: ObjectQuery): Promise<CollectionPage> {
    // Asked for ids: each indicator's row is found from its id, no paging.
    if (q.ids !== undefined) {
      if (q.ids.size > q.limit)
        throw new TaxiiRefusal(400, `match[id] names more objects than limit (${q.limit})`);
      const items: CollectionItem[] = [];
      for (const id of q.ids) {
        const item = await this.object('flagged-tokens', id);
        if (item !== undefined) items.push(item);
      }
      return { items: items.sort((a, b) => a.dateAdded - b.dateAdded), more: false };
    }
    const own = (await this.ownObjects()).filter(
      (o) => q.addedAfter === undefined || o.dateAdded > q.addedAfter,
    );
    let given = 0;
    // What was added after a time: the epochs that end after it.
    let cursor: TokenCursor = {
      epoch: q.addedAfter === undefined ? 0 : Math.floor(q.addedAfter / this.epochs.epochMs),
      token: '',
    };
    if (q.next !== undefined) {
      const [kind, a, b] = decodeCursor(q.next);
      if (kind === 'p' && (a === 1 || a === 2)) given = a;
      else if (
        kind === 't' &&
        Number.isSafeInteger(a) &&
        (a as number) >= 0 &&
        typeof b === 'string'
      ) {
        given = own.length;
        cursor = { epoch: a as number, token: b };
      } else throw new TaxiiRefusal(400, 'next is not one this server gave');
    }
    const items: CollectionItem[] = [];
    while (given < own.length && items.length < q.limit) items.push(own[given++] as CollectionItem);
    if (items.length === q.limit && given < own.length)
      return { items, more: true, next: encodeCursor(['p', given]) };
    // Asked only for types a token is not: nothing more.
    if (q.types !== undefined && !q.types.has('indicator')) return { items, more: false };
    const wanted = q.limit - items.length;
    const rows = await this.store.taxiiTokenRows(
      cursor,
      wanted + 1,
      this.epochs.epochMs,
      this.sealedBefore(),
    );
    const kept = rows.slice(0, wanted);
    items.push(...(await this.indicators(kept)));
    const last =
      kept.at(-1) ?? (wanted === 0 ? { epoch: cursor.epoch, token: cursor.token } : undefined);
    return rows.length > wanted && last !== undefined
      ? { items, more: true, next: encodeCursor(['t', last.epoch, last.token]) }
      : { items, more: false };
  }

  /** The indicators of token rows, each as of the end of the epoch that last moved it. */
  private async indicators(rows: readonly TokenRow[]): Promise<CollectionItem[]> {
    // The view answers for the state the rows were read at, or later (a row's epoch is
    // over, so its state has not moved since).
    const seq = rows.reduce((m, r) => Math.max(m, r.seq), 0);
    await this.checks.reach(seq);
    const assessed = await this.checks.reportsAssessments(
      rows.map((r) => ({ token: r.token, at: this.epochEnd(r.epoch) })),
    );
    return rows.flatMap((r, i) => {
      const modified = this.epochEnd(r.epoch);
      const reported = assessed[i];
      if (reported === undefined) return [];
      return [
        {
          object: tokenIndicator({
            token: r.token,
            keyId: r.keyId,
            kind: r.kind,
            created: Math.min(this.epochEnd(Math.floor(r.firstAt / this.epochs.epochMs)), modified),
            modified,
            ...reported,
          }),
          dateAdded: modified,
        },
      ];
    });
  }

  /** Rings or campaigns of the latest run: a list cut at offsets, the run named in `next`. */
  private runPage(collection: 'rings' | 'campaigns', q: ObjectQuery): CollectionPage {
    const items = this.runItems(collection);
    const run = this.runObjects;
    if (run === undefined || items.length === 0) return { items: [], more: false };
    if (q.addedAfter !== undefined && run.at <= q.addedAfter) return { items: [], more: false };
    let offset = 0;
    if (q.next !== undefined) {
      const [kind, id, at] = decodeCursor(q.next);
      if (
        kind !== 'r' ||
        !Number.isSafeInteger(id) ||
        !Number.isSafeInteger(at) ||
        (at as number) < 0
      )
        throw new TaxiiRefusal(400, 'next is not one this server gave');
      if (id !== run.run)
        throw new TaxiiRefusal(
          400,
          'a newer analysis replaced the collection since that page: page it again from the start, or with added_after',
        );
      offset = at as number;
    }
    const end = Math.min(items.length, offset + q.limit);
    return end < items.length
      ? { items: items.slice(offset, end), more: true, next: encodeCursor(['r', run.run, end]) }
      : { items: items.slice(offset, end), more: false };
  }

  private runItems(collection: 'rings' | 'campaigns'): CollectionItem[] {
    const current = this.analysis.current();
    if (current === undefined) return [];
    if (this.runObjects?.run !== current.id) this.runObjects = this.objectsOf(current);
    const at = this.runObjects.at;
    const objects = [platformIdentity(), ...this.runObjects[collection]];
    return objects.map((object) => ({ object, dateAdded: at }));
  }

  private objectsOf(current: { id: number; createdAt: number }): RunObjects {
    const run = { id: current.id, createdAt: current.createdAt };
    const { rings } = this.analysis.rings({ limit: Number.MAX_SAFE_INTEGER, offset: 0 });
    const ringed = rings.flatMap((r) => {
      const detail = this.analysis.ring(r.id);
      return detail === undefined ? [] : ringObjects(run, detail);
    });
    const { campaigns } = this.analysis.campaigns({ limit: Number.MAX_SAFE_INTEGER, offset: 0 });
    const campaignObjects = campaigns.flatMap((c) => [
      campaignObject(run, c),
      ...c.rings.map((r) => campaignRingRelationship(run, c.id, r.id)),
    ]);
    return { run: run.id, at: run.createdAt, rings: ringed, campaigns: campaignObjects };
  }
}

/** TAXII's match[] filters (TAXII 2.1 §3.4.1) and added_after, on one object. */
function matches(item: CollectionItem, q: ObjectQuery): boolean {
  const o = item.object;
  if (q.addedAfter !== undefined && item.dateAdded <= q.addedAfter) return false;
  if (q.types !== undefined && !q.types.has(o.type)) return false;
  if (q.ids !== undefined && !q.ids.has(o.id)) return false;
  if (q.specVersions !== undefined && !q.specVersions.has(String(o.spec_version ?? '2.1')))
    return false;
  if (typeof q.version === 'number')
    return Date.parse(String(o.modified ?? o.created)) === q.version;
  return true;
}
