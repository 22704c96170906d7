import { CN_MOBILE_PREFIXES, CN_MVNO_PREFIXES } from './identity/numbers.js';

/**
 * The institutions of the synthetic world: the consortium's members and the
 * institutions outside it. Outsiders matter: money passes through banks that are not
 * members and calls come from operators that are not, so no member, and not even the
 * whole consortium, sees every identifier of a ring.
 */

export type InstitutionType = 'bank' | 'payment' | 'telecom' | 'internet' | 'police';

export interface MemberCounts {
  readonly bank: number;
  readonly payment: number;
  readonly telecom: number;
  readonly internet: number;
  /**
   * Police members: they file the reports of cases the police confirmed
   * (`police_confirmed`, which the platform takes from police members only).
   */
  readonly police: number;
}

export interface Institution {
  /** Position in World.institutions. */
  readonly index: number;
  /** Members: "bank-a"; outsiders: "outside-bank-1". */
  readonly id: string;
  readonly type: InstitutionType;
  readonly member: boolean;
  readonly name: string;
  readonly nameZh: string;
  /** Banks: card BINs. */
  readonly bins: readonly string[];
  /** Banks: prefix of domestic (non-card) account numbers; payments: of account ids. */
  readonly accountPrefix: string;
  /** Telecoms: mobile number blocks (empty for the overseas operator). */
  readonly mobilePrefixes: readonly string[];
  /** Telecoms: carries overseas numbers. */
  readonly overseas: boolean;
  /** Internet companies: the IM platform they run (the `platform` of im_account). */
  readonly imPlatform: string;
  /** Internet companies: mail domains they host. */
  readonly emailDomains: readonly string[];
}

// biome-ignore format: a table
const BANK_NAMES: readonly (readonly [string, string])[] = [
  ['Anping Bank', '安平银行'], ['Hengtong Bank', '恒通银行'], ['Ruifeng Bank', '瑞丰银行'],
  ['Changxing Bank', '长兴银行'], ['Huaxin Bank', '华信银行'], ['Guangli Bank', '广利银行'],
  ['Beichen Bank', '北辰银行'], ['Donghai Bank', '东海银行'], ['Jinqiao Bank', '金桥银行'],
  ['Nanling Bank', '南岭银行'], ['Xiyue Bank', '西岳银行'], ['Qinghe Bank', '清河银行'],
];
// biome-ignore format: a table
const PAYMENT_NAMES: readonly (readonly [string, string])[] = [
  ['Yifu Pay', '易付支付'], ['Kuaiqian Pay', '快钱通'], ['Lianfu Pay', '联付宝'], ['Xinyi Pay', '信易付'],
];
// biome-ignore format: a table
const TELECOM_NAMES: readonly (readonly [string, string])[] = [
  ['Tianxun Telecom', '天讯通信'], ['Yuanlian Mobile', '远联移动'], ['Xingwang Telecom', '星网电信'],
  ['Haichuan Mobile', '海川移动'], ['Zhongxin Telecom', '中信通信'],
];
// biome-ignore format: a table
const INTERNET_NAMES: readonly (readonly [string, string, string])[] = [
  ['Weilian', '微联', 'wechat'], ['Penguin Online', '企鹅在线', 'qq'], ['Douyu Video', '抖娱视频', 'douyin'],
  ['Weibo Social', '微播社交', 'weibo'], ['Kuaishou Video', '快视', 'kuaishou'], ['Line Asia', '连线', 'line'],
];

// biome-ignore format: a table
const POLICE_NAMES: readonly (readonly [string, string])[] = [
  ['City Public Security Bureau', '市公安局'], ['Provincial Anti-Fraud Centre', '省反诈中心'],
];

const letter = (i: number) => String.fromCharCode(97 + i);

function base(
  index: number,
  id: string,
  type: InstitutionType,
  member: boolean,
  names: readonly [string, string],
): Institution {
  return {
    index,
    id,
    type,
    member,
    name: names[0],
    nameZh: names[1],
    bins: [],
    accountPrefix: '',
    mobilePrefixes: [],
    overseas: false,
    imPlatform: '',
    emailDomains: [],
  };
}

