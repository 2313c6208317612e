import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../../helpers/cli.js';
import { buildZip, type ZipMember } from '../../helpers/zip-builder.js';

// Any zip no snapshot format claims opens as a filesystem tree; zipinfo (Info-ZIP) is the oracle.
const dir = tempDir();
const hasZipinfo = spawnSync('zipinfo', ['-h']).status === 0;
if (!hasZipinfo) console.warn('SKIPPED zipinfo comparisons of generic zips: zipinfo (Info-ZIP unzip) is not installed');

const members: ZipMember[] = [
  { name: 'app/', mode: 0o40755 },
  { name: 'app/run.sh', data: '#!/bin/sh\necho hi\n', mode: 0o100755 },
  { name: 'app/current', data: 'run.sh', mode: 0o120777 },
  { name: 'README.txt', data: 'read me\n', method: 0 },
];
const stub = Buffer.from('#!/bin/sh\n# a self-extracting stub: unzip skips it\nexit 0\n'.padEnd(700, '#'));

function save(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Member names as zipinfo lists them, folders without their slash, whatever it warns about the stub. */
function zipinfoNames(path: string): string[] {
  const out = spawnSync('zipinfo', ['-1', path], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .filter(Boolean)
    .map((name) => name.replace(/\/$/, ''))
    .sort();
}

async function names(path: string): Promise<string[]> {
  const listed = JSON.parse((await cli(['ls', '-R', '--json', path])).stdout) as { path: string }[];
  return listed.map((entry) => entry.path).sort();
}

describe.skipIf(!hasZipinfo)('a zip that is no snapshot', () => {
  it('opens as its files, with Unix modes and symlinks, and verifies every member', async () => {
    const path = save('plain.zip', buildZip(members));
    expect(await names(path)).toEqual(zipinfoNames(path));
    const long = (await cli(['ls', '-R', '-l', path])).stdout;
    expect(long).toMatch(/^lrwxrwxrwx .* app\/current -> run\.sh$/m);
    expect(long).toMatch(/^-rwxr-xr-x .* app\/run\.sh$/m);
    expect(await cli(['cat', `${path}:app/run.sh`])).toMatchObject({ code: 0, stdout: '#!/bin/sh\necho hi\n' });
    const info = await cli(['info', path]);
    expect(info.stdout.split('\n')[0]).toBe('Format:   zip (plain)');
    expect((await cli(['verify', path])).code).toBe(0);
  });

  it('behind a self-extracting stub lists what unzip lists, and says how many bytes precede it', async () => {
    const path = save('sfx.zip', Buffer.concat([stub, buildZip(members)]));
    expect(await names(path)).toEqual(zipinfoNames(path));
    expect(await cli(['cat', `${path}:README.txt`])).toMatchObject({ code: 0, stdout: 'read me\n' });
    const info = await cli(['info', path]);
    expect(info.stdout).toContain(
      `info    ZIP_PREFIX: ${stub.length} bytes precede the zip (a self-extracting stub or other data); its offsets are read from where it starts, as unzip does`,
    );
    expect((await cli(['verify', path])).code).toBe(0);
  });

  it('behind a stub whose offsets were adjusted (zip -A) opens without a word about it', async () => {
    const path = save('adjusted.zip', Buffer.concat([stub, buildZip(members, { offsetBase: stub.length })]));
    expect(await names(path)).toEqual(zipinfoNames(path));
    expect((await cli(['info', path])).stdout).not.toContain('ZIP_PREFIX');
    expect(await cli(['cat', `${path}:app/run.sh`])).toMatchObject({ code: 0, stdout: '#!/bin/sh\necho hi\n' });
  });

  it('with a member whose CRC is wrong fails verify, naming it', async () => {
    const path = save(
      'bad-crc.zip',
      buildZip([...members.slice(0, 3), { name: 'README.txt', data: 'read me\n', crc: 1 }]),
    );
    const verified = await cli(['verify', path]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain('README.txt');
  });
});

/** One deflated member of 64 KiB, and `count` directory records all pointing at it under different names. */
function overlapBomb(count: number): Buffer {
  const data = Uint8Array.from({ length: 65536 }, (_, i) => Math.imul(i, 2654435761) >>> 24);
  const base = buildZip([{ name: '0000', data }]);
  const end = Buffer.from(base.subarray(base.length - 22));
  const [directoryOffset, directorySize] = [end.readUInt32LE(16), end.readUInt32LE(12)];
  const record = base.subarray(directoryOffset, directoryOffset + directorySize);
  const records = Array.from({ length: count }, (_, i) => {
    const copy = Buffer.from(record);
    copy.write(String(i).padStart(4, '0'), 46, 'latin1');
    return copy;
  });
  const directory = Buffer.concat(records);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directory.length, 12);
  return Buffer.concat([base.subarray(0, directoryOffset), directory, end]);
}

describe('a zip whose members overlap one stream (a zip bomb)', () => {
  const path = save('overlap.zip', overlapBomb(5000));

  it('lists every member but reads only the first, and verify fails with one ZIP_OVERLAP', async () => {
    expect((await names(path)).length).toBe(5000);
    expect((await cli(['cat', `${path}:0000`])).bytes.length).toBe(65536);
    expect(await cli(['cat', `${path}:0042`])).toMatchObject({
      code: 2,
      stderr:
        'snapinspect: 0042 cannot be read: overlapping another member (zip bombs reuse one stream this way) (IO)\n',
    });
    const verified = await cli(['verify', '--json', path]);
    expect(verified.code).toBe(1);
    expect((JSON.parse(verified.stdout) as { findings: { code: string; message: string }[] }).findings).toEqual([
      {
        severity: 'error',
        code: 'ZIP_OVERLAP',
        message:
          '4999 of 5000 members overlap the bytes of another, as zip bombs do; they are listed but never read (unzip refuses such archives)',
      },
    ]);
  });

  it.skipIf(!hasZipinfo)('is refused by unzip too', () => {
    const tested = spawnSync('unzip', ['-tqq', path], { encoding: 'utf8' });
    expect(tested.status).not.toBe(0);
    expect(`${tested.stdout}${tested.stderr}`).toContain('overlapped components');
  });
});
