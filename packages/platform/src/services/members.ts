import { type SignedKeyStatement, verifyKeyStatement } from '@credence/core/wire/key-statements';
import { newCredential } from '@credence/server-kit/bearer';
import { PlatformError } from '../domain/errors.js';
import {
  type KeyChange,
  type LogAppend,
  MEMBER_TYPES,
  type Member,
  type MemberType,
  type SigningKeyRow,
  usableAt,
} from '../domain/types.js';
import type { Store } from '../storage/store.js';
import type { CredentialCache } from './credentials.js';

const MEMBER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const PUBLIC_KEY = /^[A-Za-z0-9_-]{43}$/;

/** How long a key the operator announces for a member waits before it starts (default). */
export const DEFAULT_KEY_WAITING_MS = 72 * 3600_000;

/** How old a member's key statement may be, and how far ahead of the platform's clock. */
const STATEMENT_MAX_AGE_MS = 24 * 3600_000;
const STATEMENT_MAX_SKEW_MS = 5 * 60_000;

export interface MemberServiceOptions {
  /** Called when a member's signing keys changed here (caches of keys are dropped). */
  readonly onKeysChanged?: () => void;
  readonly now?: () => number;
  /** How long an announced key waits (the member is alerted meanwhile and may object). */
  readonly keyWaitingMs?: number;
}

const invalidKey = (field: string) =>
  new PlatformError('request.invalid', 'an Ed25519 public key is 32 bytes in base64url', {
    errors: [{ field, message: 'is not a public key' }],
  });

/** Share indexes are 1 to 255 (Shamir shares over ristretto255, credence keys init). */
function checkShare(type: string, shareIndex: number): void {
  if (type !== 'keyserver')
    throw new PlatformError('request.invalid', 'only a member of type keyserver holds a share', {
      errors: [{ field: 'shareIndex', message: 'is only for a key server' }],
    });
  if (!Number.isInteger(shareIndex) || shareIndex < 1 || shareIndex > 255)
    throw new PlatformError('request.invalid', 'a share index is an integer from 1 to 255', {
      errors: [{ field: 'shareIndex', message: 'is not a share index' }],
    });
}

const shareTaken = (shareIndex: number, holder: string) =>
  new PlatformError('member.share_taken', `share ${shareIndex} is bound to ${holder}`, {
    errors: [{ field: 'shareIndex', message: 'is bound to another key server' }],
  });

/**
 * Onboarding by the operator (SPEC §2): a member gets an id, a type (which decides its
 * role), a bearer credential shown once and kept only as a hash, and the Ed25519 public
 * key it signs its batches with. Disable and rotate.
 *
 * No one speaks in a member's name (SPEC §3.6, issue 11): a member's signing keys change
 * at once only by the member's own statement, signed with one of its current keys
 * (`changeKeys`). The operator, who holds no member's key, can only announce a new key
 * for a member that lost its own; the key starts after a waiting period, during which
 * the member is alerted and can object with its current key. Every change is a key event
 * in the log, whose record says who made it; the member side names any it did not make.
 */
export class MemberService {
  private readonly onKeysChanged: () => void;
  private readonly now: () => number;
  private readonly keyWaitingMs: number;

  constructor(
    private readonly store: Store,
    private readonly credentials: CredentialCache,
    options: MemberServiceOptions = {},
  ) {
    this.onKeysChanged = options.onKeysChanged ?? (() => undefined);
    this.now = options.now ?? Date.now;
    this.keyWaitingMs = options.keyWaitingMs ?? DEFAULT_KEY_WAITING_MS;
  }

  async add(input: {
    id: string;
    name?: string;
    type: string;
    publicKey?: string;
    /** A key server's share index (type keyserver only): the share whose counts it reports. */
    shareIndex?: number;
  }): Promise<{ member: Member; credential: string }> {
    if (!MEMBER_ID.test(input.id))
      throw new PlatformError(
        'request.invalid',
        'a member id is lowercase letters, digits and dashes',
        { errors: [{ field: 'id', message: 'is not a member id' }] },
      );
    if (!(MEMBER_TYPES as readonly string[]).includes(input.type))
      throw new PlatformError('request.invalid', `type must be one of ${MEMBER_TYPES.join(', ')}`, {
        errors: [{ field: 'type', message: 'is not a member type' }],
      });
    if (input.publicKey !== undefined && !PUBLIC_KEY.test(input.publicKey))
      throw invalidKey('publicKey');
    if (input.shareIndex !== undefined) checkShare(input.type, input.shareIndex);
    // Made whole, in one transaction, or not at all: two enrolments of one id or one share
    // at once give one member and a 409, never a member without its credential.
    const credential = newCredential('crd');
    const enrolled = await this.store.enrolMember({
      id: input.id,
      name: input.name ?? input.id,
      type: input.type as MemberType,
      at: this.now(),
      credentialSha256: credential.sha256,
      ...(input.publicKey === undefined ? {} : { publicKey: input.publicKey }),
      ...(input.shareIndex === undefined ? {} : { shareIndex: input.shareIndex }),
    });
    if (enrolled.status === 'exists')
      throw new PlatformError('member.exists', `a member with the id ${input.id} exists`);
    if (enrolled.status === 'share_taken')
      throw shareTaken(input.shareIndex as number, enrolled.by);
    this.credentials.invalidate();
    const member = await this.store.getMember(input.id);
    if (member === undefined) throw new Error('member vanished');
    return { member, credential: credential.token };
  }

