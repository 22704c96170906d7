import { describe, expect, it } from 'vitest';
import {
  type Comparison,
  MAX_PATTERN_CHARS,
  MAX_PATTERN_DEPTH,
  parseStixPattern,
} from '../src/stix-pattern.js';

/** The comparisons of a pattern that must parse. */
function comparisons(pattern: string): readonly Comparison[] {
  const parsed = parseStixPattern(pattern);
  if (!parsed.ok) throw new Error(`did not parse: ${parsed.message}`);
  return parsed.comparisons;
}

/** `type:property op value` of each comparison, for short assertions. */
const brief = (pattern: string) =>
  comparisons(pattern).map((c) => {
    const literal = c.literal;
    const value =
      literal === undefined
        ? ''
        : literal.type === 'string'
          ? literal.value
          : literal.type === 'set'
            ? `(${literal.items.length})`
            : 'value' in literal
              ? String(literal.value)
              : literal.text;
    return `${c.objectType}:${c.property} ${c.negated ? 'NOT ' : ''}${c.operator} ${value}`.trim();
  });

describe('the STIX pattern reader', () => {
  it('reads one comparison of each kind an import takes', () => {
    expect(brief("[url:value = 'https://tuikuan-kefu.top/a']")).toEqual([
      'url:value = https://tuikuan-kefu.top/a',
    ]);
    expect(brief("[domain-name:value = 'tuikuan-kefu.top']")).toEqual([
      'domain-name:value = tuikuan-kefu.top',
    ]);
    expect(brief("[x-phone-number:value = '+86 138 2233 4455']")).toEqual([
      'x-phone-number:value = +86 138 2233 4455',
    ]);
  });

  it("unescapes \\' and \\\\ in strings, and refuses any other escape", () => {
    expect(brief("[url:value = 'https://a.top/it\\'s\\\\here']")).toEqual([
      "url:value = https://a.top/it's\\here",
    ]);
    expect(brief("[x-phone-number:value = '\\'\\'']")).toEqual(["x-phone-number:value = ''"]);
    const bad = parseStixPattern("[url:value = 'https://a.top/\\n']");
    expect(bad).toEqual({
      ok: false,
      message: "a backslash in a string may only escape ' or \\ (write \\' or \\\\)",
    });
    expect(parseStixPattern("[url:value = 'open]")).toMatchObject({
      ok: false,
      message: 'a string is not closed',
    });
  });

  it('reads every comparison under AND and OR, inside and between observation expressions', () => {
    expect(
      brief(
        "[url:value = 'https://a.top/' OR domain-name:value = 'a.top'] AND [email-addr:value = 'x@a.top'] OR ([ipv4-addr:value = '45.77.12.34'] FOLLOWEDBY [ipv6-addr:value = '2a05:d014::7'])",
      ),
    ).toEqual([
      'url:value = https://a.top/',
      'domain-name:value = a.top',
      'email-addr:value = x@a.top',
      'ipv4-addr:value = 45.77.12.34',
      'ipv6-addr:value = 2a05:d014::7',
    ]);
  });

  it('takes keywords in any case, == and <> as = and !=, and skips comments', () => {
    expect(
      brief(
        "[url:value == 'https://a.top/' or url:value <> 'https://b.top/'] and /* note */ [domain-name:value = 'c.top'] // end",
      ),
    ).toEqual([
      'url:value = https://a.top/',
      'url:value != https://b.top/',
      'domain-name:value = c.top',
    ]);
  });

  it('reads qualifiers without taking anything from them', () => {
    expect(
      brief(
        "[url:value = 'https://a.top/'] REPEATS 5 TIMES WITHIN 600 SECONDS AND [domain-name:value = 'b.top'] START t'2026-01-01T00:00:00Z' STOP t'2026-02-01T00:00:00.5Z'",
      ),
    ).toEqual(['url:value = https://a.top/', 'domain-name:value = b.top']);
    expect(parseStixPattern("[url:value = 'x'] WITHIN SECONDS")).toMatchObject({ ok: false });
  });

  it('returns other operators, NOT and literal types as written, for the caller to refuse', () => {
    expect(
      brief(
        "[domain-name:value LIKE '%.top' OR url:value MATCHES '^https?://' OR ipv4-addr:value ISSUBSET '45.77.0.0/16' OR ipv4-addr:value ISSUPERSET '45.77.12.34' OR domain-name:value IN ('a.top', 'b.top') OR url:value NOT = 'https://a.top/' OR file:size > 1024 OR EXISTS email-addr:display_name OR artifact:payload_bin = b'aGk=' OR file:hashes.'SHA-256' = h'00ff' OR x-flag:on = true]",
      ),
    ).toEqual([
      'domain-name:value LIKE %.top',
      'url:value MATCHES ^https?://',
      'ipv4-addr:value ISSUBSET 45.77.0.0/16',
      'ipv4-addr:value ISSUPERSET 45.77.12.34',
      'domain-name:value IN (2)',
      'url:value NOT = https://a.top/',
      'file:size > 1024',
      'email-addr:display_name EXISTS',
      'artifact:payload_bin = aGk=',
      "file:hashes.'SHA-256' = 00ff",
      'x-flag:on = true',
    ]);
  });

  it('reads object paths with quoted names, list indexes and references', () => {
    expect(
      brief(
        "[email-message:reply_to_refs[0].value = 'a@b.top' AND email-message:to_refs[*].value = 'c@d.top' AND windows-registry-key:values[-1].name = 'k']",
      ),
    ).toEqual([
      'email-message:reply_to_refs[0].value = a@b.top',
      'email-message:to_refs[*].value = c@d.top',
      'windows-registry-key:values[-1].name = k',
    ]);
  });

  it("types a reference's value by its sibling's type, in the same conjunction only", () => {
    const typed = comparisons(
      "[(network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'a.top') AND network-traffic:src_ref.value = '45.77.12.34' AND network-traffic:dst_port = 443]",
    );
    expect(typed.map((c) => [c.property, c.refType, c.typesSibling])).toEqual([
      ['dst_ref.type', undefined, true],
      ['dst_ref.value', 'domain-name', undefined],
      ['src_ref.value', undefined, undefined],
      ['dst_port', undefined, undefined],
    ]);
    // In another conjunction (across OR) a type says nothing of the value.
    const apart = comparisons(
      "[network-traffic:dst_ref.type = 'domain-name' OR network-traffic:dst_ref.value = '45.77.12.34']",
    );
    expect(apart.map((c) => c.refType)).toEqual([undefined, undefined]);
  });

  it('keeps text that is not ASCII (Chinese, astral characters) as written', () => {
    expect(brief("[domain-name:value = '客服.中国' AND x-note:text = '𠮷野家']")).toEqual([
      'domain-name:value = 客服.中国',
      'x-note:text = 𠮷野家',
    ]);
  });

  it('refuses what breaks the grammar, naming the rule and never the text', () => {
    for (const pattern of [
      '',
      "url:value = 'https://a.top/'",
      "[url:value = 'https://a.top/'",
      "[url:value 'https://a.top/']",
      "[url = 'https://a.top/']",
      "[url:value = 'a'] [url:value = 'b']",
      "[url:value = 'a'] AND",
      '[url:value LIKE 5]',
      "[url:value IN 'a']",
      "[url:value[x] = 'a']",
      "[url:value = h'0']",
      "[url:value = t'yesterday']",
      "[url:value = 'a'] § ",
      '/* unclosed',
    ]) {
      const parsed = parseStixPattern(pattern);
      expect(parsed.ok, pattern).toBe(false);
      if (!parsed.ok && pattern.length > 0)
        expect(parsed.message, pattern).not.toContain('https://a.top/');
    }
  });

  it('is bounded: refuses a pattern too long or nested too deep, and reads long conjunctions', () => {
    const deep = `${'('.repeat(MAX_PATTERN_DEPTH)}[url:value = 'a']${')'.repeat(MAX_PATTERN_DEPTH)}`;
    expect(parseStixPattern(deep)).toMatchObject({
      ok: false,
      message: `brackets and parentheses are nested deeper than ${MAX_PATTERN_DEPTH}`,
    });
    const nested = `${'('.repeat(10_000)}`;
    expect(parseStixPattern(nested)).toMatchObject({ ok: false });
    expect(parseStixPattern(`[url:value = '${'a'.repeat(MAX_PATTERN_CHARS)}']`)).toMatchObject({
      ok: false,
      message: `the pattern is longer than ${MAX_PATTERN_CHARS} characters`,
    });
    const wide = Array.from({ length: 5000 }, (_, i) => `url:value = 'https://a.top/${i}'`);
    expect(comparisons(`[${wide.join(' OR ')}]`)).toHaveLength(5000);
    // As many tests in one conjunction as the bound lets a pattern hold.
    const conjunction = Array.from({ length: 100_000 }, () => 'x:y=1').join(' AND ');
    expect(conjunction.length).toBeLessThan(MAX_PATTERN_CHARS);
    expect(comparisons(`[${conjunction}]`)).toHaveLength(100_000);
  });
});
