/**
 * Every limit the readers declare trips with a diagnostic on a tiny fixture once `--limit`
 * lowers it (a presentation limit changes what is printed instead), and stays quiet at its
 * default; `--limit` itself is validated; the README lists them.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/model/diagnostics.js';
import { limitRows } from '../../src/app/limits.js';

type LimitName = string;
const limitSpecs = Object.fromEntries(limitRows().map((row) => [row.name, row.spec]));
const current = (name: LimitName): number | undefined => limitRows().find((row) => row.name === name)?.current;

/**
 * The limits table under the README's Safety heading, as name → default: `16M` is 16 MiB (K, M, G
 * are powers of 1024, as `--limit` takes them) and `1,000,000` a plain number.
 */
function readmeLimitTable(readme: string): Map<string, number> {
  const lines = readme.split('\n');
  const start = lines.indexOf('| limit | default | what it bounds |');
  if (start < 0) throw new Error('README.md has no limits table');
  const table = new Map<string, number>();
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [, name, written] = /^\| `([^`]+)` \| ([^|]+?) \|/.exec(line) ?? [];
    const match = /^(\d[\d,]*)([KMG]?)$/.exec(written ?? '');
    if (!name || !match) throw new Error(`README.md limits row not understood: ${line}`);
    const unit = 1024 ** ['', 'K', 'M', 'G'].indexOf(match[2] ?? '');
    table.set(name, Number((match[1] ?? '').replaceAll(',', '')) * unit);
  }
  return table;
}
import { cli, repoRoot, tempDir } from '../helpers/cli.js';
import { checkpointFiles, writeFiles as writeCheckpoint } from '../helpers/criu-builder.js';
import { icpFolderFiles, patternBytes, walkedStableMemory, writeFiles } from '../helpers/icp-builder.js';
import { buildImage, dir, file } from '../helpers/image-builder.js';
import { lxdExportTar } from '../helpers/lxd-builder.js';
import { buildQcow2, filled } from '../helpers/qcow2-builder.js';
import { buildGpt } from '../helpers/gpt-builder.js';
import { hasE2fsprogs, mke2fs, warnIfSkipped } from '../helpers/ext-tools.js';
import { missingTools, tool } from '../helpers/fat-tools.js';
import { buildTar, tarEntry } from '../helpers/tar-builder.js';
import { buildWasm } from '../helpers/wasm-builder.js';
import { buildZip, legacySnapshot, type ZipMember } from '../helpers/zip-builder.js';

const root = tempDir();
let made = 0;
const write = (bytes: Uint8Array | string): string => {
  const path = join(root, `input-${++made}`);
  writeFileSync(path, bytes);
  return path;
};
const icpFolder = (extra: Record<string, string> = {}): string => {
  const path = join(root, `icp-${++made}`);
  const files = icpFolderFiles({
    flavour: 'icp-cli',
    wasmPages: 1,
    gzipModule: true,
    chunks: [patternBytes(10, 1), patternBytes(10, 2), patternBytes(10, 3)],
  });
  writeFiles(
    path,
    new Map([
      ...files,
      ...Object.entries(extra).map(([name, text]) => [name, new TextEncoder().encode(text)] as const),
    ]),
  );
  return path;
};
const qcow2 = (): string =>
  write(
    buildQcow2({
      clusterBits: 12,
      virtualSize: 65536,
      clusters: { 0: filled(1, 4096) },
      snapshots: [
        { name: 'a', clusters: { 0: filled(1, 4096) } },
        { name: 'b', clusters: {} },
      ],
    }).bytes,
  );
/** A qcow2 overlay over an overlay over a plain image: a backing chain of two files. */
const qcow2Chain = (): string => {
  const folder = join(root, `qcow2-chain-${++made}`);
  mkdirSync(folder);
  writeFileSync(join(folder, 'base.qcow2'), buildQcow2({ clusterBits: 12, virtualSize: 65536 }).bytes);
  const overlay = (name: string): Uint8Array =>
    buildQcow2({ clusterBits: 12, virtualSize: 65536, backingFile: name, backingFormat: 'qcow2' }).bytes;
  writeFileSync(join(folder, 'mid.qcow2'), overlay('base.qcow2'));
  writeFileSync(join(folder, 'top.qcow2'), overlay('mid.qcow2'));
  return join(folder, 'top.qcow2');
};
/** A Cloudify snapshot with a blueprint zip that holds another zip (nested archives at depths 1 and 2). */
const cloudify = (): string => {
  const inner = buildZip([{ name: 'deep.txt', data: 'deep' }]);
  const blueprint = buildZip([
    { name: 'bp.yaml', data: 'tosca_definitions_version: cloudify_dsl_1_3\n' },
    { name: 'inner.zip', data: inner },
  ]);
  return write(buildZip([...legacySnapshot(), { name: 'blueprints/default_tenant/bp2.zip', data: blueprint }]));
};
/** 2 MiB of numbered rows: deflate shrinks them about 3:1, past the 1 MiB after which ratios count. */
const cloudifyWithRows = (): string => {
  let rows = '';
  for (let i = 0; rows.length < 2 * 1024 * 1024; i++) rows += `row ${i}: ${(i * 7919) % 100003}\n`;
  return write(buildZip([...legacySnapshot(), { name: 'blueprints/default_tenant/bp1/rows.yaml', data: rows }]));
};
const walked = (): string => {
  const path = join(root, `icp-${++made}`);
  writeFiles(path, icpFolderFiles({ flavour: 'icp-cli', stableMemory: walkedStableMemory() }));
  return path;
};
/** A bare ext4 image: three files in a folder and a file with two extents (data at 0 and at 1200 KiB). */
const extImage = (): string => {
  const source = join(root, `ext-tree-${++made}`);
  mkdirSync(join(source, 'd'), { recursive: true });
  for (const name of ['f1', 'f2', 'f3']) writeFileSync(join(source, 'd', name), name);
  const sparse = Buffer.alloc(1200 * 1024 + 4096);
  sparse.fill(1, 0, 4096).fill(2, 1200 * 1024);
  writeFileSync(join(source, 'sparse'), sparse);
  return mke2fs(join(root, `ext-${made}.img`), ['-t', 'ext4'], source, '4M');
};
const fatTools = ['mkfs.vfat', 'mcopy'];
/** A bare FAT12 image holding two files. */
const fatImage = (): string => {
  const image = join(root, `fat-${++made}.img`);
  tool('mkfs.vfat', ['-F', '12', '-C', image, '2048']);
  for (const name of ['a.txt', 'b.txt']) {
    const local = join(root, `${made}-${name}`);
    writeFileSync(local, name);
    tool('mcopy', ['-i', image, local, `::/${name}`]);
  }
  return image;
};
const criu = (): string => {
  const path = join(root, `criu-${++made}`);
  writeCheckpoint(path, checkpointFiles());
  return path;
};

interface Case {
  limit: LimitName;
  value: string;
  input: () => string;
  code: string;
  /** Part of the message, where the code alone also appears at the default. */
  message?: string;
  /** The command that reports it; `info --json` unless given. */
  command?: 'verify';
  /** The tool that builds the input is missing: the case says SKIPPED instead of running. */
  skip?: boolean;
  /** An entry read only when opened (a nested archive, a structure's entries): `info --json INPUT:ENTRY` reports it. */
  entry?: string;
}

const layers = [[dir('etc'), file('etc/a', 'a')], [file('etc/b', 'b')]];
const wasm = buildWasm({
  functions: 3,
  memory: { memory64: false, minPages: 1 },
  exports: [
    { name: 'a', kind: 'func', index: 0 },
    { name: 'b', kind: 'func', index: 1 },
  ],
});

const CASES: Case[] = [
  { limit: 'metadataBytes', value: '100', input: icpFolder, code: 'ICP_METADATA_MALFORMED' },
  { limit: 'jsonDepth', value: '1', input: icpFolder, code: 'ICP_METADATA_MALFORMED' },
  {
    limit: 'leftoverBytes',
    value: '10',
    input: () => icpFolder({ '.download_progress.json': `{"wasm_module": {"frontier": 0, "ahead": []}}` }),
    code: 'ICP_DOWNLOAD_INCOMPLETE',
    message: 'too large',
  },
  { limit: 'dirEntries', value: '2', input: icpFolder, code: 'TOO_MANY_ENTRIES' },
  {
    limit: 'archiveEntries',
    value: '2',
    input: () => write(buildTar([dir('d'), file('d/a', 'a'), file('d/b', 'b'), file('d/c', 'c')].map(tarEntry))),
    code: 'TAR_TOO_MANY_ENTRIES',
  },
  {
    limit: 'pathBytes',
    value: '100',
    input: () =>
      write(buildTar([file(`${'long/'.repeat(40)}name`, 'x')].map((spec) => tarEntry({ ...spec, style: 'pax' })))),
    code: 'TAR_EXTENSION_TOO_LARGE',
  },
  {
    limit: 'pathDepth',
    value: '3',
    input: () => write(buildTar([file('a/b/c/d', 'x')].map(tarEntry))),
    code: 'PATH_TOO_DEEP',
  },
  {
    limit: 'indexDepth',
    value: '1',
    input: () => write(buildImage('oci', { layers, platforms: [{ os: 'linux', architecture: 'amd64' }] })),
    code: 'IMAGE_INDEX_TOO_DEEP',
  },
  {
    limit: 'imageLayers',
    value: '1',
    input: () => write(buildImage('legacy', { layers })),
    code: 'IMAGE_TOO_MANY_LAYERS',
  },
  {
    limit: 'imageManifests',
    value: '1',
    input: () => write(buildImage('oci', { layers, platforms: [{ os: 'linux', architecture: 'amd64' }] })),
    code: 'IMAGE_TOO_MANY_MANIFESTS',
  },
  {
    limit: 'lxdYamlKeys',
    value: '3',
    input: () => write(lxdExportTar({ shape: 'v1' })),
    code: 'LXD_BAD_YAML',
  },
  {
    limit: 'decompressRatio',
    value: '10',
    input: () => write(gzipSync(buildTar([{ ...file('zeros'), data: new Uint8Array(4 * 1024 * 1024) }].map(tarEntry)))),
    code: 'DECOMPRESS_LIMIT',
  },
  {
    limit: 'decompressedBytes',
    value: '256K',
    input: () => write(gzipSync(buildTar([{ ...file('data'), data: patternBytes(1_000_000, 5) }].map(tarEntry)))),
    code: 'DECOMPRESS_LIMIT',
  },
  { limit: 'memoryScanBytes', value: '1K', input: icpFolder, code: 'MEMORY_NOT_SCANNED' },
  { limit: 'wasmBytes', value: '64', input: icpFolder, code: 'ICP_MODULE_INVALID', command: 'verify' },
  { limit: 'wasmSections', value: '2', input: () => write(wasm), code: 'ICP_MODULE_INVALID', command: 'verify' },
  { limit: 'wasmItems', value: '1', input: () => write(wasm), code: 'ICP_MODULE_INVALID', command: 'verify' },
  { limit: 'qcow2Snapshots', value: '1', input: qcow2, code: 'QCOW2_TABLE_TOO_LARGE' },
  { limit: 'qcow2SnapshotTableBytes', value: '10', input: qcow2, code: 'QCOW2_TABLE_TOO_LARGE' },
  { limit: 'qcow2RefcountTableBytes', value: '8', input: qcow2, code: 'QCOW2_TABLE_TOO_LARGE' },
  {
    limit: 'diskPartitions',
    value: '2',
    input: () =>
      write(
        buildGpt({ sectorSize: 512, sectors: 2048, diskGuid: '11111111-2222-3333-4444-555555555555', partitions: [] }),
      ),
    code: 'GPT_TOO_MANY_ENTRIES',
  },
  ...[
    { limit: 'fsDirectoryEntries', value: '2', code: 'EXT_BAD_DIRECTORY', message: 'limit fsDirectoryEntries' },
    { limit: 'extExtents', value: '1', code: 'EXT_BAD_EXTENT_TREE', message: 'limit extExtents' },
    { limit: 'extDirectoryBytes', value: '1', code: 'EXT_BAD_DIRECTORY', message: 'limit extDirectoryBytes' },
    { limit: 'extVerifyInodes', value: '1', code: 'EXT_VERIFY_LIMIT', command: 'verify' as const },
  ].map((entry) => ({ ...entry, input: extImage, skip: !hasE2fsprogs })),
  {
    limit: 'fatVerifyEntries',
    value: '1',
    input: fatImage,
    code: 'FAT_VERIFY_LIMIT',
    command: 'verify',
    skip: missingTools(fatTools).length > 0,
  },
  { limit: 'qcow2BackingChain', value: '1', input: qcow2Chain, code: 'QCOW2_BACKING_CHAIN_TOO_LONG' },
  { limit: 'criuEntries', value: '1', input: criu, code: 'CRIU_TOO_MANY_ENTRIES' },
  { limit: 'criuEntryBytes', value: '4', input: criu, code: 'CRIU_TOO_MANY_ENTRIES' },
  { limit: 'criuRecords', value: '1', input: criu, code: 'CRIU_TOO_MANY_RECORDS' },
  { limit: 'criuTasks', value: '1', input: criu, code: 'CRIU_TOO_MANY_TASKS', message: 'limit criuTasks' },
  { limit: 'criuThreads', value: '1', input: criu, code: 'CRIU_TOO_MANY_TASKS', message: 'limit criuThreads' },
  {
    limit: 'zipEntries',
    value: '2',
    input: cloudify,
    code: 'TOO_MANY_ENTRIES',
    message: 'more than 2 zip entries; only the first 2 are listed',
  },
  {
    limit: 'zipRatio',
    value: '2',
    input: cloudifyWithRows,
    code: 'ZIP_LIMIT',
    message: 'blueprints/default_tenant/bp1/rows.yaml expands more than 2:1',
    command: 'verify',
  },
  {
    limit: 'archiveDepth',
    value: '1',
    input: cloudify,
    entry: 'blueprints/default_tenant/bp2.zip/inner.zip',
    code: 'ARCHIVE_DEPTH_LIMIT',
    message: 'nested 2 levels deep; the limit is 1, so it is not opened',
  },
  {
    limit: 'nestedArchives',
    value: '1',
    input: cloudify,
    entry: 'blueprints/default_tenant/bp2.zip/inner.zip',
    code: 'ARCHIVE_COUNT_LIMIT',
    message: 'is not opened: 1 nested archives are open already (limit nestedArchives)',
  },
  {
    limit: 'nestedArchiveBytes',
    value: '100',
    input: cloudify,
    entry: 'blueprints/default_tenant/bp2.zip',
    code: 'ARCHIVE_TOO_LARGE',
    message: 'larger than 100 bytes; it is not browsed inside',
  },
  {
    limit: 'dumpLineBytes',
    value: '100',
    input: cloudify,
    code: 'CLOUDIFY_LINE_TOO_LONG',
    message: 'line 21 of pg_data is longer than 100 bytes and was skipped',
  },
  {
    limit: 'redactBytes',
    value: '100',
    input: cloudify,
    code: 'CLOUDIFY_WITHHELD',
    message: 'pg_data is larger than the redactBytes limit of 100 bytes, so it is not redacted but withheld whole',
  },
  {
    limit: 'managerRecords',
    value: '1',
    input: cloudify,
    code: 'CLOUDIFY_TOO_MANY_RECORDS',
    message: 'pg_data holds 3 executions rows, more than the managerRecords limit; the Manager view shows the first 1',
  },
  {
    limit: 'candidDepth',
    value: '1',
    input: walked,
    code: 'STABLE_CANDID_UNDECODABLE',
    message: 'the memory starts with DIDL but is not valid Candid: values nest deeper than 1 levels',
  },
  {
    limit: 'candidTypes',
    value: '1',
    input: walked,
    code: 'STABLE_CANDID_UNDECODABLE',
    message: 'type table has 4 entries, more than 1',
  },
  {
    limit: 'candidValues',
    value: '2',
    input: walked,
    code: 'STABLE_CANDID_UNDECODABLE',
    message: 'more than 2 values in one message',
  },
  {
    limit: 'stableNodeBytes',
    value: '200',
    input: walked,
    entry: 'stable_memory.bin/memory 0',
    code: 'STABLE_UNREADABLE',
    message: 'entries cannot be read: node at address 260 spans more than 200 bytes',
  },
  {
    limit: 'btreeNodes',
    value: '1',
    input: walked,
    entry: 'stable_memory.bin/memory 0',
    code: 'STABLE_UNREADABLE',
    message: 'entries cannot be read: more than 1 nodes visited',
  },
];

/** Presentation limits: crossing one is no problem to report; it changes what a command prints. */
interface ShownCase {
  limit: LimitName;
  value: string;
  input: () => string;
  args: (path: string) => string[];
  /** stdout at the lowered limit. */
  shown: string;
}

const SHOWN: ShownCase[] = [
  {
    limit: 'entriesPerPage',
    value: '10',
    input: walked,
    args: (path) => ['ls', `${path}:stable_memory.bin/memory 0`],
    shown: 'page 1/\npage 2/\npage 3/\n',
  },
  {
    limit: 'valueTextChars',
    value: '20',
    input: walked,
    args: (path) => ['info', `${path}:stable_memory.bin/memory 1/value`],
    shown: [
      'Path:     stable_memory.bin/memory 1/value',
      'Kind:     record',
      'Size:     59 (59 B)',
      'Note:     (record { 1113806378…',
      'Attributes:',
      '  index: 0',
      '  value: (record { 1113806378…',
      '  value_encoding: candid',
      '',
    ].join('\n'),
  },
];

/** `CODE message` of each diagnostic (info) or finding (verify), or the fatal error's code. */
async function reported(
  path: string,
  command: Case['command'],
  extra: string[] = [],
): Promise<{ lines: string[]; stderr: string }> {
  const result = await cli([command ?? 'info', '--json', ...extra, path]);
  if (result.code === 2) return { lines: [result.stderr], stderr: result.stderr };
  const json = JSON.parse(result.stdout) as { diagnostics?: Diagnostic[]; findings?: Diagnostic[] };
  return {
    lines: (json.diagnostics ?? json.findings ?? []).map((d) => `${d.code} ${d.message}`),
    stderr: result.stderr,
  };
}

const mentions = (lines: string[], { code, message = '' }: Pick<Case, 'code' | 'message'>): boolean =>
  lines.some((line) => line.startsWith(`${code} `) && line.includes(message));

describe('each limit trips with a diagnostic', () => {
  it('covers every limit the readers declare', () => {
    expect([...CASES, ...SHOWN].map((c) => c.limit).sort()).toEqual(Object.keys(limitSpecs).sort());
  });

  it.each(CASES)('$limit=$value gives $code', async (entry) => {
    if (entry.skip) return warnIfSkipped(`--limit ${entry.limit}`);
    const input = entry.input();
    const path = entry.entry === undefined ? input : `${input}:${entry.entry}`;
    const quiet = await reported(path, entry.command);
    expect(mentions(quiet.lines, entry), `at the default: ${quiet.lines.join('\n')}`).toBe(false);
    const tripped = await reported(path, entry.command, ['--limit', `${entry.limit}=${entry.value}`]);
    expect(mentions(tripped.lines, entry), tripped.lines.join('\n')).toBe(true);
    expect(tripped.stderr).not.toContain('INTERNAL');
    const limit = entry.limit;
    // The override lasts one command: the next one runs at the defaults again.
    expect(current(limit)).toBe(limitSpecs[limit]?.value);
  });

  it.each(SHOWN)('$limit=$value changes what is shown', async ({ limit, value, input, args, shown }) => {
    const command = args(input());
    const quiet = await cli(command);
    expect([quiet.code, quiet.stderr]).toEqual([0, '']);
    expect(quiet.stdout).not.toBe(shown);
    const [name = '', ...rest] = command;
    expect(await cli([name, '--limit', `${limit}=${value}`, ...rest])).toMatchObject({
      code: 0,
      stdout: shown,
      stderr: '',
    });
  });
});

describe('a zip listed up to zipEntries', () => {
  const codes = async (path: string): Promise<string[]> =>
    (await reported(path, undefined, ['--limit', 'zipEntries=2'])).lines.map((line) => line.split(' ')[0] ?? '');

  it('is cut, not called damaged for holding fewer entries than its end record announces', async () => {
    expect(await codes(cloudify())).toEqual(['TOO_MANY_ENTRIES', 'CLOUDIFY_STAGE_REVISION_NOISE']);
  });

  it('says so also when the entries are recovered from local headers', async () => {
    const zip = buildZip(legacySnapshot());
    const directory = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) - zip.readUInt32LE(zip.length - 10);
    const lines = (await reported(write(zip.subarray(0, directory)), undefined, ['--limit', 'zipEntries=2'])).lines;
    expect(lines.filter((line) => line.startsWith('TOO_MANY_ENTRIES') || line.startsWith('ZIP_'))).toEqual([
      'ZIP_NO_CENTRAL_DIRECTORY no end-of-central-directory record: the zip is truncated or damaged; entries were recovered from local headers',
      'TOO_MANY_ENTRIES more than 2 zip entries; only the first 2 are listed',
    ]);
  });
});

describe('a Manager view cut at managerRecords', () => {
  const cut = async (members: ZipMember[]): Promise<string[]> =>
    (await reported(write(buildZip(members)), undefined, ['--limit', 'managerRecords=1'])).lines.filter((line) =>
      line.startsWith('CLOUDIFY_TOO_MANY_RECORDS'),
    );

  it('names the es_data kind and the 7.x file that held more', async () => {
    const es = ['e1', 'e2', 'e3']
      .map((id) => JSON.stringify({ _type: 'execution', _id: id, _source: { id } }))
      .join('\n');
    expect(
      await cut([
        { name: 'metadata.json', data: '{"snapshot_version": "3.3"}' },
        { name: 'es_data', data: es },
      ]),
    ).toEqual([
      'CLOUDIFY_TOO_MANY_RECORDS es_data holds 3 executions documents, more than the managerRecords limit; the Manager view shows the first 1',
    ]);
    const items = JSON.stringify({ type: 'executions', items: [{ id: 'x1' }, { id: 'x2' }] });
    expect(
      await cut([
        { name: 'metadata.json', data: '{"snapshot_version": "7.0.4"}' },
        { name: 'tenants/t1/00000001.json', data: items },
      ]),
    ).toEqual([
      'CLOUDIFY_TOO_MANY_RECORDS tenants/t1/00000001.json holds 2 executions items, more than the managerRecords limit; the Manager view shows the first 1',
    ]);
  });
});

describe('--limit', () => {
  it.each([
    ['nosuch=1', '--limit takes NAME=VALUE with NAME one of metadataBytes,'],
    ['metadataBytes', '--limit takes NAME=VALUE'],
    ['metadataBytes=-5', '--limit takes NAME=VALUE'],
    ['metadataBytes=0', '--limit metadataBytes needs a whole number from 1 up; not 0'],
    ['metadataBytes=99999999999G', '--limit metadataBytes needs a whole number from 1 up; not 99999999999G'],
  ])('rejects %s with a usage error', async (value, message) => {
    const result = await cli(['info', '--limit', value, root]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`snapinspect: ${message}`);
    expect(result.stderr).toMatch(/\(USAGE\)\n$/);
  });

  it('takes K, M and G suffixes and raises a limit above its default', async () => {
    const path = icpFolder();
    const malformed = { code: 'ICP_METADATA_MALFORMED' };
    expect(mentions((await reported(path, undefined, ['--limit', 'metadataBytes=1K'])).lines, malformed)).toBe(true);
    expect(
      mentions(
        (await reported(path, undefined, ['--limit', 'metadataBytes=64M', '--limit', 'jsonDepth=1000'])).lines,
        malformed,
      ),
    ).toBe(false);
  });

  it('the README lists every limit, and no other, with the default in force', () => {
    const table = readmeLimitTable(readFileSync(join(repoRoot, 'README.md'), 'utf8'));
    expect([...table.keys()].sort()).toEqual(
      limitRows()
        .map((row) => row.name)
        .sort(),
    );
    for (const { name, spec } of limitRows()) expect(table.get(name), `README default of ${name}`).toBe(spec.value);
  });

  it('reads the README table values as written: suffixes are powers of 1024, commas group digits', () => {
    const table = readmeLimitTable(
      [
        '| limit | default | what it bounds |',
        '|---|---|---|',
        '| `a` | 16M | x |',
        '| `b` | 1,000,000 | y |',
        '| `c` | 64K | z |',
        '| `d` | 64G | w |',
        '',
        '| `e` | 1 | after the table |',
      ].join('\n'),
    );
    expect([...table]).toEqual([
      ['a', 16 * 2 ** 20],
      ['b', 1_000_000],
      ['c', 65_536],
      ['d', 64 * 2 ** 30],
    ]);
    expect(() => readmeLimitTable('| limit | default | what it bounds |\n|---|---|---|\n| `a` | 16 MiB | x |')).toThrow(
      /16 MiB/,
    );
  });
});

describe('a decompression bomb', () => {
  it('stops after its first MiB at a ratio limit, with memory to spare', async () => {
    const bomb = write(
      gzipSync(buildTar([{ ...file('zeros'), data: new Uint8Array(256 * 1024 * 1024) }].map(tarEntry)), { level: 9 }),
    );
    const before = process.memoryUsage().rss;
    const result = await reported(bomb, undefined, ['--limit', 'decompressRatio=100']);
    expect(mentions(result.lines, { code: 'DECOMPRESS_LIMIT' }), result.lines.join('\n')).toBe(true);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });
});

describe('a qcow2 disk that claims a petabyte in its header', () => {
  const honest = buildQcow2({ clusterBits: 12, virtualSize: 65536, clusters: { 0: filled(1, 4096) } }).bytes;
  const giant = honest.slice();
  new DataView(giant.buffer).setBigUint64(24, 2n ** 50n);
  const [small, huge] = [write(honest), write(giant)];

  it('info skips the page map instead of reading it', async () => {
    const lines = (await reported(huge, undefined)).lines;
    expect(lines).toContain(
      `MEMORY_NOT_SCANNED ${2 ** 50} bytes is over the memoryScanBytes limit of ${64 * 1024 ** 3}; pages not scanned`,
    );
    const entry = await cli(['info', `${huge}:disk`]);
    expect(entry.stdout).toContain(`Pages:    ${2 ** 50} bytes is over the memoryScanBytes limit`);
  });

  it('diff stops with one LIMIT line rather than reading it, and compares it with --only files,metadata', async () => {
    const result = await cli(['diff', small, huge]);
    expect([result.code, result.stderr]).toEqual([
      2,
      `snapinspect: disk: comparing all ${2 ** 50} bytes is over the memoryScanBytes limit of ${64 * 1024 ** 3}; raise it with --limit memoryScanBytes=N or leave memory out with --only files,metadata (LIMIT)\n`,
    ]);
    const metadataOnly = await cli(['diff', '--only', 'files,metadata', small, huge]);
    expect(metadataOnly.code).toBe(1);
    expect(metadataOnly.stdout).toContain(`virtual_size: 65536 → ${2 ** 50}`);
  });

  it('hash and cat stop with one LIMIT line instead of allocating a page table or streaming zeros', async () => {
    const tail = `all ${2 ** 50} bytes is over the memoryScanBytes limit of ${64 * 1024 ** 3}; raise it with --limit memoryScanBytes=N or leave memory out with --only files,metadata (LIMIT)\n`;
    const hashed = await cli(['hash', huge, '-o', join(tempDir(), 'manifest.json')]);
    expect([hashed.code, hashed.stderr]).toEqual([2, `snapinspect: disk: hashing ${tail}`]);
    const written = await cli(['cat', `${huge}:disk`]);
    expect([written.code, written.stdout, written.stderr]).toEqual([2, '', `snapinspect: disk: writing ${tail}`]);
  });
});
