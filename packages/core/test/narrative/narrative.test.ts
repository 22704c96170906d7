import { describe, expect, it } from 'vitest';
import {
  decodeFingerprint,
  encodeFingerprint,
  FINGERPRINT_PATTERN,
  minhash,
  scriptFingerprint,
  shingleLength,
  shingles,
  similarity,
} from '../../src/narrative/fingerprint.js';
import { maskNarrative } from '../../src/narrative/mask.js';

describe('masking a narrative', () => {
  it('replaces what identifies people, accounts and amounts in Chinese', () => {
    const text =
      '5月13日我接到135-6932-2771的来电，对方说是某支付平台的工作人员于伟。他让我打开链接http://shengtian.site/app?code=4667，输入身份证号110101199003074514，先转了1.7万元到瑞丰银行的账户6211-7414-4831-0180-288，收款人叫曹博秀，又转了¥6300，加QQ1941659120。';
    const masked = maskNarrative(text);
    expect(masked).toBe(
      '⟨N⟩月⟨N⟩日我接到⟨PHONE⟩的来电,对方说是某支付平台的工作人员⟨NAME⟩。他让我打开链接⟨URL⟩,输入身份证号⟨ID⟩,先转了⟨AMOUNT⟩到瑞丰银行的账户⟨CARD⟩,收款人叫⟨NAME⟩,又转了⟨AMOUNT⟩,加QQ⟨HANDLE⟩。',
    );
  });

  it('does the same in English, and with full-width digits', () => {
    const masked = maskNarrative(
      'On 15 June a caller from +8617109690125 said he was Officer Wang Lei. I paid 52,000 yuan to account ６２１１７４１４４８３１０１８０２８８ and wrote to help@secure-pay.com.',
    );
    expect(masked).toBe(
      'On ⟨N⟩ June a caller from ⟨PHONE⟩ said he was Officer ⟨NAME⟩. I paid ⟨AMOUNT⟩ to account ⟨CARD⟩ and wrote to ⟨EMAIL⟩.',
    );
  });

  it('masks names followed by what they did, handles after their app, and handles alone', () => {
    expect(
      maskNarrative('工作人员张伟说我开通了校园贷，客服让我下载软件，后来打官方客服才知道被骗了'),
    ).toBe('工作人员⟨NAME⟩说我开通了校园贷,客服让我下载软件,后来打官方客服才知道被骗了');
    expect(
      maskNarrative('加他微信号是zhangsan，或者QQ号码 abcde1，推特@john_doe，账号zhangsan88'),
    ).toBe('加他微信号是⟨HANDLE⟩,或者QQ号码 ⟨HANDLE⟩,推特⟨HANDLE⟩,账号⟨HANDLE⟩');
  });

  it('changes nothing it already masked', () => {
    for (const text of [
      '5月13日我接到135-6932-2771的来电，收款人叫曹博秀，账户6211-7414-4831-0180-288，转了¥6300，加QQ1941659120',
      'On 15 June a caller from +8617109690125 said he was Officer Wang Lei. I paid 52,000 yuan.',
    ]) {
      const once = maskNarrative(text);
      expect(maskNarrative(once)).toBe(once);
    }
  });

  it('leaves no digit behind', () => {
    const masked = maskNarrative(
      '编号A1B2C3D4，时间2026-05-13 09:30，验证码 482913，账号 31512198336294050',
    );
    expect(masked).not.toMatch(/\d/);
  });
});

describe('script fingerprints', () => {
  const a =
    '对方说是某支付平台的工作人员⟨NAME⟩，查到我在校期间开通了校园贷，说不注销会影响征信，让我下载软件开屏幕共享。';
  const b =
    '对方说是某网贷平台的工作人员⟨NAME⟩，说我上大学时开通过校园贷，不注销会影响个人征信，让我装软件打开屏幕共享。';
  const c = '我在网上买东西付了⟨AMOUNT⟩，两个星期了还没发货，商家也不回消息，怀疑被骗了。';

  it('uses 3-character shingles for Chinese and 5 for English', () => {
    expect(shingleLength('对方说是某支付平台')).toBe(3);
    expect(shingleLength('the caller said he was from the police')).toBe(5);
    // Each placeholder is one character: ⟨N⟩月⟨N⟩日 is four, so two shingles of three.
    expect(shingles('⟨N⟩月⟨N⟩日').size).toBe(2);
  });

  it('estimates Jaccard similarity: the same script close, another far', () => {
    expect(similarity(minhash(a), minhash(a))).toBe(1);
    const exact = (x: string, y: string) => {
      const sx = shingles(x);
      const sy = shingles(y);
      const inter = [...sx].filter((s) => sy.has(s)).length;
      return inter / (sx.size + sy.size - inter);
    };
    // 128 minima: the estimate's standard error is below 0.05.
    expect(Math.abs(similarity(minhash(a), minhash(b)) - exact(a, b))).toBeLessThan(0.15);
    expect(similarity(minhash(a), minhash(b))).toBeGreaterThan(similarity(minhash(a), minhash(c)));
  });

  it('travels as mh1. and base64url, and refuses anything else', () => {
    const wire = scriptFingerprint(a);
    expect(wire).toMatch(new RegExp(FINGERPRINT_PATTERN));
    expect(decodeFingerprint(wire)).toEqual(minhash(a));
    expect(encodeFingerprint(decodeFingerprint(wire) as Uint32Array)).toBe(wire);
    expect(decodeFingerprint('mh1.AAAA')).toBeUndefined();
    expect(decodeFingerprint(`mh2.${wire.slice(4)}`)).toBeUndefined();
    expect(decodeFingerprint(`${wire.slice(0, -1)}*`)).toBeUndefined();
  });
});
