/**
 * Every limit of src/model/limits.ts trips with a diagnostic on a tiny fixture once `--limit`
 * lowers it, and stays quiet at its default; `--limit` itself is validated; the README lists them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../src/model/diagnostics.js';
import { limits, limitSpecs, type LimitName } from '../src/model/limits.js';
import { cli, repoRoot, tempDir } from './helpers/cli.js';
import { checkpointFiles, writeFiles as writeCheckpoint } from './helpers/criu-builder.js';
import { icpFolderFiles, patternBytes, writeFiles } from './helpers/icp-builder.js';
import { buildImage, dir, file } from './helpers/image-builder.js';
import { buildQcow2, filled } from './helpers/qcow2-builder.js';
import { buildTar, tarEntry } from './helpers/tar-builder.js';
import { buildWasm } from './helpers/wasm-builder.js';

const root = tempDir();
let made = 0;
const write = (bytes: Uint8Array | string): string => {
  const path = join(root, `input-${++made}`);
  writeFileSync(path, bytes);
  return path;
};
const icpFolder = (extra: Record<string, string> = {}): string => {
  const path = join(root, `icp-${++made}`);
  const files = icpFolderFiles({ flavour: 'icp-cli', wasmPages: 1, gzipModule: true, chunks: [patternBytes(10, 1), patternBytes(10, 2), patternBytes(10, 3)] });
  writeFiles(path, new Map([...files, ...Object.entries(extra).map(([name, text]) => [name, new TextEncoder().encode(text)] as const)]));
  return path;
};
const qcow2 = (): string =>
  write(buildQcow2({ clusterBits: 12, virtualSize: 65536, clusters: { 0: filled(1, 4096) }, snapshots: [{ name: 'a', clusters: { 0: filled(1, 4096) } }, { name: 'b', clusters: {} }] }).bytes);
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
}

const layers = [[dir('etc'), file('etc/a', 'a')], [file('etc/b', 'b')]];
const wasm = buildWasm({ functions: 3, memory: { memory64: false, minPages: 1 }, exports: [{ name: 'a', kind: 'func', index: 0 }, { name: 'b', kind: 'func', index: 1 }] });

const CASES: Case[] = [
  { limit: 'metadataBytes', value: '100', input: icpFolder, code: 'ICP_METADATA_MALFORMED' },
  { limit: 'jsonDepth', value: '1', input: icpFolder, code: 'ICP_METADATA_MALFORMED' },
  { limit: 'leftoverBytes', value: '10', input: () => icpFolder({ '.download_progress.json': `{"wasm_module": {"frontier": 0, "ahead": []}}` }), code: 'ICP_DOWNLOAD_INCOMPLETE', message: 'too large' },
  { limit: 'dirEntries', value: '2', input: icpFolder, code: 'TOO_MANY_ENTRIES' },
  { limit: 'archiveEntries', value: '2', input: () => write(buildTar([dir('d'), file('d/a', 'a'), file('d/b', 'b'), file('d/c', 'c')].map(tarEntry))), code: 'TAR_TOO_MANY_ENTRIES' },
  { limit: 'pathBytes', value: '100', input: () => write(buildTar([file(`${'long/'.repeat(40)}name`, 'x')].map((spec) => tarEntry({ ...spec, style: 'pax' })))), code: 'TAR_EXTENSION_TOO_LARGE' },
  { limit: 'indexDepth', value: '1', input: () => write(buildImage('oci', { layers, platforms: [{ os: 'linux', architecture: 'amd64' }] })), code: 'IMAGE_INDEX_TOO_DEEP' },
  { limit: 'imageLayers', value: '1', input: () => write(buildImage('legacy', { layers })), code: 'IMAGE_TOO_MANY_LAYERS' },
  { limit: 'decompressRatio', value: '10', input: () => write(gzipSync(buildTar([{ ...file('zeros'), data: new Uint8Array(4 * 1024 * 1024) }].map(tarEntry)))), code: 'DECOMPRESS_LIMIT' },
  { limit: 'decompressedBytes', value: '256K', input: () => write(gzipSync(buildTar([{ ...file('data'), data: patternBytes(1_000_000, 5) }].map(tarEntry)))), code: 'DECOMPRESS_LIMIT' },
  { limit: 'memoryScanBytes', value: '1K', input: icpFolder, code: 'MEMORY_NOT_SCANNED' },
  { limit: 'wasmBytes', value: '64', input: icpFolder, code: 'ICP_MODULE_INVALID', command: 'verify' },
  { limit: 'wasmSections', value: '2', input: () => write(wasm), code: 'ICP_MODULE_INVALID', command: 'verify' },
  { limit: 'wasmItems', value: '1', input: () => write(wasm), code: 'ICP_MODULE_INVALID', command: 'verify' },
  { limit: 'qcow2Snapshots', value: '1', input: qcow2, code: 'QCOW2_TABLE_TOO_LARGE' },
  { limit: 'qcow2SnapshotTableBytes', value: '10', input: qcow2, code: 'QCOW2_TABLE_TOO_LARGE' },
  { limit: 'qcow2RefcountTableBytes', value: '8', input: qcow2, code: 'QCOW2_TABLE_TOO_LARGE' },
  { limit: 'criuEntries', value: '1', input: criu, code: 'CRIU_TOO_MANY_ENTRIES' },
  { limit: 'criuEntryBytes', value: '4', input: criu, code: 'CRIU_TOO_MANY_ENTRIES' },
];

/** `CODE message` of each diagnostic (info) or finding (verify), or the fatal error's code. */
async function reported(path: string, command: Case['command'], extra: string[] = []): Promise<{ lines: string[]; stderr: string }> {
  const result = await cli(command === 'verify' ? ['verify', '--json', ...extra, path] : ['info', '--json', ...extra, path]);
  if (result.code === 2) return { lines: [result.stderr], stderr: result.stderr };
  const json = JSON.parse(result.stdout) as { diagnostics?: Diagnostic[]; findings?: Diagnostic[] };
  return { lines: (json.diagnostics ?? json.findings ?? []).map((d) => `${d.code} ${d.message}`), stderr: result.stderr };
}

