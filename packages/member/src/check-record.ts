import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Identifier } from '@credence/core/identifiers/kinds';
import {
  type NormalizedIdentifier,
  tryNormalizeIdentifier,
} from '@credence/core/identifiers/normalize';
import type { PhoneRegion } from '@credence/core/identifiers/phone';
import { MAX_EVIDENCE_FILE_BYTES } from '@credence/core/sealing/evidence-files';
import type { FieldError } from '@credence/core/wire/field-error';
import { parseRawRecord } from '@credence/core/wire/raw-record-parser';
import type { RawEndpoint, RawEvidence, RawLink, RawReport } from '@credence/core/wire/raw-records';
import type { EntityRole } from '@credence/core/wire/vocabulary';
import type { SourceItem } from './record-source.js';

/** One identifier of a record that normalized: where it was, as written and as it will be tokenized. */
export interface Normalized {
  readonly field: string;
  readonly raw: RawEndpoint;
  readonly identifier: NormalizedIdentifier;
}

/**
 * One line of a raw file, checked as the member side checks it before tokenizing
 * (docs/formats.md): the record against the schemas, then each identifier normalized. A
 * report goes on without an identifier that does not normalize; a link needs both ends.
 */
export type CheckedRecord =
  | {
      readonly kind: 'rejected';
      readonly ref?: string;
      readonly errors: readonly FieldError[];
      /** How many of the errors are identifiers that did not normalize. */
      readonly badIdentifiers: number;
    }
  | {
      readonly kind: 'report';
      readonly report: RawReport;
      readonly entities: readonly { readonly role: EntityRole; readonly identifier: Identifier }[];
      readonly normalized: readonly Normalized[];
      /** Entities left out, each with the reason. */
      readonly errors: readonly FieldError[];
    }
  | {
      readonly kind: 'link';
      readonly link: RawLink;
      readonly from: Identifier;
      readonly to: Identifier;
      readonly normalized: readonly Normalized[];
    };

export function checkRecord(item: SourceItem, now: number, region: PhoneRegion): CheckedRecord {
  if ('error' in item)
    return {
      kind: 'rejected',
      errors: [{ field: '(line)', code: 'record.json', message: item.error }],
      badIdentifiers: 0,
    };
  const parsed = parseRawRecord(item.value, { now });
  if (!parsed.ok) {
    const ref = (item.value as { ref?: unknown } | null)?.ref;
    return {
      kind: 'rejected',
      ...(typeof ref === 'string' ? { ref } : {}),
      errors: parsed.errors,
      badIdentifiers: 0,
    };
  }
  const normalize = (raw: RawEndpoint, field: string): Normalized | FieldError => {
    const result = tryNormalizeIdentifier(raw.kind, raw.value, { phoneRegion: region });
    return result.ok
      ? { field, raw, identifier: result.identifier }
      : { field, code: result.error.code, message: result.error.message };
  };
  const isError = (n: Normalized | FieldError): n is FieldError => 'code' in n;

  if (parsed.record.kind === 'report') {
    const r = parsed.record.report;
    const entities: { role: EntityRole; identifier: Identifier }[] = [];
    const normalized: Normalized[] = [];
    const errors: FieldError[] = [];
    r.entities.forEach((e, i) => {
      const n = normalize(e, `entities[${i}].value`);
      if (isError(n)) {
        errors.push(n);
        return;
      }
      normalized.push(n);
      for (const identifier of [n.identifier, ...n.identifier.derived])
        entities.push({ role: e.role, identifier });
    });
    if (entities.length === 0)
      return {
        kind: 'rejected',
        ref: r.ref,
        errors: [
          ...errors,
          {
            field: 'entities',
            code: 'record.no_valid_entities',
            message: 'no entity of the report has a valid identifier',
          },
        ],
        badIdentifiers: errors.length,
      };
    return { kind: 'report', report: r, entities, normalized, errors };
  }
  const l = parsed.record.link;
  const from = normalize(l.from, 'from.value');
  const to = normalize(l.to, 'to.value');
  if (isError(from) || isError(to)) {
    const bad = [from, to].filter(isError);
    return { kind: 'rejected', errors: bad, badIdentifiers: bad.length };
  }
  return {
    kind: 'link',
    link: l,
    from: from.identifier,
    to: to.identifier,
    normalized: [from, to],
  };
}

/**
 * The field errors of a report's evidence files that cannot be read (missing, not a file,
 * over 16 MiB), by path relative to the file holding the report: `member validate` and
 * `member tokenize` both reject such a line.
 */
export async function unreadableEvidence(
  input: string,
  evidence: readonly RawEvidence[] | undefined,
): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  for (const [i, e] of (evidence ?? []).entries()) {
    const info = await stat(resolve(dirname(input), e.file)).catch(() => undefined);
    if (info?.isFile() !== true || info.size > MAX_EVIDENCE_FILE_BYTES)
      errors.push({
        field: `evidence[${i}].file`,
        code: 'record.evidence',
        message: 'cannot be read: it is missing, not a file, or over 16 MiB',
      });
  }
  return errors;
}
