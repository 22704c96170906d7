import { keccak_256 } from '@noble/hashes/sha3.js';
import { bech32 } from '@scure/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iso7064Mod11_2, luhnCheckDigit } from '../../src/identifiers/checksums.js';
import { IdentifierError } from '../../src/identifiers/identifier-error.js';
import { IDENTIFIER_KINDS } from '../../src/identifiers/kinds.js';
import { normalizeIdentifier, tryNormalizeIdentifier } from '../../src/identifiers/normalize.js';

/**
 * Laws of normalization, over generated valid identifiers:
 *  - every formatting variant of a valid identifier normalizes to the same value (so a
 *    valid value never throws, and two members writing it differently share a token);
 *  - normalization is idempotent;
 *  - any string at all yields a value or an IdentifierError, never another exception.
 */

const digits = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const hex = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const label = fc
  .string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
    // Five characters or more, so that a generated name is never itself a public suffix
    // (the .cn province suffixes such as jl.cn have two).
    minLength: 5,
    maxLength: 12,
  })
  .filter((s) => /^[a-z0-9]/.test(s));
const fullWidth = (s: string) =>
  s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const groups = (s: string, size: number, sep: string) =>
  s.match(new RegExp(`.{1,${size}}`, 'g'))?.join(sep) ?? s;

interface Generated {
  readonly kind: string;
  readonly canonical: string;
  readonly variants: readonly string[];
}

const CN_MOBILE_PREFIXES = [
  '130',
  '131',
  '135',
  '138',
  '139',
  '150',
  '158',
  '177',
  '180',
  '186',
  '189',
  '198',
];
const phone = fc
  .tuple(fc.constantFrom(...CN_MOBILE_PREFIXES), digits(8))
  .map(([p, rest]): Generated => {
    const national = p + rest;
    return {
      kind: 'phone',
      canonical: `+86${national}`,
      variants: [
        national,
        `+86 ${national.slice(0, 3)}-${national.slice(3, 7)}-${national.slice(7)}`,
        `0086 ${national.slice(0, 3)} ${national.slice(3, 7)} ${national.slice(7)}`,
        `(+86) ${national}`,
        fullWidth(national),
      ],
    };
  });

const bankCard = fc.tuple(fc.constantFrom(15, 18), digits(18)).map(([len, d]): Generated => {
  const payload = `62${d.slice(0, len - 2)}`;
  const card = payload + String(luhnCheckDigit(payload));
  return {
    kind: 'bank_card',
    canonical: card,
    variants: [card, groups(card, 4, ' '), groups(card, 4, '-'), fullWidth(card)],
  };
});

function ibanCheck(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rem = 0;
  for (const c of rearranged) rem = (rem * 10 + Number(c)) % 97;
  return String(98 - rem).padStart(2, '0');
}
const iban = digits(18).map((bban): Generated => {
  const value = `DE${ibanCheck('DE', bban)}${bban}`;
  return {
    kind: 'bank_account',
    canonical: value,
    variants: [value, groups(value, 4, ' '), value.toLowerCase()],
  };
});

const PROVINCE_CODES = ['11', '31', '44', '51', '65'];
const idNumber = fc
  .tuple(
    fc.constantFrom(...PROVINCE_CODES),
    digits(4),
    fc.date({ min: new Date('1930-01-01'), max: new Date('2010-12-31'), noInvalidDate: true }),
    digits(3),
  )
  .map(([province, area, birth, seq]): Generated => {
    const payload = province + area + birth.toISOString().slice(0, 10).replaceAll('-', '') + seq;
    const value = payload + iso7064Mod11_2(payload);
    return {
      kind: 'id_number',
      canonical: value,
      variants: [
        value,
        value.toLowerCase(),
        `${value.slice(0, 6)} ${value.slice(6, 14)} ${value.slice(14)}`,
      ],
    };
  });

const imei = digits(14).map((body): Generated => {
  const value = body + String(luhnCheckDigit(body));
  return {
    kind: 'imei',
    canonical: value,
    variants: [
      value,
      body,
      `${body}07`,
      `${value.slice(0, 2)}-${value.slice(2, 8)}-${value.slice(8, 14)}-${value.slice(14)}`,
    ],
  };
});

const ipv4 = fc
  .tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.nat(255))
  .filter(
    ([a, b]) => ![10, 127, 0, 100, 169, 172, 192, 198, 203].includes(a) || (a === 172 && b < 16),
  )
  .map((o): Generated => {
    const value = o.join('.');
    return {
      kind: 'ip',
      canonical: value,
      variants: [
        value,
        o.map((n) => String(n).padStart(3, '0')).join('.'),
        `::ffff:${value}`,
        ` ${value} `,
      ],
    };
  });

const ipv6 = fc
  .tuple(
    fc.integer({ min: 0x2400, max: 0x2fff }),
    fc.array(fc.nat(0xffff), { minLength: 7, maxLength: 7 }),
  )
  .map(([first, rest]): Generated => {
    const full = [first, ...rest].map((n) => n.toString(16).padStart(4, '0'));
    const canonical = normalizeIdentifier('ip', full.join(':')).value;
    return {
      kind: 'ip',
      canonical,
      variants: [full.join(':'), full.join(':').toUpperCase(), `[${full.join(':')}]`, canonical],
    };
  });

