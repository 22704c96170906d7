/**
 * Check-digit algorithms used by identifier kinds. Inputs are ASCII digit strings
 * (callers validate the alphabet first).
 */

/** Luhn (ISO/IEC 7812-1 Annex B) check digit for a payload without its check digit. */
export function luhnCheckDigit(payload: string): number {
  let sum = 0;
  // Double every second digit counting from the right of the payload, because the check
  // digit will be appended on the right.
  for (let i = payload.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = payload.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the last digit is the Luhn check digit of the rest. */
export function luhnValid(digits: string): boolean {
  if (digits.length < 2) return false;
  return luhnCheckDigit(digits.slice(0, -1)) === digits.charCodeAt(digits.length - 1) - 48;
}

/**
 * ISO 7064 MOD 11-2 check character, as used by the PRC resident identity number
 * (GB 11643-1999): weights 2^(n-1) mod 11 from the right, check = (12 − Σ mod 11) mod 11,
 * where 10 is written "X".
 */
export function iso7064Mod11_2(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    const weight = 2 ** (payload.length - i) % 11;
    sum += (payload.charCodeAt(i) - 48) * weight;
  }
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}
