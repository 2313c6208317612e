/**
 * qcow2 backing chains read as QEMU reads them, with `qemu-img convert -O raw` of the same chain
 * as the oracle, and broken chains (missing, loop, FIFO, device, folder, too long) as warnings.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Of } from '../../src/model/source.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { childrenOf, type TreeNode } from '../../src/model/tree.js';
import { probePath } from '../../src/readers/probe.js';
import { qcow2Limits, qcow2Reader } from '../../src/readers/qcow2/index.js';
import { checkFindings } from '../helpers/checks.js';
import { cli, tempDir } from '../helpers/cli.js';
import { buildQcow2 } from '../helpers/qcow2-builder.js';

const qemu = spawnSync('qemu-img', ['--version']).status === 0 && spawnSync('qemu-io', ['--version']).status === 0;
if (!qemu)
  console.warn('SKIPPED qcow2 backing-chain cases: qemu-img/qemu-io are not installed (apt-get install qemu-utils)');

const dir = tempDir();
let made = 0;
const fresh = (): string => {
  const folder = join(dir, `case-${++made}`);
  mkdirSync(folder);
  return folder;
};

function run(command: string, args: string[], cwd = dir): string {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const create = (path: string, size: string, backing?: { name: string; format: string; unsafe?: boolean }): void =>
  void run('qemu-img', [
    'create',
    '-q',
    '-f',
    'qcow2',
    ...(backing ? ['-b', backing.name, '-F', backing.format, ...(backing.unsafe ? ['-u'] : [])] : []),
    path,
    size,
  ]);
const io = (path: string, ...commands: string[]): void =>
  void run('qemu-io', [...commands.flatMap((command) => ['-c', command]), path]);

async function open(path: string): Promise<Snapshot> {
  const probe = await probePath(path);
  return qcow2Reader.open(probe, await qcow2Reader.detect(probe), { showSecrets: false });
}

async function disk(snapshot: Snapshot): Promise<TreeNode> {
  const [node] = await childrenOf(snapshot.root);
  if (node?.name !== 'disk' || !node.content) throw new Error('no readable disk node');
  return node;
}

async function diskSha(snapshot: Snapshot): Promise<string> {
  const content = (await disk(snapshot)).content;
  if (!content) throw new Error('no content');
  return sha256Of(content);
}

/** sha256 of what `qemu-img convert -O raw` makes of the image (a snapshot of it with `-l`). */
function qemuSha(path: string, snapshot?: string): string {
  const out = `${path}.${++made}.raw`;
  run('qemu-img', ['convert', '-O', 'raw', ...(snapshot ? ['-l', `snapshot.name=${snapshot}`] : []), path, out]);
  return createHash('sha256').update(readFileSync(out)).digest('hex');
}

const codes = (snapshot: Snapshot): string[] => snapshot.diagnostics.map((d) => d.code);

