import { type IdentifierKind, isIdentifierKind } from '@credence/core/identifiers/kinds';
import { tryNormalizeIdentifier } from '@credence/core/identifiers/normalize';
import { type ExposureUpload, MAX_EXPOSURE_TOKENS } from '@credence/core/wire/exposures';
import { MemberError } from './member-error.js';
import type { MemberSession } from './member-session.js';
import { platformRequest } from './platform-client.js';
import { csvRows } from './record-source.js';

/**
 * `credence member exposure` (issue 17, docs/exposures.md): the police's side of an
 * exposure warning. A list of personal data seized from fraudsters (a CSV file whose
 * header names identifier kinds) is normalized and tokenized here, like any data, and
 * only its distinct tokens are sent, in parts of at most 5,000, sorted (so that a retry
 * sends the same parts, which the platform answers as before). Columns that name no
 * identifier kind (names, addresses…) are not read past their header.
 */

export interface ExposureSummary {
  /** Rows of the list (the header not counted). */
  rows: number;
  /** The columns read, by kind, and the columns skipped (their header's number). */
  readonly columns: { readonly kinds: IdentifierKind[]; skipped: number };
  /** Identifiers read, and the distinct ones sent as tokens. */
  identifiers: number;
  tokens: number;
  /**
   * The platform's answer for each part: its id and how many tokens it took. How many
   * members watch is the operator's and auditors' to know, not the uploader's.
   */
  readonly parts: ExposureUpload[];
  /** Parts the platform had from an earlier run (answered as they were). */
  repeats: number;
  /** Cells left out, with why (never the value). */
  readonly rejected: { line: number; column: number; code: string; message: string }[];
}

export interface ExposureOptions {
  /** The police's reference for the list (`ref` rules: 1–128 of A–Z a–z 0–9 . _ : -). */
  readonly list: string;
  /** When the list was seized (RFC 3339). */
  readonly seizedAt: string;
  /** The file's encoding, a WHATWG label (default: UTF-8, strictly). */
  readonly encoding?: string;
}

/** Reads the seized list, tokenizes it and uploads it in parts; the platform's counts. */
export async function uploadExposure(
  session: MemberSession,
  file: string,
  options: ExposureOptions,
): Promise<ExposureSummary> {
  const summary: ExposureSummary = {
    rows: 0,
    columns: { kinds: [], skipped: 0 },
    identifiers: 0,
    tokens: 0,
    parts: [],
    repeats: 0,
    rejected: [],
  };
  /** Each column's kind, or undefined for one that names none. */
  let kinds: (IdentifierKind | undefined)[] | undefined;
  const distinct = new Map<string, { kind: IdentifierKind; value: string }>();
  for await (const { line, cells } of csvRows(file, options.encoding)) {
    if (kinds === undefined) {
      kinds = cells.map((name) => {
        const kind = name.trim();
        return isIdentifierKind(kind) ? kind : undefined;
      });
      summary.columns.kinds.push(...kinds.filter((k): k is IdentifierKind => k !== undefined));
      summary.columns.skipped = kinds.filter((k) => k === undefined).length;
      if (summary.columns.kinds.length === 0)
        throw new MemberError(
          'member.input',
          `${file}: no column of the header names an identifier kind (phone, id_number, bank_card, bank_account, email, im_account…)`,
        );
      continue;
    }
    summary.rows++;
    for (const [i, kind] of kinds.entries()) {
      const cell = cells[i]?.trim() ?? '';
      if (kind === undefined || cell === '') continue;
      summary.identifiers++;
      const result = tryNormalizeIdentifier(kind, cell, {
        phoneRegion: session.config.phoneRegion,
      });
      if (!result.ok) {
        summary.rejected.push({
          line,
          column: i + 1,
          code: result.error.code,
          message: result.error.message,
        });
        continue;
      }
      distinct.set(`${kind}\0${result.identifier.value}`, result.identifier);
    }
  }
  if (kinds === undefined) throw new MemberError('member.input', `${file}: the file is empty`);
  const identifiers = [...distinct.values()];
  const tokens = await session.tokenize(identifiers);
  const refs = identifiers
    .map((identifier, i) => ({
      kind: identifier.kind,
      token: tokens[i] as string,
      keyId: session.tokenizer.keyId,
    }))
    .sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  summary.tokens = refs.length;
  for (let part = 0; part * MAX_EXPOSURE_TOKENS < refs.length; part++) {
    const answer = await platformRequest<{ exposure: ExposureUpload; repeat: boolean }>(
      session.platform,
      'POST',
      '/v1/exposures',
      {
        list: options.list,
        part,
        seizedAt: options.seizedAt,
        tokens: refs.slice(part * MAX_EXPOSURE_TOKENS, (part + 1) * MAX_EXPOSURE_TOKENS),
      },
      { retries: 2 },
    );
    summary.parts.push(answer.exposure);
    if (answer.repeat) summary.repeats++;
  }
  return summary;
}
