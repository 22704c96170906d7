import { Rng } from '../rng.js';

/**
 * A reporting form's closing sentence (`credence sim --boilerplate <share>`): an intake
 * form that makes every reporter end the narrative with the same fields, whatever the
 * trick was. Issue 11 found it in real narratives: 1,089 of 1,200 Chinese fraud
 * narratives ended with "对方来电号码…，让我转账到…，还报出了我的身份证号…。", which
 * masking turns into one identical sentence that joins unrelated scripts into one
 * campaign. The simulator adds it so that campaigns can be measured against it; by
 * default it adds nothing and a world is what it was.
 */
export interface FormValues {
  /** The number the reporter was called from (or any phone of the story). */
  readonly phone: string;
  /** Where the money went (or the reporter's own card). */
  readonly account: string;
  /** The reporter's identity number. */
  readonly idNumber: string;
}

export function formSentence(lang: 'zh' | 'en', v: FormValues): string {
  return lang === 'zh'
    ? `对方来电号码${v.phone}，让我转账到${v.account}，还报出了我的身份证号${v.idNumber}。`
    : `The caller's number was ${v.phone}, they had me transfer the money to ${v.account}, and they also read out my ID number ${v.idNumber}.`;
}

/**
 * The narrative as the member's form records it: with the form's sentence at the end for
 * `share` of the narratives (drawn from a stream of its own, so that a world without the
 * form draws exactly what it drew before).
 */
export function withForm(
  narrative: string,
  lang: 'zh' | 'en',
  share: number,
  draw: readonly (string | number)[],
  values: (rng: Rng) => FormValues,
): string {
  if (share <= 0) return narrative;
  const rng = Rng.of(...draw, 'reporting-form');
  if (!rng.chance(share)) return narrative;
  return `${narrative}${lang === 'zh' ? '' : ' '}${formSentence(lang, values(rng))}`;
}
