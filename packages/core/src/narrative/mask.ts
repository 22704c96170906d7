import { findPhoneNumbersInText } from 'libphonenumber-js/max';
import { iso7064Mod11_2, luhnValid } from '../identifiers/checksums.js';

/**
 * Masking of a narrative at the member side (SPEC §6, campaigns): what identifies a
 * person or an account becomes a typed placeholder, so that what remains is the script
 * — what the fraudster said and asked — and can be compared across members without
 * revealing who was defrauded, by whom, or for how much. Chinese and English.
 *
 * Placeholders: ⟨URL⟩ ⟨EMAIL⟩ ⟨HANDLE⟩ (IM and app accounts) ⟨AMOUNT⟩ ⟨ID⟩ (identity
 * numbers) ⟨CARD⟩ ⟨PHONE⟩ ⟨ACCOUNT⟩ ⟨NAME⟩ ⟨N⟩ (any other number: dates, times, codes).
 *
 * Masking errs towards removing: a number that is none of the kinds above is still
 * replaced (⟨N⟩). Names are found after the words that introduce them in these
 * narratives ("收款人叫", "户名", "工作人员", "named", "Officer", …): a name written
 * without such a cue stays, which is why the masked text is shared only where its owner
 * opts in, and the fingerprint alone is shared otherwise.
 */

export const PLACEHOLDERS = [
  'URL',
  'EMAIL',
  'HANDLE',
  'AMOUNT',
  'ID',
  'CARD',
  'PHONE',
  'ACCOUNT',
  'NAME',
  'N',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const tag = (p: Placeholder) => `⟨${p}⟩`;

/** A URL's path: ASCII only (after NFKC the Chinese comma is ASCII too, so not that either). */
const PATH = '[A-Za-z0-9\\-._~:/?#@!$&*+;=%]*';
const URL_PATTERN = new RegExp(
  `\\b(?:https?:\\/\\/|www\\.)${PATH}|\\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\\.(?:[a-z]{2,24}|xn--[a-z0-9-]+)(?::\\d+)?(?:\\/${PATH})?`,
  'giu',
);
const EMAIL_PATTERN = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,24}/giu;
/** Handles: IM ids and the like, letters and digits together (wxid_…, QQ numbers after "QQ"). */
/**
 * Handles: IM ids, wallet addresses and the like — letters and digits mixed, with a letter
 * after a digit (wxid_aqco61k90afha) — and whatever follows "QQ", "微信", "WhatsApp", ….
 */
const HANDLE_PATTERN =
  /\b[a-z0-9_]*\d[a-z0-9_]*[a-z][a-z0-9_]*\b(?<=\b[a-z0-9_]{6,})|(?<=(?:QQ|qq|微信|WeChat|wechat|Telegram|telegram|TG|Line|LINE|WhatsApp)[号:：\s]*)[A-Za-z0-9_@.-]{5,}/giu;
/** A number as amounts are written: 6300, 54,000, 1.7 (after NFKC the Chinese comma is ","). */
const AMOUNT_NUMBER = String.raw`\d+(?:,\d{3})*(?:\.\d+)?`;
const AMOUNT_PATTERN = new RegExp(
  String.raw`(?:[¥￥$]|RMB|CNY|USD|HKD|人民币)\s?${AMOUNT_NUMBER}(?:\s?[万千百亿])?(?:\s?(?:元|块|yuan|RMB|CNY))?|${AMOUNT_NUMBER}\s?(?:[万千百亿]\s?元?|元|块钱|块|yuan\b|RMB\b|CNY\b|dollars?\b)`,
  'giu',
);
/** Candidate numbers: digits with the separators people write (spaces, dashes, dots). */
const NUMBER_PATTERN = /\+?\d(?:[\d\s\-.]*\d)?[Xx]?/gu;
const NAME_AFTER_CUE =
  /(?<=(?:收款人叫|收款人是|收款人|收款方是|收款方|户名是|户名|名字叫|名字是|名字|姓名|叫做|名叫|工作人员|书记员|警官|民警|检察官|法官|客服专员|客服|专员|经理|主任|老师|医生|军官|律师|自称是|自称))[\u4e00-\u9fff]{2,3}(?=[，,。、的\s）)]|$)/gu;
const ENGLISH_NAME_AFTER_CUE =
  /(?<=\b(?:named|called|Mr\.?|Mrs\.?|Ms\.?|Miss|Officer|Agent|Inspector|Detective|Dr\.?|Sergeant|Constable|account name|payee)\s)[A-Z][a-z]+(?:\s[A-Z][a-z]+)?/gu;

function digitsOf(text: string): string {
  return text.replace(/[^\dXx]/g, '').toUpperCase();
}

function idNumberValid(digits: string): boolean {
  return /^\d{17}[\dX]$/.test(digits) && iso7064Mod11_2(digits.slice(0, 17)) === digits[17];
}

/** What a run of digits is: an identity number, a card, a phone, an account or a number. */
function classifyNumber(text: string, phoneRegion: string): Placeholder {
  const digits = digitsOf(text);
  if (digits.length === 18 && idNumberValid(digits)) return 'ID';
  const phone = () =>
    digits.length >= 7 &&
    digits.length <= 15 &&
    findPhoneNumbersInText(text, { defaultCountry: phoneRegion as never }).length > 0;
  // Written with a country code, or a mobile's eleven digits: a phone before a card.
  if ((text.startsWith('+') || /^1\d{10}$/.test(digits)) && phone()) return 'PHONE';
  if (/^\d{13,19}$/.test(digits) && luhnValid(digits)) return 'CARD';
  if (phone()) return 'PHONE';
  if (/^\d{9,}$/.test(digits)) return 'ACCOUNT';
  return 'N';
}

export interface MaskOptions {
  /** Region for phone numbers written without a country code. Default CN. */
  readonly phoneRegion?: string;
}

/**
 * The narrative with identifiers, amounts, names and numbers replaced by typed
 * placeholders (⟨PHONE⟩, ⟨AMOUNT⟩, …). NFKC first, so full-width digits and letters are
 * seen for what they are.
 */
export function maskNarrative(narrative: string, options: MaskOptions = {}): string {
  const region = options.phoneRegion ?? 'CN';
  let text = narrative.normalize('NFKC');
  text = text.replace(EMAIL_PATTERN, tag('EMAIL'));
  text = text.replace(URL_PATTERN, (m) =>
    // "4.2万" or "1.5" is not a host: a URL needs a letter in its last label.
    /^[\d.]+$/.test(m) ? m : tag('URL'),
  );
  text = text.replace(AMOUNT_PATTERN, tag('AMOUNT'));
  text = text.replace(HANDLE_PATTERN, tag('HANDLE'));
  text = text.replace(NUMBER_PATTERN, (m) => {
    // Separators alone around a short number (a date's "5.16") stay ⟨N⟩.
    const placeholder = classifyNumber(m, region);
    const trailing = /[\s\-.]$/.test(m) ? m.slice(-1) : '';
    return tag(placeholder) + trailing;
  });
  text = text.replace(NAME_AFTER_CUE, tag('NAME'));
  text = text.replace(ENGLISH_NAME_AFTER_CUE, tag('NAME'));
  return text;
}
