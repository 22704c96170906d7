import {
  type EvidencePackage,
  verifyEvidencePackage,
} from '@credence/core/evidence/evidence-package';
import { cosign } from '@credence/core/log/checkpoint';
import {
  appendSignatures,
  formatVerifierKey,
  type NoteSigner,
} from '@credence/core/log/signed-note';
import { GrantOpener, GrantSealer, type SealedGrant } from '@credence/core/sealing/grant';
import { generateSealingKeys, type SealingKeys } from '@credence/core/sealing/hpke';
import {
  type BoundReport,
  DetailKeys,
  DetailSealer,
  detailBinding,
  openDetailFile,
  openWithKey,
  type SealedDetail,
} from '@credence/core/sealing/sealed-detail';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, type Harness, harness, report, tok } from './harness.js';

/**
 * Police cases and owner-approved disclosure over the HTTP API (issue 15, docs/cases.md):
 * sealed details that only the investigator's key opens once the owner grants, every
 * step and every refusal in the log, and the abuse the issue lists.
 */

let h: Harness;
let now = Date.now();
const keys: Record<string, SealingKeys> = {};
let investigator: SealingKeys;

const json = <T>(res: { body: string }) => JSON.parse(res.body) as T;
const DAY = 86_400_000;

interface CaseJson {
  id: string;
  status: string;
  items: number;
  reports: number;
  recipient: string;
}
interface DisclosureJson {
  id: string;
  case: string;
  owner: string;
  report: string;
  status: string;
  recipient: string;
  record?: { ref: string; sealed?: SealedDetail } & Record<string, unknown>;
  grant?: SealedGrant;
}

const bound = (r: TokenizedReport): BoundReport => ({ ...r, occurredAt: Date.parse(r.occurredAt) });

/** What a stored report's sealed detail is bound to, from the report as the API shows it. */
const bindingOf = (record: NonNullable<DisclosureJson['record']>) =>
  detailBinding(bound(record as unknown as TokenizedReport));

/** A report whose narrative and exact loss are sealed to its member's key. */
async function sealedReport(member: string, r: TokenizedReport, narrative: string) {
  const sealer = await DetailSealer.create((keys[member] as SealingKeys).publicKey);
  return {
    ...r,
    sealed: await sealer.seal(detailBinding(bound(r)), { narrative, lossCny: 52_000 }),
  };
}

const openCase = (actor: Actor, expiresIn = 30 * DAY, recipient = investigator.publicKey) =>
  h.request(actor, 'POST', '/v1/cases', {
    basis: {
      type: 'court_order',
      caseNumber: 'SZ-2026-0042',
      statute: 'Criminal Law art. 266',
      approvedBy: 'Judge Wang',
      expiresAt: new Date(now + expiresIn).toISOString(),
    },
    recipient,
  });

/** What the owner's agent does: the report's data key, re-sealed to the case's recipient. */
async function grantFor(owner: string, d: DisclosureJson, recipient = d.recipient) {
  const record = d.record as NonNullable<DisclosureJson['record']>;
  const binding = bindingOf(record);
  const dataKey = await (await DetailKeys.create((keys[owner] as SealingKeys).privateKey)).key(
    binding,
    record.sealed as SealedDetail,
  );
  const grant = await (await GrantSealer.create(recipient)).seal(
    { disclosure: d.id, case: d.case, recipient, detail: binding },
    dataKey,
  );
  return { recipient, grant };
}

/** What the investigator does with a granted request: fetch it, open the grant's data key. */
async function fetchGranted(id: string) {
  const fetched = json<DisclosureJson>(
    await h.request(h.actors.police, 'GET', `/v1/disclosures/${id}`),
  );
  const record = fetched.record as NonNullable<DisclosureJson['record']>;
  const binding = bindingOf(record);
  const dataKey = await (await GrantOpener.create(investigator.privateKey)).dataKey(
    {
      disclosure: fetched.id,
      case: fetched.case,
      recipient: investigator.publicKey,
      detail: binding,
    },
    fetched.grant as SealedGrant,
  );
  return { record, binding, dataKey };
}

const caseSteps = async () => {
  const entries = json<{ entries: string[] }>(
    await h.request(h.actors.auditor, 'GET', '/v1/log/entries?start=0'),
  ).entries.map((t) => JSON.parse(t) as { kind: string; member: string; subject: string });
  return entries.filter((e) => e.kind === 'case_event');
};

/** The suite on a store: SQLite (db undefined) or a PostgreSQL URL. */
export function describeCases(name: string, db: () => Promise<string | undefined>): void {
  describe(`police cases and disclosures (${name})`, () => {
    beforeAll(setUp(db));
    afterAll(async () => h.close());
    describeCaseFlow();
    describeDecisions();
    describeRefusals();
    describeLapses();
    describeHostile();
    describeEvidence();
    describeEvidenceFiles();
  });
}