describe.skipIf(!qemu)('a qcow2 image with backing files, against qemu-img convert', () => {
  it('reads what a qcow2 overlay does not allocate from its qcow2 base, and lists the chain', async () => {
    const folder = fresh();
    create(join(folder, 'base.qcow2'), '8M');
    io(join(folder, 'base.qcow2'), 'write -P 0x11 0 3M', 'write -P 0x22 5M 64k');
    create(join(folder, 'top.qcow2'), '8M', { name: 'base.qcow2', format: 'qcow2' });
    io(join(folder, 'top.qcow2'), 'write -P 0x33 1M 100k', 'write -z 5M 4k');
    const top = await open(join(folder, 'top.qcow2'));
    expect(codes(top)).toEqual(['QCOW2_BACKING_FILE']);
    expect(top.metadata.backing_chain).toEqual([{ name: 'base.qcow2', format: 'qcow2' }]);
    expect(await diskSha(top)).toBe(qemuSha(join(folder, 'top.qcow2')));
    const info = await cli(['info', '--json', join(folder, 'top.qcow2')]);
    expect(JSON.parse(info.stdout).metadata.backing_chain).toEqual([{ name: 'base.qcow2', format: 'qcow2' }]);
  });

  it('reads a raw base smaller than the overlay, zeros beyond its end', async () => {
    const folder = fresh();
    const raw = Buffer.alloc(3 * 1024 * 1024 + 1000);
    for (let i = 0; i < raw.length; i += 4096) raw.writeUInt32BE(i, i);
    raw.fill(0x5a, raw.length - 1000);
    writeFileSync(join(folder, 'base.raw'), raw);
    create(join(folder, 'top.qcow2'), '16M', { name: 'base.raw', format: 'raw' });
    io(join(folder, 'top.qcow2'), 'write -P 0x44 2M 4k');
    const top = await open(join(folder, 'top.qcow2'));
    expect(codes(top)).toEqual(['QCOW2_BACKING_FILE']);
    expect(top.metadata.backing_chain).toEqual([{ name: 'base.raw', format: 'raw' }]);
    expect(await diskSha(top)).toBe(qemuSha(join(folder, 'top.qcow2')));
  });

  it('follows a 3-deep chain across folders, each name relative to the image that holds it', async () => {
    const folder = fresh();
    mkdirSync(join(folder, 'lower'));
    mkdirSync(join(folder, 'upper'));
    writeFileSync(join(folder, 'lower', 'base.raw'), Buffer.alloc(2 * 1024 * 1024, 0x61));
    create(join(folder, 'lower', 'mid.qcow2'), '4M', { name: 'base.raw', format: 'raw' });
    io(join(folder, 'lower', 'mid.qcow2'), 'write -P 0x62 1M 1M', 'write -P 0x63 3M 512k');
    create(join(folder, 'upper', 'top.qcow2'), '6M', { name: '../lower/mid.qcow2', format: 'qcow2' });
    io(join(folder, 'upper', 'top.qcow2'), 'write -P 0x64 1536k 8k', 'write -P 0x65 5M 4k');
    const top = await open(join(folder, 'upper', 'top.qcow2'));
    expect(codes(top)).toEqual(['QCOW2_BACKING_FILE']);
    expect(top.metadata.backing_chain).toEqual([
      { name: '../lower/mid.qcow2', format: 'qcow2' },
      { name: 'base.raw', format: 'raw' },
    ]);
    expect(await diskSha(top)).toBe(qemuSha(join(folder, 'upper', 'top.qcow2')));
  });

  it('tells the base format by its magic when the overlay does not name it', async () => {
    const folder = fresh();
    create(join(folder, 'base.qcow2'), '1M');
    io(join(folder, 'base.qcow2'), 'write -P 0x71 0 64k');
    const overlay = buildQcow2({ clusterBits: 16, virtualSize: 1 << 20, backingFile: 'base.qcow2' });
    writeFileSync(join(folder, 'top.qcow2'), overlay.bytes);
    const top = await open(join(folder, 'top.qcow2'));
    expect(top.metadata.backing_chain).toEqual([{ name: 'base.qcow2', format: 'qcow2' }]);
    expect(await diskSha(top)).toBe(qemuSha(join(folder, 'top.qcow2')));
  });

  it('reads compressed base clusters and unallocated extended-L2 subclusters from the base', async () => {
    const folder = fresh();
    create(join(folder, 'plain.qcow2'), '2M');
    io(join(folder, 'plain.qcow2'), 'write -P 0x81 0 2M');
    run('qemu-img', ['convert', '-c', '-O', 'qcow2', join(folder, 'plain.qcow2'), join(folder, 'base.qcow2')]);
    const top = join(folder, 'top.qcow2');
    run('qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-o',
      'extended_l2=on,cluster_size=64k',
      '-b',
      'base.qcow2',
      '-F',
      'qcow2',
      top,
      '2M',
    ]);
    io(top, 'write -P 0x82 4k 4k', 'write -z 64k 2k', 'write -P 0x83 130k 1k');
    const snapshot = await open(top);
    expect(snapshot.metadata.incompatible_features).toEqual(['extended L2 entries']);
    expect(await diskSha(snapshot)).toBe(qemuSha(top));
  });

  it('reads a snapshot of an overlay through the base active state, as qemu-img convert -l does', async () => {
    const folder = fresh();
    create(join(folder, 'base.qcow2'), '4M');
    io(join(folder, 'base.qcow2'), 'write -P 0x91 0 4M');
    create(join(folder, 'top.qcow2'), '4M', { name: 'base.qcow2', format: 'qcow2' });
    io(join(folder, 'top.qcow2'), 'write -P 0x92 1M 64k');
    run('qemu-img', ['snapshot', '-c', 's1', join(folder, 'top.qcow2')]);
    io(join(folder, 'top.qcow2'), 'write -P 0x93 2M 64k');
    io(join(folder, 'base.qcow2'), 'write -P 0x94 3M 64k');
    const top = await open(join(folder, 'top.qcow2'));
    const s1 = await top.children.find((child) => child.selector === 's1')?.open();
    if (!s1) throw new Error('no #s1');
    expect(await diskSha(s1)).toBe(qemuSha(join(folder, 'top.qcow2'), 's1'));
    expect(await diskSha(top)).toBe(qemuSha(join(folder, 'top.qcow2')));
  });
});

