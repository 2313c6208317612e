import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { stringifyJson } from '../src/format/values.js';
import { canisterModule } from '../test/helpers/icp-builder.js';
import { peakRssMiB, snapinspect, timeCommand } from './harness.js';
import type { BenchRow } from './icp-verify.js';
import { makeExportTar } from './tar-ls.js';

const GIB = 1024 ** 3;
const PAGE = 65536;

/** An ICP folder whose heap is `heap`; metadata sizes match so the folder is valid. */
function icpFolder(dir: string, heap: string): void {
  mkdirSync(join(dir, 'wasm_chunk_store'), { recursive: true });
  const module = canisterModule();
  writeFileSync(join(dir, 'wasm_module.bin'), module);
  copyFileSync(heap, join(dir, 'wasm_memory.bin'));
  const metadata = {
    source: { taken_from_canister: null },
    taken_at_timestamp: 1n,
    wasm_module_size: BigInt(module.length),
    globals: [],
    wasm_memory_size: BigInt(GIB),
    stable_memory_size: 0n,
    wasm_chunk_store: [],
    canister_version: 1n,
    certified_data: [],
  };
  writeFileSync(join(dir, 'metadata.json'), stringifyJson(metadata));
}

function randomFile(path: string, size: number): void {
  const fd = openSync(path, 'w');
  for (let written = 0; written < size; written += 16 * 1024 * 1024)
    writeSync(fd, randomBytes(Math.min(16 * 1024 * 1024, size - written)));
  closeSync(fd);
}

/** Overwrites one page in every hundred, so 1% of the pages differ. */
function changeOnePercent(path: string): void {
  const fd = openSync(path, 'r+');
  for (let page = 0; page < GIB / PAGE; page += 100) writeSync(fd, randomBytes(64), 0, 64, page * PAGE + 17);
  closeSync(fd);
}

export function benchMemoryDiff(workDir: string): BenchRow[] {
  const heap = join(workDir, 'heap.bin');
  randomFile(heap, GIB);
  const [a, b, c] = ['a', 'b', 'c'].map((name) => join(workDir, name));
  for (const dir of [a, b, c]) icpFolder(dir ?? '', heap);
  changeOnePercent(join(c ?? '', 'wasm_memory.bin'));
  const cmp = timeCommand('cmp', [join(a ?? '', 'wasm_memory.bin'), join(b ?? '', 'wasm_memory.bin')], 5);
  const same = timeCommand(...snapinspect('diff', '--only', 'memory', a ?? '', b ?? ''), 5);
  const changed = timeCommand(...snapinspect('diff', '--only', 'memory', a ?? '', c ?? ''), 5, [1]);
  const rss = peakRssMiB(['diff', '--only', 'memory', a ?? '', c ?? ''], workDir, [1]);
  const ratio = same.medianMs / cmp.medianMs;
  return [
    {
      work: 'diff two identical 1 GiB memories',
      ours: `${same.medianMs.toFixed(0)} ms`,
      baseline: `cmp: ${cmp.medianMs.toFixed(0)} ms`,
      ratio: `${ratio.toFixed(2)}× cmp's time`,
      budget: '≤ 0.6×',
      pass: ratio <= 0.6,
    },
    {
      work: 'diff two 1 GiB memories, 1% of pages changed',
      ours: `${changed.medianMs.toFixed(0)} ms`,
      baseline: `cmp (identical pair): ${cmp.medianMs.toFixed(0)} ms`,
      ratio: `${(changed.medianMs / cmp.medianMs).toFixed(2)}×`,
      budget: '–',
      pass: true,
    },
    {
      work: 'diff two 1 GiB memories: peak RSS',
      ours: `${rss.toFixed(0)} MiB`,
      baseline: '–',
      ratio: '–',
      budget: '< 200 MB',
      pass: rss * 1.048576 < 200,
    },
  ];
}

export function benchTarDiff(workDir: string): BenchRow[] {
  const before = join(workDir, 'before.tar');
  const after = join(workDir, 'after.tar');
  makeExportTar(before);
  makeExportTar(after);
  const fd = openSync(after, 'r+');
  for (let offset = 10 * 1024 * 1024; offset < 200 * 1024 * 1024; offset += 20 * 1024 * 1024)
    writeSync(fd, randomBytes(16), 0, 16, offset + 1024);
  closeSync(fd);
  const ours = timeCommand(...snapinspect('diff', before, after), 3, [1]);
  const which = spawnSync('diffoscope', ['--version']);
  if (which.status !== 0) {
    return [
      {
        work: 'diff two 200 MB export tars',
        ours: `${ours.medianMs.toFixed(0)} ms`,
        baseline: 'diffoscope not installed',
        ratio: '–',
        budget: '≥ 30× faster',
        pass: false,
      },
    ];
  }
  const start = performance.now();
  spawnSync('diffoscope', ['--no-progress', '--text', join(workDir, 'diffoscope.txt'), before, after], {
    stdio: 'ignore',
    timeout: 20 * 60 * 1000,
  });
  const diffoscopeMs = performance.now() - start;
  const speedup = diffoscopeMs / ours.medianMs;
  return [
    {
      work: 'diff two 200 MB export tars (10k members, 10 files changed)',
      ours: `${ours.medianMs.toFixed(0)} ms`,
      baseline: `diffoscope: ${(diffoscopeMs / 1000).toFixed(1)} s (one run)`,
      ratio: `${speedup.toFixed(0)}× faster`,
      budget: '≥ 30× faster',
      pass: speedup >= 30,
    },
  ];
}
