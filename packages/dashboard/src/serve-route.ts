import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
} from 'fastify';
import { AGENT_API, type AgentRoute, fastifyPath } from './api-schemas.js';
import type { AnswerOf, BodyOf, ParamsOf, QueryOf } from './api-types.js';

type Request<K extends AgentRoute> = FastifyRequest<{
  Params: ParamsOf<K>;
  Querystring: QueryOf<K>;
  Body: BodyOf<K>;
}>;

/**
 * Registers one of the agent's routes from the API's table (api-schemas.ts): its path,
 * its schemas (what validation lets through, and the answer Fastify writes by, so nothing
 * undeclared leaves), and a handler whose request and answer have the table's types.
 */
export function serve<K extends AgentRoute>(
  app: FastifyInstance,
  route: K,
  handler: (request: Request<K>, reply: FastifyReply) => Promise<AnswerOf<K> | FastifyReply>,
  options: { preHandler?: preHandlerAsyncHookHandler } = {},
): void {
  const spec: {
    params?: object;
    querystring?: object;
    body?: object;
    response?: object;
  } = AGENT_API[route];
  app.route({
    method: route.split(' ')[0] as 'GET' | 'POST',
    url: fastifyPath(route),
    schema: {
      ...(spec.params === undefined ? {} : { params: spec.params }),
      ...(spec.querystring === undefined ? {} : { querystring: spec.querystring }),
      ...(spec.body === undefined ? {} : { body: spec.body }),
      ...(spec.response === undefined ? {} : { response: { 200: spec.response } }),
    },
    ...(options.preHandler === undefined ? {} : { preHandler: options.preHandler }),
    handler: handler as (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  });
}
