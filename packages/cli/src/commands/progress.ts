/**
 * Progress of long work, on stderr. On a terminal: one line rewritten in place. Elsewhere
 * (a log, a pipe, a CI job): a whole line at most every `CREDENCE_PROGRESS_SECONDS`
 * seconds (default 10), with how much is done, the rate and, where the total is known,
 * the time left — so that twenty minutes of work are not twenty minutes of silence.
 */
export interface Progress {
  /** `done` of `total` (undefined: unknown) `unit`s, and a note to add. */
  update(done: number, total: number | undefined, note?: string): void;
  /** Ends the progress (clears the line on a terminal). */
  done(): void;
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

function remaining(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function progress(
  what: string,
  unit: string,
  options: { enabled?: boolean; tty?: boolean; write?: (text: string) => void } = {},
): Progress {
  const enabled = options.enabled ?? true;
  const tty = options.tty ?? process.stderr.isTTY === true;
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  const every = 1000 * Number(process.env.CREDENCE_PROGRESS_SECONDS ?? 10);
  const started = performance.now();
  let last = started;
  let shown = false;
  const line = (done: number, total: number | undefined, note?: string) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const of = total === undefined ? '' : ` of ${n(total)}`;
    const left =
      total === undefined || rate === 0 ? '' : `, about ${remaining((total - done) / rate)} left`;
    return `${what}: ${n(done)}${of} ${unit} (${n(rate)}/s${left})${note === undefined ? '' : `; ${note}`}`;
  };
  return {
    update(done, total, note) {
      if (!enabled) return;
      if (tty) {
        write(`\r${line(done, total, note)}\x1b[K`);
        shown = true;
        return;
      }
      const now = performance.now();
      if (now - last < every) return;
      last = now;
      write(`${line(done, total, note)}\n`);
    },
    done() {
      if (enabled && tty && shown) write('\r\x1b[K');
    },
  };
}
