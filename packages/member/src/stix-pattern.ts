/**
 * The STIX 2.1 patterning language (STIX 2.1 §9), read as far as an import needs it: every
 * comparison expression of a pattern, with its object path, operator and literal, whatever
 * the AND, OR, FOLLOWEDBY and qualifiers around it. The whole pattern is checked against
 * the grammar first (OASIS's STIXPattern.g4), so that a malformed pattern is refused as
 * one rather than half read: what it would have said is unknown.
 *
 * The input comes from other parties' tools, so the reader is bounded: a pattern longer
 * than MAX_PATTERN_CHARS or nested deeper than MAX_PATTERN_DEPTH is refused, and
 * conjunctions and disjunctions are read in loops, not by recursion.
 */

/** Longest pattern read: far above any real indicator (2,000 URLs OR'ed are about 200 kB). */
export const MAX_PATTERN_CHARS = 1 << 20;
/** Deepest nesting of brackets and parentheses read. */
export const MAX_PATTERN_DEPTH = 64;

/** A literal on the right of a comparison. */
export type PatternLiteral =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'number' | 'binary' | 'hex' | 'timestamp'; readonly text: string }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'set'; readonly items: readonly PatternLiteral[] };

export type PatternOperator =
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'IN'
  | 'LIKE'
  | 'MATCHES'
  | 'ISSUBSET'
  | 'ISSUPERSET'
  | 'EXISTS';

/** One comparison expression, `object-type:property op literal`. */
export interface Comparison {
  readonly objectType: string;
  /** The path after the colon: `value`, `dst_ref.value`, `hashes.'SHA-256'`, `to_refs[*].value`. */
  readonly property: string;
  readonly operator: PatternOperator;
  /** Preceded by NOT. */
  readonly negated: boolean;
  /** Absent for EXISTS. */
  readonly literal?: PatternLiteral;
  /**
   * For a `…_ref.value` path: the type a sibling comparison of the same conjunction gives
   * that reference (`network-traffic:dst_ref.type = 'domain-name'`), which says what the
   * value is.
   */
  readonly refType?: string;
  /** This comparison is such a `…_ref.type` that typed a sibling's reference. */
  readonly typesSibling?: true;
}

export type ParsedPattern =
  | { readonly ok: true; readonly comparisons: readonly Comparison[] }
  | { readonly ok: false; readonly message: string };

type Token =
  | { readonly t: 'punct'; readonly v: '[' | ']' | '(' | ')' | ',' | ':' | '.' | '*' }
  | { readonly t: 'op'; readonly v: '=' | '!=' | '<' | '<=' | '>' | '>=' }
  | { readonly t: 'word'; readonly v: string }
  | { readonly t: 'string'; readonly v: string }
  | { readonly t: 'number'; readonly v: string }
  | { readonly t: 'typed'; readonly kind: 'binary' | 'hex' | 'timestamp'; readonly v: string }
  | { readonly t: 'end' };

/** A pattern that breaks the grammar; the message names the rule, never the pattern's text. */
class PatternSyntaxError extends Error {}

function fail(message: string): never {
  throw new PatternSyntaxError(message);
}

const TYPED_PREFIX: Readonly<Record<string, 'binary' | 'hex' | 'timestamp'>> = {
  b: 'binary',
  h: 'hex',
  t: 'timestamp',
};
const TYPED_FORM: Readonly<Record<'binary' | 'hex' | 'timestamp', RegExp>> = {
  binary: /^[A-Za-z0-9+/]*={0,2}$/,
  hex: /^(?:[0-9A-Fa-f]{2})*$/,
  timestamp: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/,
};

/**
 * A string literal from its opening quote at `start`: its value and where it ends. Only
 * `\'` and `\\` are escapes (§9.2); any other backslash breaks the grammar.
 */
function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === "'") return { value, end: i + 1 };
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== "'" && next !== '\\')
        fail("a backslash in a string may only escape ' or \\ (write \\' or \\\\)");
      value += next;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  return fail('a string is not closed');
}

