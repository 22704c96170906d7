import { credentialHash } from '@credence/server-kit/bearer';

/**
 * The members a key server serves: each with the SHA-256 of its bearer credential and
 * its limits. Kept in a JSON file the key server's operator edits with
 * `credence keyserver members add`; the credential itself is shown once and never stored.
 */

export interface MemberEntry {
  readonly id: string;
  readonly tokenSha256: string;
  /** Evaluations per UTC day. */
  readonly quotaPerDay: number;
  /** Sustained evaluations per minute; bursts up to one minute's worth. */
  readonly ratePerMinute: number;
  readonly disabled?: boolean;
}

export interface MembersFile {
  readonly members: readonly MemberEntry[];
}

export const DEFAULT_LIMITS = { quotaPerDay: 2_000_000, ratePerMinute: 300_000 } as const;

const MEMBER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export class MembersFileError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`members file: ${field} ${reason}`);
    this.name = 'MembersFileError';
  }
}

export function parseMembersFile(value: unknown): MembersFile {
  const members = (value as { members?: unknown } | null)?.members;
  if (!Array.isArray(members)) throw new MembersFileError('members', 'must be a list');
  const ids = new Set<string>();
  return {
    members: members.map((m: unknown, i) => {
      const e = m as Partial<MemberEntry> | null;
      if (typeof e?.id !== 'string' || !MEMBER_ID.test(e.id))
        throw new MembersFileError(
          `members[${i}].id`,
          'must be lowercase letters, digits and dashes',
        );
      if (ids.has(e.id)) throw new MembersFileError(`members[${i}].id`, 'is listed twice');
      ids.add(e.id);
      if (typeof e.tokenSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.tokenSha256))
        throw new MembersFileError(`members[${i}].tokenSha256`, 'must be 64 hex digits');
      const positive = (v: unknown, field: string, fallback: number) => {
        if (v === undefined) return fallback;
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
          throw new MembersFileError(`members[${i}].${field}`, 'must be a positive integer');
        return v;
      };
      return {
        id: e.id,
        tokenSha256: e.tokenSha256,
        quotaPerDay: positive(e.quotaPerDay, 'quotaPerDay', DEFAULT_LIMITS.quotaPerDay),
        ratePerMinute: positive(e.ratePerMinute, 'ratePerMinute', DEFAULT_LIMITS.ratePerMinute),
        ...(e.disabled === true ? { disabled: true } : {}),
      };
    }),
  };
}

export class MemberRegistry {
  private byHash: ReadonlyMap<string, MemberEntry>;

  constructor(file: MembersFile) {
    this.byHash = new Map(file.members.map((m) => [m.tokenSha256, m]));
  }

  /** Takes a new members file in (a credential added, replaced or disabled), at once. */
  replace(file: MembersFile): void {
    this.byHash = new Map(file.members.map((m) => [m.tokenSha256, m]));
  }

  /** The member a credential belongs to, unless unknown or disabled. */
  authenticate(token: string): MemberEntry | undefined {
    const member = this.byHash.get(credentialHash(token));
    return member?.disabled ? undefined : member;
  }

  get size(): number {
    return this.byHash.size;
  }
}
