import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from '../machine.js';
import { child, fmt, quick, sectionHead } from './kit.js';

interface SimFigures {
  ms: number;
  reports: number;
  links: number;
  maxRssMb: number;
  peakHeapMb: number;
}

/** The simulator's speed and memory, against writing the same lines with no world behind them. */
export function simulatorSuite(): string {
  const work = mkdtempSync(join(tmpdir(), 'credence-bench-'));
  const rows: string[][] = [];
  const runs: { label: string; scale: number; days: number; repeat: number; heapMb?: number }[] = [
    { label: 'demo (scale 1, 182 days)', scale: 1, days: 182, repeat: 5 },
    { label: 'scale 10, 182 days', scale: 10, days: 182, repeat: 3 },
    { label: 'scale 10, 728 days (4× longer)', scale: 10, days: 728, repeat: 1 },
    { label: 'scale 40, 182 days', scale: 40, days: 182, repeat: quick ? 1 : 3 },
  ];
  if (!quick) {
    runs.push({ label: '1M reports: scale 320, 182 days', scale: 320, days: 182, repeat: 1 });
    runs.push({
      label: '1M reports: scale 40, 1,456 days, heap capped at 256 MB',
      scale: 40,
      days: 1456,
      repeat: 1,
      heapMb: 256,
    });
  }
  let baselineLinesPerSecond = 0;
  {
    const samples = [0, 1, 2].map(() =>
      child<{ ms: number; lines: number }>('io-baseline.js', [
        '500000',
        join(work, 'baseline.jsonl'),
      ]),
    );
    baselineLinesPerSecond = median(samples.map((s) => s.lines / (s.ms / 1000)));
  }
  for (const run of runs) {
    const nodeArgs = run.heapMb ? [`--max-old-space-size=${run.heapMb}`] : [];
    const samples: SimFigures[] = [];
    for (let i = 0; i < run.repeat; i++)
      samples.push(
        child<SimFigures>(
          'sim-run.js',
          [String(run.scale), String(run.days), join(work, `w${i}`)],
          nodeArgs,
        ),
      );
    const s = samples[0] as SimFigures;
    const seconds = median(samples.map((x) => x.ms)) / 1000;
    const lines = s.reports + s.links;
    rows.push([
      run.label,
      String(run.repeat),
      fmt(s.reports),
      fmt(s.links),
      fmt(seconds, 1),
      fmt(s.reports / seconds),
      fmt(lines / seconds),
      fmt(lines / seconds / baselineLinesPerSecond, 2),
      fmt(median(samples.map((x) => x.peakHeapMb))),
      fmt(median(samples.map((x) => x.maxRssMb))),
    ]);
    console.log(rows.at(-1)?.join(' | '));
  }
  rmSync(work, { recursive: true, force: true });
  const table = [
    '| run | runs | reports | links | seconds (median) | reports/s | lines/s | vs. write-only baseline | peak heap used (MB) | peak RSS (MB) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  return [
    ...sectionHead('Simulator (`credence sim`)'),
    table,
    '',
    `Baseline: serializing and writing JSON lines of the same shape through the same writer, with no world behind them: ${fmt(baselineLinesPerSecond)} lines/s (median of 3). "vs. baseline" is the simulator's lines/s divided by it.`,
    'Each run is a separate process, so its peak RSS (getrusage maxRSS) is its own; heap use is sampled after every simulated day. Memory follows the intensity of the world (reports per day, rings alive at once), not the length of the output: at one scale, a 4× longer world writes 4× the lines in about the same memory, so a million reports written over a longer period fit a 256 MB heap. A more intense world needs memory in proportion to its daily activity.',
  ].join('\n');
}
