import type { IdentifierKind } from '../identifiers/kinds.js';
import type { Category, EntityRole, LinkType, ReportType } from './vocabulary.js';

/**
 * The raw input format at the member side (SPEC §5): one JSON object per line, a report
 * or a link. Values are raw, as the member's systems hold them; they never leave the
 * member. Tokenization replaces every `value` with a token.
 */

export interface RawEntity {
  readonly role: EntityRole;
  readonly kind: IdentifierKind;
  readonly value: string;
}

export interface RawReport {
  /** The member's own reference, unique within the member; idempotency key. */
  readonly ref: string;
  readonly type: ReportType;
  readonly category: Category;
  /** RFC 3339 UTC timestamp. */
  readonly occurredAt: string;
  /** Loss in yuan; the tokenized form carries it as a band. */
  readonly lossCny?: number;
  /**
   * Where the victim lives (ISO 3166-2, such as `CN-GD`), for the statistics by region;
   * derived from a victim's fixed-line number where absent (core/wire/region.ts).
   */
  readonly region?: string;
  readonly entities: readonly RawEntity[];
  /** Free text; fingerprinted at the member side (and later sealed), never sent in clear. */
  readonly narrative?: string;
  /**
   * Evidence files by path relative to the file holding the report: sealed with the
   * narrative where the member seals (docs/sealing.md, "Evidence files"), never sent in
   * clear.
   */
  readonly evidence?: readonly RawEvidence[];
  /**
   * The reporting member lets the platform show this report's masked narrative as a
   * campaign's representative script (identifiers, amounts and names masked). Default no:
   * only the fingerprint leaves.
   */
  readonly shareScript?: boolean;
}

/** An evidence file of a raw report. */
export interface RawEvidence {
  readonly file: string;
  readonly mediaType?: string;
}

export interface RawEndpoint {
  readonly kind: IdentifierKind;
  readonly value: string;
}

export interface RawLink {
  readonly link: LinkType;
  readonly from: RawEndpoint;
  readonly to: RawEndpoint;
  /** RFC 3339 UTC timestamp. */
  readonly at: string;
  readonly count: number;
  /** Transfers only. */
  readonly amountCny?: number;
}
