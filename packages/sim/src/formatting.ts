import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import { eip55 } from './identity/numbers.js';
import type { Rng } from './rng.js';

/**
 * How raw values are written. Every member's systems have a house style (one bank
 * prints card numbers in groups of four, one telecom exports IMEISV from its network
 * data), and people retelling a fraud write numbers any way they like, sometimes in
 * full-width digits and sometimes wrongly. Member-side normalization has to make all of
 * these converge on one token; the simulator makes sure it is tested on them.
 *
 * Every function takes the canonical (normalized) value and returns a raw spelling that
 * normalizes back to it, except `typo`, which deliberately does not.
 */

export interface HouseStyle {
  readonly phone: 'e164' | 'national' | 'spaced' | 'idd';
  readonly card: 'plain' | 'spaced' | 'dashed';
  readonly imei: 'plain' | 'dashed' | 'imeisv';
  readonly deviceUpper: boolean;
  readonly imPrefix: 'canonical' | 'capitalised' | 'chinese';
  readonly walletChecksumCase: boolean;
}

export function randomHouseStyle(rng: Rng): HouseStyle {
  return {
    phone: rng.pick(['e164', 'national', 'spaced', 'idd'] as const),
    card: rng.pick(['plain', 'spaced', 'dashed'] as const),
    imei: rng.pick(['plain', 'dashed', 'imeisv'] as const),
    deviceUpper: rng.chance(0.5),
    imPrefix: rng.pick(['canonical', 'capitalised', 'chinese'] as const),
    walletChecksumCase: rng.chance(0.5),
  };
}

const groups = (s: string, size: number, sep: string) =>
  (s.match(new RegExp(`.{1,${size}}`, 'g')) ?? [s]).join(sep);

function phoneAs(value: string, style: HouseStyle['phone'] | 'dashed'): string {
  if (!value.startsWith('+86')) {
    // Overseas numbers keep their country code in every style.
    return style === 'spaced'
      ? `${value.slice(0, 3)} ${value.slice(3, 6)} ${value.slice(6)}`
      : value;
  }
  const national = value.slice(3);
  const mobile = national.startsWith('1');
  const service = national.startsWith('400');
  switch (style) {
    case 'e164':
      return value;
    case 'national':
      return mobile || service ? national : `0${national}`;
    case 'idd':
      return `0086${national}`;
    case 'dashed':
      if (service) return `${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}`;
      return mobile
        ? `${national.slice(0, 3)}-${national.slice(3, 7)}-${national.slice(7)}`
        : `0${national}`;
    case 'spaced':
      return mobile
        ? `+86 ${national.slice(0, 3)} ${national.slice(3, 7)} ${national.slice(7)}`
        : `+86 ${national}`;
  }
}

function cardAs(value: string, style: HouseStyle['card']): string {
  if (style === 'spaced') return groups(value, 4, ' ');
  if (style === 'dashed') return groups(value, 4, '-');
  return value;
}

function imeiAs(value: string, style: HouseStyle['imei'], rng: Rng): string {
  if (style === 'dashed')
    return `${value.slice(0, 2)}-${value.slice(2, 8)}-${value.slice(8, 14)}-${value.slice(14)}`;
  // IMEISV: the 14-digit body and a two-digit software version instead of the check digit.
  if (style === 'imeisv') return `${value.slice(0, 14)}${String(rng.int(0, 99)).padStart(2, '0')}`;
  return value;
}

const IM_CAPITALISED: Readonly<Record<string, string>> = {
  wechat: 'WeChat',
  qq: 'QQ',
  telegram: 'Telegram',
};
const IM_CHINESE: Readonly<Record<string, string>> = { wechat: '微信', qq: 'QQ', telegram: '电报' };

function imAs(value: string, style: HouseStyle['imPrefix']): string {
  const colon = value.indexOf(':');
  const platform = value.slice(0, colon);
  const id = value.slice(colon + 1);
  if (style === 'capitalised') return `${IM_CAPITALISED[platform] ?? platform}:${id}`;
  if (style === 'chinese' && IM_CHINESE[platform] !== undefined)
    return `${IM_CHINESE[platform]}：${id}`;
  return value;
}

