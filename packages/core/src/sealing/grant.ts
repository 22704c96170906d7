import { canonicalBytes } from '../signing/canonical-json.js';
import { type Box, BoxOpener, BoxSealer, boxDigest, boxKind, openBox } from './box.js';
import type { HpkeKey } from './hpke.js';
import type { DetailBinding } from './sealed-detail.js';
import { SealingError } from './sealing-error.js';

/**
 * A disclosure's grant (SPEC §3.3, docs/cases.md): the data key of one sealed detail,
 * re-sealed by the owning member's agent to the investigator's key that the case names,
 * in the scheme of ./box.ts (info `credence/disclosure-grant/v1`, key label
 * `credence/grant-key/v1`). The platform passes it on and never holds a key that opens
 * it. The binding names the disclosure, its case, the recipient key and the report's
 * detail binding: a grant moved to another disclosure, or sealed to another key than the
 * case's, does not open as the investigator opens it.
 */

export type SealedGrant = Box;

export interface GrantBinding {
  /** The disclosure request's id. */
  readonly disclosure: string;
  /** The case's id. */
  readonly case: string;
  /** The case's recipient key (raw X25519, base64url). */
  readonly recipient: string;
  /** What the report's sealed detail is bound to. */
  readonly detail: DetailBinding;
}

const GRANT = boxKind('credence/disclosure-grant/v1', 'credence/grant-key/v1');
const DATA_KEY_BYTES = 32;

const grantBytes = (b: GrantBinding) =>
  canonicalBytes({
    disclosure: b.disclosure,
    case: b.case,
    recipient: b.recipient,
    detail: { ref: b.detail.ref, report: b.detail.report },
  });

/** Seals the grants of one run to one case's recipient key. */
export class GrantSealer {
  private constructor(
    readonly recipient: string,
    private readonly sealer: BoxSealer,
  ) {}

  static async create(recipient: string): Promise<GrantSealer> {
    return new GrantSealer(recipient, await BoxSealer.create(GRANT, recipient));
  }

  async seal(binding: GrantBinding, dataKey: Uint8Array): Promise<SealedGrant> {
    if (binding.recipient !== this.recipient || dataKey.length !== DATA_KEY_BYTES)
      throw new SealingError('sealing.grant');
    return this.sealer.seal(grantBytes(binding), dataKey);
  }
}

/** Opens grants sealed to one investigator's key: the data keys they carry. */
export class GrantOpener {
  private constructor(private readonly opener: BoxOpener) {}

  static async create(privateKey: string | HpkeKey): Promise<GrantOpener> {
    return new GrantOpener(await BoxOpener.create(GRANT, privateKey));
  }

  async dataKey(binding: GrantBinding, grant: SealedGrant): Promise<Uint8Array> {
    const bound = grantBytes(binding);
    const key = await openBox(await this.opener.key(bound, grant), bound, grant);
    if (key.length !== DATA_KEY_BYTES) throw new SealingError('sealing.grant');
    return key;
  }
}

/** The digest of a grant, which the log's entry of the grant binds. */
export const grantDigest: (grant: SealedGrant) => string = boxDigest;