/** Outsiders: four banks, one payment company, one mainland operator, one MVNO, one
 * overseas carrier and one overseas internet platform (Telegram, webmail). */
const OUTSIDE = { bank: 4, payment: 1 } as const;

export function buildInstitutions(members: MemberCounts): Institution[] {
  const out: Institution[] = [];
  const add = (make: (index: number) => Institution) => out.push(make(out.length));

  const banks = members.bank + OUTSIDE.bank;
  for (let i = 0; i < banks; i++) {
    const member = i < members.bank;
    const id = member ? `bank-${letter(i)}` : `outside-bank-${i - members.bank + 1}`;
    add((index) => ({
      ...base(index, id, 'bank', member, BANK_NAMES[i % BANK_NAMES.length] ?? ['Bank', '银行']),
      bins: [
        `62${String(1100 + 37 * i).padStart(4, '0')}`,
        `62${String(5200 + 41 * i).padStart(4, '0')}`,
      ],
      accountPrefix: String(3100 + 17 * i),
    }));
  }
  const payments = members.payment + OUTSIDE.payment;
  for (let i = 0; i < payments; i++) {
    const member = i < members.payment;
    const id = member ? `payment-${letter(i)}` : `outside-payment-${i - members.payment + 1}`;
    add((index) => ({
      ...base(
        index,
        id,
        'payment',
        member,
        PAYMENT_NAMES[i % PAYMENT_NAMES.length] ?? ['Pay', '支付'],
      ),
      accountPrefix: String(2088 + 11 * i),
    }));
  }
  // Mainland number blocks are dealt round-robin to member operators and one outsider.
  const mainland = members.telecom + 1;
  for (let i = 0; i < mainland; i++) {
    const member = i < members.telecom;
    const id = member ? `telecom-${letter(i)}` : 'outside-telecom-1';
    add((index) => ({
      ...base(
        index,
        id,
        'telecom',
        member,
        TELECOM_NAMES[i % TELECOM_NAMES.length] ?? ['Telecom', '通信'],
      ),
      mobilePrefixes: CN_MOBILE_PREFIXES.filter((_, k) => k % mainland === i),
    }));
  }
  add((index) => ({
    ...base(index, 'outside-mvno-1', 'telecom', false, ['Virtual operators', '虚拟运营商']),
    mobilePrefixes: CN_MVNO_PREFIXES,
  }));
  add((index) => ({
    ...base(index, 'outside-overseas-1', 'telecom', false, ['Overseas carriers', '境外运营商']),
    overseas: true,
  }));

  for (let i = 0; i < members.internet; i++) {
    const [name, nameZh, platform] = INTERNET_NAMES[i % INTERNET_NAMES.length] ?? [
      'Internet',
      '互联网',
      'im',
    ];
    add((index) => ({
      ...base(index, `internet-${letter(i)}`, 'internet', true, [name, nameZh]),
      imPlatform: i < INTERNET_NAMES.length ? platform : `${platform}${i}`,
      emailDomains: platform === 'qq' ? ['qq.com'] : [],
    }));
  }
  add((index) => ({
    ...base(index, 'outside-internet-1', 'internet', false, ['Overseas platforms', '境外平台']),
    imPlatform: 'telegram',
    emailDomains:
      members.internet >= 2
        ? ['163.com', 'gmail.com', 'outlook.com']
        : ['qq.com', '163.com', 'gmail.com', 'outlook.com'],
  }));
  // Last, so that every other institution keeps its index (and the world its draws).
  for (let i = 0; i < members.police; i++)
    add((index) =>
      base(
        index,
        `police-${letter(i)}`,
        'police',
        true,
        POLICE_NAMES[i % POLICE_NAMES.length] ?? ['Police', '公安'],
      ),
    );
  return out;
}
