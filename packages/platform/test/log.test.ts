import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBase64url } from '@credence/core/encoding/base64url';
import { type AuditRecord, recordDigestOf } from '@credence/core/log/audit-records';
import { cosign, parseCheckpoint, verifyCheckpoint } from '@credence/core/log/checkpoint';
import { entryLeafHash, type LogEntry } from '@credence/core/log/entries';
import { consistent, type Receipt, verifyReceipt } from '@credence/core/log/receipt';
import { formatVerifierKey, parseNote } from '@credence/core/log/signed-note';
import { hashLeaf } from '@credence/core/merkle/hash';
import { rootFromInclusionProof, verifyInclusion } from '@credence/core/merkle/verify';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { expectedLinkEntries, expectedReportEntries } from '@credence/member/expected-entries';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callLink, type Harness, harness, report, tok } from './harness.js';

const json = <T = Record<string, unknown>>(res: { body: string }) => JSON.parse(res.body) as T;
const bytes = (b64url: string) => decodeBase64url(b64url) as Uint8Array;

interface BatchAnswer {
  batchId: string;
  receivedAt: string;
  log: Receipt | null;
  results: { index: number; status: string; id: string }[];
}

// One platform for the whole file: the describes below run in order against it, and later
// tests count on the log that earlier ones grew.
let h: Harness;
let vkey: string;

beforeAll(async () => {
  h = await harness({ db: join(mkdtempSync(join(tmpdir(), 'credence-log-')), 'p.sqlite') });
  vkey = json<{ vkey: string }>(await h.request(h.actors.bankA, 'GET', '/v1/log/key')).vkey;
});
afterAll(() => h.close());

describe('the transparency log over HTTP: entries and receipts', () => {
  it('logs the members and keys it enrolled, and signs a checkpoint of them', async () => {
    const res = await h.request(h.actors.auditor, 'GET', '/v1/log/checkpoint');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const { checkpoint } = verifyCheckpoint(res.body, { logKey: vkey });
    expect(checkpoint.origin).toBe('credence.local/log');
    // Seven members: each created, given a credential and a signing key; the key server
    // also bound to its share.
    expect(checkpoint.size).toBe(22);
    const entries = json<{ entries: string[] }>(
      await h.request(h.actors.auditor, 'GET', '/v1/log/entries?start=0'),
    ).entries.map((e) => JSON.parse(e) as LogEntry);
    expect(entries.map((e) => e.kind)).toEqual([
      ...Array.from({ length: 6 }, () => ['member_event', 'member_event', 'key_event']).flat(),
      'member_event',
      'member_event',
      'member_event',
      'key_event',
    ]);
    expect(entries[19]).toMatchObject({ member: 'keyserver-1', subject: 'keyserver-1' });
    expect(entries[19]?.digest).toBe(
      createHash('sha256').update('{"event":"share","shareIndex":1}').digest('base64url'),
    );
  });

  it('gives every write a receipt that its author verifies from its own data', async () => {
    const reports = [report('a-1', [1, 2]), report('a-2', [3]), report('a-1', [1, 2])];
    const res = await h.reports(h.actors.bankA, reports);
    expect(res.statusCode).toBe(200);
    const answer = json<BatchAnswer>(res);
    const receipt = answer.log as Receipt;
    // Two reports were new (the third repeats the first): two entries.
    expect(receipt).toMatchObject({ count: 2, size: receipt.index + 2 });
    const expected = expectedReportEntries(
      'bank-a',
      answer.batchId,
      answer.receivedAt,
      reports,
      answer.results,
    );
    expect(expected).toHaveLength(2);
    expect(verifyReceipt(receipt, expected, { logKey: vkey }).checkpoint.size).toBe(receipt.size);
    // Anything else than what was sent does not verify.
    const other = expectedReportEntries(
      'bank-a',
      answer.batchId,
      answer.receivedAt,
      [report('a-1', [1, 9]), reports[1] as never],
      answer.results,
    );
    expect(() => verifyReceipt(receipt, other, { logKey: vkey })).toThrow(/receipt/);
    expect(() => verifyReceipt(receipt, [...expected].reverse(), { logKey: vkey })).toThrow(
      /receipt/,
    );

    const links = [callLink(1, 2), callLink(3, 4)];
    const linkAnswer = json<BatchAnswer>(await h.links(h.actors.bankA, links));
    const linkEntries = expectedLinkEntries(
      'bank-a',
      linkAnswer.batchId,
      linkAnswer.receivedAt,
      links,
      linkAnswer.results,
    );
    expect(linkEntries).toHaveLength(1);
    verifyReceipt(linkAnswer.log as Receipt, linkEntries, { logKey: vkey });

    // A batch that adds nothing gets no receipt.
    expect(json<BatchAnswer>(await h.reports(h.actors.bankA, [reports[0] as never])).log).toBe(
      null,
    );
  });

  it('logs a retraction and returns its receipt', async () => {
    const answer = json<BatchAnswer>(await h.reports(h.actors.bankB, [report('b-1', [7])]));
    const id = answer.results[0]?.id as string;
    const res = await h.request(h.actors.bankB, 'POST', `/v1/reports/${id}/retract`, {
      reason: 'false_positive',
      note: 'entered by mistake',
    });
    expect(res.statusCode).toBe(200);
    const receipt = json<{ log: Receipt }>(res).log;
    expect(receipt.count).toBe(1);
    const entry = json<{ entries: string[] }>(
      await h.request(h.actors.bankB, 'GET', `/v1/log/entries?start=${receipt.index}`),
    ).entries[0] as string;
    expect(JSON.parse(entry)).toMatchObject({ kind: 'retraction', member: 'bank-b', subject: id });
    expect(entry).not.toContain('mistake');
  });
});

