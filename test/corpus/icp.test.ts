import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, corpusRoot } from '../helpers/cli.js';

const icp = join(corpusRoot, 'icp');
const present = existsSync(join(icp, 'counter/before/metadata.json'));
if (!present) console.warn(`SKIPPED corpus suite: ${icp} not found (the shared corpus sits beside the repo)`);

const before = join(icp, 'counter/before');
const after = join(icp, 'counter/after');
const chunks = [
  '8ffdf7e6cfde155ab118e1f70435db9efd0e96745e674854895edd173fc591ca',
  'eeb7c7743e3a743bd39891c08a60cd4462faf4684a3828ec7dbcb312dcaeb47a',
];

async function infoJson(path: string): Promise<Record<string, any>> {
  const { code, stdout } = await cli(['info', '--json', path]);
  expect(code).toBe(0);
  return JSON.parse(stdout);
}

describe.skipIf(!present)('shared corpus: ICP counter snapshots (ground truth in corpus/README.md)', () => {
  it('lists the folder with the exact sizes', async () => {
    const { stdout } = await cli(['ls', '--json', before]);
    expect(
      JSON.parse(stdout).map((e: { path: string; kind: string; size: number }) => `${e.path} ${e.kind} ${e.size}`),
    ).toEqual([
      '.lock file 0',
      'metadata.json file 1675',
      'stable_memory.bin memory 1048576',
      'wasm_chunk_store dir 0',
      'wasm_memory.bin memory 2621440',
      'wasm_module.bin file 248643',
    ]);
    const store = await cli(['ls', '-l', `${after}:wasm_chunk_store`]);
    expect(store.stdout).toMatch(new RegExp(`1048576 .* ${chunks[0]}\\.bin\\n.* 300000 .* ${chunks[1]}\\.bin\\n$`));
  });

  it('reads metadata exactly, including values beyond 2^53', async () => {
    const { stdout } = await cli(['info', before]);
    expect(stdout).toContain('  taken_at_timestamp: 2025-11-22T00:06:40.123456789Z\n');
    expect(stdout).toContain('    [1]: {type: i64, value: 9007199254740993}\n');
    expect(stdout).toContain(
      '  canister_version: 12\n  certified_data: f36b45ae818809ee24ae2489edabfe3cf2a12627b6929c07fc7a3b885d414d44\n  global_timer: inactive\n',
    );
    const later = await cli(['info', after]);
    expect(later.stdout).toContain('  taken_at_timestamp: 2025-11-22T01:06:40.987654321Z\n');
    expect(later.stdout).toContain(
      '    [1]: {type: i64, value: 9007199254740995}\n    [2]: {type: f64, value: 0.75}\n    [3]: {type: v128, value: 60000000000000000}\n',
    );
    expect(later.stdout).toContain(
      '  canister_version: 15\n  certified_data: 046977fe25d893edf85927c4a038248b161c4b13431d0b5b9489e8bf179d89ae\n  global_timer:\n    active: 2025-11-22T02:06:40Z\n',
    );
    const info = await infoJson(before);
    expect(info.metadata.wasm_chunk_store).toEqual(chunks);
    expect(info.metadata.module.sha256).toBe('63ef74e5c2bd649e0c89d24102f1a8e79bd0bda58da17f8da14ae2400654c3a4');
  });

  it('decodes counter.wasm: memory64, Candid service, custom sections, methods', async () => {
    const info = await infoJson(before);
    expect(info.metadata.module.memory).toBe('wasm64');
    expect(info.metadata.module.custom_sections).toEqual([
      'name',
      'icp:public candid:service',
      'icp:public candid:args',
      'icp:public motoko:stable-types',
      'icp:private motoko:compiler',
      'motoko',
      'icp:private enhanced-orthogonal-persistence',
    ]);
    expect(info.metadata.module.candid_service.replace(/\s+/g, ' ').trim()).toBe(
      'service : { get: () -> (nat) query; inc: () -> (nat); name: () -> (text) query; reset: (to: nat) -> (); }',
    );
    expect(info.metadata.module.methods).toEqual({
      query: ['get', 'name'],
      update: ['inc', 'reset'],
      composite_query: [],
      system: ['canister_pre_upgrade', 'canister_post_upgrade', 'canister_global_timer', 'canister_init'],
    });
    const custom = await cli(['ls', '-l', `${before}:wasm_module.bin/custom`]);
    expect(
      custom.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => line.trim().split(/\s+/)[3]),
    ).toEqual(['29610', '114', '2', '82', '35', '417', '24']);
    const eop = await cli(['cat', `${before}:wasm_module.bin/custom/icp:private enhanced-orthogonal-persistence`]);
    expect(eop.stdout).toBe('64-bit, layout version 1');
    const code = await cli(['info', '--json', `${before}:wasm_module.bin/sections/code`]);
    expect(JSON.parse(code.stdout).attrs).toEqual({ id: 10, offset: 2796, size: 194768 });
  });

  it('decodes the MemoryManager in stable memory', async () => {
    const manager = JSON.parse((await cli(['info', '--json', `${before}:stable_memory.bin`])).stdout);
    expect(manager.attrs).toMatchObject({
      layout: 'ic-stable-structures MemoryManager',
      layout_version: 1,
      allocated_buckets: 15,
      bucket_size_pages: 1,
      virtual_memories: 3,
    });
    const buckets = await Promise.all(
      [0, 1, 2].map(async (id) =>
        JSON.parse((await cli(['info', '--json', `${before}:stable_memory.bin/memory ${id}`])).stdout),
      ),
    );
    expect(buckets.map((memory) => [memory.size, memory.attrs.size_pages, memory.attrs.buckets])).toEqual([
      [327680, 5, '6-9, 14'],
      [327680, 5, '0-2, 10, 13'],
      [327680, 5, '3-5, 11-12'],
    ]);
  });

  it('maps data pages of the heap', async () => {
    const info = await infoJson(before);
    const heap = info.memories.find((memory: { path: string }) => memory.path === 'wasm_memory.bin');
    expect(heap).toEqual({
      path: 'wasm_memory.bin',
      size: 2621440,
      pageSize: 65536,
      pages: 40,
      zeroPages: 31,
      dataRanges: [
        [0, 3],
        [10, 10],
        [17, 17],
        [24, 24],
        [31, 31],
        [38, 38],
      ],
    });
  });

  it('verifies both snapshots: chunk hashes match names and metadata, only the lock file is noted', async () => {
    for (const dir of [before, after]) {
      const { code, stdout } = await cli(['verify', '--json', dir]);
      expect(code).toBe(0);
      expect(JSON.parse(stdout).findings.map((f: { code: string }) => f.code)).toEqual(['ICP_LEFTOVER_LOCK']);
    }
  });

  it('opens the bare module and the golden stable memory file is not mistaken for a snapshot', async () => {
    const module = await infoJson(join(icp, 'counter.wasm'));
    expect(module.format).toBe('wasm-module');
    expect(module.metadata.module.methods.query).toEqual(['get', 'name']);
    const golden = await cli(['info', join(icp, 'stability_write.golden')]);
    expect(golden.code).toBe(2);
    expect(golden.stderr).toContain('(UNKNOWN_FORMAT)');
  });
});
