import { HttpProblem } from '@credence/server-kit/problem';
import * as S from '../schemas.js';
import type { RouteApp, RoutePlugin } from '../type-provider.js';
import {
  batchJson,
  MEMBERS,
  me,
  type PlatformDeps,
  pageLimit,
  problems,
  REPORTERS,
  reportJson,
} from './kit.js';

/** Contributions (SPEC §5): members and the police send signed batches of reports and links and the scripts of their reports, retract their reports, and read their own. */
export function contributionRoutes(deps: PlatformDeps): RoutePlugin {
  return async (app) => {
    signedBatches(app, deps);
    ownReports(app, deps);
  };
}

/** Signed batches of reports, links and scripts. */
function signedBatches(app: RouteApp, deps: PlatformDeps): void {
  app.post(
    '/v1/reports',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['contributions'],
        summary: 'Submit a signed batch of tokenized reports',
        body: S.reportBatch,
        response: { 200: S.batchResult, ...problems },
      },
    },
    async (request) => {
      const signed = request.body;
      const result = await deps.ingestion.submitReports(me(request), signed);
      deps.metrics.ingested.inc(
        { kind: 'reports' },
        result.outcomes.filter((o) => o.status === 'accepted').length,
      );
      if (result.alerts > 0) deps.onChange?.();
      return batchJson(
        result,
        result.log === undefined ? null : await deps.log.receipt(result.log),
        signed.batch.reports.map((r) => r.ref),
      );
    },
  );
  app.post(
    '/v1/links',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['contributions'],
        summary: 'Submit a signed batch of tokenized links',
        body: S.linkBatch,
        response: { 200: S.batchResult, ...problems },
      },
    },
    async (request) => {
      const result = await deps.ingestion.submitLinks(me(request), request.body);
      deps.metrics.ingested.inc(
        { kind: 'links' },
        result.outcomes.filter((o) => o.status === 'accepted').length,
      );
      if (result.alerts > 0) deps.onChange?.();
      return batchJson(
        result,
        result.log === undefined ? null : await deps.log.receipt(result.log),
      );
    },
  );
  app.post(
    '/v1/reports/scripts',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['contributions'],
        summary:
          'Share the masked scripts of reports you sent before (a signed batch of {ref, script}); each is logged as its own entry',
        body: S.scriptBatch,
        response: { 200: S.batchResult, ...problems },
      },
    },
    async (request) => {
      const signed = request.body;
      const result = await deps.ingestion.submitScripts(me(request), signed);
      return batchJson(
        result,
        result.log === undefined ? null : await deps.log.receipt(result.log),
        signed.batch.scripts.map((s) => s.ref),
      );
    },
  );
}

/** A member's own reports: retract, list, read. */
function ownReports(app: RouteApp, deps: PlatformDeps): void {
  app.post(
    '/v1/reports/:id/retract',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['contributions'],
        summary: 'Retract one of your reports',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: S.REPORT_ID },
        },
        body: S.retractRequest,
        response: { 200: S.retractResult, ...problems },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { reason } = request.body;
      const r = await deps.ingestion.retract(me(request), id, reason);
      return {
        id,
        retractedAt: new Date(r.at).toISOString(),
        reason,
        sequence: r.seq,
        log: await deps.log.receipt(r.log),
      };
    },
  );
  app.get(
    '/v1/reports',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['contributions'],
        summary: 'Your reports, a page at a time',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: S.REPORT_ID,
            limit: { type: 'string', pattern: '^\\d{1,4}$' },
            ref: {
              type: 'string',
              pattern: '^[A-Za-z0-9._:-]{1,128}$',
              description: 'only the report with this ref (yours), if there is one',
            },
          },
        },
        response: { 200: S.reportsPage, ...problems },
      },
    },
    async (request) => {
      const q = request.query;
      if (q.ref !== undefined) {
        const found = (await deps.store.reportsByRef(me(request).id, [q.ref])).get(q.ref);
        const report =
          found === undefined ? undefined : await deps.store.getReport(me(request).id, found.id);
        return { reports: report === undefined ? [] : [reportJson(report)], next: null };
      }
      const limit = pageLimit(q.limit, 100);
      const reports = await deps.store.listReports(me(request).id, q.after, limit);
      return {
        reports: reports.map(reportJson),
        next: reports.length === limit ? (reports.at(-1)?.id ?? null) : null,
      };
    },
  );
  app.get(
    '/v1/reports/:id',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['contributions'],
        summary: 'One of your reports',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: S.REPORT_ID },
        },
        response: { 200: S.storedReport, ...problems },
      },
    },
    async (request) => {
      const report = await deps.store.getReport(me(request).id, request.params.id);
      if (report === undefined)
        throw new HttpProblem('report.not_found', 'no report of yours has this id');
      return reportJson(report);
    },
  );
}
