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

/** Where progress goes: stderr, and whether it is a terminal (tests give their own). */
interface Output {
  readonly enabled?: boolean;
  readonly tty?: boolean;
  readonly write?: (text: string) => void;
}

/**
 * A status line of free text: rewritten in place on a terminal; elsewhere a whole line at
 * most every CREDENCE_PROGRESS_SECONDS seconds.
 */
export function statusLine(options: Output = {}): {
  update(text: string): void;
  done(): void;
} {
  const enabled = options.enabled ?? true;
  const tty = options.tty ?? process.stderr.isTTY === true;
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  const every = 1000 * Number(process.env.CREDENCE_PROGRESS_SECONDS ?? 10);
  let last = performance.now();
  let shown = false;
  return {
    update(text) {
      if (!enabled) return;
      if (tty) {
        write(`\r${text}\x1b[K`);
        shown = true;
        return;
      }
      const now = performance.now();
      if (now - last < every) return;
      last = now;
      write(`${text}\n`);
    },
    done() {
      if (enabled && tty && shown) write('\r\x1b[K');
    },
  };
}

/** Progress counted in `unit`s: done, the total where known, the rate and the time left. */
export function progress(what: string, unit: string, options: Output = {}): Progress {
  const started = performance.now();
  const status = statusLine(options);
  const line = (done: number, total: number | undefined, note?: string) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const of = total === undefined ? '' : ` of ${n(total)}`;
    const left =
      total === undefined || rate === 0 ? '' : `, about ${remaining((total - done) / rate)} left`;
    return `${what}: ${n(done)}${of} ${unit} (${n(rate)}/s${left})${note === undefined ? '' : `; ${note}`}`;
  };
  return {
    update: (done, total, note) => status.update(line(done, total, note)),
    done: () => status.done(),
  };
}