const TLDS = ['com', 'cn', 'com.cn', 'co.uk', 'net', 'top', 'xyz'];
const domain = fc.tuple(label, fc.constantFrom(...TLDS)).map(([name, tld]): Generated => {
  const value = `${name}.${tld}`;
  return {
    kind: 'domain',
    canonical: value,
    variants: [value, value.toUpperCase(), `www.${value}`, `login.${value}.`, fullWidth(value)],
  };
});

const url = fc.tuple(label, fc.constantFrom(...TLDS), label).map(([name, tld, path]): Generated => {
  const host = `${name}.${tld}`;
  return {
    kind: 'url',
    canonical: `https://${host}/${path}`,
    variants: [
      `https://${host}/${path}`,
      `HTTPS://${host.toUpperCase()}:443/${path}`,
      `https://${host}/x/../${path}`,
    ],
  };
});

const email = fc.tuple(label, fc.constantFrom('qq.com', '163.com', 'gmail.com')).map(
  ([local, d]): Generated => ({
    kind: 'email',
    canonical: `${local}@${d}`,
    variants: [`${local}@${d}`, `  ${local.toUpperCase()}@${d.toUpperCase()} `],
  }),
);

const appPackage = fc
  .tuple(
    fc.constantFrom('com', 'cn', 'net'),
    label.filter((s) => /^[a-z]/.test(s)),
    label,
  )
  .map(([a, b, c]): Generated => {
    const value = `${a}.${b}.${c}`;
    return { kind: 'app', canonical: value, variants: [value, value.toUpperCase()] };
  });
const appDigest = hex(64).map(
  (value): Generated => ({
    kind: 'app',
    canonical: value,
    variants: [value, value.toUpperCase(), `sha256:${value}`],
  }),
);

function eip55(lowerHex: string): string {
  const hash = keccak_256(new TextEncoder().encode(lowerHex));
  return [...lowerHex]
    .map((c, i) =>
      (((hash[i >> 1] ?? 0) >> (i % 2 === 0 ? 4 : 0)) & 0xf) >= 8 ? c.toUpperCase() : c,
    )
    .join('');
}
const eth = hex(40).map(
  (h): Generated => ({
    kind: 'wallet',
    canonical: `0x${h}`,
    variants: [`0x${h}`, `0x${eip55(h)}`, `0X${h.toUpperCase()}`],
  }),
);
const segwit = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((program): Generated => {
  const value = bech32.encode('bc', [0, ...bech32.toWords(program)]);
  return { kind: 'wallet', canonical: value, variants: [value, value.toUpperCase()] };
});

const wechat = label
  .filter((s) => /^[a-z]/.test(s))
  .map(
    (id): Generated => ({
      kind: 'im_account',
      canonical: `wechat:wxid_${id}`,
      variants: [
        `wechat:wxid_${id}`,
        `WeChat: WXID_${id.toUpperCase()}`,
        `weixin:wxid_${id}`,
        `微信：wxid_${id}`,
      ],
    }),
  );

const deviceId = hex(16).map(
  (id): Generated => ({
    kind: 'device_id',
    canonical: id,
    variants: [id, id.toUpperCase(), ` ${id}\t`],
  }),
);

const GENERATORS: Record<string, fc.Arbitrary<Generated>> = {
  phone,
  bankCard,
  iban,
  idNumber,
  imei,
  ipv4,
  ipv6,
  domain,
  url,
  email,
  appPackage,
  appDigest,
  eth,
  segwit,
  wechat,
  deviceId,
};

describe('normalization laws', () => {
  for (const [name, arbitrary] of Object.entries(GENERATORS)) {
    it(`${name}: every formatting variant converges on one value`, () => {
      fc.assert(
        fc.property(arbitrary, ({ kind, canonical, variants }) => {
          for (const variant of variants)
            expect(normalizeIdentifier(kind, variant).value).toBe(canonical);
        }),
      );
    });

    it(`${name}: normalization is idempotent`, () => {
      fc.assert(
        fc.property(arbitrary, ({ kind, variants }) => {
          for (const variant of variants) {
            const once = normalizeIdentifier(kind, variant).value;
            expect(normalizeIdentifier(kind, once).value).toBe(once);
          }
        }),
      );
    });
  }

  it('covers every identifier kind', () => {
    const covered = new Set(Object.values(GENERATORS).map((g) => fc.sample(g, 1)[0]?.kind));
    expect([...covered].sort()).toEqual([...IDENTIFIER_KINDS].sort());
  });

  it('any string yields a value or an IdentifierError, and accepted values are fixed points', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...IDENTIFIER_KINDS),
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.stringMatching(/^[0-9 +\-:.@x]{0,30}$/),
        ),
        (kind, raw) => {
          let result: ReturnType<typeof tryNormalizeIdentifier>;
          try {
            result = tryNormalizeIdentifier(kind, raw);
          } catch (error) {
            throw new Error(`${kind} threw ${(error as Error).name} instead of an IdentifierError`);
          }
          if (result.ok) {
            expect(normalizeIdentifier(kind, result.identifier.value).value).toBe(
              result.identifier.value,
            );
            // What a value implies (a url's domain) is itself a valid, normalized identifier.
            for (const d of result.identifier.derived)
              expect(normalizeIdentifier(d.kind, d.value).value).toBe(d.value);
          } else expect(result.error).toBeInstanceOf(IdentifierError);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
