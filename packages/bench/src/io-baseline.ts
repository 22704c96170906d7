import { rmSync } from 'node:fs';
import { BufferedFile } from '@credence/sim/output/jsonl-file';

/**
 * The floor the simulator cannot beat: serializing and writing the same number of JSON
 * lines of the same shape through the same buffered writer, with no world behind them.
 * `node io-baseline.js <lines> <path>` prints one JSON line.
 */
const [count = '100000', path = 'bench-baseline.jsonl'] = process.argv.slice(2);
const n = Number(count);
const started = performance.now();
const file = new BufferedFile(path);
for (let i = 0; i < n; i++) {
  file.line({
    link: 'transfer',
    from: { kind: 'bank_card', value: `62110${String(i).padStart(14, '0')}` },
    to: { kind: 'bank_account', value: `3100${String(i * 7).padStart(13, '0')}` },
    at: '2026-05-01T10:12:00Z',
    count: 1,
    amountCny: i % 10_000,
  });
}
file.close();
const ms = performance.now() - started;
rmSync(path, { force: true });
console.log(JSON.stringify({ ms, lines: n }));
