import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, repoRoot, tempDir } from '../../helpers/cli.js';
import { CANDID_SERVICE, icpFolderFiles, writeFiles } from '../../helpers/icp-builder.js';
import { btreeMapHeaderV2, buildMemoryManager, cellImage, motokoEopMemory } from '../../helpers/stable-builder.js';

const fixture = (name: string): string => join(repoRoot, 'fixtures/icp', name);

describe('ICP snapshot folder written by icp-cli', () => {
  const dir = fixture('icp-cli-snapshot');

  it('lists the folder with blobs as memories and decoded children', async () => {
    const { code, stdout } = await cli(['ls', dir]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        '.lock',
        'metadata.json',
        'stable_memory.bin',
        'wasm_chunk_store/',
        'wasm_memory.bin',
        'wasm_module.bin',
        '',
      ].join('\n'),
    );
  });

  it('lists canister methods by kind, system hooks and Candid sections inside the module', async () => {
    const methods = await cli(['ls', `${dir}:wasm_module.bin/methods`]);
    expect(methods.stdout).toBe('greet\nlookup\nset\n');
    const json = await cli(['ls', '--json', `${dir}:wasm_module.bin/methods`]);
    expect(JSON.parse(json.stdout).map((e: { path: string; kind: string }) => [e.path, e.kind])).toEqual([
      ['wasm_module.bin/methods/greet', 'record'],
      ['wasm_module.bin/methods/lookup', 'record'],
      ['wasm_module.bin/methods/set', 'record'],
    ]);
    expect((await cli(['ls', `${dir}:wasm_module.bin/system`])).stdout).toBe('canister_init\ncanister_global_timer\n');
    expect((await cli(['ls', `${dir}:wasm_module.bin/custom`])).stdout).toBe(
      'icp:public candid:service\nicp:private candid:args\n',
    );
  });

  it('cats the Candid service text out of the module', async () => {
    const { code, stdout } = await cli(['cat', `${dir}:wasm_module.bin/custom/icp:public candid:service`]);
    expect(code).toBe(0);
    expect(stdout).toBe(CANDID_SERVICE);
  });

  it('shows metadata exactly, u64 values without precision loss', async () => {
    const { code, stdout } = await cli(['info', dir]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      '  producer: icp-cli\n  source: taken_from_canister\n  taken_at_timestamp: 2025-11-22T00:06:40.123456789Z\n',
    );
    expect(stdout).toContain('    [1]: {type: i64, value: 9007199254740993}\n');
    expect(stdout).toContain('    [3]: {type: v128, value: 60000000000000000}\n');
    expect(stdout).toContain('  certified_data: f36b45ae818809ee24ae2489edabfe3cf2a12627b6929c07fc7a3b885d414d44\n');
    expect(stdout).toContain('  global_timer:\n    active: 2025-11-22T02:06:40Z\n');
    expect(stdout).toContain('    memory: wasm32\n');
    expect(stdout).toContain(
      '      query: [greet]\n      update: [set]\n      composite_query: [lookup]\n      system: [canister_init, canister_global_timer]\n',
    );
    expect(stdout).toContain('      |   lookup: (text) -> (opt nat) composite_query;\n');
    expect(stdout).toContain('  stable_memory.bin/memory 1: 1 pages of 64.0 KiB, 0 all-zero; data pages: 0\n');
    expect(stdout).toContain('  wasm_memory.bin: 2 pages of 64.0 KiB, 0 all-zero; data pages: 0-1\n');
    expect(stdout).toContain('Diagnostics (1):\n  info    ICP_LEFTOVER_LOCK .lock: icp-cli lock file');
  });

  it('decodes the MemoryManager into virtual memories with their structures', async () => {
    const { stdout } = await cli(['ls', '--json', `${dir}:stable_memory.bin`]);
    expect(JSON.parse(stdout)).toEqual([
      {
        path: 'stable_memory.bin/memory 0',
        kind: 'memory',
        size: 65536,
        mode: null,
        uid: null,
        gid: null,
        mtime: null,
      },
      {
        path: 'stable_memory.bin/memory 1',
        kind: 'memory',
        size: 65536,
        mode: null,
        uid: null,
        gid: null,
        mtime: null,
      },
    ]);
    const info = JSON.parse((await cli(['info', '--json', dir])).stdout);
    expect(info.memories.map((m: { path: string }) => m.path)).toEqual([
      'stable_memory.bin',
      'stable_memory.bin/memory 0',
      'stable_memory.bin/memory 1',
      'wasm_memory.bin',
    ]);
  });
});

