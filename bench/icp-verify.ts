import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringifyJson } from '../src/format/values.js';
import { canisterModule, sha256 } from '../test/helpers/icp-builder.js';
import { peakRssMiB, snapinspect, timeCommand } from './harness.js';

export interface BenchRow {
  work: string;
  ours: string;
  baseline: string;
  ratio: string;
  budget: string;
  pass: boolean;
}

const GIB = 1024 ** 3;

/** 100 chunks of 1 MiB (random, so hashing is real work) and two 1 GiB memories (sparse: verify must not read them). */
function makeSnapshot(dir: string): void {
  mkdirSync(join(dir, 'wasm_chunk_store'), { recursive: true });
  const hashes: string[] = [];
  for (let i = 0; i < 100; i++) {
    const chunk = randomBytes(1024 * 1024);
    const hash = sha256(chunk);
    hashes.push(hash);
    writeFileSync(join(dir, 'wasm_chunk_store', `${hash}.bin`), chunk);
  }
  const module = canisterModule();
  writeFileSync(join(dir, 'wasm_module.bin'), module);
  for (const name of ['wasm_memory.bin', 'stable_memory.bin']) {
    writeFileSync(join(dir, name), '');
    truncateSync(join(dir, name), GIB);
  }
  const metadata = {
    source: { taken_from_canister: null },
    taken_at_timestamp: 1763770000123456789n,
    wasm_module_size: BigInt(module.length),
    globals: [{ i32: 1048576n }],
    wasm_memory_size: BigInt(GIB),
    stable_memory_size: BigInt(GIB),
    wasm_chunk_store: hashes.sort().map((hash) => ({ hash: Array.from(Buffer.from(hash, 'hex')) })),
    canister_version: 1n,
    certified_data: [],
    global_timer: 'inactive',
    on_low_wasm_memory_hook_status: 'condition_not_satisfied',
  };
  writeFileSync(join(dir, 'metadata.json'), stringifyJson(metadata));
}

export function benchIcpVerify(workDir: string): BenchRow[] {
  const dir = join(workDir, 'icp-snapshot');
  makeSnapshot(dir);
  const chunkFiles = readdirSync(join(dir, 'wasm_chunk_store')).map((name) => join(dir, 'wasm_chunk_store', name));
  const baseline = timeCommand('sha256sum', chunkFiles, 7);
  const ours = timeCommand(...snapinspect('verify', dir), 7);
  const speedup = baseline.medianMs / ours.medianMs;
  const rss = peakRssMiB(['verify', dir], workDir);
  return [
    {
      work: 'verify ICP folder: 100 × 1 MiB chunks + 2 × 1 GiB memories',
      ours: `${ours.medianMs.toFixed(0)} ms`,
      baseline: `sha256sum over the chunks: ${baseline.medianMs.toFixed(0)} ms`,
      ratio: `${speedup.toFixed(2)}× faster`,
      budget: '≥ 4× faster',
      pass: speedup >= 4,
    },
    {
      work: 'verify ICP folder: peak RSS',
      ours: `${rss.toFixed(0)} MiB`,
      baseline: '–',
      ratio: '–',
      budget: '< 200 MB',
      pass: rss * 1.048576 < 200,
    },
  ];
}
