import { spawnSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tarEntry } from '../test/helpers/tar-builder.js';
import { repoRoot } from './harness.js';
import type { BenchRow } from './icp-verify.js';

const ENTRIES = 100_000;

/** A tar whose `data/` folder holds 100,000 small files, the worst case for one expanded folder. */
function makeWideTar(path: string): void {
  const fd = openSync(path, 'w');
  writeSync(fd, tarEntry({ name: 'data/', type: '5', mode: 0o755, mtime: 1_700_000_000 }));
  for (let index = 0; index < ENTRIES; index++) {
    writeSync(
      fd,
      tarEntry({
        name: `data/file${index}.txt`,
        data: 'x'.repeat(index % 97),
        mode: 0o644,
        mtime: 1_700_000_000 + index,
      }),
    );
  }
  writeSync(fd, new Uint8Array(1024));
  closeSync(fd);
}

/** Moves, pages, an incremental search with n/N and pane switches; then the three sorts, which re-order all 100k entries. */
const MOVES = [
  ...'jjjjjjjjjjkkkkk',
  '\u001b[6~',
  '\u001b[6~',
  '\u001b[5~',
  'G',
  'g',
  '/',
  ...'file4242',
  '\r',
  'n',
  'N',
  '\t',
  'j',
  '\t',
];
const SORTS = ['s', 'm', 'n', 's', 's'];

interface Probe {
  indexMs: number;
  firstFrameMs: number;
  expandMs: number;
  latencies: number[];
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const percentile90 = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)] ?? 0;

/** Time to the first frame after indexing, the 100k-entry expand, and key → frame latency inside it (bench/tui-probe.mjs on dist/). */
export function benchTui(workDir: string): BenchRow[] {
  const tar = join(workDir, 'wide.tar');
  makeWideTar(tar);
  const probe = spawnSync(
    process.execPath,
    [join(repoRoot, 'bench/work/tui-probe.mjs'), tar, 'data/', 'file1.txt', ...MOVES, ...SORTS],
    { encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (probe.status !== 0) throw new Error(`tui-probe exited ${probe.status}: ${probe.stderr}`);
  const { indexMs, firstFrameMs, expandMs, latencies } = JSON.parse(probe.stdout) as Probe;
  return [
    {
      work: `TUI: first frame of a ${ENTRIES / 1000}k-entry tar, after indexing`,
      ours: `${firstFrameMs.toFixed(0)} ms`,
      baseline: `indexing: ${indexMs.toFixed(0)} ms`,
      ratio: '–',
      budget: '< 500 ms',
      pass: firstFrameMs < 500,
    },
    {
      work: `TUI: expand the folder of ${ENTRIES / 1000}k entries (enter → frame)`,
      ours: `${expandMs.toFixed(0)} ms`,
      baseline: '–',
      ratio: '–',
      budget: '–',
      pass: true,
    },
    latencyRow(
      `TUI: key → frame in that folder (${MOVES.length} keys: moves, pages, search, n/N, pane switch)`,
      latencies.slice(0, MOVES.length),
    ),
    latencyRow(
      `TUI: key → frame for sorting that folder (${SORTS.join(' ')}: 100k entries re-ordered)`,
      latencies.slice(MOVES.length),
    ),
  ];
}

function latencyRow(work: string, latencies: number[]): BenchRow {
  const slowest = Math.max(...latencies);
  const ours = `median ${median(latencies).toFixed(1)} ms, p90 ${percentile90(latencies).toFixed(1)} ms, max ${slowest.toFixed(1)} ms`;
  return { work, ours, baseline: '–', ratio: '–', budget: '< 50 ms', pass: slowest < 50 };
}
