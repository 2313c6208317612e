/**
 * `npm run bench`: measures snapinspect against standard tools in the same run, on data it
 * generates outside the repo, and rewrites bench/RESULTS.md. Exits 1 when a budget is missed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './harness.js';
import { benchIcpVerify, type BenchRow } from './icp-verify.js';

const workDir = mkdtempSync(join(tmpdir(), 'snapinspect-bench-'));
try {
  const rows: BenchRow[] = [...benchIcpVerify(workDir)];
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, Node ${process.version}`;
  const table = [
    '| work | snapinspect | baseline (same run) | ratio | budget | result |',
    '|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.work} | ${row.ours} | ${row.baseline} | ${row.ratio} | ${row.budget} | ${row.pass ? 'pass' : '**MISSED**'} |`),
  ];
  const report = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (bench/run.ts). Wall times are medians of 7 runs after one warm-up run,',
    'with the page cache hot for both sides. Peak RSS comes from the process itself (bench/measure.mjs).',
    '',
    `Machine: ${machine}. Date: ${new Date().toISOString().slice(0, 10)}.`,
    '',
    ...table,
    '',
  ].join('\n');
  writeFileSync(join(repoRoot, 'bench/RESULTS.md'), report);
  console.log(table.join('\n'));
  process.exitCode = rows.every((row) => row.pass) ? 0 : 1;
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
