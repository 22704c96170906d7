import { InvalidArgumentError } from 'commander';

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
