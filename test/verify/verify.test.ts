import { mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readers } from '../../src/readers/registry.js';
import { cli, repoRoot, tempDir } from '../helpers/cli.js';
import { icpFolderFiles, patternBytes, sha256, writeFiles, type IcpFolderSpec } from '../helpers/icp-builder.js';

type Files = Map<string, Uint8Array>;

interface BrokenCase {
  name: string;
  spec?: Partial<IcpFolderSpec>;
  mutate?: (files: Files) => void;
  /** Runs after the files are written, for things a byte map cannot express. */
  after?: (dir: string) => void;
  /** Codes of all error and warning findings, sorted. */
  codes: string[];
  /** A substring the finding's message must carry, so the user learns what is wrong. */
  says?: string;
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const chunkPaths = (files: Files): string[] => [...files.keys()].filter((path) => path.startsWith('wasm_chunk_store/'));
const firstChunk = (files: Files): string => chunkPaths(files)[0] ?? '';
const metadataText = (files: Files): string => new TextDecoder().decode(files.get('metadata.json'));
const editMetadata = (files: Files, edit: (json: string) => string): void => {
  files.set('metadata.json', text(edit(metadataText(files))));
};

const cases: BrokenCase[] = [
  {
    name: 'chunk bytes differ from the hash in its name',
    mutate: (f) => f.set(firstChunk(f), patternBytes(10, 99)),
    codes: ['ICP_CHUNK_HASH_MISMATCH'],
    says: 'would upload under a different hash',
  },
  {
    name: 'chunk listed in metadata has no file',
    mutate: (f) => f.delete(firstChunk(f)),
    codes: ['ICP_CHUNK_MISSING'],
  },
  {
    name: 'chunk file not listed in metadata',
    mutate: (f) => {
      const extra = patternBytes(50, 5);
      f.set(`wasm_chunk_store/${sha256(extra)}.bin`, extra);
    },
    codes: ['ICP_CHUNK_EXTRA'],
  },
  {
    name: 'file in the chunk store that is not a chunk name',
    mutate: (f) => f.set('wasm_chunk_store/notes.txt', text('x')),
    codes: ['ICP_CHUNK_BAD_NAME'],
  },
  { name: 'chunk over 1 MiB', spec: { chunks: [patternBytes(1024 * 1024 + 1, 3)] }, codes: ['ICP_CHUNK_TOO_LARGE'] },
  {
    name: 'more than 100 chunks',
    spec: { chunks: Array.from({ length: 101 }, (_, i) => patternBytes(8, i + 1)) },
    codes: ['ICP_TOO_MANY_CHUNKS'],
  },
  {
    name: 'blob shorter than metadata (dfx prefix / short download)',
    mutate: (f) => f.set('wasm_memory.bin', new Uint8Array(65536)),
    codes: ['ICP_BLOB_SHORT'],
    says: 'silently fill the rest with zeros',
  },
  {
    name: 'blob longer than metadata',
    mutate: (f) => f.set('stable_memory.bin', new Uint8Array(4 * 65536)),
    codes: ['ICP_BLOB_LONG'],
    says: 'rejects writes past the declared size',
  },
  { name: 'blob with non-zero size missing', mutate: (f) => f.delete('wasm_memory.bin'), codes: ['ICP_BLOB_MISSING'] },
  {
    name: 'unfinished icp-cli download with not-downloaded slices',
    spec: { wasmPages: 64 },
    mutate: (f) =>
      f.set(
        '.download_progress.json',
        text(
          '{"wasm_module":{"frontier":2000000,"ahead":[]},"wasm_memory":{"frontier":0,"ahead":[2000000]},"stable_memory":{"frontier":2000000,"ahead":[]}}',
        ),
      ),
    codes: ['ICP_DOWNLOAD_INCOMPLETE'],
    says: 'not downloaded: wasm_memory.bin bytes 0-1999999, 4000000-4194303',
  },
  {
    name: 'progress temp file of a dying download',
    mutate: (f) => f.set('.download_progress.json.tmp', text('{')),
    codes: ['ICP_PROGRESS_TMP'],
  },
  {
    name: 'interrupted icp-cli upload',
    mutate: (f) => f.set('.upload_progress.json', text('{"snapshot_id":"00ff","metadata_uploaded":true}')),
    codes: ['ICP_UPLOAD_INTERRUPTED'],
    says: 'new snapshot 00ff',
  },
  {
    name: 'empty wasm module',
    mutate: (f) => f.set('wasm_module.bin', new Uint8Array(0)),
    after: (dir) => rewriteSize(dir, 'wasm_module_size', 0),
    codes: ['ICP_MODULE_EMPTY'],
  },
  {
    name: 'wasm module over 100 MiB',
    after: (dir) => {
      truncateSync(join(dir, 'wasm_module.bin'), 101 * 1024 * 1024);
      rewriteSize(dir, 'wasm_module_size', 101 * 1024 * 1024);
    },
    codes: ['ICP_MODULE_INVALID', 'ICP_MODULE_TOO_LARGE'],
  },
  {
    name: 'module is not wasm',
    mutate: (f) => f.set('wasm_module.bin', patternBytes(403, 1)),
    codes: ['ICP_MODULE_NOT_WASM'],
  },
  {
    name: 'module is damaged wasm',
    mutate: (f) =>
      f.set(
        'wasm_module.bin',
        Uint8Array.from([
          ...(f.get('wasm_module.bin') ?? new Uint8Array(0)).subarray(0, 200),
          ...new Uint8Array(203).fill(0xff),
        ]),
      ),
    codes: ['ICP_MODULE_INVALID'],
  },
  {
    name: 'memory size not page aligned',
    mutate: (f) => editMetadata(f, (m) => m.replace('"wasm_memory_size": 131072', '"wasm_memory_size": 131000')),
    codes: ['ICP_BLOB_LONG', 'ICP_MEMORY_NOT_PAGE_ALIGNED'],
  },
  {
    name: 'wasm32 memory over 4 GiB',
    after: (dir) => {
      const size = 5 * 1024 ** 3;
      truncateSync(join(dir, 'wasm_memory.bin'), size);
      rewriteSize(dir, 'wasm_memory_size', size);
    },
    codes: ['ICP_MEMORY_TOO_LARGE'],
    says: 'exceeds the IC limit for wasm32 memory (4 GiB)',
  },
  {
    name: 'more than 1000 globals',
    mutate: (f) =>
      editMetadata(f, (m) =>
        m.replace(
          /"globals": \[[^\]]*?\]\s*\}\s*\],/s,
          `"globals": ${JSON.stringify(Array.from({ length: 1001 }, () => ({ i32: 1 })))},`,
        ),
      ),
    codes: ['ICP_TOO_MANY_GLOBALS'],
  },
  {
    name: 'null global (NaN float)',
    mutate: (f) => editMetadata(f, (m) => m.replace('"f64": 0.5', '"f64": null')),
    codes: ['ICP_NULL_GLOBAL'],
    says: 'globals[2]',
  },
  {
    name: 'certified data over 32 bytes',
    mutate: (f) => editMetadata(f, (m) => m.replace('"certified_data": [', `"certified_data": [${'1,'.repeat(8)}`)),
    codes: ['ICP_CERTIFIED_DATA_TOO_LARGE'],
  },
  {
    name: 'truncated metadata.json',
    mutate: (f) => f.set('metadata.json', (f.get('metadata.json') ?? new Uint8Array(0)).subarray(0, 300)),
    codes: ['ICP_METADATA_MALFORMED'],
    says: 'not valid JSON',
  },
  {
    name: 'missing required field',
    mutate: (f) => editMetadata(f, (m) => m.replace('"canister_version": 12,', '')),
    codes: ['ICP_FIELD_MISSING'],
    says: 'missing field canister_version',
  },
  {
    name: 'field of the wrong type',
    mutate: (f) => editMetadata(f, (m) => m.replace('"canister_version": 12', '"canister_version": "12"')),
    codes: ['ICP_FIELD_INVALID'],
    says: 'canister_version is the string "12"',
  },
  {
    name: 'dfx writability probe left behind',
    spec: { flavour: 'dfx' },
    mutate: (f) => f.set('.snapshot_write_test', new Uint8Array(0)),
    codes: ['ICP_WRITE_TEST'],
  },
  {
    name: 'source of an unknown kind',
    mutate: (f) => editMetadata(f, (m) => m.replace('"taken_from_canister": null', '"taken_from_the_future": null')),
    codes: ['ICP_SOURCE_UNKNOWN'],
  },
  {
    name: 'null source',
    mutate: (f) => editMetadata(f, (m) => m.replace(/"source": \{[^}]*\}/s, '"source": null')),
    codes: ['ICP_SOURCE_UNKNOWN'],
  },
  {
    name: 'blob name taken by a folder',
    mutate: (f) => f.delete('wasm_memory.bin'),
    after: (dir) => mkdirSync(join(dir, 'wasm_memory.bin')),
    codes: ['ICP_BLOB_NOT_FILE'],
  },
  {
    name: 'MemoryManager bucket beyond the end of stable memory',
    mutate: (f) => {
      const stable = f.get('stable_memory.bin') ?? new Uint8Array(0);
      f.set('stable_memory.bin', stable.subarray(0, 2 * 65536));
      editMetadata(f, (m) => m.replace(/"stable_memory_size": \d+/, `"stable_memory_size": ${2 * 65536}`));
    },
    codes: ['MGR_BUCKET_PAST_END'],
    says: "Memory 1's bucket 1 ends beyond the",
  },
  {
    name: 'chunk store entry is a symlink (never followed)',
    after: (dir) => {
      mkdirSync(join(dir, 'wasm_chunk_store'), { recursive: true });
      symlinkSync('/etc/hostname', join(dir, 'wasm_chunk_store', `${'ab'.repeat(32)}.bin`));
    },
    codes: ['ICP_CHUNK_BAD_NAME'],
  },
];

