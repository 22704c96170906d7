import fc from 'fast-check';

/**
 * fast-check arbitraries from the JSON Schemas of the OpenAPI document (the subset the
 * platform's schemas use: type, enum, const, anyOf/oneOf, pattern, lengths, bounds,
 * items, properties, required, additionalProperties, format).
 *
 * `valid` values match the schema (small: at most a few items, short free strings).
 * `hostile` values match it mostly, with some nodes replaced by what a careless or
 * malicious client sends: a wrong type, a required member missing, an unknown member
 * (`__proto__`, `constructor`), NUL, a lone surrogate, GB18030 text, a date in 9999,
 * 70,000 characters.
 */
export type Schema = boolean | { readonly [keyword: string]: unknown };

const LONG = 'A'.repeat(70_000);
/** Strings that have broken servers: each names something a parser or a store mishandles. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00',
  '𠀀𠀁', // beyond the BMP (GB18030 and UTF-16 surrogate pairs)
  '欺诈电话号码',
  '__proto__',
  'constructor',
  'toString',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00.000Z',
  '0000-00-00',
  '-1',
  '1e400',
  'NaN',
  '00000000000000000000000000',
  '../../etc/passwd',
  '%00',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '{"a":1}',
  LONG,
];

const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(...HOSTILE_STRINGS),
  fc.constantFrom<unknown>(null, true, false, 0, -1, 0.5, 1e308, -1e308, 2 ** 53 + 2, [], {}),
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

const FORMATS: Readonly<Record<string, fc.Arbitrary<string>>> = {
  // Times in the past: the API refuses most times ahead of its clock (hostile values have 9999).
  'date-time': fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date() })
    .filter((d) => !Number.isNaN(d.getTime()))
    .map((d) => d.toISOString()),
  date: fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z') })
    .filter((d) => !Number.isNaN(d.getTime()))
    .map((d) => d.toISOString().slice(0, 10)),
  uri: fc.webUrl(),
  email: fc.emailAddress(),
};

/** The most items or characters a generated value has unless its schema asks for more. */
const FEW = 4;
const SHORT = 24;

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function stringArbitrary(s: { readonly [k: string]: unknown }): fc.Arbitrary<string> {
  const min = num(s.minLength) ?? 0;
  const max = num(s.maxLength);
  const fits = (v: string) => v.length >= min && (max === undefined || v.length <= max);
  if (typeof s.pattern === 'string') {
    const re = new RegExp(s.pattern, 'u');
    // An RFC 3339 time by its pattern: real times, which the pattern alone does not make
    // (it admits month 99), or nearly every case would stop at that field.
    if (s.pattern.startsWith('^\\d{4}-\\d{2}-\\d{2}T'))
      return (FORMATS['date-time'] as fc.Arbitrary<string>).filter((v) => re.test(v) && fits(v));
    // A run of one class with lengths of its own (`^[A-Za-z0-9_-]+$`, minLength 22): the
    // lengths are the schema's, not the pattern's, or few strings would have them.
    const run = /^\^(\[[^\]]+\])[+*]\$$/.exec(s.pattern);
    if (run !== undefined && run !== null)
      return fc.string({
        unit: fc.stringMatching(new RegExp(`^${run[1]}$`)),
        minLength: min,
        maxLength: Math.min(max ?? SHORT, Math.max(min, SHORT)),
      });
    // fast-check reads no lookarounds: strings of the pattern without them, filtered by it.
    const arb = fc.stringMatching(new RegExp(s.pattern.replace(/\(\?<?[!=][^()]*\)/g, '')));
    return arb.filter((v) => re.test(v) && fits(v));
  }
  const format = typeof s.format === 'string' ? FORMATS[s.format] : undefined;
  if (format !== undefined) return format.filter(fits);
  return fc.string({ minLength: min, maxLength: Math.min(max ?? SHORT, Math.max(min, SHORT)) });
}

/** Generates values for schemas, memoised per schema object and mode. */
export class SchemaArbitraries {
  private readonly memo = {
    valid: new WeakMap<object, fc.Arbitrary<unknown>>(),
    hostile: new WeakMap<object, fc.Arbitrary<unknown>>(),
  };

  valid(schema: Schema): fc.Arbitrary<unknown> {
    return this.of(schema, false);
  }

  hostile(schema: Schema): fc.Arbitrary<unknown> {
    return this.of(schema, true);
  }