describe('the transparency log over HTTP: proofs', () => {
  it('serves inclusion and consistency proofs that verify against its checkpoints', async () => {
    for (let i = 0; i < 5; i++) await h.reports(h.actors.telecom, [report(`t-${i}`, [100 + i])]);
    const note = (await h.request(h.actors.auditor, 'GET', '/v1/log/checkpoint')).body;
    const latest = verifyCheckpoint(note, { logKey: vkey }).checkpoint;
    const entries = json<{ entries: string[] }>(
      await h.request(h.actors.auditor, 'GET', `/v1/log/entries?start=0&end=${latest.size}`),
    ).entries;
    expect(entries).toHaveLength(latest.size);
    for (const index of [0, 1, latest.size - 1, Math.floor(latest.size / 2)]) {
      const p = json<{ index: number; size: number; leafHash: string; proof: string[] }>(
        await h.request(
          h.actors.bankA,
          'GET',
          `/v1/log/proof/inclusion?index=${index}&size=${latest.size}`,
        ),
      );
      const leaf = hashLeaf(new TextEncoder().encode(entries[index] as string));
      expect(p.leafHash).toBe(Buffer.from(leaf).toString('base64url'));
      expect(verifyInclusion(index, latest.size, leaf, p.proof.map(bytes), latest.rootHash)).toBe(
        true,
      );
    }
    const history = json<{ checkpoints: { size: number; note: string }[] }>(
      await h.request(h.actors.auditor, 'GET', '/v1/log/checkpoints'),
    ).checkpoints;
    expect(history.length).toBeGreaterThan(5);
    for (const c of history) {
      const old = verifyCheckpoint(c.note, { logKey: vkey }).checkpoint;
      const p = json<{ proof: string[] }>(
        await h.request(
          h.actors.police,
          'GET',
          `/v1/log/proof/consistency?from=${old.size}&to=${latest.size}`,
        ),
      );
      expect(consistent(old, latest, p.proof.map(bytes))).toBe(true);
    }
  });

  it('refuses bad proof requests with a problem naming the field', async () => {
    const { size } = parseCheckpoint(
      parseNote((await h.request(h.actors.auditor, 'GET', '/v1/log/checkpoint')).body).text,
    );
    const cases: [string, string][] = [
      [`/v1/log/proof/inclusion?index=${size}&size=${size}`, 'index'],
      [`/v1/log/proof/inclusion?index=0&size=${size + 1}`, 'size'],
      ['/v1/log/proof/inclusion?index=-1&size=2', 'index'],
      ['/v1/log/proof/inclusion?index=01&size=2', 'index'],
      ['/v1/log/proof/inclusion?index=1', 'size'],
      ['/v1/log/proof/inclusion?index=1&size=99999999999999999', 'size'],
      [`/v1/log/proof/consistency?from=3&to=${size + 5}`, 'to'],
      ['/v1/log/proof/consistency?from=5&to=3', 'from'],
      ['/v1/log/entries?start=abc', 'start'],
      [`/v1/log/entries?start=${size + 1}`, 'start'],
    ];
    for (const [url, field] of cases) {
      const res = await h.request(h.actors.bankA, 'GET', url);
      expect(res.statusCode, url).toBe(400);
      expect(
        json<{ errors: { field: string }[] }>(res)
          .errors.map((e) => e.field)
          .join(','),
        url,
      ).toContain(field);
    }
    expect((await h.request(undefined, 'GET', '/v1/log/checkpoint')).statusCode).toBe(401);
  });
});

