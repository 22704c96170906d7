import { isPhoneRegion, type PhoneRegion } from '@credence/core/identifiers/phone';
import { parseVerifierKey } from '@credence/core/log/signed-note';
import { encodingName } from '@credence/member/text-lines';
import { InvalidArgumentError, Option } from 'commander';

export const integer = (value: string): number => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
};

export const decimal = (value: string): number => {
  const x = Number(value);
  if (!Number.isFinite(x)) throw new InvalidArgumentError('expected a number');
  return x;
};

/** Collects a repeatable option into a list. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Collects a repeatable whole-number option into a list. */
export const collectIntegers = (value: string, previous: number[] = []): number[] => [
  ...previous,
  integer(value),
];

/** A WHATWG encoding label that Node's TextDecoder can decode (gb18030, big5, utf-16le, …). */
export const encoding = (value: string): string => {
  const name = encodingName(value);
  if (name === undefined)
    throw new InvalidArgumentError('expected an encoding label such as utf-8, gb18030 or big5');
  return name;
};

/** A note verifier key (name+id+key), checked when given: a bad one is one usage error. */
export const verifierKey = (value: string): string => {
  try {
    parseVerifierKey(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return value;
};

/** A repeatable verifier key option. */
export const collectVerifierKeys = (value: string, previous: string[] = []): string[] => [
  ...previous,
  verifierKey(value),
];

/** A default region for phone numbers written without a country code (CN, GB, …). */
export const phoneRegion = (value: string): PhoneRegion => {
  const region = value.toUpperCase();
  if (!isPhoneRegion(region))
    throw new InvalidArgumentError('expected a two-letter region code such as CN or GB');
  return region;
};

/** `--region <cc>`, checked, default CN: the region of phone numbers written without a country code. */
export const regionOption = () =>
  new Option('--region <cc>', 'default region for phone numbers without a country code')
    .argParser(phoneRegion)
    .default('CN' as PhoneRegion);
