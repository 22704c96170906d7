import type { IdentifierKind } from '../identifiers/kinds.js';
import type { SealedDetail } from '../sealing/sealed-detail.js';
import type { AmountBand } from './amount-band.js';
import type { Category, EntityRole, LinkType, ReportType } from './vocabulary.js';

/**
 * What leaves a member (SPEC §5, tokenized): the raw format with every identifier value
 * replaced by its token and the key id it was made with, amounts as bands, and no
 * narrative: its script's fingerprint instead, the masked narrative where the member
 * opts in (`shareScript`), and the narrative with the exact loss sealed to the member's
 * own key where it has one (`sealed`, core/sealing/sealed-detail.ts).
 */

export interface TokenizedEndpoint {
  readonly kind: IdentifierKind;
  /** base64url (no padding) of the first 32 bytes of the RFC 9497 output. */
  readonly token: string;
  readonly keyId: string;
}

export interface TokenizedEntity extends TokenizedEndpoint {
  readonly role: EntityRole;
}

export interface TokenizedReport {
  readonly ref: string;
  readonly type: ReportType;
  readonly category: Category;
  readonly occurredAt: string;
  readonly loss?: AmountBand;
  /** Where the victim lives (ISO 3166-2), as given or derived at the member side. */
  readonly region?: string;
  readonly entities: readonly TokenizedEntity[];
  /** The script's fingerprint (MinHash of the masked narrative, `mh1.…`), when it had one. */
  readonly fingerprint?: string;
  /** The masked narrative itself, only where the reporting member opted in for this report. */
  readonly script?: string;
  /** The narrative and the exact loss, sealed to the reporting member's key (HPKE). */
  readonly sealed?: SealedDetail;
}

export interface TokenizedLink {
  readonly link: LinkType;
  readonly from: TokenizedEndpoint;
  readonly to: TokenizedEndpoint;
  readonly at: string;
  readonly count: number;
  readonly amount?: AmountBand;
}