describe('the transparency log over HTTP: what entries hold, and check digests', () => {
  it('keeps entries free of tokens and raw data, and audit answers to auditors only', async () => {
    const { entries } = json<{ entries: string[] }>(
      await h.request(h.actors.auditor, 'GET', '/v1/log/entries?start=0'),
    );
    const text = entries.join('\n');
    expect(text).not.toMatch(/t0{20,}/);
    expect((await h.request(h.actors.bankA, 'GET', '/v1/audit/entries?start=0')).statusCode).toBe(
      403,
    );
    const audit = json<{ entries: { entry: string; record: AuditRecord | null }[] }>(
      await h.request(h.actors.auditor, 'GET', '/v1/audit/entries?start=0'),
    ).entries;
    // Every entry with a record is served what the store holds for it, which hashes to
    // the entry's digest; check digests have none.
    expect(audit.length).toBeGreaterThan(0);
    for (const { entry, record } of audit) {
      const e = JSON.parse(entry) as LogEntry;
      if (e.kind === 'check_digest') expect(record).toBe(null);
      else expect(recordDigestOf(e, record as AuditRecord)).toEqual({ digest: e.digest });
    }
  });

  it('logs a digest of every batch of checks, per member: each answer and what it was computed from', async () => {
    type Answer = {
      token: string;
      verdict: string;
      score: number;
      policyVersion: number;
      basis: { logSize: number; analysis: number | null; checkedAt: string; quality: null };
    };
    const one = json<Answer>(await h.request(h.actors.bankA, 'GET', `/v1/check/${tok(1)}`));
    const two = json<{ results: Answer[] }>(
      await h.request(h.actors.bankA, 'POST', '/v1/check', { tokens: [tok(2), tok(99)] }),
    ).results;
    await h.request(h.actors.police, 'GET', `/v1/check/${tok(3)}`);
    const appended = await h.platform.checkLedger.flush();
    expect(appended).toBe(2);
    const { size } = await h.platform.store.logHead();
    const entries = json<{ entries: string[] }>(
      await h.request(h.actors.auditor, 'GET', `/v1/log/entries?start=${size - 2}`),
    ).entries.map((e) => JSON.parse(e) as LogEntry);
    expect(entries.map((e) => [e.kind, e.member, e.subject.split('/')[1]])).toEqual([
      ['check_digest', 'bank-a', '3'],
      ['check_digest', 'police-1', '1'],
    ]);
    const answers = [one, ...two];
    expect(answers.map((a) => a.verdict)).toEqual(['suspicious', 'suspicious', 'clear']);
    // Every answer names the log size its summary rests on: the log had grown to it.
    for (const a of answers) {
      expect(a.basis.logSize).toBeGreaterThan(0);
      expect(a.basis.logSize).toBeLessThanOrEqual(size);
    }
    // The digest binds the tokens, the answers and their basis, in order, keyed with the
    // platform's check-digest key (derived from its signing key).
    const keyFile = JSON.parse(readFileSync(h.keyFile, 'utf8')) as { privateJwk: { d: string } };
    const key = createHash('sha256')
      .update('credence check digests\0')
      .update(keyFile.privateJwk.d)
      .digest();
    const line = (a: Answer) =>
      `${JSON.stringify([a.token, a.verdict, a.score, a.policyVersion, a.basis.logSize, a.basis.analysis, Date.parse(a.basis.checkedAt), a.basis.quality])}\n`;
    const digest = createHmac('sha256', key).update(answers.map(line).join('')).digest('base64url');
    expect(entries[0]?.digest).toBe(digest);
    // Another score under the same verdict is another digest.
    const other = createHmac('sha256', key)
      .update(answers.map((a, i) => line(i === 0 ? { ...a, score: a.score + 0.01 } : a)).join(''))
      .digest('base64url');
    expect(entries[0]?.digest).not.toBe(other);
    expect(await h.platform.checkLedger.flush()).toBe(0);
  });
});

