import { hash32 } from '../rng.js';

/**
 * A keyed pseudo-random permutation of [0, n): a balanced Feistel network on the
 * smallest even bit width covering n, with cycle-walking to stay inside the domain.
 *
 * It maps a counter (person 17, mule account 4) to a unique value in a number space (a
 * phone number's subscriber digits, a card's account digits). Uniqueness is the point:
 * random draws would collide (birthday bound) and merge two people into one token.
 */
export function createPermutation(n: number, key: number): (i: number) => number {
  if (!Number.isSafeInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`domain ${n}`);
  let bits = Math.max(2, Math.ceil(Math.log2(n)));
  if (bits % 2 === 1) bits++;
  const half = bits / 2;
  const mask = 2 ** half - 1;
  const size = 2 ** half;

  const encrypt = (x: number): number => {
    let left = Math.floor(x / size);
    let right = x % size;
    for (let round = 0; round < 4; round++) {
      const next = (left ^ (hash32(key, round, right) & mask)) >>> 0;
      left = right;
      right = next;
    }
    return left * size + right;
  };

  return (i: number): number => {
    if (!Number.isInteger(i) || i < 0 || i >= n)
      throw new RangeError(`index ${i} outside [0, ${n})`);
    let x = encrypt(i);
    while (x >= n) x = encrypt(x);
    return x;
  };
}
