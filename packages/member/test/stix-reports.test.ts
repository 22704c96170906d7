import { parseRawRecord } from '@credence/core/wire/raw-record-parser';
import { describe, expect, it } from 'vitest';
import { STIX_SKIPS, type StixMappingOptions, stixToReports } from '../src/stix-reports.js';

/**
 * STIX objects as raw reports: what is taken, with which kind and role, and what is left
 * out with which reason. The values here are test data of our own.
 */
const NOW = Date.parse('2026-12-01T00:00:00Z');
const options: StixMappingOptions = {
  type: 'suspected',
  category: 'fake_customer_service',
  phoneRegion: 'CN',
  now: NOW,
  refOf: (id) => `ref-of-${id.length}-${id.slice(-4)}`,
};

let serial = 0;
/** An indicator with a fresh id, valid from October 2026. */
const indicator = (pattern: string, more: Record<string, unknown> = {}) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--00000000-0000-4000-8000-${String(++serial).padStart(12, '0')}`,
  created: '2026-10-02T09:00:00.000Z',
  modified: '2026-10-02T09:00:00.000Z',
  pattern,
  pattern_type: 'stix',
  valid_from: '2026-10-02T09:00:00Z',
  ...more,
});

const map = (objects: readonly unknown[], more: Partial<StixMappingOptions> = {}) =>
  stixToReports(objects, { ...options, ...more });

/** The codes left out of the only object. */
const skippedOf = (objects: readonly unknown[]) =>
  map(objects).outcomes.flatMap((o) => o.skipped.map((s) => s.code));

describe('indicators as reports', () => {
  it('takes url, domain, email, IP and phone comparisons, each kind in its role', () => {
    const object = indicator(
      "[url:value = 'https://tuikuan-kefu.top/refund?order=88'] OR [domain-name:value = 'tuikuan-kefu.top' AND email-addr:value = 'Desk@Tuikuan-Kefu.top'] OR [ipv4-addr:value = '45.77.12.34' OR ipv6-addr:value = '2a05:d014::7'] OR [phone-number:value = '+86 138 2233 4455']",
    );
    const { reports, summary } = map([object]);
    expect(reports).toEqual([
      {
        ref: options.refOf(object.id),
        type: 'suspected',
        category: 'fake_customer_service',
        occurredAt: '2026-10-02T09:00:00Z',
        entities: [
          { role: 'url', kind: 'url', value: 'https://tuikuan-kefu.top/refund?order=88' },
          { role: 'url', kind: 'domain', value: 'tuikuan-kefu.top' },
          { role: 'contact', kind: 'email', value: 'Desk@Tuikuan-Kefu.top' },
          { role: 'ip', kind: 'ip', value: '45.77.12.34' },
          { role: 'ip', kind: 'ip', value: '2a05:d014::7' },
          { role: 'caller', kind: 'phone', value: '+86 138 2233 4455' },
        ],
      },
    ]);
    expect(summary).toMatchObject({
      objects: 1,
      indicators: 1,
      reports: 1,
      taken: { url: 1, domain: 1, email: 1, ip: 2, phone: 1 },
      skipped: {},
    });
    // Every report is one the member's own parser takes, as tokenizing will check it.
    for (const r of reports) expect(parseRawRecord(r, { now: NOW }).ok).toBe(true);
  });

  it('reads the phone conventions: OpenCTI, a custom x- type, MISP account objects', () => {
    const { reports } = map([
      indicator("[phone-number:value = '13822334455']"),
      indicator("[x-phone-number:value = '+86 139 1122 3344']"),
      indicator(
        "[user-account:account_type = 'telegram' AND user-account:account_login = 'kefu' AND user-account:x_misp_phone = '+86 137 5566 7788']",
      ),
    ]);
    expect(reports.map((r) => r.entities)).toEqual([
      [{ role: 'caller', kind: 'phone', value: '13822334455' }],
      [{ role: 'caller', kind: 'phone', value: '+86 139 1122 3344' }],
      [{ role: 'caller', kind: 'phone', value: '+86 137 5566 7788' }],
    ]);
  });

  it("takes a MISP ip-dst, and a reference's value as the type its conjunction gives it", () => {
    const { reports, outcomes } = map([
      indicator(
        "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '45.77.12.34']",
      ),
      indicator(
        "[(network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'tuikuan-kefu.top') AND network-traffic:dst_port = 443]",
      ),
      indicator(
        "[email-message:from_ref.value = 'a@tuikuan-kefu.top' AND email-message:to_refs[0].value = 'victim@example.org']",
      ),
    ]);
    expect(reports.map((r) => r.entities)).toEqual([
      [{ role: 'ip', kind: 'ip', value: '45.77.12.34' }],
      [{ role: 'url', kind: 'domain', value: 'tuikuan-kefu.top' }],
      [{ role: 'contact', kind: 'email', value: 'a@tuikuan-kefu.top' }],
    ]);
    // The type that qualified a value is no comparison left out; a port and a recipient are.
    expect(outcomes.map((o) => o.skipped.map((s) => [s.code, s.comparison]))).toEqual([
      [],
      [['stix.not_taken', 3]],
      [['stix.not_taken', 2]],
    ]);
  });

  it("keeps escaped \\' and \\\\ in the value as the pattern meant it", () => {
    const { reports } = map([indicator("[url:value = 'https://a-kefu.top/it\\'s\\\\x']")]);
    expect(reports[0]?.entities[0]?.value).toBe("https://a-kefu.top/it's\\x");
  });

  it('leaves out operators other than =, and NOT, never guessing', () => {
    const { reports, outcomes, summary } = map([
      indicator(
        "[domain-name:value LIKE '%.kefu.top'] OR [url:value MATCHES '^https://'] OR [domain-name:value IN ('a-kefu.top', 'b-kefu.top')] OR [url:value != 'https://a-kefu.top/'] OR [ipv4-addr:value ISSUBSET '45.77.0.0/16'] OR [domain-name:value NOT = 'c-kefu.top'] OR [domain-name:value > 'a'] OR [EXISTS url:value]",
      ),
    ]);
    expect(reports).toEqual([]);
    expect(outcomes[0]?.skipped.map((s) => s.message.match(/\(([^)]*)\)$/)?.[1])).toEqual([
      'LIKE',
      'MATCHES',
      'IN',
      '!=',
      'ISSUBSET',
      'NOT =',
      '>',
      'EXISTS',
      undefined,
    ]);
    expect(summary.skipped).toEqual({ 'stix.operator': 8, 'stix.no_identifiers': 1 });
  });

  it('leaves out a CIDR range, but takes a single-address /32 or /128 as its address', () => {
    const { reports, outcomes } = map([
      indicator(
        "[ipv4-addr:value = '45.77.0.0/16' OR ipv4-addr:value = '45.77.12.34/32' OR ipv6-addr:value = '2a05:d014::/32' OR ipv6-addr:value = '2a05:d014::7/128']",
      ),
    ]);
    expect(reports[0]?.entities).toEqual([
      { role: 'ip', kind: 'ip', value: '45.77.12.34' },
      { role: 'ip', kind: 'ip', value: '2a05:d014::7' },
    ]);
    expect(outcomes[0]?.skipped.map((s) => [s.code, s.comparison])).toEqual([
      ['stix.cidr', 1],
      ['stix.cidr', 3],
    ]);
  });

  it('leaves out unknown object types and properties, and values that do not normalize', () => {
    const { reports, outcomes } = map([
      indicator(
        "[file:hashes.'SHA-256' = 'aa' OR x-unknown-thing:value = 'q' OR url:x_note = 'n' OR ipv4-addr:value = '192.168.1.10' OR url:value = 'ftp://a-kefu.top/' OR email-addr:value = 'nobody' OR ipv4-addr:value = 7 OR domain-name:value = 'ok-kefu.top']",
      ),
    ]);
    expect(reports[0]?.entities).toEqual([{ role: 'url', kind: 'domain', value: 'ok-kefu.top' }]);
    expect(outcomes[0]?.skipped.map((s) => s.code)).toEqual([
      'stix.not_taken',
      'stix.not_taken',
      'stix.not_taken',
      'identifier.ip.not_global',
      'identifier.url.scheme',
      'identifier.email.invalid',
      'stix.not_string',
    ]);
    // A path is named, a value never is.
    const messages = outcomes[0]?.skipped.map((s) => s.message).join('\n') ?? '';
    expect(messages).toContain("file:hashes.'SHA-256'");
    for (const value of ['192.168.1.10', 'ftp://', 'nobody']) expect(messages).not.toContain(value);
    // Nor a quoted property name that holds other text than a name's.
    const quoted = map([indicator("[x-note:'+86 138 2233 4455 called' = 'x']")]);
    expect(quoted.outcomes[0]?.skipped[0]).toEqual({
      code: 'stix.not_taken',
      message: STIX_SKIPS['stix.not_taken'],
      comparison: 1,
    });
  });

  it('takes an identifier once per report, however often the pattern names it', () => {
    const { reports, outcomes } = map([
      indicator("[domain-name:value = 'a-kefu.top'] OR [domain-name:value = 'A-KEFU.top']"),
    ]);
    expect(reports[0]?.entities).toHaveLength(1);
    expect(outcomes[0]?.skipped.map((s) => [s.code, s.comparison])).toEqual([['stix.repeated', 2]]);
  });

  it('splits an indicator of more than 64 identifiers into reports of at most 64', () => {
    const urls = Array.from({ length: 150 }, (_, i) => `url:value = 'https://a-kefu.top/${i}'`);
    const object = indicator(`[${urls.join(' OR ')}]`);
    const { reports, outcomes } = map([object]);
    const ref = options.refOf(object.id);
    expect(reports.map((r) => [r.ref, r.entities.length])).toEqual([
      [ref, 64],
      [`${ref}.2`, 64],
      [`${ref}.3`, 22],
    ]);
    expect(outcomes[0]?.refs).toEqual(reports.map((r) => r.ref));
    for (const r of reports) expect(parseRawRecord(r, { now: NOW }).ok).toBe(true);
  });

  it('refuses valid_from in the future, in 9999, before 1990, or not a time', () => {
    for (const validFrom of [
      '9999-12-31T23:59:59Z',
      '2026-12-01T00:06:00Z',
      '1970-01-01T00:00:00Z',
      '2026-02-30T00:00:00Z',
      'yesterday',
      undefined,
    ])
      expect(
        skippedOf([indicator("[domain-name:value = 'a-kefu.top']", { valid_from: validFrom })]),
        String(validFrom),
      ).toEqual(['stix.time']);
    // Within the clock skew the platform allows, and with a fraction, it is taken.
    expect(
      map([
        indicator("[domain-name:value = 'a-kefu.top']", { valid_from: '2026-12-01T00:04:00.123Z' }),
      ]).reports,
    ).toHaveLength(1);
  });

  it('takes the report type and category given, for every report', () => {
    const { reports } = map([indicator("[domain-name:value = 'a-kefu.top']")], {
      type: 'confirmed_fraud',
      category: 'phishing_sms',
    });
    expect(reports[0]).toMatchObject({ type: 'confirmed_fraud', category: 'phishing_sms' });
  });

  it('leaves out revoked, expired and benign indicators, other pattern languages and broken patterns', () => {
    expect(
      skippedOf([
        indicator("[domain-name:value = 'a-kefu.top']", { revoked: true }),
        indicator("[domain-name:value = 'e-kefu.top']", { valid_until: '2026-01-01T00:00:00Z' }),
        indicator("[domain-name:value = 'b-kefu.top']", { indicator_types: ['benign'] }),
        indicator('title: x\ndetection: y', { pattern_type: 'sigma' }),
        indicator("[domain-name:value = 'c-kefu.top'"),
        indicator("[domain-name:value = 'd-kefu.top']", { pattern: 42 }),
      ]),
    ).toEqual([
      'stix.revoked',
      'stix.expired',
      'stix.benign',
      'stix.pattern_type',
      'stix.pattern',
      'stix.pattern',
    ]);
    // Valid until a time still to come: taken.
    expect(
      map([
        indicator("[domain-name:value = 'f-kefu.top']", { valid_until: '2099-01-01T00:00:00Z' }),
      ]).reports,
    ).toHaveLength(1);
    // A STIX 2.0 indicator has no pattern_type: its pattern is STIX.
    const v20 = indicator("[domain-name:value = 'a-kefu.top']");
    delete (v20 as { pattern_type?: string }).pattern_type;
    expect(map([v20]).reports).toHaveLength(1);
  });

  it('takes the newest version of an indicator that the file holds twice', () => {
    const old = indicator("[domain-name:value = 'old-kefu.top']", {
      modified: '2026-10-01T00:00:00Z',
    });
    const newer = {
      ...old,
      pattern: "[domain-name:value = 'new-kefu.top']",
      modified: '2026-10-03T00:00:00Z',
    };
    const { reports, outcomes } = map([newer, old]);
    expect(reports.map((r) => r.entities[0]?.value)).toEqual(['new-kefu.top']);
    expect(outcomes.map((o) => o.skipped.map((s) => s.code))).toEqual([[], ['stix.version']]);
  });

  it('gives stable refs: the same file maps to the same refs', () => {
    const objects = [indicator("[domain-name:value = 'a-kefu.top']")];
    expect(map(objects).reports.map((r) => r.ref)).toEqual(map(objects).reports.map((r) => r.ref));
  });
});

describe('observables as reports', () => {
  const sco = (type: string, value: unknown, more: Record<string, unknown> = {}) => ({
    type,
    spec_version: '2.1',
    id: `${type}--00000000-0000-4000-9000-${String(++serial).padStart(12, '0')}`,
    value,
    ...more,
  });

  it("takes an observable with its observed-data's time, and MISP's phone attribute with its own", () => {
    const ip = sco('ipv6-addr', '2a05:d014::9');
    const misp = {
      type: 'x-misp-attribute',
      id: 'x-misp-attribute--00000000-0000-4000-a000-000000000001',
      created: '2026-09-30T12:00:00.000Z',
      modified: '2026-09-30T12:00:00.000Z',
      labels: ['misp:type="phone-number"', 'misp:category="Financial fraud"'],
      x_misp_type: 'phone-number',
      x_misp_value: '+86 136 0000 1234',
    };
    const btc = {
      ...misp,
      id: 'x-misp-attribute--00000000-0000-4000-a000-000000000002',
      x_misp_type: 'btc',
    };
    const observed = (first: string) => ({
      type: 'observed-data',
      id: `observed-data--00000000-0000-4000-b000-${String(++serial).padStart(12, '0')}`,
      first_observed: first,
      last_observed: first,
      number_observed: 1,
      object_refs: [ip.id],
    });
    const { reports, summary } = map([
      observed('2026-10-05T00:00:00Z'),
      ip,
      observed('2026-10-04T00:00:00Z'),
      misp,
      btc,
    ]);
    expect(reports.map((r) => [r.occurredAt, r.entities])).toEqual([
      ['2026-10-04T00:00:00Z', [{ role: 'ip', kind: 'ip', value: '2a05:d014::9' }]],
      ['2026-09-30T12:00:00.000Z', [{ role: 'caller', kind: 'phone', value: '+86 136 0000 1234' }]],
    ]);
    expect(summary).toMatchObject({ objects: 5, indicators: 0, observables: 2, reports: 2 });
  });

  it('leaves out an observable with no time unless --observed-at gives one', () => {
    const url = sco('url', 'https://a-kefu.top/pay');
    expect(map([url]).outcomes[0]?.skipped.map((s) => s.code)).toEqual(['stix.no_time']);
    expect(map([url], { observedAt: '2026-10-10T00:00:00+08:00' }).reports[0]?.occurredAt).toBe(
      '2026-10-10T00:00:00+08:00',
    );
    expect(
      map([url], { observedAt: '9999-01-01T00:00:00Z' }).outcomes[0]?.skipped.map((s) => s.code),
    ).toEqual(['stix.time']);
  });

  it('leaves out an observable whose identifier an indicator names already', () => {
    const named = indicator("[domain-name:value = 'a-kefu.top']");
    const { reports, outcomes } = map([sco('domain-name', 'A-KEFU.top'), named], {
      observedAt: '2026-10-10T00:00:00Z',
    });
    expect(reports.map((r) => r.ref)).toEqual([options.refOf(named.id)]);
    expect(outcomes.map((o) => [o.type, o.skipped.map((s) => s.code)])).toEqual([
      ['indicator', []],
      ['domain-name', ['stix.repeated']],
    ]);
  });
});

describe('hostile and odd input', () => {
  it('lets no key reach Object.prototype, and reads no inherited field', () => {
    const text = `[
      {"__proto__": {"polluted": "yes", "type": "indicator"}, "id": "indicator--1", "constructor": {"prototype": {"polluted": "yes"}}},
      {"type": "indicator", "id": "indicator--2", "__proto__": {"pattern": "[domain-name:value = 'a-kefu.top']", "valid_from": "2026-10-02T09:00:00Z"}},
      {"type": "x-misp-attribute", "id": "x-misp-attribute--3", "x_misp_type": "phone-number", "__proto__": {"x_misp_value": "+86 136 0000 1234", "created": "2026-10-02T09:00:00Z"}}
    ]`;
    const objects = JSON.parse(text) as unknown[];
    const { reports, outcomes } = map(objects);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(reports).toEqual([]);
    expect(outcomes.map((o) => o.skipped.map((s) => s.code))).toEqual([
      ['stix.object'],
      ['stix.time'],
      // x_misp_value is only inherited: no value is read, so none is a string.
      ['stix.not_string'],
    ]);
  });

  it('takes ids such as __proto__ and constructor as plain ids', () => {
    const a = indicator("[domain-name:value = 'a-kefu.top']", { id: '__proto__' });
    const b = indicator("[domain-name:value = 'b-kefu.top']", { id: 'constructor' });
    const { reports } = map([a, b]);
    expect(reports.map((r) => r.ref)).toEqual(['ref-of-9-to__', 'ref-of-11-ctor']);
  });

  it('counts entries that are no STIX object, and reads Chinese names as any text', () => {
    const { reports, summary } = map([
      null,
      42,
      'indicator',
      [],
      {
        type: 'identity',
        id: 'identity--1',
        name: '某市反诈中心 𠮷',
        identity_class: 'organization',
      },
      indicator("[domain-name:value = '中国']", { name: '仿冒客服退款网址（𠮷）' }),
    ]);
    expect(summary).toMatchObject({
      objects: 6,
      indicators: 1,
      skipped: {
        'stix.object': 4,
        'identifier.domain.no_registrable_domain': 1,
        'stix.no_identifiers': 1,
      },
    });
    expect(reports).toEqual([]);
    const idn = map([indicator("[domain-name:value = '退款.客服.中国']", { name: '仿冒客服' })]);
    expect(idn.reports[0]?.entities).toEqual([
      { role: 'url', kind: 'domain', value: '退款.客服.中国' },
    ]);
  });

  it('maps an empty list of objects to nothing', () => {
    expect(map([])).toEqual({
      reports: [],
      outcomes: [],
      summary: { objects: 0, indicators: 0, observables: 0, reports: 0, taken: {}, skipped: {} },
    });
  });

  it('has a message for every reason, naming no value', () => {
    for (const [code, message] of Object.entries(STIX_SKIPS)) {
      expect(code).toMatch(/^stix\.[a-z_]+$/);
      expect(message.length).toBeGreaterThan(10);
    }
  });
});