describe('other producers and shapes', () => {
  const root = tempDir();

  it('recognises a dfx folder: absent empty stable memory is normal, upload record explained, memory64 module', async () => {
    const { stdout } = await cli(['info', '--json', fixture('dfx-snapshot')]);
    const info = JSON.parse(stdout);
    expect(info.metadata.producer).toBe('dfx');
    expect(info.metadata.module.memory).toBe('wasm64');
    expect(info.diagnostics.map((d: { code: string }) => d.code).sort()).toEqual([
      'ICP_BLOB_ABSENT_EMPTY',
      'ICP_UPLOADED_BEFORE',
    ]);
  });

  it('reads the old dfx 0.29 shape and warns that current CLIs cannot upload it', async () => {
    const dir = join(root, 'old');
    writeFiles(dir, icpFolderFiles({ flavour: 'dfx-old' }));
    const info = JSON.parse((await cli(['info', '--json', dir])).stdout);
    expect(info.variant).toBe('dfx-0.29');
    expect(info.metadata.source).toBe('taken_from_canister');
    expect(info.metadata.globals).toHaveLength(4);
    expect(info.diagnostics).toContainEqual(expect.objectContaining({ code: 'ICP_OLD_SHAPE', severity: 'warning' }));
    expect((await cli(['verify', dir])).code).toBe(1);
  });

  it('inflates a gzip module and reports both sizes', async () => {
    const dir = join(root, 'gzip');
    writeFiles(dir, icpFolderFiles({ flavour: 'icp-cli', gzipModule: true }));
    const info = JSON.parse((await cli(['info', '--json', dir])).stdout);
    expect(info.metadata.module.encoding).toBe('gzip');
    expect(info.metadata.module.decompressed_size).toBe(403);
    expect(info.metadata.module.methods.query).toEqual(['greet']);
    expect((await cli(['verify', dir])).code).toBe(0);
  });

  it('shows metadata_upload source and a null source as diagnostics', async () => {
    const dir = join(root, 'upload');
    writeFiles(dir, icpFolderFiles({ flavour: 'icp-cli', metadata: { source: { metadata_upload: null } } }));
    const info = JSON.parse((await cli(['info', '--json', dir])).stdout);
    expect(info.metadata.source).toBe('metadata_upload');
    expect(info.diagnostics.map((d: { code: string }) => d.code)).toContain('ICP_SOURCE_UPLOAD');
  });

  it('names BTreeMap V2, Cell and Motoko EOP contents', async () => {
    const dir = join(root, 'structures');
    const stable = buildMemoryManager({
      bucketSizePages: 1,
      memories: [
        { id: 3, data: btreeMapHeaderV2({ pageSize: 1024, length: 7n }) },
        { id: 9, data: cellImage(new Uint8Array([1, 2, 3])) },
      ],
    });
    const files = icpFolderFiles({ flavour: 'icp-cli', stableMemory: stable, wasmPages: 0 });
    files.set('wasm_memory.bin', motokoEopMemory(73));
    writeFiles(dir, files);
    const info = JSON.parse((await cli(['info', '--json', dir])).stdout);
    expect(info.memories.map((m: { path: string }) => m.path)).toEqual([
      'stable_memory.bin',
      'stable_memory.bin/memory 3',
      'stable_memory.bin/memory 9',
      'wasm_memory.bin',
    ]);
    const { stdout } = await cli(['info', dir]);
    expect(stdout).toMatch(
      /\n {2}wasm_memory\.bin +4\.6 MiB {2}memory {2}Motoko heap with stable variables \(enhanced orthogonal persistence\)\n/,
    );
    const tree = await cli(['ls', '-l', `${dir}:stable_memory.bin`]);
    expect(tree.stdout).toMatch(/memory 3\n.*memory 9\n$/);
  });

  it('opens a Juno snapshot folder as its own variant and verifies blob hashes', async () => {
    const dir = join(root, '0x00000000000000018000000000100001');
    const module = icpFolderFiles({ flavour: 'icp-cli' }).get('wasm_module.bin') ?? new Uint8Array(0);
    const { createHash } = await import('node:crypto');
    const hash = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
    const heap = new Uint8Array(65536).fill(1);
    const metadata = {
      snapshotId: '0000000000000001800000000010000a0101',
      metadata: {
        takenAtTimestamp: { __bigint__: '1763770000123456789' },
        wasmModuleSize: { __bigint__: String(module.length) },
        certifiedData: { __uint8array__: [1, 2] },
      },
      data: {
        wasmModule: { filename: 'wasm-code.bin', size: module.length, hash: hash(module) },
        wasmMemory: { filename: 'heap.bin', size: heap.length, hash: 'bad'.padEnd(64, '0') },
        stableMemory: null,
        wasmChunkStore: null,
      },
    };
    writeFiles(
      dir,
      new Map<string, Uint8Array | string>([
        ['metadata.json', JSON.stringify(metadata)],
        ['wasm-code.bin', module],
        ['heap.bin', heap],
      ]),
    );
    const infoText = (await cli(['info', '--json', dir])).stdout;
    const info = JSON.parse(infoText);
    expect(info.variant).toBe('juno');
    expect(infoText).toContain('"takenAtTimestamp": 1763770000123456789,');
    expect((await cli(['info', dir])).stdout).toContain('  takenAtTimestamp: 1763770000123456789\n');
    expect(info.metadata.module.methods.update).toEqual(['set']);
    const verify = JSON.parse((await cli(['verify', '--json', dir])).stdout);
    expect(verify.ok).toBe(false);
    expect(verify.findings.map((f: { code: string; path: string }) => `${f.code} ${f.path}`)).toEqual([
      'JUNO_HASH_MISMATCH heap.bin',
    ]);
  });

  it('opens a bare wasm module file', async () => {
    const file = join(root, 'canister.wasm');
    writeFiles(
      root,
      new Map([['canister.wasm', icpFolderFiles({ flavour: 'icp-cli' }).get('wasm_module.bin') ?? new Uint8Array(0)]]),
    );
    const { code, stdout } = await cli(['ls', `${file}:methods`]);
    expect(code).toBe(0);
    expect(stdout).toBe('greet\nlookup\nset\n');
  });
});