describe("the transparency log over HTTP: key servers' evaluation counts", () => {
  it("logs key servers' evaluation counts as they grow, visibly", async () => {
    const post = (counts: { member: string; evaluations: number }[], day = '2026-11-20') =>
      h.request(h.actors.keyserver, 'POST', '/v1/log/oprf-usage', {
        keyId: 'k1',
        shareIndex: 1,
        day,
        counts,
      });
    const first = await post([
      { member: 'bank-a', evaluations: 1000 },
      { member: 'bank-b', evaluations: 0 },
    ]);
    expect(json(first)).toEqual({ logged: 1 });
    expect(json(await post([{ member: 'bank-a', evaluations: 1000 }]))).toEqual({ logged: 0 });
    expect(json(await post([{ member: 'bank-a', evaluations: 900 }]))).toEqual({ logged: 0 });
    expect(json(await post([{ member: 'bank-a', evaluations: 25_000 }]))).toEqual({ logged: 1 });
    const { size } = await h.platform.store.logHead();
    const entries = json<{ entries: string[] }>(
      await h.request(h.actors.auditor, 'GET', `/v1/log/entries?start=${size - 2}`),
    ).entries.map((e) => JSON.parse(e) as LogEntry);
    expect(entries.map((e) => [e.kind, e.member, e.subject])).toEqual([
      ['oprf_usage', 'bank-a', 'oprf/keyserver-1/k1/1/2026-11-20/1000'],
      ['oprf_usage', 'bank-a', 'oprf/keyserver-1/k1/1/2026-11-20/25000'],
    ]);
    for (const [body, field] of [
      [
        [
          { member: 'bank-a', evaluations: 30_000 },
          { member: 'bank-a', evaluations: 31_000 },
        ],
        'counts',
      ],
      [[{ member: 'Bank A', evaluations: 1 }], 'counts'],
    ] as const) {
      const res = await post([...body]);
      expect(res.statusCode).toBe(400);
      expect(JSON.stringify(json(res))).toContain(field);
    }
    const future = await post([{ member: 'bank-a', evaluations: 1 }], '2999-01-01');
    expect(json(future)).toMatchObject({ status: 400, errors: [{ field: 'day' }] });
    expect((await h.platform.store.logHead()).size).toBe(size);
  });

  it("refuses a key server's counts for another share, or for members that do not evaluate, changing nothing", async () => {
    const before = await h.platform.store.logHead();
    const post = (actor: typeof h.actors.keyserver, shareIndex: number, members: string[]) =>
      h.request(actor, 'POST', '/v1/log/oprf-usage', {
        keyId: 'k1',
        shareIndex,
        day: '2026-11-21',
        counts: members.map((member) => ({ member, evaluations: 40 })),
      });
    // keyserver-1 evaluates with share 1: it may not speak for share 3.
    const otherShare = await post(h.actors.keyserver, 3, ['bank-a']);
    expect(otherShare.statusCode).toBe(403);
    expect(json(otherShare)).toMatchObject({
      code: 'usage.share_mismatch',
      errors: [{ field: 'shareIndex' }],
    });
    // A member the platform does not know, and another key server (which does not
    // evaluate), refuse the whole report: bank-a's good count is not logged either.
    const unknown = await post(h.actors.keyserver, 1, ['bank-a', 'ghost-bank', 'keyserver-1']);
    expect(unknown.statusCode).toBe(400);
    expect(json(unknown)).toMatchObject({
      code: 'usage.member_unknown',
      errors: [{ field: 'counts[1].member' }, { field: 'counts[2].member' }],
    });
    expect(unknown.body).not.toContain('ghost-bank');
    // A key server enrolled without a share may report for none until the operator binds it.
    const { credential } = await h.platform.members.add({ id: 'keyserver-9', type: 'keyserver' });
    const unbound = { ...h.actors.keyserver, id: 'keyserver-9', credential };
    const refused = await post(unbound, 1, ['bank-a']);
    expect(refused.statusCode).toBe(403);
    expect(json(refused)).toMatchObject({
      code: 'usage.share_unbound',
      errors: [{ field: 'shareIndex' }],
    });
    // Nothing of it reached the log (beyond keyserver-9's enrolment) or the counts.
    const after = await h.platform.store.logHead();
    const added = json<{ entries: string[] }>(
      await h.request(h.actors.auditor, 'GET', `/v1/log/entries?start=${before.size}`),
    ).entries.map((e) => JSON.parse(e) as LogEntry);
    expect(added.map((e) => [e.kind, e.member])).toEqual([
      ['member_event', 'keyserver-9'],
      ['member_event', 'keyserver-9'],
    ]);
    expect(after.size).toBe(before.size + 2);
    // Bound now, it reports for its own share only.
    await h.platform.members.bindShare('keyserver-9', 3);
    expect(json(await post(unbound, 3, ['bank-a']))).toEqual({ logged: 1 });
    expect((await post(unbound, 1, ['bank-a'])).statusCode).toBe(403);
  });
});

