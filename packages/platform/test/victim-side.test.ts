import { isVictimSide } from '@credence/core/risk/token-summary';
import { ENTITY_ROLES, REPORT_TYPES } from '@credence/core/wire/vocabulary';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AT_RISK_SQL } from '../src/storage/aggregate.js';

/** A victim's own identifiers take no risk (issue 17): the SQL the stores filter with says what the core says. */
describe('the victim’s side', () => {
  it('is the same in SQL as in the core, for every report type and role', () => {
    const db = new Database(':memory:');
    try {
      const atRisk = db.prepare<[string, string], { v: number }>(
        `SELECT ${AT_RISK_SQL} AS v FROM (SELECT ? AS role) e, (SELECT ? AS type) r`,
      );
      for (const type of REPORT_TYPES)
        for (const role of ENTITY_ROLES)
          expect(atRisk.get(role, type)?.v === 1, `${type} ${role}`).toBe(
            !isVictimSide(type, role),
          );
    } finally {
      db.close();
    }
  });
});
