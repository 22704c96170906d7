import { describe, expect, it } from 'vitest';
import { csvRowToRecord } from '../src/record-source.js';

describe('CSV rows', () => {
  it('read numbers and the shareScript flag as JSON would carry them', () => {
    expect(
      csvRowToRecord({ ref: 'r1', lossCny: '800', shareScript: 'true', narrative: '123' }),
    ).toEqual({ ref: 'r1', lossCny: 800, shareScript: true, narrative: '123' });
    expect(csvRowToRecord({ shareScript: 'false' })).toEqual({ shareScript: false });
    // Anything else is left as text, for the parser to name.
    expect(csvRowToRecord({ shareScript: 'yes' })).toEqual({ shareScript: 'yes' });
  });
});
