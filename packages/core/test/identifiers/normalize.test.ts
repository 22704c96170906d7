import { describe, expect, it } from 'vitest';
import {
  IDENTIFIER_ERRORS,
  IdentifierError,
  type IdentifierErrorCode,
} from '../../src/identifiers/identifier-error.js';
import { normalizeIdentifier, tryNormalizeIdentifier } from '../../src/identifiers/normalize.js';

type Case = readonly [raw: string, normalized: string];
type Bad = readonly [raw: string, code: IdentifierErrorCode];

function accepts(kind: string, cases: readonly Case[]): void {
  it.each(cases)(`accepts %j as %j`, (raw, normalized) => {
    expect(normalizeIdentifier(kind, raw).value).toBe(normalized);
  });
}

function rejects(kind: string, cases: readonly Bad[]): void {
  it.each(cases)(`rejects %j with %s`, (raw, code) => {
    const result = tryNormalizeIdentifier(kind, raw);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      // The message is the catalogue text itself, so it cannot carry the value.
      expect(result.error.message).toBe(IDENTIFIER_ERRORS[code]);
    }
  });
}

describe('phone', () => {
  accepts('phone', [
    ['+86 138-0013-8000', '+8613800138000'],
    ['13800138000', '+8613800138000'],
    ['0086 138 0013 8000', '+8613800138000'],
    ['+86 (138) 0013 8000', '+8613800138000'],
    ['１３８００１３８０００', '+8613800138000'], // full-width digits
    ['\u200b13800138000\ufeff', '+8613800138000'], // zero-width space and BOM
    ['010-12345678', '+861012345678'], // Beijing fixed line
    ['+63 917 123 4567', '+639171234567'],
    ['+44 20 7946 0958', '+442079460958'],
  ]);
  rejects('phone', [
    ['not a number', 'identifier.phone.unparseable'],
    ['1-800-FLOWERS', 'identifier.phone.unparseable'], // letters: no strict form
    ['12', 'identifier.phone.unparseable'], // too few digits to be a number
    ['+123', 'identifier.phone.unparseable'],
    ['+86 1234 5678 9012 34', 'identifier.phone.unparseable'], // over E.164's 15 digits
    ['+0 123 4567', 'identifier.phone.unparseable'], // no country code starts with 0
    ['13800+138000', 'identifier.phone.unparseable'], // a + only in front
    ['', 'identifier.empty'],
    ['   ', 'identifier.empty'],
    ['+86 138\u0000 0013 8000', 'identifier.control_characters'],
    ['1'.repeat(65), 'identifier.too_long'],
  ]);

  it('marks only numbers that are not valid for their country as unverified', () => {
    expect(normalizeIdentifier('phone', '+86 138 0013 8000').unverified).toBeUndefined();
    expect(normalizeIdentifier('phone', '+86 138 0013 8000')).toEqual({
      kind: 'phone',
      value: '+8613800138000',
      derived: [],
    });
  });

  // Spoofed caller IDs, short codes shown as callers and unassigned ranges are evidence:
  // kept in a strict form, marked unverified, and every spelling of one meets.
  const unverified: [string, string][] = [
    ['95588', '+8695588'], // a bank's service short code, as a spoofed caller shows it
    ['+86 95588', '+8695588'],
    ['0086-95588', '+8695588'],
    ['12345', '+8612345'],
    ['1380013800', '+861380013800'], // one digit short: not another person's number
    ['+86 123 4567 8901', '+8612345678901'], // unassigned range
    ['12345678901', '+8612345678901'], // the same number written nationally
    ['+86 1234567890123', '+861234567890123'], // libphonenumber would drop a "carrier prefix"
    ['+999 1234 5678', '+99912345678'], // no such country code: still what the screen showed
    ['(0)10 1234', '+860101234'], // a trunk 0 is kept: it cannot be told from a spoofed digit
    ['１２３４５', '+8612345'], // full-width digits
  ];
  it.each(unverified)('keeps %j as the unverified %s', (raw, value) => {
    const id = normalizeIdentifier('phone', raw);
    expect(id).toEqual({ kind: 'phone', value, derived: [], unverified: true });
  });

  it('does not let an unverified form depend on the default region for + and 00 numbers', () => {
    for (const raw of ['+86 95588', '0086 95588'])
      expect(normalizeIdentifier('phone', raw, { phoneRegion: 'GB' }).value).toBe('+8695588');
    expect(normalizeIdentifier('phone', '95588', { phoneRegion: 'GB' }).value).toBe('+4495588');
  });

  it('keeps a WhatsApp id to valid numbers (an account needs a real one)', () => {
    expect(tryNormalizeIdentifier('im_account', 'whatsapp:95588').ok).toBe(false);
    expect(normalizeIdentifier('im_account', 'whatsapp:+86 138 0013 8000').value).toBe(
      'whatsapp:+8613800138000',
    );
  });

  it('uses the configured default region for national numbers', () => {
    expect(normalizeIdentifier('phone', '020 7946 0958', { phoneRegion: 'GB' }).value).toBe(
      '+442079460958',
    );
  });
});

