import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { PhoneRegion } from '@credence/core/identifiers/phone';
import type { FieldError } from '@credence/core/wire/field-error';
import { checkRecord, type Normalized, unreadableEvidence } from './check-record.js';
import { readRecords } from './record-source.js';

export interface ValidateFileOptions {
  readonly input: string;
  readonly format?: 'jsonl' | 'csv';
  /** A WHATWG encoding label such as gb18030 (default: UTF-8, strictly). */
  readonly encoding?: string;
  readonly phoneRegion?: PhoneRegion;
  /** The member's clock, for the times of events. */
  readonly now?: () => number;
}

/** A line or identifier left out, with the reason; never the value. */
export interface Rejection extends FieldError {
  readonly line: number;
  readonly ref?: string;
}

/** An identifier that was kept, but whose normal form a person should look at. */
export interface Surprise {
  readonly line: number;
  readonly field: string;
  readonly kind: IdentifierKind;
  /** As written in the file: the member's own data, shown only to the member. */
  readonly raw: string;
  /** As it will be tokenized. */
  readonly value: string;
  readonly why: string;
}

export interface Validation {
  readonly lines: number;
  readonly reports: Readonly<Record<string, number>>;
  readonly links: Readonly<Record<string, number>>;
  readonly identifiers: Readonly<Record<string, number>>;
  readonly rejectedLines: number;
  readonly rejectedIdentifiers: number;
  readonly rejections: readonly Rejection[];
  readonly surprises: readonly Surprise[];
}

const digits = (text: string) => text.normalize('NFKC').replace(/\D/g, '');

/**
 * Why a kept identifier's normal form deserves a look, or undefined: the rules of
 * docs/identifiers.md that change more than its spelling.
 */
export function surprise(n: Normalized): string | undefined {
  const { kind, value } = n.identifier;
  const raw = n.raw.value;
  switch (kind) {
    case 'phone': {
      if (n.identifier.unverified === true)
        return 'not a valid number of its country (spoofed, a short code or an unassigned range): kept, unverified';
      const written = digits(raw);
      const international = raw.trim().startsWith('+') || written.startsWith('00');
      const expected = international ? written.replace(/^00/, '') : written.replace(/^0/, '');
      return value.slice(1).endsWith(expected)
        ? undefined
        : 'digits were dropped (a carrier or dialling prefix?): check the number';
    }
    case 'id_number':
      return digits(raw).length === 15
        ? 'a first-generation 15-digit number, tokenized as its 18-digit form'
        : undefined;
    case 'imei':
      return digits(raw).length === 16
        ? 'an IMEISV: tokenized as its IMEI (the handset, without its software version)'
        : digits(raw).length === 14
          ? 'an IMEI without its check digit: the digit added'
          : undefined;
    case 'url':
      return /^[a-z][a-z0-9+.-]*:/i.test(raw.trim()) ? undefined : 'no scheme: read as http';
    case 'ip':
      return raw.includes(':') && !value.includes(':')
        ? 'an IPv4-mapped IPv6 address, read as the IPv4 address'
        : undefined;
    default:
      return undefined;
  }
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/**
 * `credence member validate`: a raw file checked exactly as tokenizing checks it
 * (check-record.ts), without contacting anyone: counts by report type, link type and
 * identifier kind, every rejected line and identifier with the reason, and the kept
 * identifiers whose normal form is worth a look.
 */
export async function validateFile(options: ValidateFileOptions): Promise<Validation> {
  const format = options.format ?? (options.input.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl');
  const region = options.phoneRegion ?? 'CN';
  const now = options.now ?? Date.now;
  const reports: Record<string, number> = Object.create(null);
  const links: Record<string, number> = Object.create(null);
  const identifiers: Record<string, number> = Object.create(null);
  const rejections: Rejection[] = [];
  const surprises: Surprise[] = [];
  let lines = 0;
  let rejectedLines = 0;
  let rejectedIdentifiers = 0;
  const reject = (line: number, ref: string | undefined, errors: readonly FieldError[]) => {
    for (const e of errors) rejections.push({ line, ...(ref === undefined ? {} : { ref }), ...e });
  };
  const look = (line: number, normalized: readonly Normalized[]) => {
    for (const n of normalized) {
      bump(identifiers, n.identifier.kind);
      const why = surprise(n);
      if (why !== undefined)
        surprises.push({
          line,
          field: n.field,
          kind: n.identifier.kind,
          raw: n.raw.value,
          value: n.identifier.value,
          why,
        });
    }
  };
  for await (const item of readRecords(
    options.input,
    format,
    options.encoding === undefined ? {} : { encoding: options.encoding },
  )) {
    lines++;
    const checked = checkRecord(item, now(), region);
    const unreadable =
      checked.kind === 'report'
        ? await unreadableEvidence(options.input, checked.report.evidence)
        : [];
    if (checked.kind === 'rejected') {
      rejectedLines++;
      rejectedIdentifiers += checked.badIdentifiers;
      reject(item.line, checked.ref, checked.errors);
    } else if (checked.kind === 'report' && unreadable.length > 0) {
      rejectedLines++;
      reject(item.line, checked.report.ref, unreadable);
    } else if (checked.kind === 'report') {
      bump(reports, checked.report.type);
      rejectedIdentifiers += checked.errors.length;
      reject(item.line, checked.report.ref, checked.errors);
      look(item.line, checked.normalized);
    } else {
      bump(links, checked.link.link);
      look(item.line, checked.normalized);
    }
  }
  return {
    lines,
    reports,
    links,
    identifiers,
    rejectedLines,
    rejectedIdentifiers,
    rejections,
    surprises,
  };
}

const count = (x: number) => x.toLocaleString('en-US');
const tally = (counts: Readonly<Record<string, number>>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, c]) => `${k} ${count(c)}`)
    .join(', ');
