import type { FastifyInstance } from 'fastify';

/**
 * Body limits per route, sized to the largest request the route's body schema admits
 * (issue 11 §3): a check of 1,000 tokens may not be a 16 MiB upload. The size is that of
 * the request as JSON.stringify writes it (compact, the member side's way), and a quarter
 * more: room for a client that indents its JSON, and for a request a few items over its
 * schema's maximum to get the 400 naming the field rather than a bare 413.
 *
 * What a schema admits is computed from its own limits: maxItems, maxLength, the
 * patterns' lengths, enums and integer bounds. A schema that bounds nothing (no maxItems,
 * an open object, an unanchored pattern) admits bodies of any size and gets MAX_BODY_BYTES,
 * as does one whose bound is above it: a batch of 5,000 reports with 64 entities and a
 * 20,000-character script each would be about 700 MB.
 */

/** The largest body any route takes (before issue 11 every route took this much). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Routes without a body schema read none; this leaves room for an empty object. */
export const NO_BODY_BYTES = 1024;

/** The most bytes JSON.stringify writes for one character (a control character: \u001f). */
const WIDEST_CHAR = 6;

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** The widest of a class's characters; anything past printable ASCII counts as widest. */
function classBytes(chars: readonly (string | [string, string])[]): number {
  let widest = 0;
  for (const c of chars) {
    const [from, to] = typeof c === 'string' ? [c, c] : c;
    const lo = from.codePointAt(0) ?? 0;
    const hi = to.codePointAt(0) ?? 0;
    if (lo < 0x20 || hi > 0x7e) return WIDEST_CHAR;
    for (let code = lo; code <= hi; code++)
      widest = Math.max(widest, jsonBytes(String.fromCodePoint(code)) - 2);
  }
  return widest;
}

/** What `\x` matches, as a class (for \d, \w and escaped punctuation), or undefined. */
function escapeClass(c: string): (string | [string, string])[] | undefined {
  if (c === 'd') return [['0', '9']];
  if (c === 'w') return [['a', 'z'], ['A', 'Z'], ['0', '9'], '_'];
  if (/^[\\^$.|?*+()[\]{}/-]$/.test(c)) return [c];
  return undefined;
}

/**
 * The most bytes (as JSON.stringify writes them) of a string matching an ECMA-262
 * pattern, for the subset request schemas use: literals, escapes, classes, groups with
 * alternatives, quantifiers. Infinity for an unbounded one (a pattern not anchored at both
 * ends matches any string containing a match) or anything outside the subset.
 */
export function patternMaxBytes(pattern: string): number {
  let i = 0;
  const peek = () => pattern[i];

  const parseClass = (): number => {
    // At '[': a negated class matches nearly everything.
    i++;
    if (peek() === '^') return Number.POSITIVE_INFINITY;
    const chars: (string | [string, string])[] = [];
    let first = true;
    while (i < pattern.length && (peek() !== ']' || first)) {
      first = false;
      const c = pattern[i++] as string;
      if (c === '\\') {
        const e = escapeClass(pattern[i++] ?? '');
        if (e === undefined) return Number.POSITIVE_INFINITY;
        chars.push(...e);
        continue;
      }
      if (peek() === '-' && pattern[i + 1] !== ']' && pattern[i + 1] !== undefined) {
        i++;
        let to = pattern[i++] as string;
        if (to === '\\') to = pattern[i++] ?? '';
        chars.push([c, to]);
        continue;
      }
      chars.push(c);
    }
    if (peek() !== ']') return Number.POSITIVE_INFINITY;
    i++;
    return classBytes(chars);
  };

  /** Alternatives up to ')' or the end: the widest of them. */
  const parseAlternatives = (): number => {
    let widest = parseSequence();
    while (peek() === '|') {
      i++;
      widest = Math.max(widest, parseSequence());
    }
    return widest;
  };

  const parseSequence = (): number => {
    let total = 0;
    while (i < pattern.length && peek() !== '|' && peek() !== ')') {
      const c = pattern[i++] as string;
      // The widest one repetition of the atom writes.
      let bytes: number;
      if (c === '^' || c === '$') continue;
      if (c === '[') {
        i--;
        bytes = parseClass();
      } else if (c === '(') {
        if (pattern.startsWith('?:', i)) i += 2;
        else if (peek() === '?') return Number.POSITIVE_INFINITY; // lookarounds, names
        bytes = parseAlternatives();
        if (peek() !== ')') return Number.POSITIVE_INFINITY;
        i++;
      } else if (c === '\\') {
        const e = escapeClass(pattern[i++] ?? '');
        if (e === undefined) return Number.POSITIVE_INFINITY;
        bytes = classBytes(e);
      } else if (c === '.') {
        bytes = WIDEST_CHAR;
      } else if ('*+?{'.includes(c)) {
        return Number.POSITIVE_INFINITY; // a quantifier with nothing before it
      } else {
        bytes = classBytes([c]);
      }
      total += bytes * quantifier();
    }
    return total;
  };

  /** The most repetitions the quantifier after an atom allows (1 without one). */
  const quantifier = (): number => {
    const c = peek();
    let most = 1;
    if (c === '?') {
      i++;
    } else if (c === '*' || c === '+') {
      i++;
      most = Number.POSITIVE_INFINITY;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (m === null) return Number.POSITIVE_INFINITY;
      i += m[0].length;
      most = m[2] === undefined ? Number(m[1]) : m[3] ? Number(m[3]) : Number.POSITIVE_INFINITY;
    }
    if (peek() === '?') i++; // lazy: the same strings
    return most;
  };

  // Anchored at both ends, with no alternative outside a group (which would escape them).
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$'))
    return Number.POSITIVE_INFINITY;
  const total = parseSequence();
  return i === pattern.length ? total : Number.POSITIVE_INFINITY;
}

