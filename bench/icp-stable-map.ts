import { join } from 'node:path';
import { openAddress, resolveInner } from '../src/app/open.js';
import { childrenOf } from '../src/model/tree.js';
import { btreeMapImage } from '../test/helpers/btree-builder.js';
import { icpFolderFiles, writeFiles } from '../test/helpers/icp-builder.js';
import { buildMemoryManager } from '../test/helpers/stable-builder.js';
import { snapinspect, timeCommand } from './harness.js';
import type { BenchRow } from './icp-verify.js';

const ENTRIES = 1_000_000;
const MAP = 'stable_memory.bin/memory 0';

/** A snapshot folder whose stable memory holds one V2 BTreeMap of a million u64 → text entries (about 50 MB). */
function makeMapSnapshot(dir: string): void {
  const entries: [Uint8Array, Uint8Array][] = Array.from({ length: ENTRIES }, (_, i) => {
    const key = new Uint8Array(8);
    new DataView(key.buffer).setBigUint64(0, BigInt(i) * 7n, false);
    return [key, new TextEncoder().encode(`value-${i}`)];
  });
  const map = btreeMapImage({ v2: { pageSize: 512, fixedKeySize: true }, entries });
  writeFiles(
    dir,
    icpFolderFiles({
      flavour: 'icp-cli',
      stableMemory: buildMemoryManager({ bucketSizePages: 128, memories: [{ id: 0, data: map }] }),
    }),
  );
}

/** Median of `runs` timings of `work`, after one warm-up. */
async function medianMs(runs: number, work: (run: number) => Promise<void>): Promise<number> {
  await work(-1);
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    await work(run);
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)] ?? 0;
}

/** Opens the folder and lists the map's first page, then pages forward one page at a time, in one process. */
async function inProcess(dir: string): Promise<{ firstPageMs: number; forwardMs: number }> {
  const firstPageMs = await medianMs(5, async () => {
    const opened = await openAddress(`${dir}:${MAP}/page 1`, { showSecrets: false });
    const page = await childrenOf(await resolveInner(opened));
    if (page.length !== 1000) throw new Error(`page 1 has ${page.length} entries`);
  });
  const pages = await childrenOf(await resolveInner(await openAddress(`${dir}:${MAP}`, { showSecrets: false })));
  const open = async (index: number): Promise<void> => {
    const folder = pages[index];
    const page = folder ? await childrenOf(folder) : [];
    if (page.length !== 1000) throw new Error(`page ${index + 1} has ${page.length} entries`);
  };
  await open(0);
  // Run -1 (the warm-up) opens page 2, run 0 page 3, …: each one the page after the last.
  const forwardMs = await medianMs(9, (run) => open(run + 2));
  return { firstPageMs, forwardMs };
}

export async function benchStableMap(workDir: string): Promise<BenchRow[]> {
  const dir = join(workDir, 'icp-stable-map');
  makeMapSnapshot(dir);
  const cliFirst = timeCommand(...snapinspect('ls', `${dir}:${MAP}/page 1`));
  const { firstPageMs, forwardMs } = await inProcess(dir);
  return [
    {
      work: 'ICP BTreeMap of 1,000,000 entries: `ls` of its first page (whole CLI run)',
      ours: `${cliFirst.medianMs.toFixed(0)} ms`,
      baseline: '–',
      ratio: '–',
      budget: '< 200 ms',
      pass: cliFirst.medianMs < 200,
    },
    {
      work: 'same map: open the folder and read the first page (in process)',
      ours: `${firstPageMs.toFixed(1)} ms`,
      baseline: '–',
      ratio: '–',
      budget: '< 200 ms',
      pass: firstPageMs < 200,
    },
    {
      work: 'same map: page forward by 1000 entries (in process)',
      ours: `${forwardMs.toFixed(1)} ms`,
      baseline: '–',
      ratio: '–',
      budget: '< 50 ms',
      pass: forwardMs < 50,
    },
  ];
}
