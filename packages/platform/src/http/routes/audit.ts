import { HttpProblem } from '@credence/server-kit/problem';
import { MAX_ENTRIES_PAGE } from '../../services/log-service.js';
import { AUDIT_TABLES, isAuditKey } from '../../storage/audit-state.js';
import * as S from '../schemas.js';
import type { RoutePlugin } from '../type-provider.js';
import { AUDITORS, type PlatformDeps, problems } from './kit.js';

/** What an auditor reads to replay the log: entries with their records, counts, the derived tables page by page, and the analysis runs the log binds. */
export function auditRoutes(deps: PlatformDeps): RoutePlugin {
  return async (app) => {
    app.get(
      '/v1/audit/entries',
      {
        config: { roles: AUDITORS },
        schema: {
          tags: ['log'],
          summary: `Entries [start, end) with the digest of what the store holds for each now, at most ${MAX_ENTRIES_PAGE}`,
          querystring: S.logEntriesQuery,
          response: { 200: S.auditEntriesAnswer, ...problems },
        },
      },
      async (request) => {
        const q = request.query;
        const start = Number(q.start);
        return deps.log.auditEntries(
          start,
          q.end === undefined ? start + MAX_ENTRIES_PAGE : Number(q.end),
        );
      },
    );
    app.get(
      '/v1/audit/counts',
      {
        config: { roles: AUDITORS },
        schema: {
          tags: ['log'],
          summary: 'What the store holds that the log must account for',
          response: { 200: S.auditCountsAnswer, ...problems },
        },
      },
      async () => deps.store.auditCounts(),
    );
    app.get(
      '/v1/audit/state/:table',
      {
        config: { roles: AUDITORS },
        schema: {
          tags: ['log'],
          summary:
            "A page of a derived table (token summaries and states, ring tokens, members, credentials, signing keys, key servers' counts), in key order, for the audit to compare with what it rebuilds from the log",
          params: {
            type: 'object',
            required: ['table'],
            properties: { table: { enum: [...AUDIT_TABLES] } },
          },
          querystring: S.auditStateQuery,
          response: { 200: S.auditStateAnswer, ...problems },
        },
      },
      async (request) => {
        const { table } = request.params;
        const q = request.query;
        const limit = Number(q.limit ?? '1000');
        let after: (string | number)[] | undefined;
        if (q.after !== undefined) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(q.after);
          } catch {}
          if (!isAuditKey(table, parsed))
            throw new HttpProblem('request.invalid', 'after is the `next` of the page before', {
              errors: [{ field: 'after', message: `is not a key of ${table}` }],
            });
          after = parsed;
        }
        return { table, ...(await deps.store.auditState(table, after, Math.min(limit, 10_000))) };
      },
    );
    app.get(
      '/v1/audit/analysis/:id',
      {
        config: { roles: AUDITORS },
        schema: {
          tags: ['log'],
          summary:
            'An analysis run as kept (`latest` for the newest): the audit checks its digest against the log and the ring tokens against it',
          params: {
            type: 'object',
            required: ['id'],
            properties: { id: { type: 'string', pattern: '^(latest|[1-9][0-9]{0,15})$' } },
          },
          response: { 200: S.auditAnalysisAnswer, ...problems },
        },
      },
      async (request) => {
        const { id } = request.params;
        const run =
          id === 'latest'
            ? await deps.store.latestAnalysis()
            : await deps.store.getAnalysis(Number(id));
        if (run === undefined)
          throw new HttpProblem('analysis.none', 'no analysis run has this id');
        return run;
      },
    );
  };
}
