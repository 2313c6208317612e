import { describe, expect, it } from 'vitest';
import { diagnostic } from '../../../src/model/diagnostics.js';
import { BytesSource, type Source } from '../../../src/model/source.js';
import { childrenOf, lazyFolder, type TreeNode } from '../../../src/model/tree.js';
import { openDiskContents, type FilesystemDriver } from '../../../src/readers/shared/disk/index.js';
import { buildGpt } from '../../helpers/gpt-builder.js';

/**
 * A stand-in filesystem: a volume starting with `FAKEFS` holds one file, `hello.txt`, whose bytes
 * are the volume's next five. Listing its root raises a diagnostic, as a real driver's folders do.
 */
const fakeDriver: FilesystemDriver = {
  id: 'fakefs',
  detect: (head) => new TextDecoder().decode(head.subarray(0, 6)) === 'FAKEFS',
  async open(volume: Source, where: string) {
    const root = lazyFolder(
      { name: '', kind: 'dir', size: 0, attrs: {}, mode: 0o40755 } as TreeNode,
      async (raised) => {
        raised.push(diagnostic('info', 'FAKE_LISTED', 'root listed', where));
        const content = new BytesSource(await volume.read(6, 5));
        return [{ name: 'hello.txt', kind: 'file', size: 5, attrs: {}, content }];
      },
    );
    return {
      type: 'fakefs',
      attrs: { type: 'fakefs', label: 'FAKE' },
      root,
      diagnostics: [diagnostic('info', 'FAKE_OPENED', 'opened', where)],
      verify: async () => [diagnostic('warning', 'FAKE_CHECK', 'checked', where)],
    };
  },
};
const brokenDriver: FilesystemDriver = {
  id: 'brokenfs',
  detect: (head) => new TextDecoder().decode(head.subarray(0, 5)) === 'BADFS',
  open: () => Promise.reject(new Error('superblock says no')),
};
const drivers = [brokenDriver, fakeDriver];
const LINUX = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';
const part = (n: number, firstLba: number, lastLba: number) => ({
  typeGuid: LINUX,
  guid: `AAAAAAAA-BBBB-CCCC-DDDD-00000000000${n}`,
  firstLba,
  lastLba,
  name: `part${n}`,
});

function disk(): Uint8Array {
  const bytes = buildGpt({
    sectorSize: 512,
    sectors: 4096,
    diskGuid: '11111111-2222-3333-4444-555555555555',
    partitions: [part(1, 100, 199), part(2, 200, 299), part(3, 300, 399)],
  });
  bytes.set(new TextEncoder().encode('FAKEFShello'), 100 * 512);
  bytes.set(new TextEncoder().encode('BADFS'), 200 * 512);
  return bytes;
}

describe('the partitions of a disk as tree nodes', () => {
  it('are a folder per filesystem a driver reads and a memory node per other partition', async () => {
    const contents = await openDiskContents(new BytesSource(disk()), undefined, drivers);
    expect(contents.nodes.map((node) => [node.name, node.kind, node.size, node.pageSize ?? null])).toEqual([
      ['p1', 'dir', 0, null],
      ['p2', 'memory', 51200, 4096],
      ['p3', 'memory', 51200, 4096],
    ]);
    const [p1, p2, p3] = contents.nodes as [TreeNode, TreeNode, TreeNode];
    expect(p1.attrs.filesystem).toEqual({ type: 'fakefs', label: 'FAKE' });
    expect(p1.attrs.partition).toMatchObject({ number: 1, name: 'part1', type: 'Linux filesystem', start: 51200 });
    expect(p1.mode).toBe(0o40755);
    expect(p3.note).toBe('partition 3 (Linux filesystem): raw bytes, no filesystem snapinspect reads');
    expect(new TextDecoder().decode(await p2.content?.read(0, 5))).toBe('BADFS');
    expect(contents.diagnostics.map((d) => [d.code, d.path, d.message])).toEqual([
      ['FAKE_OPENED', 'p1', 'opened'],
      [
        'DISK_FS_UNREADABLE',
        'p2',
        'the brokenfs filesystem could not be opened (superblock says no); its bytes are shown instead',
      ],
    ]);
  });

  it('list the filesystem root, whose diagnostics stay reachable from the partition folder', async () => {
    const contents = await openDiskContents(new BytesSource(disk()), undefined, drivers);
    const p1 = contents.nodes[0] as TreeNode;
    const [hello] = await childrenOf(p1);
    expect(hello?.name).toBe('hello.txt');
    expect(new TextDecoder().decode(await hello?.content?.read(0, 5))).toBe('hello');
    expect(p1.raised?.map((d) => d.code)).toEqual(['FAKE_LISTED']);
  });

  it("verify with the table's checks and each filesystem's own", async () => {
    const contents = await openDiskContents(new BytesSource(disk()), undefined, drivers);
    expect((await contents.verify()).map((d) => d.code)).toEqual(['FAKE_CHECK']);
  });

  it('are one folder `fs` for a bare filesystem, and nothing at all for bytes no table or driver knows', async () => {
    const bare = new Uint8Array(8192);
    bare.set(new TextEncoder().encode('FAKEFSworld'));
    const contents = await openDiskContents(new BytesSource(bare), undefined, drivers);
    expect(contents.nodes.map((node) => [node.name, node.kind])).toEqual([['fs', 'dir']]);
    expect(contents.table.scheme).toBe('none');
    const unknown = await openDiskContents(new BytesSource(new Uint8Array(8192).fill(0x5a)), undefined, drivers);
    expect([unknown.nodes, unknown.diagnostics, await unknown.verify()]).toEqual([[], [], []]);
  });
});