describe('the transparency log over HTTP: witnesses', () => {
  it('collects cosignatures of its configured witnesses only', async () => {
    const note = (await h.request(h.actors.auditor, 'GET', '/v1/log/checkpoint')).body;
    const size = parseCheckpoint(parseNote(note).text).size;
    const res = await h.request(h.actors.auditor, 'POST', '/v1/log/cosignatures', {
      size,
      cosignature: '— stranger.example/w AAAA\n',
    });
    expect(res.statusCode).toBe(400);
    expect(json(res)).toMatchObject({ code: 'log.witness_unknown' });
    const leaf = entryLeafHash({
      kind: 'report',
      time: 'x',
      member: 'm',
      subject: 's',
      digest: 'd',
    });
    expect(rootFromInclusionProof(0, 1, leaf, [])).toEqual(leaf);
  });

  it('takes the cosignatures of a witness registered while it runs, and stops when it is removed', async () => {
    const key = generateEd25519();
    const signer = {
      name: 'late.example/w',
      publicKey: key.publicKey,
      privateKey: privateKeyFromJwk(key.privateJwk),
    };
    const vkey = formatVerifierKey(signer.name, signer.publicKey, 0x04);
    const cosignature = async () => {
      const note = (await h.request(h.actors.auditor, 'GET', '/v1/log/checkpoint')).body;
      const size = parseCheckpoint(parseNote(note).text).size;
      const line = cosign(parseNote(note).text, signer, Math.floor(Date.now() / 1000));
      return h.request(h.actors.auditor, 'POST', '/v1/log/cosignatures', {
        size,
        cosignature: line,
      });
    };
    expect(json(await cosignature())).toMatchObject({ code: 'log.witness_unknown' });
    // The operator registers it in the store (credence witnesses add): no restart.
    expect(await h.platform.store.addWitness(vkey, Date.now())).toBe(true);
    expect(await h.platform.store.addWitness(vkey, Date.now())).toBe(false);
    expect(await h.platform.store.listWitnesses()).toEqual([vkey]);
    const taken = await cosignature();
    expect(taken.statusCode, taken.body).toBe(200);
    const published = (await h.request(h.actors.auditor, 'GET', '/v1/log/checkpoint')).body;
    expect(() =>
      verifyCheckpoint(published, {
        logKey: h.platform.log.vkey,
        origin: h.platform.log.origin,
        witnesses: [vkey],
        requiredWitnesses: 1,
      }),
    ).not.toThrow();
    expect(await h.platform.store.removeWitness(vkey)).toBe(true);
    expect(await h.platform.store.removeWitness(vkey)).toBe(false);
    expect(json(await cosignature())).toMatchObject({ code: 'log.witness_unknown' });
  });
});
