import { isCredenceError } from '@credence/core/errors';
import { HttpProblem, isProblemCode } from '@credence/server-kit/problem';

/**
 * What went wrong with a call to the platform, for the person's browser: the platform's
 * own refusal (its problem code and status, as it said it), or 502 when it could not be
 * reached or refused the agent's own credential (not the person's to fix by signing in).
 */
export function platformProblem(error: unknown): never {
  if (isCredenceError(error) && error.code === 'member.platform_refused') {
    const code = String(error.details.code ?? '');
    if (isProblemCode(code) && !code.startsWith('auth.'))
      throw new HttpProblem(code, error.message);
  }
  if (isCredenceError(error) && error.code.startsWith('member.platform'))
    throw new HttpProblem('platform.unavailable', error.message);
  throw error;
}

/** Work that calls the platform, its failures made problems for the browser. */
export async function viaPlatform<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    return platformProblem(error);
  }
}
