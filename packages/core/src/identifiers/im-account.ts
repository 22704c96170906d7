import { IdentifierError } from './identifier-error.js';
import { type PhoneRegion, validPhone } from './phone.js';
import { prepareText } from './text.js';

/** Other spellings of platform names, including the Chinese names people write. */
const PLATFORM_ALIASES: Readonly<Record<string, string>> = {
  weixin: 'wechat',
  wx: 'wechat',
  微信: 'wechat',
  qq号: 'qq',
  tg: 'telegram',
  电报: 'telegram',
  wa: 'whatsapp',
  抖音: 'douyin',
  微博: 'weibo',
  快手: 'kuaishou',
  支付宝: 'alipay',
  twitter: 'x',
};

type IdRule = (id: string, region: PhoneRegion) => string | undefined;

const lower: IdRule = (id) => (/\s/.test(id) ? undefined : id.toLowerCase());
const asWritten: IdRule = (id) => (/\s/.test(id) ? undefined : id);

/**
 * Per-platform account ids. Platforms whose ids are case-insensitive are lowercased;
 * WhatsApp accounts are phone numbers and take E.164. Platforms not listed keep the id
 * as written (trimmed): folding case on a platform we do not know could merge accounts.
 */
const PLATFORM_RULES: Readonly<Record<string, IdRule>> = {
  wechat: (id) => (/^[a-z0-9_-]{2,64}$/i.test(id) ? id.toLowerCase() : undefined),
  qq: (id) => (/^[1-9]\d{4,11}$/.test(id) ? id : undefined),
  telegram: (id) => {
    const name = id.replace(/^@/, '').replace(/^(https?:\/\/)?t\.me\//i, '');
    return /^[a-z0-9_]{4,32}$/i.test(name) ? name.toLowerCase() : undefined;
  },
  whatsapp: validPhone,
  line: lower,
  signal: lower,
  skype: lower,
  douyin: lower,
  weibo: lower,
  kuaishou: lower,
  alipay: lower,
  facebook: lower,
  instagram: lower,
  x: (id) => lower(id.replace(/^@/, ''), 'CN'),
};

/**
 * im_account (SPEC §4): `platform:id`, e.g. `wechat:wxid_abc`. The platform is
 * lowercased and its aliases resolved ("WeiXin", "微信" → wechat); the id follows the
 * platform's rule. A full-width colon (common in Chinese text) is accepted.
 */
export function normalizeImAccount(raw: unknown, region: PhoneRegion = 'CN'): string {
  const text = prepareText(raw, 'im_account');
  const colon = text.indexOf(':');
  if (colon < 1) throw new IdentifierError('identifier.im_account.format', 'im_account');
  const named = text.slice(0, colon).trim().toLowerCase();
  const platform = PLATFORM_ALIASES[named] ?? named;
  const id = text.slice(colon + 1).trim();
  if (!/^[a-z0-9][a-z0-9_.-]{0,31}$/.test(platform) || id.length === 0)
    throw new IdentifierError('identifier.im_account.format', 'im_account');
  const rule = PLATFORM_RULES[platform];
  const normalized = (rule ?? asWritten)(id, region);
  if (normalized === undefined || normalized.length === 0)
    throw new IdentifierError('identifier.im_account.id', 'im_account');
  return `${platform}:${normalized}`;
}