describe('bank_card', () => {
  accepts('bank_card', [
    ['6222 0212 3456 7890 128', '6222021234567890128'],
    ['6222-0212-3456-7890-128', '6222021234567890128'],
    ['4111111111111111', '4111111111111111'],
    ['６２０００００００００００００５', '6200000000000005'], // full-width digits
  ]);
  rejects('bank_card', [
    ['4111111111111112', 'identifier.bank_card.checksum'],
    ['41111111111', 'identifier.bank_card.format'], // 11 digits
    ['41111111111111111111', 'identifier.bank_card.format'], // 20 digits
    ['4111 1111 1111 111a', 'identifier.bank_card.format'],
  ]);
});

describe('bank_account', () => {
  accepts('bank_account', [
    ['GB82 WEST 1234 5698 7654 32', 'GB82WEST12345698765432'],
    ['gb82west12345698765432', 'GB82WEST12345698765432'],
    ['DE89 3704 0044 0532 0130 00', 'DE89370400440532013000'],
    ['FR14 2004 1010 0505 0001 3M02 606', 'FR1420041010050500013M02606'],
    ['6230 5822 0001 2345 678', '6230582200012345678'], // domestic account, no checksum known
    ['pay-00ab12', 'PAY00AB12'],
  ]);
  rejects('bank_account', [
    ['GB82 WEST 1234 5698 7654 33', 'identifier.bank_account.iban'], // mod-97 fails
    ['GB82 WEST 1234 5698 7654 3', 'identifier.bank_account.iban'], // wrong length for GB
    ['ab1', 'identifier.bank_account.format'],
    ['账户123456', 'identifier.bank_account.format'],
  ]);
});

describe('id_number', () => {
  accepts('id_number', [
    ['11010519491231002X', '11010519491231002X'],
    ['11010519491231002x', '11010519491231002X'],
    ['440524188001010014', '440524188001010014'],
    ['110105 19491231 002X', '11010519491231002X'],
    ['110105491231002', '11010519491231002X'], // 15-digit first-generation number
  ]);
  rejects('id_number', [
    ['110105194912310021', 'identifier.id_number.checksum'],
    ['11010519491231002', 'identifier.id_number.format'],
    ['00010519491231002X', 'identifier.id_number.region'],
    ['110105194902300028', 'identifier.id_number.birth_date'], // 30 February
    ['11010519491331002X', 'identifier.id_number.birth_date'], // month 13
  ]);
});

describe('imei', () => {
  accepts('imei', [
    ['490154203237518', '490154203237518'],
    ['49-015420-323751-8', '490154203237518'],
    ['49015420323751', '490154203237518'], // without its check digit
    ['35-209900-176148-23', '352099001761481'], // IMEISV
    ['3520990017614823', '352099001761481'],
  ]);
  rejects('imei', [
    ['490154203237519', 'identifier.imei.checksum'],
    ['4901542032375', 'identifier.imei.format'],
    ['49015420323751A', 'identifier.imei.format'],
  ]);
});

describe('device_id', () => {
  accepts('device_id', [
    ['  9774D56D682E549C ', '9774d56d682e549c'],
    ['E621E1F8-C36C-495A-93FC-0C247A3E6E5F', 'e621e1f8-c36c-495a-93fc-0c247a3e6e5f'],
  ]);
  rejects('device_id', [
    ['abc def', 'identifier.device_id.format'],
    ['', 'identifier.empty'],
  ]);
});

