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
 * narratives ("收款人叫", "户名", "工作人员", "named", "Officer", …), a Chinese one
 * starting with a common family name: a name written without such a cue, or with a rare
 * family name, stays, which is why the masked text is shared only where its owner opts
 * in, and the fingerprint alone is shared otherwise.
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
  /\b[a-z0-9_]*\d[a-z0-9_]*[a-z][a-z0-9_]*\b(?<=\b[a-z0-9_]{6,})|\b(?!(?:qq|tg|line|wechat|whatsapp|telegram|icq|skype)\d)[a-z][a-z0-9_.]*\d[a-z0-9_]*\b(?<=\b[a-z0-9_.]{6,})|@[a-z0-9_.]{3,}|(?<=(?:QQ|qq|微信|WeChat|wechat|Telegram|telegram|TG|Line|LINE|WhatsApp|Skype)(?:号码|账号|号|是|为|:|：|\s)*)[A-Za-z0-9_@.-]{5,}/giu;
/** A number as amounts are written: 6300, 54,000, 1.7 (after NFKC the Chinese comma is ","). */
const AMOUNT_NUMBER = String.raw`\d+(?:,\d{3})*(?:\.\d+)?`;
const AMOUNT_PATTERN = new RegExp(
  String.raw`(?:[¥￥$]|RMB|CNY|USD|HKD|人民币)\s?${AMOUNT_NUMBER}(?:\s?[万千百亿])?(?:\s?(?:元|块|yuan|RMB|CNY))?|${AMOUNT_NUMBER}\s?(?:[万千百亿]\s?元?|元|块钱|块|yuan\b|RMB\b|CNY\b|dollars?\b)`,
  'giu',
);
/** Candidate numbers: digits with the separators people write (spaces, dashes, dots). */
const NUMBER_PATTERN = /\+?\d(?:[\d\s\-.]*\d)?[Xx]?/gu;
/** Words that follow a name ("工作人员张伟说…") rather than belong to it. */
const AFTER_NAME = '说让告诉要给打加叫问是在了和跟向把被对称讲发帮用';
/**
 * Common Chinese family names: a name after a cue word starts with one, so that "客服才
 * 知道…" keeps its words while "客服张伟说…" loses the name.
 */
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝';
const NAME_AFTER_CUE = new RegExp(
  `(?<=(?:收款人叫|收款人是|收款人|收款方是|收款方|户名是|户名|名字叫|名字是|名字|姓名|叫做|名叫|工作人员|书记员|警官|民警|检察官|法官|客服专员|客服|专员|经理|主任|老师|医生|军官|律师|自称是|自称))[${SURNAMES}][\\u4e00-\\u9fff]{1,2}?(?=[，,。、的\\s）)${AFTER_NAME}]|$)`,
  'gu',
);
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
