import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { IDENTIFIER_KINDS } from '../../src/identifiers/kinds.js';
import { tryNormalizeIdentifier } from '../../src/identifiers/normalize.js';
import {
  parseRawRecord,
  RAW_LINK_SCHEMA,
  RAW_REPORT_SCHEMA,
  RECORD_ERROR_CODES,
} from '../../src/wire/raw-record-parser.js';
import { CATEGORIES, ENTITY_ROLES, LINK_TYPES, REPORT_TYPES } from '../../src/wire/vocabulary.js';

type Node = Record<string, unknown> & { properties?: Record<string, Node>; items?: Node };
const report = RAW_REPORT_SCHEMA as Node;
const link = RAW_LINK_SCHEMA as Node;
const prop = (n: Node, ...path: string[]): Node =>
  path.reduce<Node>((at, p) => (p === '[]' ? (at.items as Node) : (at.properties?.[p] as Node)), n);

describe('the raw formats’ JSON Schemas (packages/core/schemas)', () => {
  it('are valid JSON Schema 2020-12 documents (an unknown keyword is an error)', () => {
    const ajv = new Ajv2020({ strict: true, validateSchema: true });
    ajv.addKeyword({ keyword: 'x-credence-error', schemaType: 'object' });
    ajv.addKeyword({ keyword: 'x-credence-unknown', schemaType: 'string' });
    for (const schema of [report, link]) expect(ajv.validateSchema(schema)).toBe(true);
  });

  it('hold the same vocabularies as the code’s types', () => {
    expect(prop(report, 'type').enum).toEqual([...REPORT_TYPES]);
    expect(prop(report, 'category').enum).toEqual([...CATEGORIES]);
    expect(prop(report, 'entities', '[]', 'role').enum).toEqual([...ENTITY_ROLES]);
    expect(prop(report, 'entities', '[]', 'kind').enum).toEqual([...IDENTIFIER_KINDS]);
    expect(prop(link, 'link').enum).toEqual([...LINK_TYPES]);
    expect(prop(link, 'from', 'kind').enum).toEqual([...IDENTIFIER_KINDS]);
    expect(prop(link, 'to', 'kind').enum).toEqual([...IDENTIFIER_KINDS]);
  });

  it('name a documented record error code for every field', () => {
    const codes: string[] = [];
    const walk = (n: Node) => {
      const rule = n['x-credence-error'] as { code: string } | undefined;
      if (rule !== undefined) codes.push(rule.code);
      for (const child of Object.values(n.properties ?? {})) walk(child);
      if (n.items !== undefined) walk(n.items);
    };
    walk(report);
    walk(link);
    expect(codes.length).toBeGreaterThan(15);
    for (const code of codes) expect(RECORD_ERROR_CODES).toContain(code);
    const errorsDoc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
    for (const code of new Set(codes)) expect(errorsDoc).toContain(`\`${code}\``);
  });

  it('accept every JSON Lines example of docs/formats.md, and the code does too', () => {
    const doc = readFileSync(new URL('../../../../docs/formats.md', import.meta.url), 'utf8');
    const lines = [...doc.matchAll(/```jsonl\n([\s\S]*?)```/g)].flatMap((m) =>
      (m[1] as string).split('\n').filter((l) => l.trim().startsWith('{')),
    );
    expect(lines.length).toBeGreaterThan(8);
    const ajv = new Ajv2020({ strict: false });
    const validReport = ajv.compile(report);
    const validLink = ajv.compile(link);
    const now = Date.parse('2026-12-03T00:00:00Z');
    for (const line of lines) {
      const value = JSON.parse(line) as Record<string, unknown>;
      const valid = 'link' in value ? validLink(value) : validReport(value);
      expect({ line, valid }).toEqual({ line, valid: true });
      const parsed = parseRawRecord(value, { now });
      expect({ line, ok: parsed.ok }).toEqual({ line, ok: true });
      if (!parsed.ok) continue;
      const ids =
        parsed.record.kind === 'report'
          ? parsed.record.report.entities
          : [parsed.record.link.from, parsed.record.link.to];
      for (const id of ids) {
        const normalized = tryNormalizeIdentifier(id.kind, id.value);
        expect({ id, ok: normalized.ok }).toEqual({ id, ok: true });
      }
    }
  });
});