type Schema = Readonly<Record<string, unknown>>;

function stringMaxBytes(schema: Schema): number {
  const byPattern =
    typeof schema.pattern === 'string' ? patternMaxBytes(schema.pattern) : Number.POSITIVE_INFINITY;
  // maxLength counts code points; each is at most WIDEST_CHAR bytes once written.
  const byLength =
    typeof schema.maxLength === 'number'
      ? schema.maxLength * WIDEST_CHAR
      : Number.POSITIVE_INFINITY;
  return 2 + Math.min(byPattern, byLength);
}

function numberMaxBytes(schema: Schema, integer: boolean): number {
  const { minimum, maximum } = schema;
  if (integer && typeof minimum === 'number' && typeof maximum === 'number')
    return Math.max(jsonBytes(minimum), jsonBytes(maximum));
  // The longest a finite number is written: "-1.7976931348623157e+308".
  return typeof minimum === 'number' && minimum >= 0 ? 23 : 24;
}

/**
 * The most bytes JSON.stringify writes for a value the schema admits: Infinity when the
 * schema bounds nothing. Every property is counted present (more is never shorter).
 */
export function maxJsonBytes(schema: Schema): number {
  if ('const' in schema) return jsonBytes(schema.const);
  if (Array.isArray(schema.enum)) return Math.max(...schema.enum.map(jsonBytes));
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives !== undefined) return Math.max(...alternatives.map(maxJsonBytes));
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type];
  return Math.max(
    ...types.map((type) => {
      switch (type) {
        case 'null':
          return 4;
        case 'boolean':
          return 5;
        case 'integer':
          return numberMaxBytes(schema, true);
        case 'number':
          return numberMaxBytes(schema, false);
        case 'string':
          return stringMaxBytes(schema);
        case 'array': {
          const items = schema.items as Schema | undefined;
          if (typeof schema.maxItems !== 'number' || items === undefined)
            return Number.POSITIVE_INFINITY;
          return 2 + schema.maxItems * maxJsonBytes(items) + Math.max(0, schema.maxItems - 1);
        }
        case 'object': {
          if (schema.additionalProperties !== false) return Number.POSITIVE_INFINITY;
          const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
          return (
            2 +
            Math.max(0, properties.length - 1) +
            properties.reduce(
              (sum, [key, value]) => sum + jsonBytes(key) + 1 + maxJsonBytes(value),
              0,
            )
          );
        }
        default:
          return Number.POSITIVE_INFINITY;
      }
    }),
  );
}

/** The body limit of a route with this body schema (undefined: the route reads no body). */
export function bodyLimitOf(body: Schema | undefined): number {
  if (body === undefined) return NO_BODY_BYTES;
  return Math.min(MAX_BODY_BYTES, Math.ceil(maxJsonBytes(body) * 1.25));
}

/**
 * Gives every route registered after this call the body limit its body schema calls
 * for, unless the route sets one of its own.
 */
export function useBodyLimits(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.bodyLimit !== undefined) return;
    route.bodyLimit = bodyLimitOf(route.schema?.body as Schema | undefined);
  });
}
