import { CredenceError } from '@credence/core/errors';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { useProblemDocuments } from '../src/fastify-problems.js';
import { PROBLEMS } from '../src/problem.js';

/** An app whose one route throws what it is given. */
async function throwing(error: unknown) {
  const app = Fastify({ logger: false });
  useProblemDocuments(app);
  app.get('/x', async () => {
    throw error;
  });
  await app.ready();
  const res = await app.inject({ method: 'GET', url: '/x' });
  await app.close();
  return { status: res.statusCode, type: res.headers['content-type'], body: res.json() };
}

describe('the problem handler', () => {
  it("turns a domain error whose code is a problem's into that problem, naming its fields", async () => {
    for (const code of ['member.exists', 'request.invalid', 'log.range'] as const) {
      const res = await throwing(
        new CredenceError(code, 'what to change', {
          fields: [{ field: 'shareIndex', message: 'is bound to another key server' }],
        }),
      );
      expect(res.status).toBe(PROBLEMS[code].status);
      expect(res.type).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        code,
        title: PROBLEMS[code].title,
        status: PROBLEMS[code].status,
        detail: 'what to change',
        errors: [{ field: 'shareIndex', message: 'is bound to another key server' }],
      });
    }
  });

  it('answers a domain error of no problem as an internal error, keeping its message out', async () => {
    const res = await throwing(new CredenceError('merkle.bad_proof', 'secret detail 13800138000'));
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ code: 'internal' });
    expect(JSON.stringify(res.body)).not.toContain('13800138000');
  });
});