  private of(schema: Schema, hostile: boolean): fc.Arbitrary<unknown> {
    if (typeof schema === 'boolean') return hostile ? hostileLeaf : fc.jsonValue({ maxDepth: 1 });
    const memo = this.memo[hostile ? 'hostile' : 'valid'];
    const known = memo.get(schema);
    if (known !== undefined) return known;
    const valid = this.build(schema, hostile);
    const arb = hostile
      ? fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: hostileLeaf, weight: 1 })
      : valid;
    memo.set(schema, arb);
    return arb;
  }

  private build(s: { readonly [k: string]: unknown }, hostile: boolean): fc.Arbitrary<unknown> {
    const sub = (x: unknown) => this.of(x as Schema, hostile);
    if ('const' in s) return fc.constant(s.const);
    if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
    const alternatives = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
    if (alternatives !== undefined) return fc.oneof(...alternatives.map(sub));
    const types = Array.isArray(s.type)
      ? (s.type as string[])
      : typeof s.type === 'string'
        ? [s.type]
        : s.properties !== undefined
          ? ['object']
          : s.items !== undefined
            ? ['array']
            : [];
    if (types.length === 0) return hostile ? hostileLeaf : fc.jsonValue({ maxDepth: 1 });
    return fc.oneof(...types.map((t) => this.ofType(t, s, sub, hostile)));
  }

  private ofType(
    type: string,
    s: { readonly [k: string]: unknown },
    sub: (x: unknown) => fc.Arbitrary<unknown>,
    hostile: boolean,
  ): fc.Arbitrary<unknown> {
    switch (type) {
      case 'string':
        return stringArbitrary(s);
      case 'integer':
        return fc.integer({
          min: Math.ceil(num(s.minimum) ?? -1_000_000),
          max: Math.floor(num(s.maximum) ?? 1_000_000),
        });
      case 'number':
        return fc.double({
          min: num(s.minimum) ?? -1e6,
          max: num(s.maximum) ?? 1e6,
          noNaN: true,
          noDefaultInfinity: true,
        });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array': {
        const min = num(s.minItems) ?? 0;
        const max = Math.min(num(s.maxItems) ?? FEW, Math.max(min, FEW));
        return fc.array(sub(s.items ?? true), { minLength: min, maxLength: max });
      }
      case 'object':
        return this.object(s, sub, hostile);
      default:
        return fc.jsonValue({ maxDepth: 1 });
    }
  }

  private object(
    s: { readonly [k: string]: unknown },
    sub: (x: unknown) => fc.Arbitrary<unknown>,
    hostile: boolean,
  ): fc.Arbitrary<unknown> {
    const properties = (s.properties ?? {}) as Record<string, unknown>;
    const required = new Set((s.required ?? []) as string[]);
    const names = Object.keys(properties);
    const fields = fc.tuple(
      ...names.map((name) =>
        required.has(name)
          ? sub(properties[name]).map((v) => [v])
          : fc.option(
              sub(properties[name]).map((v) => [v]),
              { nil: undefined },
            ),
      ),
    );
    const extra =
      typeof s.additionalProperties === 'object' && s.additionalProperties !== null
        ? fc.array(
            fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), sub(s.additionalProperties)),
            { maxLength: 2 },
          )
        : fc.constant([] as [string, unknown][]);
    const valid = fc.tuple(fields, extra).map(([values, more]) => {
      // Object.fromEntries makes own members, even of "__proto__".
      const entries: [string, unknown][] = [];
      names.forEach((name, i) => {
        const v = values[i];
        if (v !== undefined) entries.push([name, v[0]]);
      });
      return Object.fromEntries([...more.filter(([k]) => !(k in properties)), ...entries]);
    });
    if (!hostile) return valid;
    const requiredNames = [...required];
    return fc.oneof(
      { arbitrary: valid, weight: 4 },
      {
        // An unknown member, with a name that means something to JavaScript.
        arbitrary: fc
          .tuple(
            valid,
            fc.constantFrom('__proto__', 'constructor', 'prototype', 'x-extra'),
            hostileLeaf,
          )
          .map(([o, k, v]) => Object.fromEntries([...Object.entries(o as object), [k, v]])),
        weight: 1,
      },
      ...(requiredNames.length === 0
        ? []
        : [
            {
              // A required member missing.
              arbitrary: fc
                .tuple(valid, fc.constantFrom(...requiredNames))
                .map(([o, k]) =>
                  Object.fromEntries(Object.entries(o as object).filter(([name]) => name !== k)),
                ),
              weight: 1,
            },
          ]),
    );
  }
}
