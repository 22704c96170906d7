import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IDENTIFIER_ERRORS } from '@credence/core/identifiers/identifier-error';
import { LOG_ERRORS } from '@credence/core/log/log-error';
import { MERKLE_ERRORS } from '@credence/core/merkle/merkle-error';
import { OPRF_ERRORS } from '@credence/core/oprf/oprf-error';
import { SEALING_ERRORS } from '@credence/core/sealing/sealing-error';
import { RECORD_ERROR_CODES } from '@credence/core/wire/raw-record-parser';
import { MEMBER_ERRORS } from '@credence/member/member-error';
import { PROBLEMS } from '@credence/server-kit/problem';
import { describe, expect, it } from 'vitest';

/** docs/errors.md is the catalogue: every code the software has, and nothing else. */
const catalogue = readFileSync(resolve(import.meta.dirname, '../../../docs/errors.md'), 'utf8');
const rows = new Map(
  [...catalogue.matchAll(/^\| `([a-z_.]+)` \| (.+) \|$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
);

const WITH_MESSAGES: Record<string, Readonly<Record<string, string>>> = {
  IDENTIFIER_ERRORS,
  OPRF_ERRORS,
  MEMBER_ERRORS,
  MERKLE_ERRORS,
  LOG_ERRORS,
  SEALING_ERRORS,
};

describe('the error catalogue, docs/errors.md', () => {
  for (const [name, errors] of Object.entries(WITH_MESSAGES)) {
    it(`documents every code of ${name} with its message`, () => {
      for (const [code, message] of Object.entries(errors))
        expect(rows.get(code), code).toBe(message);
    });
  }

  it('documents every HTTP problem with its status and title', () => {
    for (const [code, { status, title }] of Object.entries(PROBLEMS))
      expect(rows.get(code), code).toBe(`${status} | ${title}`);
  });

  it('documents the record, key file and simulator codes', () => {
    for (const code of [...RECORD_ERROR_CODES, 'keys.invalid_file', 'sim.invalid_option'])
      expect(rows.has(code), code).toBe(true);
  });

  it('lists no code the software does not have', () => {
    const known = new Set([
      ...Object.values(WITH_MESSAGES).flatMap((e) => Object.keys(e)),
      ...Object.keys(PROBLEMS),
      ...RECORD_ERROR_CODES,
      'keys.invalid_file',
      'sim.invalid_option',
    ]);
    for (const code of rows.keys()) expect(known.has(code), code).toBe(true);
  });
});
