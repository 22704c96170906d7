import {
  acceptJsonOnly,
  clientErrorProblem,
  frameworkProblem,
  useProblemDocuments,
} from '@credence/server-kit/fastify-problems';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { useAccessControl } from './access.js';
import { MAX_BODY_BYTES, useBodyLimits } from './body-limits.js';
import { describeRoute, documentErrors } from './documented-errors.js';
import { RequestLimiter } from './request-limits.js';
import { analysisRoutes } from './routes/analysis.js';
import { appealRoutes } from './routes/appeals.js';
import { auditRoutes } from './routes/audit.js';
import { caseRoutes } from './routes/cases.js';
import { checkRoutes } from './routes/checks.js';
import { contributionRoutes } from './routes/contributions.js';
import { evidenceFileRoutes } from './routes/evidence-files.js';
import { exposureRoutes } from './routes/exposures.js';
import { filterRoutes } from './routes/filters.js';
import type { PlatformDeps } from './routes/kit.js';
import { logRoutes } from './routes/log.js';
import { memberRoutes } from './routes/members.js';
import { outcomeRoutes } from './routes/outcomes.js';
import { platformRoutes } from './routes/platform.js';
import { statisticsRoutes } from './routes/statistics.js';
import { taxiiRoutes } from './routes/taxii.js';
import { watchRoutes } from './routes/watch.js';
import { platformUi, StoreSessions, uiLinkRoutes } from './ui.js';

export type { PlatformDeps };

/**
 * The platform's HTTP API (SPEC §7), built without listening so that tests inject
 * requests. Every route declares the roles that may call it; a member only ever sees its
 * own contributions, watchlist and alerts, and checks never say which member reported.
 */
export async function buildPlatformApp(deps: PlatformDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    // Fastify's own request lines carry the URL, and URLs carry tokens: see onResponse.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    return503OnClosing: true,
    frameworkErrors: frameworkProblem,
    clientErrorHandler: clientErrorProblem,
    ...(deps.tls === undefined ? {} : { https: { ...deps.tls } }),
  });
  app.decorateRequest('member', undefined);
  useProblemDocuments(app);
  acceptJsonOnly(app);
  useBodyLimits(app);
  useAccessControl(app, deps.credentials, deps.limiter ?? new RequestLimiter());
  documentErrors(app);
  await app.register(swagger, {
    transform: describeRoute,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Credence platform API',
        version: '1',
        description:
          'Pooling and joint analysis of fraud data without raw personal data. Errors are RFC 9457 problem documents.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  // Labelled series, looked up once per route, method and status rather than per request.
  const series = new Map<string, { count: () => void; time: (seconds: number) => void }>();
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    const status = reply.statusCode;
    const key = `${route} ${request.method} ${status}`;
    let s = series.get(key);
    if (s === undefined) {
      const counter = deps.metrics.requests.labels(route, request.method, String(status));
      const histogram = deps.metrics.latency.labels(route);
      s = { count: () => counter.inc(), time: (seconds) => histogram.observe(seconds) };
      series.set(key, s);
    }
    s.count();
    s.time(reply.elapsedTime / 1000);
    // One line per request, naming the route's template, never its URL (which carries
    // tokens): refusals at info, failures at error, the rest at debug (at tens of
    // thousands of checks a second, metrics count them).
    const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
    request.log[level](
      {
        method: request.method,
        route,
        status,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ...(request.member === undefined ? {} : { member: request.member.id }),
      },
      'request',
    );
  });

  // The routes, a plugin per group (http/routes/).
  await app.register(platformRoutes(deps));
  await app.register(contributionRoutes(deps));
  await app.register(logRoutes(deps));
  await app.register(auditRoutes(deps));
  await app.register(analysisRoutes(deps));
  await app.register(checkRoutes(deps));
  await app.register(watchRoutes(deps));
  await app.register(memberRoutes(deps));
  await app.register(caseRoutes(deps));
  await app.register(outcomeRoutes(deps));
  await app.register(appealRoutes(deps));
  await app.register(exposureRoutes(deps));
  await app.register(filterRoutes(deps));
  await app.register(taxiiRoutes(deps), { prefix: '/taxii2' });
  await app.register(statisticsRoutes(deps));
  await app.register(evidenceFileRoutes(deps));
  if (deps.ui !== undefined) {
    const sessions = new StoreSessions(deps.store);
    await app.register(uiLinkRoutes(sessions));
    await app.register(platformUi(deps, deps.ui, sessions));
  }

  return app;
}