/** Skips a comment from `at` (which starts one), returning where it ends. */
function skipComment(text: string, at: number): number {
  if (text.startsWith('//', at)) {
    const end = text.indexOf('\n', at);
    return end < 0 ? text.length : end + 1;
  }
  const end = text.indexOf('*/', at + 2);
  return end < 0 ? fail('a comment is not closed') : end + 2;
}

const WORD = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NUMBER = /[+-]?(?:\d+(?:\.\d+)?|\.\d+)/y;
const OPERATOR = /==|!=|<>|<=|>=|=|<|>/y;
const PUNCT = new Set(['[', ']', '(', ')', ',', ':', '.', '*']);

/** The pattern as tokens, ending with `end`. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const sticky = (re: RegExp) => {
    re.lastIndex = i;
    return re.exec(text)?.[0];
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (text.startsWith('//', i) || text.startsWith('/*', i)) {
      i = skipComment(text, i);
      continue;
    }
    if (c === "'") {
      const s = readString(text, i);
      tokens.push({ t: 'string', v: s.value });
      i = s.end;
      continue;
    }
    const word = sticky(WORD);
    if (word !== undefined) {
      const typed = TYPED_PREFIX[word];
      if (typed !== undefined && text[i + 1] === "'") {
        const s = readString(text, i + 1);
        if (!TYPED_FORM[typed].test(s.value)) fail(`a ${typed} literal is not well formed`);
        tokens.push({ t: 'typed', kind: typed, v: s.value });
        i = s.end;
        continue;
      }
      tokens.push({ t: 'word', v: word });
      i += word.length;
      continue;
    }
    const number = sticky(NUMBER);
    if (number !== undefined) {
      tokens.push({ t: 'number', v: number });
      i += number.length;
      continue;
    }
    const op = sticky(OPERATOR);
    if (op !== undefined) {
      const v = op === '==' ? '=' : op === '<>' ? '!=' : op;
      tokens.push({ t: 'op', v: v as '=' | '!=' | '<' | '<=' | '>' | '>=' });
      i += op.length;
      continue;
    }
    if (PUNCT.has(c)) {
      tokens.push({ t: 'punct', v: c as '[' | ']' | '(' | ')' | ',' | ':' | '.' | '*' });
      i++;
      continue;
    }
    fail('a character that is not part of the patterning language');
  }
  tokens.push({ t: 'end' });
  return tokens;
}

/** The keyword operators that may follow an object path (case-insensitive, as the grammar). */
const WORD_OPERATORS = new Set(['IN', 'LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']);

/** A comparison before the conjunction around it has typed its references. */
type Test = Omit<Comparison, 'refType' | 'typesSibling'>;

