import { closeSync, openSync, writeSync } from 'node:fs';

/** Flush threshold: big enough for few system calls, small enough to bound memory. */
const FLUSH_BYTES = 1 << 20;

/**
 * An append-only text file written through a small buffer with synchronous writes.
 * Synchronous on purpose: the simulator is a single sequential producer, and writing in
 * its own order is what keeps output byte-identical from run to run.
 */
export class BufferedFile {
  private readonly fd: number;
  private chunks: string[] = [];
  private buffered = 0;
  lines = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  write(text: string): void {
    this.chunks.push(text);
    this.buffered += text.length;
    if (this.buffered >= FLUSH_BYTES) this.flush();
  }

  line(value: unknown): void {
    this.write(`${JSON.stringify(value)}\n`);
    this.lines++;
  }

  flush(): void {
    if (this.chunks.length === 0) return;
    writeSync(this.fd, this.chunks.join(''));
    this.chunks = [];
    this.buffered = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
