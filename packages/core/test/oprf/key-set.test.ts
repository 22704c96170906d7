import { beforeAll, describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../src/encoding/base64url.js';
import {
  generateKeySet,
  parseGroupKey,
  parseShareKey,
  serializeGroupKey,
  serializeShareKey,
} from '../../src/oprf/key-set.js';
import { loadRistretto255, type Ristretto255 } from '../../src/oprf/ristretto255.js';

let group: Ristretto255;
beforeAll(async () => {
  group = await loadRistretto255();
});

const fresh = () =>
  generateKeySet(group, { threshold: 2, shares: 3, createdAt: '2026-11-25T00:00:00Z' });

describe('key files', () => {
  it('round-trip through their JSON form', () => {
    const set = fresh();
    const parsed = parseGroupKey(group, JSON.parse(JSON.stringify(serializeGroupKey(set.group))));
    expect(parsed).toEqual(set.group);
    for (const share of set.shares)
      expect(parseShareKey(group, JSON.parse(JSON.stringify(serializeShareKey(share))))).toEqual(
        share,
      );
    expect(set.group.keyId).toMatch(/^k[A-Za-z0-9_-]{10}$/);
  });

  it('catch a share whose secret does not match its published share key', () => {
    const set = fresh();
    const tampered = {
      ...serializeShareKey(set.shares[0] as (typeof set.shares)[number]),
      secret: encodeBase64url(group.randomScalar()),
    };
    expect(() => parseShareKey(group, tampered)).toThrow(
      expect.objectContaining({ code: 'keys.invalid_file', details: { field: 'secret' } }),
    );
  });

  it('catch share keys that do not lie on one polynomial with the group key', () => {
    const set = fresh();
    const json = serializeGroupKey(set.group) as {
      sharePublicKeys: { index: number; publicKey: string }[];
    };
    const other = serializeGroupKey(fresh().group) as typeof json;
    // Share 3's public key taken from another key: shares 1 and 2 still match the group key.
    const swapped = {
      ...json,
      sharePublicKeys: [json.sharePublicKeys[0], json.sharePublicKeys[1], other.sharePublicKeys[2]],
    };
    expect(() => parseGroupKey(group, swapped)).toThrow(
      expect.objectContaining({ details: { field: 'sharePublicKeys' } }),
    );
    expect(() =>
      parseGroupKey(group, {
        ...json,
        publicKey: encodeBase64url(group.scalarMultBase(group.randomScalar())),
      }),
    ).toThrow(expect.objectContaining({ details: { field: 'sharePublicKeys' } }));
  });

  it('name the field that is wrong, and never include a secret in the message', () => {
    const set = fresh();
    const share = serializeShareKey(set.shares[0] as (typeof set.shares)[number]);
    const cases: [Record<string, unknown>, string][] = [
      [{ ...share, suite: 'P256-SHA256' }, 'suite'],
      [{ ...share, threshold: 4 }, 'threshold'],
      [{ ...share, status: 'paused' }, 'status'],
      [{ ...share, keyId: 'has space' }, 'keyId'],
      [{ ...share, publicKey: 'AAAA' }, 'publicKey'],
      [{ ...share, secret: 'not base64!' }, 'secret'],
      [{ ...share, index: 9 }, 'index'],
    ];
    for (const [json, field] of cases) {
      let error: Error | undefined;
      try {
        parseShareKey(group, json);
      } catch (e) {
        error = e as Error;
      }
      expect(error, field).toMatchObject({ code: 'keys.invalid_file', details: { field } });
      expect(error?.message).not.toContain(share.secret as string);
    }
  });
});
