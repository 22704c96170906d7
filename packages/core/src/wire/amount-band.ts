/**
 * Amounts leave the member only as bands (SPEC §5: "loss as a band"; exact amounts are
 * sealed). Bands are decades, fine enough to rank cases and coarse enough not to single
 * out a transaction.
 */
export const AMOUNT_BANDS = ['lt1k', '1k-10k', '10k-100k', '100k-1m', '1m-10m', 'ge10m'] as const;
export type AmountBand = (typeof AMOUNT_BANDS)[number];

/** The band of an amount in yuan. Precondition: a finite, non-negative number. */
export function amountBand(yuan: number): AmountBand {
  if (yuan < 1_000) return 'lt1k';
  if (yuan < 10_000) return '1k-10k';
  if (yuan < 100_000) return '10k-100k';
  if (yuan < 1_000_000) return '100k-1m';
  if (yuan < 10_000_000) return '1m-10m';
  return 'ge10m';
}
