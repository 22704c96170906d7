import { describe, expect, it } from 'vitest';
import { type RingDetail, ringGraphml, ringJson } from '../src/ring-export.js';

const ring: RingDetail = {
  id: 'ring-0123456789abcdef',
  score: 0.97,
  size: 3,
  categories: ['fake_investment'],
  explanation: 'Money through 3 accounts.',
  tokens: [
    { token: 'tokA', kind: 'bank_card', risk: 0.9, score: 0.95, why: { reported: true } },
    {
      token: 'tokB',
      kind: 'bank_card',
      risk: 0.7,
      why: { reported: false, via: 'transfer', from: 0 },
    },
    {
      token: 'tokC@1764000000000',
      kind: 'phone',
      risk: 0.5,
      former: true,
      why: { reported: false },
    },
  ],
  edges: [
    { from: 0, to: 1, type: 'transfer', count: 2 },
    { from: 1, to: 2, type: 'registered_with', count: 1 },
  ],
};
// The member knows tokA (a watched customer) and tokB (its own, with characters XML escapes).
const names = (token: string) =>
  token === 'tokA'
    ? { kind: 'bank_card', value: '6222021234567890128', watched: true }
    : token === 'tokB'
      ? { kind: 'bank_card', value: '<&"odd\u0001">', watched: false }
      : undefined;

describe('a ring exported with the member’s own names', () => {
  it('as JSON: nodes with yours where known, edges by index', () => {
    const json = ringJson(ring, names);
    expect(json.nodes).toHaveLength(3);
    expect(json.nodes[0]).toMatchObject({
      token: 'tokA',
      reported: true,
      score: 0.95,
      yours: { value: '6222021234567890128', watched: true },
    });
    expect(json.nodes[2]).not.toHaveProperty('yours');
    expect(json.nodes[2]).toMatchObject({ former: true });
    expect(json.edges).toEqual([
      { from: 0, to: 1, type: 'transfer', count: 2 },
      { from: 1, to: 2, type: 'registered_with', count: 1 },
    ]);
  });

  it('as GraphML: declared keys, every node and edge, text escaped', () => {
    const xml = ringGraphml(ring, names);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<graphml ')).toBe(true);
    expect(xml.match(/<node id="n\d+">/g)).toHaveLength(3);
    expect(xml.match(/<edge id="e\d+" source="n\d+" target="n\d+">/g)).toHaveLength(2);
    expect(xml).toContain(
      '<edge id="e0" source="n0" target="n1"><data key="type">transfer</data><data key="count">2</data></edge>',
    );
    expect(xml).toContain(
      '<data key="yours">6222021234567890128</data><data key="watched">true</data>',
    );
    expect(xml).toContain('<data key="yours">&lt;&amp;&quot;odd&quot;&gt;</data>');
    expect(xml).not.toContain('\u0001');
    // Every data key used is declared.
    const declared = new Set([...xml.matchAll(/<key id="(\w+)"/g)].map((m) => m[1]));
    for (const [, key] of xml.matchAll(/<data key="(\w+)">/g)) expect(declared).toContain(key);
    // Balanced: every element opened is closed.
    for (const tag of ['graphml', 'graph', 'node', 'edge', 'data'])
      expect(xml.split(`<${tag} `).length + xml.split(`<${tag}>`).length - 2).toBe(
        xml.split(`</${tag}>`).length - 1,
      );
  });
});
