import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands.js';
import { optionSpecs } from '../../src/cli/options.js';
import { readers } from '../../src/readers/registry.js';
import { cli, repoRoot } from '../helpers/cli.js';

const clean = join(repoRoot, 'fixtures/icp/icp-cli-snapshot');

describe('command line contract', () => {
  it('prints help listing every command and option, exit 0', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    // Help wraps at 80 columns, so a long usage may continue on the next line.
    const flat = stdout.replace(/\s+/g, ' ');
    for (const command of commands) expect(flat).toContain(`snapinspect ${command.usage}`);
    for (const spec of optionSpecs) expect(stdout).toContain(spec.long);
  });

  it('without arguments prints help and exits 2', async () => {
    const { code, stdout } = await cli([]);
    expect(code).toBe(2);
    expect(stdout).toContain('Usage:');
  });

  it('ls --json gives exactly the documented fields', async () => {
    const { code, stdout } = await cli(['ls', '--json', clean]);
    expect(code).toBe(0);
    const entries = JSON.parse(stdout) as Record<string, unknown>[];
    expect(entries.map((entry) => entry.path)).toEqual([
      '.lock',
      'metadata.json',
      'stable_memory.bin',
      'wasm_chunk_store',
      'wasm_memory.bin',
      'wasm_module.bin',
    ]);
    for (const entry of entries) {
      expect(Object.keys(entry).filter((key) => key !== 'flags')).toEqual([
        'path',
        'kind',
        'size',
        'mode',
        'uid',
        'gid',
        'mtime',
      ]);
      expect(entry.mode).toMatch(/^0[0-7]{3,4}$/);
      expect(entry.mtime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    }
    expect(entries[0]?.flags).toEqual(['leftover']);
  });

  it('info --json has the documented top-level shape and exact bigints', async () => {
    const { stdout } = await cli(['info', '--json', clean]);
    expect(Object.keys(JSON.parse(stdout))).toEqual([
      'format',
      'variant',
      'title',
      'metadata',
      'memories',
      'children',
      'diagnostics',
    ]);
    expect(stdout).toContain('"value": 9007199254740993');
    expect(stdout).toContain('"taken_at_timestamp": "2025-11-22T00:06:40.123456789Z"');
  });

  it('info on one entry shows its attributes', async () => {
    const { stdout } = await cli(['info', `${clean}:stable_memory.bin/memory 0`]);
    expect(stdout).toBe(
      [
        'Path:     stable_memory.bin/memory 0',
        'Kind:     memory',
        'Size:     65536 (64.0 KiB)',
        'Note:     BTreeMap (magic BTR, version 1)',
        'Entries:  0',
        'Pages:    1 of 64.0 KiB, 0 all-zero; data pages: 0',
        'Attributes:',
        '  id: 0',
        '  size_pages: 1',
        '  buckets: 0',
        '  structure: BTreeMap',
        '  version: 1',
        '  max_key_size: 8',
        '  max_value_size: 16',
        '  root_addr: 0',
        '  length: 0',
        '  allocator:',
        '    version: 1',
        '    allocation_size: 455',
        '    num_allocated_chunks: 0',
        '    free_list_head: 100',
      ].join('\n') + '\n',
    );
  });

  it('ls of a file lists that file; -lR walks the whole tree with full paths', async () => {
    expect((await cli(['ls', `${clean}:metadata.json`])).stdout).toBe('metadata.json\n');
    const long = await cli(['ls', '-lR', clean]);
    expect(long.stdout).toMatch(/^-r?w?-?r.* 0 \d{4}-.* \.lock {2}\[leftover\]\n/);
    expect(long.stdout).toContain(' wasm_module.bin/methods/greet\n');
  });

  it('cat writes raw bytes to a pipe and escapes them on a terminal unless --raw', async () => {
    const raw = await cli(['cat', `${clean}:wasm_module.bin`]);
    expect(raw.bytes.subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
    const tty = await cli(['cat', `${clean}:wasm_module.bin`], { tty: true });
    expect(tty.stdout.startsWith('\\x00asm\\x01\\x00\\x00\\x00')).toBe(true);
    expect(tty.bytes.includes(0)).toBe(false);
    const forced = await cli(['cat', '--raw', `${clean}:wasm_module.bin`], { tty: true });
    expect(forced.bytes.subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
  });

  it('reports unknown selectors, entries and formats in one line with exit 2', async () => {
    const selector = await cli(['info', `${clean}#before-upgrade`]);
    expect(selector).toMatchObject({
      code: 2,
      stderr:
        'snapinspect: icp-cli-snapshot has no child snapshot #before-upgrade (it has no child snapshots) (BAD_SELECTOR)\n',
    });
    const entry = await cli(['ls', `${clean}:nope/deeper`]);
    expect(entry).toMatchObject({
      code: 2,
      stderr: 'snapinspect: no entry nope/deeper in icp-cli-snapshot (NO_SUCH_ENTRY)\n',
    });
    const format = await cli(['info', '--format', 'tarball', clean]);
    expect(format).toMatchObject({
      code: 2,
      stderr: `snapinspect: unknown format tarball; formats: ${readers.map((reader) => reader.id).join(', ')} (USAGE)\n`,
    });
    const forced = await cli(['info', '--format', 'wasm-module', clean]);
    expect(forced.code).toBe(2);
    expect(forced.stderr).toBe(`snapinspect: ${clean} is a folder, not a wasm module (UNREADABLE)\n`);
  });
});

describe('README', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

  it('documents every option and command of the option table', () => {
    for (const spec of optionSpecs) expect(readme).toContain(`\`${spec.long}`);
    for (const command of commands) expect(readme).toContain(`snapinspect ${command.usage}`);
  });

  it('documents every diagnostic and finding code the source can emit', () => {
    const sources = readdirSync(join(repoRoot, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.ts'),
    );
    const codes = new Set(
      sources.flatMap((file) =>
        [
          ...readFileSync(join(repoRoot, 'src', file), 'utf8').matchAll(
            /'((?:ICP|JUNO|MGR|STRUCT|TAR|IMAGE|INSPECT|BUNDLE|DECOMPRESS|LXD|CRIU|QCOW2|MULTIPASS|CLOUDIFY|ZIP)_[A-Z0-9_]+|TOO_MANY_ENTRIES|UNREADABLE_ENTRY)'/g,
          ),
        ].map((m) => m[1]),
      ),
    );
    expect(codes.size).toBeGreaterThan(40);
    for (const code of codes) expect(readme, code).toContain(`\`${code}\``);
  });
});
