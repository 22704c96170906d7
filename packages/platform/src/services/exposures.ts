import { checkEventTime } from '@credence/core/wire/date-time';
import type { ExposureJson } from '@credence/core/wire/exposures';
import { PlatformError } from '../domain/errors.js';
import type { LogAppend, TokenRef } from '../domain/types.js';
import type { Store } from '../storage/store.js';
import type { CheckView } from './check-view.js';

/** What an upload answers: the part's counts, and its log entries (none for a repeat). */
export interface ExposureResult {
  readonly exposure: ExposureJson;
  readonly repeat: boolean;
  readonly alerts: number;
  readonly log: LogAppend | undefined;
}

/**
 * Exposure warnings (SPEC §6, issue 17, docs/exposures.md): the police upload a list of
 * personal data seized from fraudsters, tokenized at their side; every member watching one
 * of its tokens gets an `exposed` alert about its own customer, so that it can warn them
 * before the fraudsters call. Nothing else changes: a listed person is a likely victim,
 * not a suspect, so checks answer as before and the tokens are not kept.
 */
export class ExposureService {
  constructor(
    private readonly store: Store,
    private readonly view: CheckView,
    private readonly now: () => number = Date.now,
  ) {}

  async upload(
    memberId: string,
    part: { readonly list: string; readonly part: number; readonly seizedAt: string },
    tokens: readonly TokenRef[],
  ): Promise<ExposureResult> {
    const now = this.now();
    const seized = checkEventTime(part.seizedAt, now);
    if (!seized.ok)
      throw new PlatformError(
        'request.invalid',
        seized.problem === 'format'
          ? 'seizedAt must be a real date and time'
          : 'seizedAt must not be in the future or before 1990',
        { errors: [{ field: 'seizedAt', message: seized.message }] },
      );
    // A token listed twice is one person's identifier, matched once.
    const distinct = [...new Map(tokens.map((t) => [t.token, t])).values()];
    const done = await this.store.recordExposure(
      memberId,
      { list: part.list, part: part.part, seizedAt: seized.ms },
      distinct,
      now,
    );
    if (done.status === 'conflict')
      throw new PlatformError(
        'exposure.conflict',
        `Part ${part.part} of this list was uploaded before with other tokens (exposure ${done.exposure.id}); give the list another name, or send the same part again.`,
        { errors: [{ field: 'part', message: 'is taken by an upload with other tokens' }] },
      );
    if (done.status === 'repeat')
      return { exposure: done.exposure, repeat: true, alerts: 0, log: undefined };
    // This process answers from the upload's sequence on before it says so.
    await this.view.reach(done.seq);
    return { exposure: done.exposure, repeat: false, alerts: done.alerts, log: done.log };
  }

  list(
    filter: { readonly member?: string },
    after: number,
    limit: number,
  ): Promise<ExposureJson[]> {
    return this.store.listExposures(filter, after, limit);
  }
}
