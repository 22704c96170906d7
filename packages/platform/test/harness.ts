import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Ed25519KeyPair,
  generateEd25519,
  privateKeyFromJwk,
} from '@credence/core/signing/ed25519';
import { type LinkBatch, type ReportBatch, signBatch } from '@credence/core/wire/batches';
import type { TokenizedLink, TokenizedReport } from '@credence/core/wire/tokenized-records';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createPlatform, type Platform } from '../src/server.js';

/** A platform on a fresh store, with one member of each kind, for the API tests. */
export interface Actor {
  readonly id: string;
  readonly credential: string;
  readonly key: Ed25519KeyPair;
}

export interface Harness {
  readonly platform: Platform;
  /** The platform's key file. */
  readonly keyFile: string;
  readonly actors: Record<
    'operator' | 'bankA' | 'bankB' | 'telecom' | 'police' | 'auditor' | 'keyserver',
    Actor
  >;
  request(
    actor: Actor | undefined,
    method: string,
    url: string,
    body?: unknown,
  ): Promise<LightMyRequestResponse>;
  reports(
    actor: Actor,
    reports: TokenizedReport[],
    overrides?: Partial<ReportBatch>,
  ): Promise<LightMyRequestResponse>;
  links(actor: Actor, links: TokenizedLink[]): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export const tok = (n: number | string) => `t${String(n).padStart(42, '0')}`;
let batches = 0;

export async function harness(
  options: {
    db?: string;
    logger?: Parameters<typeof createPlatform>[0]['logger'];
    clock?: () => number;
    /** More of the platform's configuration (webhook allowances, request rates, …). */
    config?: Partial<Parameters<typeof createPlatform>[0]>;
  } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'credence-platform-'));
  const platform = await createPlatform({
    db: options.db ?? join(dir, 'platform.sqlite'),
    keyFile: join(dir, 'platform-key.json'),
    webhooks: false,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.clock === undefined ? {} : { webhookClock: options.clock }),
    ...options.config,
  });
  const make = async (id: string, type: string, shareIndex?: number): Promise<Actor> => {
    const key = generateEd25519();
    const { credential } = await platform.members.add({
      id,
      type,
      publicKey: key.publicKey,
      ...(shareIndex === undefined ? {} : { shareIndex }),
    });
    return { id, credential, key };
  };
  const actors = {
    operator: await make('ops', 'operator'),
    bankA: await make('bank-a', 'bank'),
    bankB: await make('bank-b', 'bank'),
    telecom: await make('telecom-a', 'telecom'),
    police: await make('police-1', 'police'),
    auditor: await make('audit-1', 'auditor'),
    // The key server evaluating with share 1 of the key: it reports that share's counts.
    keyserver: await make('keyserver-1', 'keyserver', 1),
  };
  const request = (actor: Actor | undefined, method: string, url: string, body?: unknown) =>
    platform.app.inject({
      method: method as 'GET',
      url,
      headers: {
        ...(actor === undefined ? {} : { authorization: `Bearer ${actor.credential}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined
        ? {}
        : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  return {
    platform,
    keyFile: join(dir, 'platform-key.json'),
    actors,
    request,
    reports: (actor, reports, overrides = {}) => {
      const batch: ReportBatch = {
        member: actor.id,
        batchId: `b${++batches}`,
        createdAt: new Date().toISOString(),
        reports,
        ...overrides,
      };
      return request(
        actor,
        'POST',
        '/v1/reports',
        signBatch(batch, privateKeyFromJwk(actor.key.privateJwk), actor.key.publicKey),
      );
    },
    links: (actor, links) => {
      const batch: LinkBatch = {
        member: actor.id,
        batchId: `b${++batches}`,
        createdAt: new Date().toISOString(),
        links,
      };
      return request(
        actor,
        'POST',
        '/v1/links',
        signBatch(batch, privateKeyFromJwk(actor.key.privateJwk), actor.key.publicKey),
      );
    },
    close: async () => {
      await platform.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const report = (
  ref: string,
  tokens: (number | string)[],
  extra: Partial<TokenizedReport> = {},
): TokenizedReport => ({
  ref,
  type: 'victim_report',
  category: 'impersonate_authority',
  occurredAt: '2026-11-20T10:00:00Z',
  entities: tokens.map((n, i) => ({
    role: i === 0 ? 'caller' : 'beneficiary_account',
    kind: i === 0 ? 'phone' : 'bank_card',
    token: tok(n),
    keyId: 'k1',
  })),
  ...extra,
});

export const callLink = (from: number, to: number): TokenizedLink => ({
  link: 'call',
  from: { kind: 'phone', token: tok(from), keyId: 'k1' },
  to: { kind: 'phone', token: tok(to), keyId: 'k1' },
  at: new Date().toISOString(),
  count: 1,
});

/** Failed rounds of a background job so far, as GET /metrics tells them. */
export async function backgroundFailures(app: FastifyInstance, job: string): Promise<number> {
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = metrics
    .split('\n')
    .find((l) => l.startsWith(`credence_background_failures_total{job="${job}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}