describe.skipIf(!qemu)('a broken backing chain', () => {
  const warnings = (snapshot: Snapshot): string[] =>
    snapshot.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.code);

  /** The overlay's own clusters are still read, the missing ones are zeros. */
  async function expectZerosBelow(snapshot: Snapshot): Promise<void> {
    const content = (await disk(snapshot)).content;
    const bytes = Buffer.from((await content?.read(0, 1 << 20)) ?? []);
    expect(bytes.subarray(0, 4096).every((b) => b === 0x5e)).toBe(true);
    expect(bytes.subarray(4096).every((b) => b === 0)).toBe(true);
  }

  const overlayNaming = (folder: string, name: string, format = 'raw'): string => {
    const path = join(folder, 'top.qcow2');
    create(path, '1M');
    io(path, 'write -P 0x5e 0 4k');
    // Named only after writing: qemu-io would open the backing file (and block on a FIFO).
    run('qemu-img', ['rebase', '-u', '-b', name, '-F', format, path]);
    return path;
  };

  it('warns about a missing backing file and reads zeros for it', async () => {
    const top = await open(overlayNaming(fresh(), 'gone.qcow2', 'qcow2'));
    expect(codes(top)).toEqual(['QCOW2_BACKING_FILE', 'QCOW2_BACKING_MISSING']);
    expect(top.diagnostics[1]?.message).toMatch(/^backing file gone\.qcow2 \(.*\/gone\.qcow2\) does not exist; /);
    expect(top.metadata.backing_chain).toEqual([]);
    await expectZerosBelow(top);
  });

  for (const [what, name, code] of [
    ['a FIFO', 'fifo', 'QCOW2_BACKING_NOT_FILE'],
    ['/dev/zero', '/dev/zero', 'QCOW2_BACKING_NOT_FILE'],
    ['a folder', 'sub', 'QCOW2_BACKING_NOT_FILE'],
  ] as const) {
    it(`refuses ${what} as a backing file without opening it`, async () => {
      const folder = fresh();
      run('mkfifo', [join(folder, 'fifo')]);
      mkdirSync(join(folder, 'sub'));
      const top = await open(overlayNaming(folder, name));
      expect(warnings(top)).toEqual([code]);
      await expectZerosBelow(top);
      const viaCli = await cli(['cat', `${join(folder, 'top.qcow2')}:disk`]);
      expect([viaCli.code, viaCli.bytes.length]).toEqual([0, 1 << 20]);
    });
  }

  it('warns when a file named as a qcow2 base is not one', async () => {
    const folder = fresh();
    writeFileSync(join(folder, 'base.img'), Buffer.alloc(4096, 0x77));
    const top = await open(overlayNaming(folder, 'base.img', 'qcow2'));
    expect(codes(top)).toEqual(['QCOW2_BACKING_FILE', 'QCOW2_BAD_HEADER', 'QCOW2_BACKING_UNREADABLE']);
    expect(top.diagnostics[1]?.message).toBe('backing file base.img: not a qcow2 image: no QFI\\xfb magic');
    await expectZerosBelow(top);
  });

  it('warns about a backing format it does not read', async () => {
    const folder = fresh();
    writeFileSync(join(folder, 'base.vmdk'), Buffer.alloc(4096));
    const top = await open(overlayNaming(folder, 'base.vmdk', 'vmdk'));
    expect(warnings(top)).toEqual(['QCOW2_BACKING_UNSUPPORTED']);
    await expectZerosBelow(top);
  });

  it('verifies the active state of a qcow2 base too: clusters past its end are named with the base', async () => {
    const folder = fresh();
    create(join(folder, 'base.qcow2'), '4M');
    io(join(folder, 'base.qcow2'), 'write -P 0x12 0 1M');
    truncateSync(join(folder, 'base.qcow2'), 0x60000);
    create(join(folder, 'top.qcow2'), '4M', { name: 'base.qcow2', format: 'qcow2', unsafe: true });
    const findings = await checkFindings(await open(join(folder, 'top.qcow2')));
    expect(findings.map((f) => [f.code, f.message.split(':')[0]])).toEqual([
      ['QCOW2_CLUSTER_PAST_END', 'backing file base.qcow2'],
    ]);
  });

  it('stops at a loop of two images that name each other', async () => {
    const folder = fresh();
    create(join(folder, 'b.qcow2'), '1M', { name: 'top.qcow2', format: 'qcow2', unsafe: true });
    const top = await open(overlayNaming(folder, 'b.qcow2', 'qcow2'));
    expect(warnings(top)).toEqual(['QCOW2_BACKING_LOOP']);
    expect(top.metadata.backing_chain).toEqual([{ name: 'b.qcow2', format: 'qcow2' }]);
    await expectZerosBelow(top);
  });

  it('stops at an image that names itself', async () => {
    const top = await open(overlayNaming(fresh(), 'top.qcow2', 'qcow2'));
    expect(warnings(top)).toEqual(['QCOW2_BACKING_LOOP']);
    await expectZerosBelow(top);
  });

  it('stops after qcow2BackingChain files', async () => {
    const folder = fresh();
    create(join(folder, 'l0.qcow2'), '1M');
    for (let level = 1; level <= 3; level++)
      create(join(folder, `l${level}.qcow2`), '1M', { name: `l${level - 1}.qcow2`, format: 'qcow2' });
    const top = overlayNaming(folder, 'l3.qcow2', 'qcow2');
    const saved = qcow2Limits.values.qcow2BackingChain;
    qcow2Limits.values.qcow2BackingChain = 3;
    try {
      const snapshot = await open(top);
      expect(warnings(snapshot)).toEqual(['QCOW2_BACKING_CHAIN_TOO_LONG']);
      expect((snapshot.metadata.backing_chain as unknown[]).length).toBe(3);
      await expectZerosBelow(snapshot);
    } finally {
      qcow2Limits.values.qcow2BackingChain = saved;
    }
    expect(warnings(await open(top))).toEqual([]);
  });
});

describe('hostile backing names', () => {
  for (const name of ['a\0b', 'x'.repeat(1023), '', '\x1b[31mred']) {
    it(`reports ${JSON.stringify(name.slice(0, 12))} as a broken backing file, never a crash`, async () => {
      const folder = fresh();
      const path = join(folder, 'top.qcow2');
      writeFileSync(path, buildQcow2({ clusterBits: 12, virtualSize: 65536, backingFile: name }).bytes);
      const top = await open(path);
      expect(codes(top)).toEqual([
        'QCOW2_BACKING_FILE',
        name === '' ? 'QCOW2_BACKING_NOT_FILE' : 'QCOW2_BACKING_MISSING',
      ]);
      const bytes = await (await disk(top)).content?.read(0, 65536);
      expect(bytes?.every((b) => b === 0)).toBe(true);
    });
  }
});