function rewriteSize(dir: string, field: string, size: number): void {
  const path = join(dir, 'metadata.json');
  writeFileSync(path, readFileSync(path, 'utf8').replace(new RegExp(`"${field}": \\d+`), `"${field}": ${size}`));
}

describe('verify finds what the IC and the CLIs would only discover later', () => {
  const root = tempDir();

  it.each(cases)('$name', async ({ name, spec, mutate, after, codes, says }) => {
    const dir = join(root, name.replace(/\W+/g, '-'));
    const files = icpFolderFiles({ flavour: 'icp-cli', ...spec });
    mutate?.(files);
    writeFiles(dir, files);
    after?.(dir);
    const json = await cli(['verify', '--json', dir]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as {
      ok: boolean;
      format: string;
      findings: { severity: string; code: string; message: string }[];
    };
    expect(report.ok).toBe(false);
    expect(report.format).toBe('icp-snapshot');
    const problems = report.findings.filter((finding) => finding.severity !== 'info');
    expect(problems.map((finding) => finding.code).sort()).toEqual(codes);
    if (says) expect(problems.map((finding) => finding.message).join('\n')).toContain(says);
    const plain = await cli(['verify', dir]);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toMatch(new RegExp(`FAILED: ${codes.length} problems? in ${dir.split('/').pop()}\\n$`));
  });

  it('passes a clean folder with exit 0 and reports leftovers as info only', async () => {
    const { code, stdout } = await cli(['verify', '--json', join(repoRoot, 'fixtures/icp/icp-cli-snapshot')]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      ok: true,
      format: 'icp-snapshot',
      findings: [
        {
          severity: 'info',
          code: 'ICP_LEFTOVER_LOCK',
          path: '.lock',
          message: 'icp-cli lock file: harmless, shows icp-cli downloaded or uploaded here',
        },
      ],
    });
  });

  it('hashes a large chunk store in parallel and still names the one bad chunk', async () => {
    const chunks = Array.from({ length: 24 }, (_, i) => patternBytes(1024 * 1024, i + 1));
    const files = icpFolderFiles({ flavour: 'icp-cli', chunks });
    const bad = chunkPaths(files)[17] ?? '';
    files.set(bad, patternBytes(1024 * 1024, 500));
    const dir = join(root, 'parallel');
    writeFiles(dir, files);
    const report = JSON.parse((await cli(['verify', '--json', dir])).stdout) as {
      findings: { code: string; path: string }[];
    };
    expect(report.findings.filter((f) => f.code !== 'ICP_LEFTOVER_LOCK')).toEqual([
      expect.objectContaining({ code: 'ICP_CHUNK_HASH_MISMATCH', path: bad }),
    ]);
  });

  it('exits 2 with one line when the folder is not an ICP snapshot', async () => {
    const dir = join(root, 'not-icp');
    writeFiles(dir, new Map([['readme.txt', 'hello']]));
    const { code, stdout, stderr } = await cli(['verify', dir]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `snapinspect: ${dir}: not a format snapinspect knows (tried ${readers.map((reader) => reader.id).join(', ')}); use --format ID to force one (UNKNOWN_FORMAT)\n`,
    );
  });
});