  /**
   * Binds a key server to the share index it evaluates with: it may report evaluation
   * counts for that share only (SPEC §3.2). Logged as a member event. Key servers
   * enrolled before shares were bound report nothing until bound.
   */
  async bindShare(id: string, shareIndex: number): Promise<void> {
    const member = await this.store.getMember(id);
    if (member === undefined) throw new PlatformError('member.not_found', 'no member has this id');
    checkShare(member.type, shareIndex);
    const bound = await this.store.bindShare(id, shareIndex, this.now());
    if (bound.status === 'not_found')
      throw new PlatformError('member.not_found', 'no member has this id');
    if (bound.status === 'taken') throw shareTaken(shareIndex, bound.by);
    this.credentials.invalidate();
  }

  async disable(id: string): Promise<void> {
    if (!(await this.store.setMemberStatus(id, 'disabled')))
      throw new PlatformError('member.not_found', 'no member has this id');
    this.credentials.invalidate();
  }

  async enable(id: string): Promise<void> {
    if (!(await this.store.setMemberStatus(id, 'active')))
      throw new PlatformError('member.not_found', 'no member has this id');
    this.credentials.invalidate();
  }

  /**
   * The operator's rotation: a new credential (the old ones stop working), and/or a new
   * signing key announced for a member that lost its own: usable only after the waiting
   * period, when the member's other keys stop, unless the member objects before. Asking
   * for neither, or for a key the member already has, changes nothing (400, 409).
   */
  async rotate(
    id: string,
    options: { credential: boolean; publicKey?: string },
  ): Promise<{ credential?: string; key?: { publicKey: string; activatesAt: number } }> {
    if ((await this.store.getMember(id)) === undefined)
      throw new PlatformError('member.not_found', 'no member has this id');
    if (!options.credential && options.publicKey === undefined)
      throw new PlatformError(
        'request.invalid',
        'say what to rotate: the credential, a key, or both',
        {
          errors: [{ field: '(body)', message: 'names neither credential nor publicKey' }],
        },
      );
    if (options.publicKey !== undefined && !PUBLIC_KEY.test(options.publicKey))
      throw invalidKey('publicKey');
    const at = this.now();
    const keys = await this.store.signingKeys(id);
    // A key the member has, or had: nothing to rotate to, and an old key may have leaked.
    if (options.publicKey !== undefined && keys.some((k) => k.publicKey === options.publicKey))
      throw new PlatformError(
        'key.current',
        "that key is, or was, one of the member's signing keys: announce a new one",
        { errors: [{ field: 'publicKey', message: "is, or was, the member's" }] },
      );
    const credential = options.credential ? newCredential('crd') : undefined;
    const key =
      options.publicKey === undefined
        ? undefined
        : { publicKey: options.publicKey, activatesAt: at + this.keyWaitingMs };
    // The new credential and the announced key in one transaction: both or neither.
    const rotated = await this.store.rotateMember(id, at, {
      ...(credential === undefined ? {} : { credentialSha256: credential.sha256 }),
      ...(key === undefined
        ? {}
        : {
            announce: {
              event: 'announced',
              publicKey: key.publicKey,
              activatesAt: key.activatesAt,
              replaces: keys.filter((k) => usableAt(k, at)).map((k) => k.publicKey),
              by: 'operator',
            },
          }),
    });
    if (!rotated) throw new PlatformError('member.not_found', 'no member has this id');
    if (credential !== undefined) this.credentials.invalidate();
    if (key !== undefined) this.onKeysChanged();
    const token = credential?.token;
    return {
      ...(token === undefined ? {} : { credential: token }),
      ...(key === undefined ? {} : { key }),
    };
  }