const setUp = (db: () => Promise<string | undefined>) => async () => {
  const url = await db();
  h = await harness({
    ...(url === undefined ? {} : { db: url }),
    config: { caseClock: () => now },
  });
  for (const id of ['bank-a', 'bank-b']) keys[id] = await generateSealingKeys();
  investigator = await generateSealingKeys();
  const a = await sealedReport('bank-a', report('a1', [1, 2]), 'he said he was from the police');
  const b = await sealedReport('bank-b', report('b1', [2, 3]), 'a refund call, then the card');
  expect((await h.reports(h.actors.bankA, [a])).statusCode).toBe(200);
  expect((await h.reports(h.actors.bankB, [b])).statusCode).toBe(200);
  expect((await h.reports(h.actors.telecom, [report('t1', [9])])).statusCode).toBe(200);
};

let c: CaseJson;
/** The case of the first describes, from opening to closing. */
let flow: CaseJson;
let asked: DisclosureJson[];

const describeCaseFlow = () =>
  describe('a case from opening to the requests its owners see', () => {
    it('opens a case with a legal basis; only its police member sees it, auditors see every case', async () => {
      const res = await openCase(h.actors.police);
      expect(res.statusCode, res.body).toBe(201);
      c = json<CaseJson>(res);
      flow = c;
      expect(c).toMatchObject({
        status: 'open',
        items: 0,
        reports: 0,
        recipient: investigator.publicKey,
      });
      expect((await h.request(h.actors.police, 'GET', `/v1/cases/${c.id}`)).statusCode).toBe(200);
      expect((await h.request(h.actors.auditor, 'GET', `/v1/cases/${c.id}`)).statusCode).toBe(200);
      expect((await h.request(h.actors.bankA, 'GET', `/v1/cases/${c.id}`)).statusCode).toBe(403);
      const cases = json<{ cases: CaseJson[] }>(
        await h.request(h.actors.auditor, 'GET', '/v1/cases'),
      );
      expect(cases.cases.map((x) => x.id)).toContain(c.id);
    });

    it('attaches a token and brings in every standing report naming it, once', async () => {
      const res = await h.request(h.actors.police, 'POST', `/v1/cases/${c.id}/items`, {
        items: [{ kind: 'token', id: tok(2) }],
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(json(res)).toEqual({ attached: 1, reports: 2 });
      const again = await h.request(h.actors.police, 'POST', `/v1/cases/${c.id}/items`, {
        items: [{ kind: 'token', id: tok(2) }],
      });
      expect(json(again)).toEqual({ attached: 0, reports: 0 });
      const listed = json<{ reports: { member: string }[] }>(
        await h.request(h.actors.police, 'GET', `/v1/cases/${c.id}/items`),
      );
      expect(listed.reports.map((r) => r.member)).toEqual(['bank-a', 'bank-b']);
    });

    it('asks for every report of the case; each owner sees only the request for its own', async () => {
      const res = await h.request(h.actors.police, 'POST', '/v1/disclosures', { case: c.id });
      expect(res.statusCode, res.body).toBe(200);
      const body = json<{ created: number; disclosures: DisclosureJson[] }>(res);
      expect(body.created).toBe(2);
      asked = body.disclosures;
      // Before a grant the police member sees no report, no sealed detail.
      for (const d of asked) expect(d.record).toBeUndefined();
      const again = json<{ created: number }>(
        await h.request(h.actors.police, 'POST', '/v1/disclosures', { case: c.id }),
      );
      expect(again.created).toBe(0);
      const mine = json<{ disclosures: DisclosureJson[] }>(
        await h.request(h.actors.bankA, 'GET', '/v1/disclosures'),
      ).disclosures;
      expect(mine.map((d) => d.owner)).toEqual(['bank-a']);
      expect(mine[0]?.record?.sealed).toBeDefined();
    });
  });

const describeDecisions = () =>
  describe('owners decide; the investigator reads what was granted; every step is logged', () => {
    it('the owner grants by re-sealing the data key; the investigator opens the detail', async () => {
      const mine = json<{ disclosures: DisclosureJson[] }>(
        await h.request(h.actors.bankA, 'GET', '/v1/disclosures?status=requested'),
      ).disclosures[0] as DisclosureJson;
      const granted = await h.request(
        h.actors.bankA,
        'POST',
        `/v1/disclosures/${mine.id}/grant`,
        await grantFor('bank-a', mine),
      );
      expect(granted.statusCode, granted.body).toBe(200);
      expect(json(granted)).toMatchObject({ status: 'granted' });

      const { record, binding, dataKey } = await fetchGranted(mine.id);
      expect(await openWithKey(dataKey, binding, record.sealed as SealedDetail)).toEqual({
        narrative: 'he said he was from the police',
        lossCny: 52_000,
      });
    });

    it('the other owner denies; the police member sees why and no detail', async () => {
      const theirs = asked.find((d) => d.owner === 'bank-b') as DisclosureJson;
      const denied = await h.request(h.actors.bankB, 'POST', `/v1/disclosures/${theirs.id}/deny`, {
        reason: 'no court order of our jurisdiction',
      });
      expect(denied.statusCode, denied.body).toBe(200);
      const seen = json<DisclosureJson>(
        await h.request(h.actors.police, 'GET', `/v1/disclosures/${theirs.id}`),
      );
      expect(seen).toMatchObject({
        status: 'denied',
        reason: 'no court order of our jurisdiction',
      });
      expect(seen.record).toBeUndefined();
      expect(seen.grant).toBeUndefined();
    });

    it('logs each step, in the name of who took it, with no token in the log', async () => {
      const steps = (await caseSteps()).filter((e) => e.subject.startsWith(`case/${c.id}/`));
      expect(steps.map((e) => [e.member, e.subject.split('/')[2]])).toEqual([
        ['police-1', 'opened'],
        ['police-1', 'attached'],
        ['police-1', 'requested'],
        ['police-1', 'requested'],
        ['bank-a', 'granted'],
        ['police-1', 'fetched'],
        ['bank-b', 'denied'],
      ]);
      expect(steps[0]?.subject).toBe(`case/${c.id}/opened/court_order`);
      const log = (await h.request(h.actors.auditor, 'GET', '/v1/log/entries?start=0')).body;
      const caseText = log.split('case_event').slice(1).join('');
      expect(caseText).not.toContain(tok(2));
    });

    it('closes the case: nothing more is asked in it, and the refusal is logged', async () => {
      const closed = await h.request(h.actors.police, 'POST', `/v1/cases/${c.id}/close`);
      expect(json(closed)).toMatchObject({ status: 'closed' });
      const res = await h.request(h.actors.police, 'POST', '/v1/disclosures', { case: c.id });
      expect(res.statusCode).toBe(409);
      expect(json(res)).toMatchObject({ code: 'case.closed' });
      const steps = await caseSteps();
      expect(steps.at(-1)?.subject).toBe(`case/${c.id}/refused/case.closed`);
    });
  });

let d: DisclosureJson;

const describeRefusals = () =>
  describe('refusals: who may ask, what may be asked, what may be granted', () => {
    beforeAll(async () => {
      c = json<CaseJson>(await openCase(h.actors.police));
      await h.request(h.actors.police, 'POST', `/v1/cases/${c.id}/items`, {
        items: [{ kind: 'token', id: tok(1) }],
      });
      d = json<{ disclosures: DisclosureJson[] }>(
        await h.request(h.actors.police, 'POST', '/v1/disclosures', { case: c.id }),
      ).disclosures[0] as DisclosureJson;
    });

    it('refuses a member that is not police, and logs it', async () => {
      const res = await h.request(h.actors.bankA, 'POST', '/v1/disclosures', { case: c.id });
      expect(res.statusCode).toBe(403);
      expect((await caseSteps()).at(-1)).toMatchObject({
        member: 'bank-a',
        subject: `case/${c.id}/refused/role.forbidden`,
      });
      expect((await h.request(h.actors.bankA, 'POST', '/v1/cases', {})).statusCode).toBe(403);
    });

    it('refuses a report outside the case, naming it, and logs it', async () => {
      const outside = json<{ reports: { id: string }[] }>(
        await h.request(h.actors.telecom, 'GET', '/v1/reports'),
      ).reports[0]?.id;
      const res = await h.request(h.actors.police, 'POST', '/v1/disclosures', {
        case: c.id,
        reports: [
          {
            member: 'telecom-a',
            report: outside,
          },
        ],
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(json(res)).toMatchObject({
        code: 'case.report_outside',
        errors: [{ field: 'reports[0]' }],
      });
      expect((await caseSteps()).at(-1)?.subject).toBe(`case/${c.id}/refused/case.report_outside`);
    });

    it("refuses a member deciding on another member's report", async () => {
      const res = await h.request(h.actors.bankB, 'POST', `/v1/disclosures/${d.id}/deny`, {
        reason: 'not mine',
      });
      expect(res.statusCode).toBe(404);
      expect(json(res)).toMatchObject({ code: 'disclosure.not_found' });
    });

    it('refuses a grant sealed to another key than the case names', async () => {
      const other = await generateSealingKeys();
      const mine = json<DisclosureJson>(
        await h.request(h.actors.bankA, 'GET', `/v1/disclosures/${d.id}`),
      );
      const res = await h.request(
        h.actors.bankA,
        'POST',
        `/v1/disclosures/${d.id}/grant`,
        await grantFor('bank-a', mine, other.publicKey),
      );
      expect(res.statusCode).toBe(400);
      expect(json(res)).toMatchObject({
        code: 'disclosure.recipient',
        errors: [{ field: 'recipient' }],
      });
    });

    it('refuses a grant replayed, and a grant moved to another disclosure does not open', async () => {
      const mine = json<DisclosureJson>(
        await h.request(h.actors.bankA, 'GET', `/v1/disclosures/${d.id}`),
      );
      const grant = await grantFor('bank-a', mine);
      expect(
        (await h.request(h.actors.bankA, 'POST', `/v1/disclosures/${d.id}/grant`, grant))
          .statusCode,
      ).toBe(200);
      const replay = await h.request(
        h.actors.bankA,
        'POST',
        `/v1/disclosures/${d.id}/grant`,
        grant,
      );
      expect(replay.statusCode).toBe(409);
      expect(json(replay)).toMatchObject({ code: 'disclosure.decided' });
      const record = mine.record as NonNullable<DisclosureJson['record']>;
      const binding = bindingOf(record);
      const opener = await GrantOpener.create(investigator.privateKey);
      await expect(
        opener.dataKey(
          { disclosure: '999', case: c.id, recipient: investigator.publicKey, detail: binding },
          grant.grant,
        ),
      ).rejects.toMatchObject({ code: 'sealing.open' });
    });

    it('decides a batch: each decision its outcome or the code it was refused with, refusals logged', async () => {
      const batchCase = json<CaseJson>(await openCase(h.actors.police));
      await h.request(h.actors.police, 'POST', `/v1/cases/${batchCase.id}/items`, {
        items: [{ kind: 'token', id: tok(2) }],
      });
      const both = json<{ disclosures: DisclosureJson[] }>(
        await h.request(h.actors.police, 'POST', '/v1/disclosures', { case: batchCase.id }),
      ).disclosures;
      const ofA = both.find((x) => x.owner === 'bank-a') as DisclosureJson;
      const ofB = both.find((x) => x.owner === 'bank-b') as DisclosureJson;
      const mine = json<DisclosureJson>(
        await h.request(h.actors.bankA, 'GET', `/v1/disclosures/${ofA.id}`),
      );
      const grant = await grantFor('bank-a', mine);
      const res = await h.request(h.actors.bankA, 'POST', '/v1/disclosures/decisions', {
        decisions: [
          { id: ofA.id, ...grant },
          { id: ofB.id, reason: 'not mine to deny' },
          { id: ofA.id, ...grant },
        ],
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(json(res)).toEqual({
        results: [
          { id: ofA.id, status: 'granted' },
          { id: ofB.id, status: 'refused', code: 'disclosure.not_found' },
          { id: ofA.id, status: 'refused', code: 'disclosure.decided' },
        ],
      });
      // Bank B's request stands; its own batch with a grant to another key is refused.
      const theirs = json<DisclosureJson>(
        await h.request(h.actors.bankB, 'GET', `/v1/disclosures/${ofB.id}`),
      );
      expect(theirs.status).toBe('requested');
      const other = await generateSealingKeys();
      const wrong = await h.request(h.actors.bankB, 'POST', '/v1/disclosures/decisions', {
        decisions: [{ id: ofB.id, ...(await grantFor('bank-b', theirs, other.publicKey)) }],
      });
      expect(json(wrong)).toEqual({
        results: [{ id: ofB.id, status: 'refused', code: 'disclosure.recipient' }],
      });
      const steps = (await caseSteps()).filter((e) =>
        e.subject.startsWith(`case/${batchCase.id}/`),
      );
      expect(
        steps.slice(-3).map((e) => [e.member, e.subject.split('/').slice(2).join('/')]),
      ).toEqual([
        ['bank-a', `granted/${ofA.id}`],
        ['bank-a', 'refused/disclosure.decided'],
        ['bank-b', 'refused/disclosure.recipient'],
      ]);
      // Malformed batches change nothing: 4xx naming the field.
      for (const body of [
        { decisions: [] },
        { decisions: Array.from({ length: 1001 }, () => ({ id: ofB.id, reason: 'x' })) },
        { decisions: [{ id: ofB.id, reason: 'x', ...grant }] },
        { decisions: [{ id: '__proto__', reason: 'x' }] },
      ]) {
        const bad = await h.request(h.actors.bankB, 'POST', '/v1/disclosures/decisions', body);
        expect(bad.statusCode, bad.body).toBe(400);
        expect(json<{ errors: { field: string }[] }>(bad).errors[0]?.field).toMatch(/^decisions/);
      }
      expect(
        json<DisclosureJson>(await h.request(h.actors.bankB, 'GET', `/v1/disclosures/${ofB.id}`))
          .status,
      ).toBe('requested');
    });
  });

const describeLapses = () =>
  describe('legal bases that lapse, and cases of other police members', () => {
    it('refuses every step once the legal basis lapses, and logs it', async () => {
      now += 31 * DAY;
      try {
        const res = await h.request(h.actors.police, 'POST', '/v1/disclosures', { case: c.id });
        expect(res.statusCode).toBe(403);
        expect(json(res)).toMatchObject({ code: 'case.expired' });
        const fetch = await h.request(h.actors.police, 'GET', `/v1/disclosures/${d.id}`);
        expect(fetch.statusCode).toBe(403);
        expect((await caseSteps()).at(-1)?.subject).toBe(`case/${c.id}/refused/case.expired`);
        expect(
          json<CaseJson>(await h.request(h.actors.police, 'GET', `/v1/cases/${c.id}`)).status,
        ).toBe('expired');
      } finally {
        now -= 31 * DAY;
      }
    });

    it('refuses a legal basis that lapsed already or runs past three years, naming the field', async () => {
      for (const expiresIn of [-DAY, 4 * 366 * DAY]) {
        const res = await openCase(h.actors.police, expiresIn);
        expect(res.statusCode).toBe(400);
        expect(json(res)).toMatchObject({ errors: [{ field: 'basis.expiresAt' }] });
      }
      const year9999 = await h.request(h.actors.police, 'POST', '/v1/cases', {
        basis: {
          type: 'court_order',
          caseNumber: 'x',
          statute: 'y',
          approvedBy: 'z',
          expiresAt: '9999-12-31T00:00:00Z',
        },
        recipient: investigator.publicKey,
      });
      expect(year9999.statusCode).toBe(400);
    });

    it("hides one police member's case from another", async () => {
      const other = await h.platform.members.add({ id: 'police-2', type: 'police' });
      const res = await h.platform.app.inject({
        method: 'GET',
        url: `/v1/cases/${c.id}`,
        headers: { authorization: `Bearer ${other.credential}` },
      });
      expect(res.statusCode).toBe(404);
    });
  });

const describeHostile = () =>
  describe('hostile input to cases and disclosures: 4xx naming the field, nothing changed', () => {
    it('refuses odd fields, prototypes, bad ids and keys, and logs nothing for them', async () => {
      const before = (await caseSteps()).length;
      const basis = {
        type: 'court_order',
        caseNumber: 'x',
        statute: 'y',
        approvedBy: 'z',
        expiresAt: new Date(now + DAY).toISOString(),
      };
      const refused: [string, string, unknown][] = [
        [
          'POST',
          '/v1/cases',
          JSON.parse(
            `{"basis":${JSON.stringify(basis)},"recipient":"${investigator.publicKey}","__proto__":{"x":1}}`,
          ),
        ],
        [
          'POST',
          '/v1/cases',
          { basis: { ...basis, type: 'hunch' }, recipient: investigator.publicKey },
        ],
        [
          'POST',
          '/v1/cases',
          { basis: { ...basis, caseNumber: 'a\u0000b' }, recipient: investigator.publicKey },
        ],
        ['POST', '/v1/cases', { basis, recipient: 'not-a-key' }],
        ['POST', '/v1/disclosures', { case: '../../etc/passwd' }],
        ['GET', '/v1/disclosures/0', undefined],
        ['GET', '/v1/disclosures/abc', undefined],
        [
          'POST',
          '/v1/cases/case-00000000000000000000/items',
          { items: [{ kind: 'ring', id: 'x', member: 'bank-a' }] },
        ],
      ];
      for (const [method, url, body] of refused) {
        const res = await h.request(h.actors.police, method, url, body);
        expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, `${method} ${url}`).toBeLessThan(500);
      }
      const proto = await h.request(
        h.actors.police,
        'POST',
        '/v1/cases',
        `{"basis":${JSON.stringify(basis)},"recipient":"${investigator.publicKey}","__proto__":{"x":1}}`,
      );
      expect(proto.statusCode).toBe(400);
      expect((await caseSteps()).length).toBe(before);
      const unknown = await h.request(
        h.actors.police,
        'POST',
        '/v1/cases/case-00000000000000000000/items',
        {
          items: [{ kind: 'token', id: tok(1) }],
        },
      );
      expect(json(unknown)).toMatchObject({ code: 'case.not_found' });
    });
  });

const describeEvidence = () =>
  describe('evidence packages: verified offline with the log key, every altered part named', () => {
    let pkg: EvidencePackage;
    let logKey: string;
    beforeAll(async () => {
      logKey = json<{ vkey: string }>(await h.request(h.actors.auditor, 'GET', '/v1/log/key')).vkey;
      const res = await h.request(h.actors.police, 'GET', `/v1/cases/${flow.id}/evidence`);
      expect(res.statusCode, res.body).toBe(200);
      pkg = json<EvidencePackage>(res);
    });
    const findings = async (
      p: unknown,
      trust: Partial<Parameters<typeof verifyEvidencePackage>[1]> = {},
    ) => (await verifyEvidencePackage(p, { logKey, ...trust })).findings;

    it('holds the case, its reports and steps, and the grant; it verifies and opens with the recipient key', async () => {
      const kinds = pkg.entries.map(
        (e) => JSON.parse(e.entry) as { kind: string; subject: string },
      );
      expect(kinds.filter((e) => e.kind === 'report')).toHaveLength(2);
      expect(
        kinds.filter((e) => e.kind === 'case_event').map((e) => e.subject.split('/')[2]),
      ).toEqual([
        'opened',
        'attached',
        'requested',
        'requested',
        'granted',
        'fetched',
        'denied',
        'closed',
        'refused',
        'exported',
      ]);
      expect(pkg.details).toHaveLength(1);
      const report = await verifyEvidencePackage(pkg, {
        logKey,
        recipientKey: investigator.privateKey,
      });
      expect(report.findings).toEqual([]);
      expect(report.opened).toBe(1);
      expect((await caseSteps()).at(-1)?.subject).toBe(`case/${flow.id}/exported`);
    });

    it('names an altered entry, a swapped proof and an altered record', async () => {
      const altered = structuredClone(pkg) as unknown as {
        entries: { entry: string; proof: string[]; record: unknown }[];
      };
      const at = pkg.entries.findIndex((e) => e.entry.includes('"kind":"report"'));
      const entry = altered.entries[at] as {
        entry: string;
        proof: string[];
        record: { report: { category: string } };
      };
      entry.entry = entry.entry.replace('"member":"bank-a"', '"member":"bank-b"');
      const swapped = altered.entries[0] as { proof: string[] };
      [swapped.proof, (altered.entries[1] as { proof: string[] }).proof] = [
        (altered.entries[1] as { proof: string[] }).proof,
        swapped.proof,
      ];
      const other = pkg.entries.findLastIndex((e) => e.entry.includes('"kind":"report"'));
      (
        altered.entries[other] as { record: { report: { category: string } } }
      ).record.report.category = 'romance';
      const named = (await findings(altered)).map((f) => `${f.part}: ${f.message}`);
      expect(
        named.some(
          (f) =>
            f.startsWith(`entry ${pkg.entries[at]?.index} (report`) &&
            f.includes('inclusion proof'),
        ),
      ).toBe(true);
      expect(
        named.some(
          (f) => f.startsWith(`entry ${pkg.entries[0]?.index} `) && f.includes('inclusion proof'),
        ),
      ).toBe(true);
      expect(
        named.some(
          (f) => f.startsWith(`entry ${pkg.entries[other]?.index} `) && f.includes('altered'),
        ),
      ).toBe(true);
    });

    it('names a checkpoint not signed by the log key, and a cosignature it claims but lacks', async () => {
      const stranger = generateEd25519();
      const wrongKey = formatVerifierKey('credence.local/log', stranger.publicKey);
      expect((await findings(pkg, { logKey: wrongKey }))[0]?.part).toBe('checkpoint');
      const witness = generateEd25519();
      const witnessKey = formatVerifierKey('witness.example', witness.publicKey, 0x04);
      const claims = { ...pkg, log: { ...pkg.log, witnesses: [witnessKey] } };
      const named = await findings(claims);
      expect(named[0]).toMatchObject({ part: 'checkpoint' });
      expect(named[0]?.message).toContain('witness.example');
      // With the cosignature it claims, it verifies.
      const signer: NoteSigner = {
        name: 'witness.example',
        publicKey: witness.publicKey,
        privateKey: privateKeyFromJwk(witness.privateJwk),
      };
      const body = pkg.log.checkpoint.slice(0, pkg.log.checkpoint.indexOf('\n\n') + 1);
      const cosigned = {
        ...claims,
        log: {
          ...claims.log,
          checkpoint: appendSignatures(pkg.log.checkpoint, [cosign(body, signer, 1_765_000_000)]),
        },
      };
      expect(await findings(cosigned)).toEqual([]);
    });

    it('names a detail in clear that is not what the report sealed, and a grant swapped', async () => {
      const d = pkg.details[0] as EvidencePackage['details'][number];
      const lying = {
        ...pkg,
        details: [{ ...d, opened: { dataKey: 'A'.repeat(43), detail: { narrative: 'made up' } } }],
      };
      expect((await findings(lying))[0]?.message).toContain('does not open');
      const other = await generateSealingKeys();
      const grant = await (await GrantSealer.create(other.publicKey)).seal(
        {
          disclosure: d.disclosure,
          case: flow.id,
          recipient: other.publicKey,
          detail: { ref: 'x', report: 'y' },
        },
        new Uint8Array(32),
      );
      const swapped = { ...pkg, details: [{ ...d, grant }] };
      expect((await findings(swapped))[0]?.message).toContain('not the one its owner logged');
    });
  });

/** A body of bytes, as a member's agent uploads an evidence file. */
const putFile = (
  actor: Actor | undefined,
  url: string,
  bytes: Uint8Array,
  type = 'application/octet-stream',
) =>
  h.platform.app.inject({
    method: 'PUT',
    url,
    headers: {
      ...(actor === undefined ? {} : { authorization: `Bearer ${actor.credential}` }),
      'content-type': type,
    },
    payload: Buffer.from(bytes),
  });

const describeEvidenceFiles = () =>
  describe('evidence files: uploaded sealed by their owner, read by it and, once granted, by the police', () => {
    const screenshot = new Uint8Array(50_000).map((_, i) => (i * 13 + 5) & 255);
    const recording = new TextEncoder().encode('通话录音：对方自称检察院工作人员');
    let reportId: string;
    let sealedFiles: Uint8Array[];
    let url: (i: number) => string;
    /** The case whose request for the report was granted. */
    let filesCase: string;

    beforeAll(async () => {
      const r = report('af', [40, 41]);
      const sealer = await DetailSealer.create((keys['bank-a'] as SealingKeys).publicKey);
      const { sealed, ciphertexts } = await sealer.sealWithFiles(
        detailBinding(bound(r)),
        { narrative: 'a call from the prosecutor', lossCny: 80_000 },
        [
          { name: 'chat.png', mediaType: 'image/png', bytes: screenshot },
          { name: 'call.m4a', mediaType: 'audio/mp4', bytes: recording },
        ],
      );
      sealedFiles = ciphertexts;
      const res = await h.reports(h.actors.bankA, [{ ...r, sealed }]);
      expect(res.statusCode, res.body).toBe(200);
      reportId = json<{ results: { id: string }[] }>(res).results[0]?.id as string;
      url = (i) => `/v1/reports/${reportId}/files/${i}`;
    });

    it('keeps the file the report lists, once, and refuses any other, naming why', async () => {
      const file = sealedFiles[0] as Uint8Array;
      expect((await putFile(undefined, url(0), file)).statusCode).toBe(401);
      const huge = new Uint8Array(17 * 1024 * 1024);
      expect((await putFile(undefined, url(0), huge)).statusCode).toBe(401);
      expect(json(await putFile(h.actors.bankA, url(0), huge))).toMatchObject({
        code: 'request.too_large',
      });
      expect(json(await putFile(h.actors.bankB, url(0), file))).toMatchObject({
        code: 'report.not_found',
      });
      const wrong = await putFile(h.actors.bankA, url(0), sealedFiles[1] as Uint8Array);
      expect(wrong.statusCode).toBe(400);
      expect(json(wrong)).toMatchObject({
        code: 'evidence.mismatch',
        errors: [{ field: '(body)' }],
      });
      expect(json(await putFile(h.actors.bankA, url(2), file))).toMatchObject({
        code: 'evidence.not_listed',
      });
      expect((await putFile(h.actors.bankA, url(20), file)).statusCode).toBe(400);
      expect(
        (await putFile(h.actors.bankA, `/v1/reports/${reportId}/files/__proto__`, file)).statusCode,
      ).toBe(400);
      expect(
        (await putFile(h.actors.bankA, url(0), file, 'application/json')).statusCode,
      ).toBeGreaterThanOrEqual(400);
      const first = await putFile(h.actors.bankA, url(0), file);
      expect(first.statusCode, first.body).toBe(200);
      expect(json(first)).toMatchObject({ index: 0, status: 'stored', size: file.length });
      expect(json(await putFile(h.actors.bankA, url(0), file))).toMatchObject({ status: 'repeat' });
    });

    it('gives the owner its file back, and names one not uploaded yet', async () => {
      const own = await h.request(h.actors.bankA, 'GET', url(0));
      expect(own.statusCode).toBe(200);
      expect(own.headers['content-type']).toBe('application/octet-stream');
      expect(new Uint8Array(own.rawPayload)).toEqual(sealedFiles[0]);
      expect(json(await h.request(h.actors.bankA, 'GET', url(1)))).toMatchObject({
        code: 'evidence.missing',
      });
      expect((await h.request(h.actors.bankB, 'GET', url(0))).statusCode).toBe(404);
    });

    it("gives the case's police member a granted report's files, which the grant's key opens", async () => {
      expect((await putFile(h.actors.bankA, url(1), sealedFiles[1] as Uint8Array)).statusCode).toBe(
        200,
      );
      const fc = json<CaseJson>(await openCase(h.actors.police));
      filesCase = fc.id;
      await h.request(h.actors.police, 'POST', `/v1/cases/${fc.id}/items`, {
        items: [{ kind: 'token', id: tok(40) }],
      });
      const [d] = json<{ disclosures: DisclosureJson[] }>(
        await h.request(h.actors.police, 'POST', '/v1/disclosures', { case: fc.id }),
      ).disclosures;
      const fileUrl = (i: number) => `/v1/disclosures/${d?.id}/files/${i}`;
      expect(json(await h.request(h.actors.police, 'GET', fileUrl(0)))).toMatchObject({
        code: 'disclosure.not_granted',
      });
      expect((await h.request(h.actors.bankA, 'GET', fileUrl(0))).statusCode).toBe(403);
      const mine = json<DisclosureJson>(
        await h.request(h.actors.bankA, 'GET', `/v1/disclosures/${d?.id}`),
      );
      await h.request(
        h.actors.bankA,
        'POST',
        `/v1/disclosures/${d?.id}/grant`,
        await grantFor('bank-a', mine),
      );

      const { record, binding, dataKey } = await fetchGranted(d?.id as string);
      const sealed = record.sealed as SealedDetail;
      const detail = await openWithKey(dataKey, binding, sealed);
      expect(detail.files?.map((f) => f.name)).toEqual(['chat.png', 'call.m4a']);
      const before = (await caseSteps()).length;
      for (const [i, plain] of [screenshot, recording].entries()) {
        const res = await h.request(h.actors.police, 'GET', fileUrl(i));
        expect(res.statusCode, res.body).toBe(200);
        expect(
          await openDetailFile(dataKey, binding, sealed, detail, i, new Uint8Array(res.rawPayload)),
        ).toEqual(plain);
      }
      // Each fetch of a file is a logged fetch of its request.
      const steps = (await caseSteps()).slice(before);
      expect(steps.map((e) => e.subject)).toEqual([
        `case/${fc.id}/fetched/${d?.id}`,
        `case/${fc.id}/fetched/${d?.id}`,
      ]);
    });

    it("carries a report's sealed files in the evidence package, each checked against the logged list", async () => {
      const logKey = json<{ vkey: string }>(
        await h.request(h.actors.auditor, 'GET', '/v1/log/key'),
      ).vkey;
      const pkg = json<EvidencePackage>(
        await h.request(h.actors.police, 'GET', `/v1/cases/${filesCase}/evidence`),
      );
      const [detail] = pkg.details;
      expect(detail?.files?.map((f) => f.index)).toEqual([0, 1]);
      const verified = await verifyEvidencePackage(pkg, {
        logKey,
        recipientKey: investigator.privateKey,
      });
      expect(verified.findings).toEqual([]);
      const named = async (edit: (files: { index: number; ciphertext: string }[]) => unknown) => {
        const copy = structuredClone(pkg) as unknown as {
          details: { files: { index: number; ciphertext: string }[] }[];
        };
        edit((copy.details[0] as { files: { index: number; ciphertext: string }[] }).files);
        return (await verifyEvidencePackage(copy, { logKey })).findings.map((f) => f.message);
      };
      expect(
        await named((files) => {
          const [a, b] = files;
          (a as { ciphertext: string }).ciphertext = (b as { ciphertext: string }).ciphertext;
        }),
      ).toEqual(['its evidence file 0 is not the one its report lists']);
      expect(await named((files) => files.pop())).toEqual([
        'its evidence file 1 is not in the package',
      ]);
      expect(await named((files) => files.push({ index: 7, ciphertext: 'AAAA' }))).toEqual([
        'the package holds an evidence file 7 that its report does not list',
      ]);
    });
  });