describe('ip', () => {
  accepts('ip', [
    ['8.8.8.8', '8.8.8.8'],
    [' 114.114.114.114 ', '114.114.114.114'],
    ['058.030.001.002', '58.30.1.2'], // zero-padded octets read as decimal
    ['2001:4860:0000:0000:0000:0000:0000:8888', '2001:4860::8888'],
    ['2001:4860:0:0:1:0:0:1', '2001:4860::1:0:0:1'], // RFC 5952 §4.2.3: first longest run
    ['2409:8A1E:0:0:0:0:0:1', '2409:8a1e::1'],
    ['[240e:3b0::1]', '240e:3b0::1'],
    ['::ffff:114.114.114.114', '114.114.114.114'], // IPv4-mapped
  ]);
  rejects('ip', [
    ['192.168.1.1', 'identifier.ip.not_global'],
    ['10.0.0.8', 'identifier.ip.not_global'],
    ['100.64.3.4', 'identifier.ip.not_global'],
    ['127.0.0.1', 'identifier.ip.not_global'],
    ['::1', 'identifier.ip.not_global'],
    ['fe80::1', 'identifier.ip.not_global'],
    ['fd12:3456::1', 'identifier.ip.not_global'],
    ['2001:db8::1', 'identifier.ip.not_global'],
    ['::ffff:192.168.0.1', 'identifier.ip.not_global'],
    ['256.1.1.1', 'identifier.ip.invalid'],
    ['1.2.3', 'identifier.ip.invalid'],
    ['0x7f.1', 'identifier.ip.invalid'],
    ['8.8.8.8:53', 'identifier.ip.invalid'],
    ['fe80::1%eth0', 'identifier.ip.invalid'],
    ['8.8.8.0/24', 'identifier.ip.invalid'],
  ]);
});

describe('url', () => {
  accepts('url', [
    ['HTTP://WWW.Example.COM:80/a/../b?x=1', 'http://www.example.com/b?x=1'],
    ['https://例子.中国/登录', 'https://xn--fsqu00a.xn--fiqs8s/%E7%99%BB%E5%BD%95'],
    ['evil-bank.example.com/login', 'http://evil-bank.example.com/login'],
    ['secure-pay.com:8443/x', 'http://secure-pay.com:8443/x'],
    ['http://8.8.8.8/pay', 'http://8.8.8.8/pay'],
  ]);
  rejects('url', [
    ['ftp://example.com/file', 'identifier.url.scheme'],
    ['javascript:alert(1)', 'identifier.url.scheme'],
    ['http://localhost/x', 'identifier.url.host'],
    ['http://192.168.0.1/admin', 'identifier.url.host'],
    ['http://github.io/', 'identifier.url.host'], // a public suffix
    ['http://exa mple.com', 'identifier.url.invalid'],
    ['http://', 'identifier.url.invalid'],
    ['http://+..x/a', 'identifier.url.host'],
  ]);

  it('also yields the registrable domain of its host', () => {
    expect(normalizeIdentifier('url', 'https://login.secure-pay.co.uk/x').derived).toEqual([
      { kind: 'domain', value: 'secure-pay.co.uk' },
    ]);
    expect(normalizeIdentifier('url', 'https://fake-bank.github.io/').derived).toEqual([
      { kind: 'domain', value: 'fake-bank.github.io' },
    ]);
  });

  it('yields the IP address when the host is one', () => {
    expect(normalizeIdentifier('url', 'http://[2001:4860::8888]/x').derived).toEqual([
      { kind: 'ip', value: '2001:4860::8888' },
    ]);
  });
});

describe('domain', () => {
  accepts('domain', [
    ['Example.COM', 'example.com'],
    ['www.bbc.co.uk.', 'bbc.co.uk'],
    ['例子.中国', 'xn--fsqu00a.xn--fiqs8s'],
    ['xn--fsqu00a.xn--fiqs8s', 'xn--fsqu00a.xn--fiqs8s'],
    ['ＥＸＡＭＰＬＥ.com', 'example.com'],
    ['fake-bank.github.io', 'fake-bank.github.io'],
  ]);
  rejects('domain', [
    ['com', 'identifier.domain.no_registrable_domain'],
    ['co.uk', 'identifier.domain.no_registrable_domain'],
    ['localhost', 'identifier.domain.no_registrable_domain'],
    ['8.8.8.8', 'identifier.domain.invalid'],
    ['http://example.com/', 'identifier.domain.invalid'],
    ['exa mple.com', 'identifier.domain.invalid'],
    ['+..x', 'identifier.domain.no_registrable_domain'], // found by the property test
    ['-bad-.com', 'identifier.domain.no_registrable_domain'],
  ]);
});