  /**
   * A member changes its own signing keys with a statement signed by one of its current
   * keys (core/wire/key-statements.ts): adds a key (replacing the others, if it says so),
   * revokes one, or objects to one the operator announced for it. Returns the change as
   * logged, and where it went.
   */
  async changeKeys(
    caller: Member,
    signed: SignedKeyStatement,
  ): Promise<{ change: KeyChange; at: number; log: LogAppend }> {
    const { statement } = signed;
    const refuse = (
      field: string,
      message: string,
      code: 'request.invalid' | 'key.statement_invalid' = 'key.statement_invalid',
    ) => new PlatformError(code, message, { errors: [{ field, message }] });
    if (statement.member !== caller.id) throw refuse('statement.member', 'must be your member id');
    const at = this.now();
    const made = Date.parse(statement.at);
    if (!(made >= at - STATEMENT_MAX_AGE_MS && made <= at + STATEMENT_MAX_SKEW_MS))
      throw refuse('statement.at', 'must be within the last 24 hours');
    const keys = await this.store.signingKeys(caller.id);
    const usable = keys.filter((k) => usableAt(k, at));
    // A member that never had a key (added without one: `credence member init` makes it)
    // adds its first with its credential, the statement signed by that very key.
    const first =
      keys.length === 0 &&
      statement.action === 'add_signing_key' &&
      signed.signedBy === statement.publicKey;
    if (!first && !usable.some((k) => k.publicKey === signed.signedBy))
      throw refuse(
        'signedBy',
        keys.length === 0
          ? 'you have no signing key yet: add your first with a statement signed by that key'
          : 'is not one of your current signing keys',
      );
    if (!verifyKeyStatement(signed)) throw refuse('signature', 'does not verify');
    const authorization = signed;
    const row = keys.find((k) => k.publicKey === statement.publicKey);
    let change: KeyChange;
    switch (statement.action) {
      case 'add_signing_key':
        if (row !== undefined)
          throw new PlatformError('key.current', 'a key is added once: this one is known already', {
            errors: [{ field: 'statement.publicKey', message: 'is already a key of yours' }],
          });
        change = {
          event: 'added',
          publicKey: statement.publicKey,
          replaces:
            statement.replace === true
              ? keys.filter((k) => (k.revokedAt ?? Infinity) > at).map((k) => k.publicKey)
              : [],
          by: 'member',
          authorization,
        };
        break;
      case 'revoke_signing_key':
        if (row === undefined || (row.revokedAt ?? Infinity) <= at)
          throw refuse('statement.publicKey', 'is not a key of yours that is in force');
        // Revoking a key that waits would leave the keys it replaces stopping all the same.
        if (row.activatesAt !== undefined && row.activatesAt > at)
          throw refuse(
            'statement.action',
            'a key announced for you that has not started is objected to (object_signing_key)',
            'request.invalid',
          );
        change = {
          event: 'revoked',
          publicKey: statement.publicKey,
          replaces: [],
          by: 'member',
          authorization,
        };
        break;
      case 'object_signing_key': {
        if (
          row === undefined ||
          row.activatesAt === undefined ||
          row.activatesAt <= at ||
          (row.revokedAt ?? Infinity) <= at
        )
          throw new PlatformError(
            'key.not_pending',
            'only a key announced for you and not started yet can be objected to',
            {
              errors: [{ field: 'statement.publicKey', message: 'is not announced for you' }],
            },
          );
        const activatesAt = row.activatesAt;
        change = {
          event: 'objected',
          publicKey: statement.publicKey,
          // The keys the announcement was to stop then.
          replaces: keys.filter((k) => k.revokedAt === activatesAt).map((k) => k.publicKey),
          by: 'member',
          authorization,
        };
        break;
      }
    }
    const log = await this.store.changeSigningKeys(caller.id, at, change);
    this.onKeysChanged();
    return { change, at, log };
  }

  /** The member's own new credential: the old ones stop; logged as the member's doing. */
  async renewCredential(
    caller: Member,
  ): Promise<{ credential: string; at: number; log: LogAppend }> {
    const at = this.now();
    const credential = newCredential('crd');
    const log = await this.store.issueCredential(caller.id, credential.sha256, at, {
      by: 'member',
      replace: true,
    });
    this.credentials.invalidate();
    return { credential: credential.token, at, log };
  }

  keys(id: string): Promise<SigningKeyRow[]> {
    return this.store.signingKeys(id);
  }

  list(): Promise<Member[]> {
    return this.store.listMembers();
  }
}
