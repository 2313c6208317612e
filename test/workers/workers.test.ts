import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFilePages } from '../../src/diff/file-compare.js';
import { BytesSource, FileSource } from '../../src/model/source.js';
import { sha256All } from '../../src/verify/hash.js';
import type { FileHashAnswer } from '../../src/workers/file-sha256.js';
import { startWorker } from '../../src/workers/launch.js';
import { comparePageRange, type PageComparison } from '../../src/workers/page-compare.js';
import { tempDir } from '../helpers/cli.js';

const MiB = 1024 * 1024;
const dir = tempDir();

function file(name: string, bytes: Uint8Array): FileSource {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return new FileSource(path, bytes.length);
}

const hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const filled = (length: number, value: number): Uint8Array => new Uint8Array(length).fill(value);

describe('the sha256 worker', () => {
  it('answers each job posted to it with the digest of that file', async () => {
    const source = file('job', filled(3 * MiB, 9));
    const worker = startWorker('sha256-worker');
    const answer = await new Promise<FileHashAnswer>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage({ index: 4, path: Buffer.from(source.path), size: source.size });
    });
    await worker.terminate();
    expect(answer).toEqual({ index: 4, digest: hex(filled(3 * MiB, 9)) });
  });

  it('hashes a batch past the parallel threshold, files and in-memory sources, to their digests with progress to the total', async () => {
    const contents = [filled(9 * MiB, 1), filled(9 * MiB, 2), filled(5 * MiB + 3, 3), filled(1, 4)];
    const sources = [...contents.map((bytes, index) => file(`big-${index}`, bytes)), new BytesSource(filled(10, 5))];
    const seen: number[] = [];
    const results = await sha256All(sources, (done) => seen.push(done));
    expect(results).toEqual([...contents, filled(10, 5)].map((bytes) => ({ digest: hex(bytes) })));
    expect(seen.at(-1)).toBe(sources.reduce((sum, source) => sum + source.size, 0));
  });

  it('reports a file that vanished as its error code, in a worker as on the main thread', async () => {
    const present = file('present', filled(17 * MiB, 7));
    const missing = new FileSource(join(dir, 'gone'), 17 * MiB);
    expect(await sha256All([present, missing])).toEqual([{ digest: hex(filled(17 * MiB, 7)) }, { error: 'ENOENT' }]);
  });
});

describe('the page-compare worker', () => {
  const page = 4096;
  const before = new Uint8Array(6 * page);
  const after = new Uint8Array(8 * page);
  before.set([1, 2, 3], 1 * page);
  after.set([1, 9, 3], 1 * page);
  after.set([0xff], 4 * page + 100);
  after.fill(0, 6 * page);
  after[7 * page] = 1;
  const a = file('before', before);
  const b = file('after', after);
  const expected = { changed: [1, 4], added: [6, 7], addedZero: [6], removed: [], bytesChanged: 2 };

  it('finds changed, added and zero pages in a worker', async () => {
    expect(await compareFilePages(a, b, page)).toEqual(expected);
    expect(await compareFilePages(b, a, page)).toEqual({ ...expected, added: [], addedZero: [], removed: [6, 7] });
  });

  it('gives the same answer in process over any split into ranges and blocks', () => {
    const job = { a, b, pageSize: page, block: 2 * page };
    const ranges = (
      [
        [0, 3],
        [3, 8],
      ] as const
    ).map(([firstPage, endPage]) => comparePageRange({ ...job, firstPage, endPage }, () => {}));
    const joined = (key: 'changed' | 'added' | 'addedZero' | 'removed'): number[] =>
      ranges.flatMap((part) => part[key]);
    const total: PageComparison = {
      changed: joined('changed'),
      added: joined('added'),
      addedZero: joined('addedZero'),
      removed: joined('removed'),
      bytesChanged: ranges.reduce((sum, part) => sum + part.bytesChanged, 0),
    };
    expect(total).toEqual(expected);
  });
});
