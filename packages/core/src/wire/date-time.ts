/**
 * The one rule for the times of events that members contribute (SPEC §5: a report's
 * `occurredAt`, a link's `at`), used by the member's parser of raw records and by the
 * platform alike, so that what one side accepts the other does too.
 *
 * A time is a strict RFC 3339 date-time (§5.6): `YYYY-MM-DDTHH:MM:SS`, an optional
 * fraction of 1 to 9 digits, and an explicit offset (`Z` or `±hh:mm`). The day must
 * exist in its month (leap years by the Gregorian rule), hours run 00–23, minutes and
 * seconds 00–59 (a leap second, 60, is refused: nothing in fraud data needs one, and
 * ECMAScript time has none). `Date.parse` alone is not enough: it rolls 30 February over
 * into March and takes `T24:00:00` for the next midnight.
 *
 * An event cannot have happened after now, give or take the clock skew allowed between a
 * member and the platform, nor before 1990-01-01T00:00:00Z: earlier than any data a
 * member holds (the first GSM call was in 1991), so such a time is an export's broken
 * default (the epoch, year 1, year 1900) rather than a fact. A time far in the future
 * would make a report look fresh for ever (checks say "last seen today", its weight never
 * decays). The clock is the caller's: the core reads none.
 */

/** How far ahead of the receiver's clock a time may be: the platform's skew for a batch. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** The earliest time an event may carry. */
export const EARLIEST_EVENT_TIME = '1990-01-01T00:00:00Z';
const EARLIEST_EVENT_MS = Date.UTC(1990, 0, 1);

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The instant a strict RFC 3339 date-time names, in milliseconds since the epoch (a
 * fraction beyond milliseconds is cut off, as `Date.parse` does); undefined when the text
 * is not one, or names a day or time that does not exist.
 */
export function parseDateTime(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1) return undefined;
  const days = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  if (day > days || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const offsetHour = Number(m[9]);
    const offsetMinute = Number(m[10]);
    if (offsetHour > 23 || offsetMinute > 59) return undefined;
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  }
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  // setUTCFullYear, not Date.UTC: the latter reads years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime() - offsetMinutes * 60_000;
}

export type EventTimeCheck =
  | { readonly ok: true; readonly ms: number }
  | {
      readonly ok: false;
      /** `format`: not a real RFC 3339 date-time; `range`: before 1990 or in the future. */
      readonly problem: 'format' | 'range';
      /** Names the rule, never the value. */
      readonly message: string;
    };

export const EVENT_TIME_FORMAT_MESSAGE =
  'must be an RFC 3339 date-time with an offset, such as 2026-11-20T10:12:00Z, on a day that exists, hours 00-23';
export const EVENT_TIME_RANGE_MESSAGE = `must be from ${EARLIEST_EVENT_TIME} up to now (at most ${MAX_CLOCK_SKEW_MS / 60_000} minutes ahead of the clock)`;

/**
 * Checks the time of an event against the rule above. Precondition: `now` is the
 * receiver's clock, in milliseconds since the epoch.
 */
export function checkEventTime(text: unknown, now: number): EventTimeCheck {
  const ms = parseDateTime(text);
  if (ms === undefined) return { ok: false, problem: 'format', message: EVENT_TIME_FORMAT_MESSAGE };
  if (ms < EARLIEST_EVENT_MS || ms > now + MAX_CLOCK_SKEW_MS)
    return { ok: false, problem: 'range', message: EVENT_TIME_RANGE_MESSAGE };
  return { ok: true, ms };
}