/** A member's system writing a canonical value in its house style. */
export function systemRaw(
  kind: IdentifierKind,
  value: string,
  style: HouseStyle,
  rng: Rng,
): string {
  switch (kind) {
    case 'phone':
      return phoneAs(value, style.phone);
    case 'bank_card':
      return cardAs(value, style.card);
    case 'imei':
      return imeiAs(value, style.imei, rng);
    case 'device_id':
      return style.deviceUpper ? value.toUpperCase() : value;
    case 'im_account':
      return imAs(value, style.imPrefix);
    case 'wallet':
      return style.walletChecksumCase && value.startsWith('0x') ? eip55(value) : value;
    default:
      return value;
  }
}

const toFullWidth = (s: string) =>
  s.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** A person writing a canonical value: any spelling, sometimes in full-width digits. */
export function personRaw(
  kind: IdentifierKind,
  value: string,
  rng: Rng,
  lang: 'zh' | 'en',
): string {
  let raw: string;
  switch (kind) {
    case 'phone':
      raw = phoneAs(
        value,
        rng.pick(['e164', 'national', 'national', 'spaced', 'dashed', 'idd'] as const),
      );
      break;
    case 'bank_card':
      raw = cardAs(value, rng.pick(['plain', 'plain', 'spaced', 'dashed'] as const));
      break;
    case 'bank_account':
      raw = value.startsWith('GB') && rng.chance(0.5) ? groups(value, 4, ' ') : value;
      break;
    case 'id_number':
      raw = rng.chance(0.3) ? value.toLowerCase() : value;
      break;
    case 'url':
      // People drop the scheme of plain http links and shout host names; https stays.
      raw = value.startsWith('http://') && rng.chance(0.5) ? value.slice(7) : value;
      if (rng.chance(0.2))
        raw = raw.replace(
          /^(https?:\/\/)?([^/]+)/,
          (_, s: string | undefined, h: string) => (s ?? '') + h.toUpperCase(),
        );
      break;
    case 'domain':
      raw = rng.pick([value, `www.${value}`, value.toUpperCase()]);
      break;
    case 'email':
      raw = rng.chance(0.3) ? value.charAt(0).toUpperCase() + value.slice(1) : value;
      break;
    case 'im_account':
      raw = imAs(
        value,
        rng.pick(['canonical', 'capitalised', lang === 'zh' ? 'chinese' : 'canonical'] as const),
      );
      break;
    case 'wallet':
      raw = value.startsWith('0x') && rng.chance(0.5) ? eip55(value) : value;
      break;
    default:
      raw = value;
  }
  const numeric = kind === 'phone' || kind === 'bank_card' || kind === 'id_number';
  return numeric && lang === 'zh' && rng.chance(0.03) ? toFullWidth(raw) : raw;
}

/** The kinds a person can mistype in a way that yields another plausible value. */
export const TYPO_KINDS: ReadonlySet<IdentifierKind> = new Set([
  'phone',
  'bank_card',
  'bank_account',
  'id_number',
]);

/**
 * One slip of a person's hand on a canonical value: a changed digit or two adjacent
 * digits swapped. The result may fail its checksum (caught at the member side) or may be
 * another valid value (noise that no checksum catches, as with phone numbers).
 */
export function typo(value: string, rng: Rng): string {
  const positions: number[] = [];
  for (let i = 0; i < value.length; i++) if (/\d/.test(value.charAt(i)) && i > 3) positions.push(i);
  if (positions.length < 2) return value;
  const i = rng.pick(positions.slice(0, -1));
  const chars = [...value];
  if (rng.chance(0.5) && /\d/.test(chars[i + 1] ?? '') && chars[i] !== chars[i + 1]) {
    [chars[i], chars[i + 1]] = [chars[i + 1] ?? '', chars[i] ?? ''];
  } else {
    const d = Number(chars[i]);
    chars[i] = String((d + rng.int(1, 9)) % 10);
  }
  return chars.join('');
}