/** Recursive descent over the tokens; each method consumes what its rule matches. */
class PatternReader {
  private at = 0;
  private depth = 0;
  readonly comparisons: Comparison[] = [];

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.at] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.t !== 'end') this.at++;
    return token;
  }

  private isPunct(v: string): boolean {
    const token = this.peek();
    return token.t === 'punct' && token.v === v;
  }

  private isWord(keyword: string): boolean {
    const token = this.peek();
    return token.t === 'word' && token.v.toUpperCase() === keyword;
  }

  private expectPunct(v: string, rule: string): void {
    if (!this.isPunct(v)) fail(rule);
    this.next();
  }

  private expectWord(keyword: string, rule: string): void {
    if (!this.isWord(keyword)) fail(rule);
    this.next();
  }

  private enter(): void {
    if (++this.depth > MAX_PATTERN_DEPTH)
      fail(`brackets and parentheses are nested deeper than ${MAX_PATTERN_DEPTH}`);
  }

  /** pattern: observationExpressions EOF */
  pattern(): void {
    this.observations();
    if (this.peek().t !== 'end') fail('text follows the end of the pattern');
  }

  /**
   * observationExpressions: observations joined by FOLLOWEDBY, OR and AND. Their
   * precedence does not change which comparisons a pattern holds, so it is not modelled.
   */
  private observations(): void {
    this.qualifiedObservation();
    while (this.isWord('FOLLOWEDBY') || this.isWord('OR') || this.isWord('AND')) {
      this.next();
      this.qualifiedObservation();
    }
  }

  /** observationExpression followed by any qualifiers. */
  private qualifiedObservation(): void {
    this.observation();
    for (;;) {
      if (this.isWord('WITHIN')) {
        this.next();
        if (this.next().t !== 'number') fail('WITHIN takes a number of seconds');
        this.expectWord('SECONDS', 'WITHIN n is followed by SECONDS');
      } else if (this.isWord('REPEATS')) {
        this.next();
        if (this.next().t !== 'number') fail('REPEATS takes a number of times');
        this.expectWord('TIMES', 'REPEATS n is followed by TIMES');
      } else if (this.isWord('START')) {
        this.next();
        this.timestamp('START');
        this.expectWord('STOP', "START t'…' is followed by STOP t'…'");
        this.timestamp('STOP');
      } else return;
    }
  }

  private timestamp(keyword: string): void {
    const token = this.next();
    if (token.t !== 'typed' || token.kind !== 'timestamp') fail(`${keyword} takes a t'…' time`);
  }

  /** '[' comparisonExpression ']' | '(' observationExpressions ')' */
  private observation(): void {
    this.enter();
    if (this.isPunct('[')) {
      this.next();
      this.comparisonOr();
      this.expectPunct(']', 'a comparison expression is not closed with ]');
    } else if (this.isPunct('(')) {
      this.next();
      this.observations();
      this.expectPunct(')', 'an observation expression is not closed with )');
    } else fail('an observation expression starts with [ or (');
    this.depth--;
  }

  /** comparisonExpression: conjunctions joined by OR. */
  private comparisonOr(): void {
    this.comparisonAnd();
    while (this.isWord('OR')) {
      this.next();
      this.comparisonAnd();
    }
  }

  /**
   * comparisonExpressionAnd: property tests joined by AND. Its direct tests are one
   * conjunction, where a `x_ref.type = '…'` types the reference of a sibling's `x_ref.value`.
   */
  private comparisonAnd(): void {
    const direct: Test[] = [];
    const collect = () => {
      const test = this.propTest();
      if (test !== undefined) direct.push(test);
    };
    collect();
    while (this.isWord('AND')) {
      this.next();
      collect();
    }
    // A loop, not push(...): a conjunction may hold more tests than a call takes arguments.
    for (const c of typeReferences(direct)) this.comparisons.push(c);
  }

  /** propTest: a comparison, EXISTS path, or a parenthesized comparisonExpression (undefined). */
  private propTest(): Test | undefined {
    if (this.isPunct('(')) {
      this.enter();
      this.next();
      this.comparisonOr();
      this.expectPunct(')', 'a parenthesized comparison is not closed with )');
      this.depth--;
      return undefined;
    }
    if (this.isWord('EXISTS')) {
      this.next();
      return { ...this.objectPath(), operator: 'EXISTS', negated: false };
    }
    const path = this.objectPath();
    const negated = this.isWord('NOT');
    if (negated) this.next();
    const token = this.next();
    if (token.t === 'op') return { ...path, operator: token.v, negated, literal: this.literal() };
    const keyword = token.t === 'word' ? token.v.toUpperCase() : '';
    if (!WORD_OPERATORS.has(keyword)) return fail('an object path is followed by an operator');
    const literal = keyword === 'IN' ? this.set() : this.literal();
    if (keyword !== 'IN' && literal.type !== 'string') fail(`${keyword} takes a string`);
    return { ...path, operator: keyword as PatternOperator, negated, literal };
  }

  /** objectPath: object-type ':' first component, then .name, .'name', [n] or [*]. */
  private objectPath(): { objectType: string; property: string } {
    const type = this.next();
    if (type.t !== 'word') fail('a comparison starts with an object type such as url');
    this.expectPunct(':', 'an object type is followed by : and a property');
    let property = this.component();
    for (;;) {
      if (this.isPunct('.')) {
        this.next();
        property += `.${this.component()}`;
      } else if (this.isPunct('[')) {
        this.next();
        const index = this.next();
        const whole = index.t === 'number' && /^[+-]?\d+$/.test(index.v);
        if (!whole && !(index.t === 'punct' && index.v === '*'))
          fail('a list index is a whole number or *');
        this.expectPunct(']', 'a list index is closed with ]');
        property += `[${whole ? index.v : '*'}]`;
      } else return { objectType: type.v, property };
    }
  }

  /** A property name: an identifier, or a quoted name (kept quoted: `'SHA-256'`). */
  private component(): string {
    const token = this.next();
    if (token.t === 'word') return token.v;
    if (token.t === 'string') return `'${token.v}'`;
    return fail('a property name is an identifier or a quoted name');
  }

  private literal(): PatternLiteral {
    const token = this.next();
    switch (token.t) {
      case 'string':
        return { type: 'string', value: token.v };
      case 'number':
        return { type: 'number', text: token.v };
      case 'typed':
        return { type: token.kind, text: token.v };
      case 'word': {
        const word = token.v.toLowerCase();
        if (word === 'true' || word === 'false') return { type: 'boolean', value: word === 'true' };
        return fail('an operator is followed by a literal');
      }
      default:
        return fail('an operator is followed by a literal');
    }
  }

  /** setLiteral: '(' ')' or '(' literal (',' literal)* ')' */
  private set(): PatternLiteral {
    this.expectPunct('(', "IN takes a set such as ('a', 'b')");
    const items: PatternLiteral[] = [];
    if (!this.isPunct(')')) {
      items.push(this.literal());
      while (this.isPunct(',')) {
        this.next();
        items.push(this.literal());
      }
    }
    this.expectPunct(')', 'a set is closed with )');
    return { type: 'set', items };
  }
}

