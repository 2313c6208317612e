/**
 * The VM disk corpus (corpus/vm, truth in its TRUTH.md): files inside qcow2 snapshots and a raw MBR
 * disk, checked against qemu-img, debugfs and GNU tar on the same bytes, never against snapinspect.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, corpusRoot, tempDir } from '../helpers/cli.js';

const vm = join(corpusRoot, 'vm');
const qcow2 = join(vm, 'tiny-gpt.qcow2');
const present = existsSync(qcow2);
const tools = ['qemu-img', 'debugfs', 'tar'].every((tool) => spawnSync(tool, ['--version']).error === undefined);
if (!present) console.warn(`SKIPPED VM disk corpus suite: ${vm} not found (the shared corpus sits beside the repo)`);
else if (!tools) console.warn('SKIPPED VM disk corpus oracles: qemu-img, debugfs (e2fsprogs) and tar are needed');

const P1_OFFSET = 18432 * 512;
const dir = tempDir('snapinspect-vm-corpus-');

/** The `before` snapshot as a raw disk, converted by qemu-img. */
function beforeRaw(): string {
  const raw = join(dir, 'before.raw');
  if (!existsSync(raw))
    execFileSync('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', '-l', 'snapshot.name=before', qcow2, raw]);
  return raw;
}

function debugfsDump(path: string): Buffer {
  const out = join(dir, path.replaceAll('/', '_'));
  execFileSync('debugfs', ['-R', `dump ${path} ${out}`, `${beforeRaw()}?offset=${P1_OFFSET}`], { stdio: 'ignore' });
  return readFileSync(out);
}

describe.skipIf(!present)('shared corpus: VM disks (ground truth in corpus/vm/TRUTH.md)', () => {
  it('diffs #before against #after exactly as TRUTH.md says (the hard link shares the mode change)', async () => {
    const result = await cli(['diff', '--json', `${qcow2}#before`, `${qcow2}#after`]);
    const files = (JSON.parse(result.stdout) as { files: { path: string; change: string; fields?: string[] }[] }).files;
    expect(files.map((file) => [file.change, file.path, file.fields ?? []])).toEqual([
      ['modified', 'p1/etc/hostname', ['size', 'content', 'mtime']],
      ['added', 'p1/home/ada/new.txt', []],
      ['metadata', 'p1/opt/app/bin/run', ['mode']],
      ['metadata', 'p1/opt/app/bin/run-hardlink', ['mode']],
      ['removed', 'p1/var/log/app.log', []],
    ]);
  });

  it('lists the compressed copy with the same files as #before', async () => {
    const result = await cli([
      'diff',
      '--only',
      'files',
      `${join(vm, 'tiny-gpt-compressed.qcow2')}`,
      `${qcow2}#before`,
    ]);
    expect([result.code, result.stdout.split('\n').at(-2)]).toEqual([0, 'Result: same']);
  });

  it('shows the ext2 and ext3 partitions of the MBR disk', async () => {
    const result = await cli(['ls', '-l', join(vm, 'tiny-mbr.raw')]);
    expect(result.stdout.split('\n').map((line) => line.split(' ').at(-1))).toEqual(['disk', 'p1/', 'p2/', '']);
    expect((await cli(['ls', `${join(vm, 'tiny-mbr.raw')}:p1`])).stdout).toBe('fifo\nlog/\nlost+found/\n');
  });

  describe.skipIf(!tools)('against debugfs on the converted disk', () => {
    it('holds every entry of p1 that debugfs rdump writes, with the same kinds, modes, owners and links', async () => {
      const dump = join(dir, 'rdump');
      mkdirSync(dump, { recursive: true });
      execFileSync('debugfs', ['-R', `rdump / ${dump}`, `${beforeRaw()}?offset=${P1_OFFSET}`], { stdio: 'ignore' });
      const tar = join(dir, 'p1.tar');
      execFileSync('tar', ['-C', dump, '--numeric-owner', '-cf', tar, '.']);
      const result = await cli(['diff', '--ignore-mtime', '--only', 'files', `${qcow2}#before:p1`, tar]);
      // rdump writes neither device nodes nor FIFOs; everything else is the same, content included.
      expect(result.stdout.split('\n').slice(2, -2)).toEqual([
        'Files: 0 added, 2 removed, 0 modified, 0 metadata only',
        '  - etc/null-dev  device',
        '  - var/fifo  fifo',
      ]);
    });

    it('cats var/log/app.log and the sparse opt/sparse.bin byte for byte as debugfs dumps them', async () => {
      for (const path of ['var/log/app.log', 'opt/sparse.bin']) {
        const ours = await cli(['cat', `${qcow2}#before:p1/${path}`]);
        expect(Buffer.compare(ours.bytes, debugfsDump(`/${path}`)), path).toBe(0);
      }
    });
  });
});
