import { newCredential } from '@credence/server-kit/bearer';
import { HttpProblem } from '@credence/server-kit/problem';
import { MEMBER_TYPES, type Member, type MemberType } from '../domain/types.js';
import type { Store } from '../storage/store.js';
import type { CredentialCache } from './credentials.js';

const MEMBER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const PUBLIC_KEY = /^[A-Za-z0-9_-]{43}$/;

/** Share indexes are 1 to 255 (Shamir shares over ristretto255, credence keys init). */
function checkShare(type: string, shareIndex: number): void {
  if (type !== 'keyserver')
    throw new HttpProblem('request.invalid', 'only a member of type keyserver holds a share', {
      errors: [{ field: 'shareIndex', message: 'is only for a key server' }],
    });
  if (!Number.isInteger(shareIndex) || shareIndex < 1 || shareIndex > 255)
    throw new HttpProblem('request.invalid', 'a share index is an integer from 1 to 255', {
      errors: [{ field: 'shareIndex', message: 'is not a share index' }],
    });
}

const shareTaken = (shareIndex: number, holder: string) =>
  new HttpProblem('member.share_taken', `share ${shareIndex} is bound to ${holder}`, {
    errors: [{ field: 'shareIndex', message: 'is bound to another key server' }],
  });

/**
 * Onboarding by the operator (SPEC §2): a member gets an id, a type (which decides its
 * role), a bearer credential shown once and kept only as a hash, and the Ed25519 public
 * key it signs its batches with. Disable and rotate.
 */
export class MemberService {
  constructor(
    private readonly store: Store,
    private readonly credentials: CredentialCache,
    private readonly onKeysChanged: () => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  async add(input: {
    id: string;
    name?: string;
    type: string;
    publicKey?: string;
    /** A key server's share index (type keyserver only): the share whose counts it reports. */
    shareIndex?: number;
  }): Promise<{ member: Member; credential: string }> {
    if (!MEMBER_ID.test(input.id))
      throw new HttpProblem(
        'request.invalid',
        'a member id is lowercase letters, digits and dashes',
        { errors: [{ field: 'id', message: 'is not a member id' }] },
      );
    if (!(MEMBER_TYPES as readonly string[]).includes(input.type))
      throw new HttpProblem('request.invalid', `type must be one of ${MEMBER_TYPES.join(', ')}`, {
        errors: [{ field: 'type', message: 'is not a member type' }],
      });
    if (input.publicKey !== undefined && !PUBLIC_KEY.test(input.publicKey))
      throw new HttpProblem('request.invalid', 'an Ed25519 public key is 32 bytes in base64url', {
        errors: [{ field: 'publicKey', message: 'is not a public key' }],
      });
    if (input.shareIndex !== undefined) {
      checkShare(input.type, input.shareIndex);
      const holder = (await this.store.listMembers()).find(
        (m) => m.shareIndex === input.shareIndex,
      );
      if (holder !== undefined) throw shareTaken(input.shareIndex, holder.id);
    }
    if ((await this.store.getMember(input.id)) !== undefined)
      throw new HttpProblem('member.exists');
    const at = this.now();
    await this.store.createMember({
      id: input.id,
      name: input.name ?? input.id,
      type: input.type as MemberType,
      createdAt: at,
    });
    if (input.shareIndex !== undefined) await this.bindShare(input.id, input.shareIndex);
    const credential = newCredential('crd');
    await this.store.addCredential(input.id, credential.sha256, at);
    if (input.publicKey !== undefined)
      await this.store.addSigningKey(input.id, input.publicKey, at);
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
    if (member === undefined) throw new HttpProblem('member.not_found');
    checkShare(member.type, shareIndex);
    const bound = await this.store.bindShare(id, shareIndex, this.now());
    if (bound.status === 'not_found') throw new HttpProblem('member.not_found');
    if (bound.status === 'taken') throw shareTaken(shareIndex, bound.by);
    this.credentials.invalidate();
  }

  async disable(id: string): Promise<void> {
    if (!(await this.store.setMemberStatus(id, 'disabled')))
      throw new HttpProblem('member.not_found');
    this.credentials.invalidate();
  }

  async enable(id: string): Promise<void> {
    if (!(await this.store.setMemberStatus(id, 'active')))
      throw new HttpProblem('member.not_found');
    this.credentials.invalidate();
  }

  /**
   * Rotates: a new credential (the old ones stop working), and/or a new signing key
   * (the old ones stop being accepted). Returns the new credential if one was made.
   */
  async rotate(
    id: string,
    options: { credential: boolean; publicKey?: string },
  ): Promise<{ credential?: string }> {
    if ((await this.store.getMember(id)) === undefined) throw new HttpProblem('member.not_found');
    if (options.publicKey !== undefined && !PUBLIC_KEY.test(options.publicKey))
      throw new HttpProblem('request.invalid', 'an Ed25519 public key is 32 bytes in base64url', {
        errors: [{ field: 'publicKey', message: 'is not a public key' }],
      });
    const at = this.now();
    let token: string | undefined;
    if (options.credential) {
      await this.store.revokeCredentials(id, at);
      const credential = newCredential('crd');
      await this.store.addCredential(id, credential.sha256, at);
      token = credential.token;
      this.credentials.invalidate();
    }
    if (options.publicKey !== undefined) {
      await this.store.revokeSigningKeys(id, at);
      await this.store.addSigningKey(id, options.publicKey, at);
      this.onKeysChanged();
    }
    return token === undefined ? {} : { credential: token };
  }

  list(): Promise<Member[]> {
    return this.store.listMembers();
  }
}
