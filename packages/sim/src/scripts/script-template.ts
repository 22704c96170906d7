import type { Category } from '@credence/core/wire/vocabulary';

/**
 * A scam script as victims retell it. One template is one campaign (issue 2: "each
 * campaign one script template in a category"); every report of the campaign is a
 * variation of it, filled with the victim's own details.
 *
 * Rendering a report: for each line, skip it with some probability if it is optional,
 * otherwise pick one of its alternative phrasings; then replace placeholders. A
 * placeholder `{name}` is either one of the simulator's built-ins (BUILTIN_PLACEHOLDERS)
 * or a key of `vars`, from which one alternative is picked per report.
 */

/** Channels the story runs through. They decide which of the ring's identifiers the
 * story uses and therefore which members see it: call and sms at telecoms, im and app at
 * internet companies, transfer at banks, wallet off-platform. */
export type Channel = 'call' | 'sms' | 'im' | 'app' | 'url' | 'transfer' | 'wallet';

export interface ScriptLine {
  readonly alts: readonly string[];
  readonly optional?: boolean;
}

export interface ScriptTemplate {
  readonly id: string;
  readonly category: Category;
  readonly lang: 'zh' | 'en';
  readonly channels: readonly Channel[];
  readonly vars: Readonly<Record<string, readonly string[]>>;
  readonly lines: readonly ScriptLine[];
}

/**
 * Placeholders the simulator fills. A placeholder that names a channel's identifier may
 * only be used by a template that has that channel.
 */
export const BUILTIN_PLACEHOLDERS = {
  date: null,
  time: null,
  victimName: null,
  victimPhone: null,
  victimCard: null,
  victimId: null,
  fakeName: null,
  fakeSurname: null,
  brand: null,
  amount: null,
  amount1: null,
  refund: null,
  callerPhone: 'call',
  smsSender: 'sms',
  contactIm: 'im',
  appName: 'app',
  url: 'url',
  account: 'transfer',
  accountName: 'transfer',
  bankName: 'transfer',
  wallet: 'wallet',
} as const satisfies Record<string, Channel | null>;

export type BuiltinPlaceholder = keyof typeof BUILTIN_PLACEHOLDERS;