describe('email', () => {
  accepts('email', [
    ['  Zhang.Wei@QQ.com ', 'zhang.wei@qq.com'],
    ['li+fraud@163.com', 'li+fraud@163.com'],
    ['user@例子.中国', 'user@xn--fsqu00a.xn--fiqs8s'],
  ]);
  rejects('email', [
    ['zhang.wei', 'identifier.email.invalid'],
    ['@qq.com', 'identifier.email.invalid'],
    ['a b@qq.com', 'identifier.email.invalid'],
    ['user@localhost', 'identifier.email.invalid'],
    ['user..x@qq.com', 'identifier.email.invalid'],
    ['a@+..x', 'identifier.email.invalid'],
  ]);
});

describe('app', () => {
  const digest = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855';
  accepts('app', [
    [digest, digest.toLowerCase()],
    [`sha256:${digest}`, digest.toLowerCase()],
    ['Com.Example.FakeBank', 'com.example.fakebank'],
    ['com.tencent.mm', 'com.tencent.mm'],
  ]);
  rejects('app', [
    ['fakebank', 'identifier.app.invalid'],
    ['e3b0c442', 'identifier.app.invalid'],
    ['com..example', 'identifier.app.invalid'],
  ]);
});

describe('wallet', () => {
  accepts('wallet', [
    // BIP-173 and BIP-350 examples
    ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'],
    [
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
    ],
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'],
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'],
    // EIP-55 examples
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'],
    ['0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359', '0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359'],
    ['0XD1220A0CF47C7B9BE7A2E6BA89F429762E7B9ADB', '0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb'],
    ['TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'], // TRON
  ]);
  rejects('wallet', [
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'identifier.wallet.checksum'],
    ['bc1Qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'identifier.wallet.checksum'], // mixed case
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', 'identifier.wallet.checksum'], // EIP-55 case
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', 'identifier.wallet.checksum'],
    ['TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u', 'identifier.wallet.checksum'],
    ['not-a-wallet', 'identifier.wallet.unrecognised'],
    ['0x1234', 'identifier.wallet.unrecognised'],
  ]);
});

describe('im_account', () => {
  accepts('im_account', [
    ['wechat:wxid_abc', 'wechat:wxid_abc'],
    ['WeiXin: WXID_ABC', 'wechat:wxid_abc'],
    ['微信：wxid_abc', 'wechat:wxid_abc'], // full-width colon
    ['QQ:123456789', 'qq:123456789'],
    ['telegram:@Apex_Support', 'telegram:apex_support'],
    ['tg:https://t.me/apex_support', 'telegram:apex_support'],
    ['whatsapp:+86 138 0013 8000', 'whatsapp:+8613800138000'],
    ['Matrix:@Alice:Example.org', 'matrix:@Alice:Example.org'], // unknown platform keeps case
  ]);
  rejects('im_account', [
    ['wxid_abc', 'identifier.im_account.format'],
    [':wxid_abc', 'identifier.im_account.format'],
    ['wechat:', 'identifier.im_account.format'],
    ['qq:abc', 'identifier.im_account.id'],
    ['whatsapp:12345', 'identifier.im_account.id'],
    ['telegram:ab', 'identifier.im_account.id'],
    ['x:@', 'identifier.im_account.id'], // found by the property test
  ]);
});

describe('normalizeIdentifier', () => {
  it('rejects an unknown kind', () => {
    expect(() => normalizeIdentifier('passport', 'E12345678')).toThrow(IdentifierError);
    const result = tryNormalizeIdentifier('passport', 'E12345678');
    expect(result.ok || result.error.code).toBe('identifier.unknown_kind');
  });

  it('rejects values that are not strings', () => {
    const result = tryNormalizeIdentifier('bank_card', 4111111111111111);
    expect(result.ok || result.error.code).toBe('identifier.not_a_string');
  });

  it('derives nothing for kinds other than url', () => {
    expect(normalizeIdentifier('domain', 'www.example.com').derived).toEqual([]);
  });

  it('names the kind in the error details', () => {
    const result = tryNormalizeIdentifier('imei', '123');
    expect(result.ok || result.error.details).toEqual({ kind: 'imei' });
  });
});
