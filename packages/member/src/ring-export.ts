import type { OwnName } from './own-index.js';

/** A ring as GET /v1/rings/{id} answers it (the parts an export needs). */
export interface RingDetail {
  readonly id: string;
  readonly score: number;
  readonly size: number;
  readonly categories: readonly string[];
  readonly explanation: string;
  readonly tokens: readonly {
    readonly token: string;
    readonly kind: string;
    readonly risk: number;
    readonly score?: number;
    readonly former?: boolean;
    readonly why: { readonly reported: boolean; readonly via?: string; readonly from?: number };
  }[];
  readonly edges: readonly {
    readonly from: number;
    readonly to: number;
    readonly type: string;
    readonly count: number;
  }[];
}

/** What a member knows of the ring's tokens: its own names, by token. */
export type Names = (token: string) => OwnName | undefined;

/**
 * A ring as JSON for a notebook or Cytoscape: nodes (token, kind, risk, ranked score,
 * reported, and the member's own identifier where it knows the token) and edges (by
 * node index, with type and count). The member's names are resolved here, locally.
 */
export function ringJson(ring: RingDetail, names: Names) {
  return {
    id: ring.id,
    score: ring.score,
    categories: ring.categories,
    explanation: ring.explanation,
    nodes: ring.tokens.map((t, i) => {
      const own = names(t.token);
      return {
        index: i,
        token: t.token,
        kind: t.kind,
        risk: t.risk,
        ...(t.score === undefined ? {} : { score: t.score }),
        reported: t.why.reported,
        ...(t.former === true ? { former: true } : {}),
        ...(own === undefined
          ? {}
          : { yours: { kind: own.kind, value: own.value, watched: own.watched } }),
      };
    }),
    edges: ring.edges.map((e) => ({ from: e.from, to: e.to, type: e.type, count: e.count })),
  };
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
/** Text for an XML attribute or element: escaped, and without characters XML 1.0 forbids. */
const xml = (text: string) =>
  text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing exactly those
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/[&<>"']/g, (c) => XML_ESCAPES[c] as string);

/**
 * A ring as GraphML (for Gephi, Cytoscape, yEd): a directed graph whose nodes carry kind,
 * risk, score, reported and — where the member knows the token — its own identifier
 * (`yours`) and whether it is a watched customer; edges carry type and count.
 */
export function ringGraphml(ring: RingDetail, names: Names): string {
  const keys = [
    ['kind', 'node', 'string'],
    ['token', 'node', 'string'],
    ['risk', 'node', 'double'],
    ['score', 'node', 'double'],
    ['reported', 'node', 'boolean'],
    ['label', 'node', 'string'],
    ['yours', 'node', 'string'],
    ['watched', 'node', 'boolean'],
    ['type', 'edge', 'string'],
    ['count', 'edge', 'int'],
  ] as const;
  const data = (key: string, value: string | number | boolean) =>
    `<data key="${key}">${xml(String(value))}</data>`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ...keys.map(
      ([id, target, type]) =>
        `  <key id="${id}" for="${target}" attr.name="${id}" attr.type="${type}"/>`,
    ),
    `  <graph id="${xml(ring.id)}" edgedefault="directed">`,
  ];
  ring.tokens.forEach((t, i) => {
    const own = names(t.token);
    const label =
      own === undefined ? `${t.kind} ${t.token.slice(0, 8)}…` : `${own.kind} ${own.value}`;
    lines.push(
      `    <node id="n${i}">${[
        data('kind', t.kind),
        data('token', t.token),
        data('risk', t.risk),
        ...(t.score === undefined ? [] : [data('score', t.score)]),
        data('reported', t.why.reported),
        data('label', label),
        ...(own === undefined ? [] : [data('yours', own.value), data('watched', own.watched)]),
      ].join('')}</node>`,
    );
  });
  ring.edges.forEach((e, i) => {
    lines.push(
      `    <edge id="e${i}" source="n${e.from}" target="n${e.to}">${data('type', e.type)}${data('count', e.count)}</edge>`,
    );
  });
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}