const total = (counts: Readonly<Record<string, number>>) =>
  Object.values(counts).reduce((a, b) => a + b, 0);

/** The validation as a person reads it: counts, then up to `limit` rejections and surprises. */
export function describeValidation(name: string, v: Validation, limit: number): string {
  const out: string[] = [];
  const reports = total(v.reports);
  const links = total(v.links);
  out.push(
    `${name}: ${count(v.lines)} lines: ${count(reports)} reports${reports > 0 ? ` (${tally(v.reports)})` : ''}, ${count(links)} links${links > 0 ? ` (${tally(v.links)})` : ''}.`,
  );
  if (total(v.identifiers) > 0) out.push(`Identifiers kept: ${tally(v.identifiers)}.`);
  out.push(
    v.rejectedLines + v.rejectedIdentifiers === 0
      ? 'Nothing rejected.'
      : `Rejected: ${count(v.rejectedLines)} lines and ${count(v.rejectedIdentifiers)} identifiers (tokenizing would leave them out).`,
  );
  const list = <T>(title: string, items: readonly T[], line: (item: T) => string) => {
    if (items.length === 0) return;
    out.push('', `${title}:`);
    for (const item of items.slice(0, limit)) out.push(`  ${line(item)}`);
    if (items.length > limit)
      out.push(`  … and ${count(items.length - limit)} more (--all lists them, --json too)`);
  };
  list(
    'Rejected',
    v.rejections,
    (r) =>
      `line ${r.line}${r.ref === undefined ? '' : ` (ref ${r.ref})`}: ${r.field} ${r.code}: ${r.message}`,
  );
  list(
    `To look at (${count(v.surprises.length)} kept identifiers whose normal form differs from what was written)`,
    v.surprises,
    (s) => `line ${s.line}: ${s.field} ${s.kind} ${JSON.stringify(s.raw)} → ${s.value}: ${s.why}`,
  );
  return out.join('\n');
}