const mentions = (lines: string[], { code, message = '' }: Pick<Case, 'code' | 'message'>): boolean => lines.some((line) => line.startsWith(`${code} `) && line.includes(message));

describe('each limit trips with a diagnostic', () => {
  it('covers every limit of src/model/limits.ts', () => {
    expect(CASES.map((c) => c.limit).sort()).toEqual(Object.keys(limitSpecs).sort());
  });

  it.each(CASES)('$limit=$value gives $code', async (entry) => {
    const path = entry.input();
    const quiet = await reported(path, entry.command);
    expect(mentions(quiet.lines, entry), `at the default: ${quiet.lines.join('\n')}`).toBe(false);
    const tripped = await reported(path, entry.command, ['--limit', `${entry.limit}=${entry.value}`]);
    expect(mentions(tripped.lines, entry), tripped.lines.join('\n')).toBe(true);
    expect(tripped.stderr).not.toContain('INTERNAL');
    const limit = entry.limit;
    // The override lasts one command: the next one runs at the defaults again.
    expect(limits[limit]).toBe(limitSpecs[limit].value);
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
    expect(mentions((await reported(path, undefined, ['--limit', 'metadataBytes=64M', '--limit', 'jsonDepth=1000'])).lines, malformed)).toBe(false);
  });

  it('the README documents every limit with its default', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    for (const name of Object.keys(limitSpecs)) expect(readme, name).toMatch(new RegExp(`\\| \`${name}\` \\|`));
  });
});

describe('a decompression bomb', () => {
  it('stops after its first MiB at a ratio limit, with memory to spare', async () => {
    const bomb = write(gzipSync(buildTar([{ ...file('zeros'), data: new Uint8Array(256 * 1024 * 1024) }].map(tarEntry)), { level: 9 }));
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
    expect(lines).toContain(`MEMORY_NOT_SCANNED ${2 ** 50} bytes is over the memoryScanBytes limit of ${64 * 1024 ** 3}; pages not scanned`);
    const entry = await cli(['info', `${huge}:disk`]);
    expect(entry.stdout).toContain(`Pages:    ${2 ** 50} bytes is over the memoryScanBytes limit`);
  });

  it('diff stops with one LIMIT line rather than reading it, and compares it with --only files,metadata', async () => {
    const result = await cli(['diff', small, huge]);
    expect([result.code, result.stderr]).toEqual([2, `snapinspect: disk: comparing ${2 ** 50} bytes page by page is over the memoryScanBytes limit of ${64 * 1024 ** 3}; raise it with --limit memoryScanBytes=N or leave memory out with --only files,metadata (LIMIT)\n`]);
    const metadataOnly = await cli(['diff', '--only', 'files,metadata', small, huge]);
    expect(metadataOnly.code).toBe(1);
    expect(metadataOnly.stdout).toContain(`virtual_size: 65536 → ${2 ** 50}`);
  });
});