/**
 * The tests of one conjunction with their references typed: `x_ref.value` takes the type
 * a sibling `x_ref.type = '…'` gives it (MISP writes `(network-traffic:dst_ref.type =
 * 'domain-name' AND network-traffic:dst_ref.value = '…')`).
 */
function typeReferences(tests: readonly Test[]): Comparison[] {
  const typeOf = new Map<string, number>();
  tests.forEach((t, i) => {
    const ref = /^(.*_refs?(?:\[[^\]]*\])?)\.type$/.exec(t.property)?.[1];
    if (ref !== undefined && t.operator === '=' && !t.negated && t.literal?.type === 'string')
      typeOf.set(`${t.objectType}:${ref}`, i);
  });
  const typing = new Set<number>();
  const typed = tests.map((t): Comparison => {
    const ref = /^(.*_refs?(?:\[[^\]]*\])?)\.value$/.exec(t.property)?.[1];
    const at = ref === undefined ? undefined : typeOf.get(`${t.objectType}:${ref}`);
    const literal = at === undefined ? undefined : tests[at]?.literal;
    if (at === undefined || literal?.type !== 'string') return t;
    typing.add(at);
    return { ...t, refType: literal.value };
  });
  return typed.map((t, i) => (typing.has(i) ? { ...t, typesSibling: true } : t));
}

/**
 * Every comparison expression of a STIX pattern, or why the pattern cannot be read. The
 * order is fixed (a conjunction's tests after those of the groups inside it), so the same
 * pattern always gives the same list. Operators are returned as written: the caller
 * decides which it takes.
 */
export function parseStixPattern(text: string): ParsedPattern {
  if (text.length > MAX_PATTERN_CHARS)
    return { ok: false, message: `the pattern is longer than ${MAX_PATTERN_CHARS} characters` };
  try {
    const reader = new PatternReader(tokenize(text));
    reader.pattern();
    return { ok: true, comparisons: reader.comparisons };
  } catch (error) {
    if (error instanceof PatternSyntaxError) return { ok: false, message: error.message };
    throw error;
  }
}
