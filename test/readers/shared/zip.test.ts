import { describe, expect, it } from 'vitest';
import { BytesSource, ConcatSource, type Source } from '../../../src/model/source.js';
import { indexZip } from '../../../src/readers/shared/zip/central.js';
import { checkMember, ZipMemberSource } from '../../../src/readers/shared/zip/member.js';
import { buildZip } from '../../helpers/zip-builder.js';

/** Gigabytes of zeros without memory: stands in for the bulk of a huge archive. */
class ZeroSource implements Source {
  constructor(readonly size: number) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    return new Uint8Array(Math.max(0, Math.min(length, this.size - offset)));
  }
}

describe('zip central directory', () => {
  it('follows zip64 offsets past 4 GiB', async () => {
    const base = 5 * 1024 ** 3;
    const archive = new ConcatSource([
      new ZeroSource(base),
      new BytesSource(
        buildZip([{ name: 'metadata.json', data: '{"snapshot_version": "7.0.4"}' }], { zip64: true, offsetBase: base }),
      ),
    ]);
    const index = await indexZip(archive);
    expect(index.diagnostics).toEqual([]);
    expect(index.zip64).toBe(true);
    const [entry] = index.entries;
    expect(entry).toMatchObject({ name: 'metadata.json', localOffset: base, size: 29, zip64: true });
    if (!entry) return;
    expect(Buffer.from(await new ZipMemberSource(archive, entry).read(0, 29)).toString()).toBe(
      '{"snapshot_version": "7.0.4"}',
    );
    expect(await checkMember(archive, entry)).toEqual([]);
  });

  it('finds the end record behind an archive comment and reads stored members', async () => {
    const zip = buildZip([{ name: 'a.txt', data: 'stored bytes', method: 0 }]);
    const comment = Buffer.from('made by a test');
    zip.writeUInt16LE(comment.length, zip.length - 2);
    const index = await indexZip(new BytesSource(Buffer.concat([zip, comment])));
    expect(index.comment).toBe('made by a test');
    expect(index.entries.map((entry) => [entry.name, entry.method, entry.size])).toEqual([['a.txt', 0, 12]]);
  });

  it('reports a directory that announces more entries than it holds', async () => {
    const zip = buildZip([{ name: 'a.txt', data: 'x' }]);
    zip.writeUInt16LE(3, zip.length - 12);
    const index = await indexZip(new BytesSource(zip));
    expect(index.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'ZIP_DIRECTORY_DAMAGED',
        message: 'the end record announces 3 entries but the central directory holds 1 readable ones',
      },
    ]);
  });

  it('recovers the members from local headers when the directory offset points elsewhere', async () => {
    const zip = buildZip([
      { name: 'a.txt', data: 'hello' },
      { name: 'b.txt', data: 'world' },
    ]);
    zip.writeUInt32LE(zip.readUInt32LE(zip.length - 6) + 1, zip.length - 6);
    const index = await indexZip(new BytesSource(zip));
    expect(index.entries.map((entry) => entry.name)).toEqual(['a.txt', 'b.txt']);
    expect(index.centralDirectory).toBe(false);
    expect(index.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'ZIP_DIRECTORY_DAMAGED',
        message: 'the end record announces 2 entries but the central directory holds 0 readable ones',
      },
      {
        severity: 'error',
        code: 'ZIP_DIRECTORY_RECOVERED',
        message: 'the central directory lists 0 readable entries; 2 were recovered from local headers',
      },
    ]);
  });

  it('survives every truncation and every single-byte corruption of the directory', async () => {
    const zip = buildZip([
      { name: 'a.txt', data: 'hello' },
      { name: 'dir/', data: '' },
      { name: 'dir/b.bin', data: Buffer.alloc(3000, 7) },
    ]);
    for (let cut = 0; cut <= zip.length; cut++) await indexZip(new BytesSource(zip.subarray(0, cut)));
    const directoryStart = zip.readUInt32LE(zip.length - 6);
    for (let at = directoryStart; at < zip.length; at++) {
      const damaged = Buffer.from(zip);
      damaged[at] = (damaged[at] ?? 0) ^ 0xff;
      const index = await indexZip(new BytesSource(damaged));
      for (const entry of index.entries) await checkMember(new BytesSource(damaged), entry);
    }
  });
});
