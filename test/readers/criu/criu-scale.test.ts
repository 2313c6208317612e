/**
 * Checkpoints of millions of records (pagemap entries, tasks, thread ids) through the real CLI:
 * each command finishes (vitest's timeout is the hang guard), with its exact exit code and the
 * diagnostic that says what was cut, and the records kept are bounded by the CRIU limits.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../../helpers/cli.js';
import {
  bulkPagemap,
  bulkPstree,
  bulkThreads,
  checkpointFiles,
  pagesFile,
  writeFiles,
} from '../../helpers/criu-builder.js';

const root = tempDir('snapinspect-criu-scale-');
const ENTRIES = 1_000_000;
const PRESENT_EVERY = 1000;

/** The example checkpoint with one image replaced (and a pages file to match, where given). */
function checkpointWith(name: string, files: Map<string, Uint8Array>): string {
  const dir = join(root, name);
  const all = checkpointFiles();
  for (const [file, bytes] of files) all.set(file, bytes);
  writeFiles(dir, all);
  return dir;
}

interface Diagnostics {
  diagnostics: { code: string; message: string }[];
}
const diagnosticsOf = (stdout: string): { code: string; message: string }[] =>
  (JSON.parse(stdout) as Diagnostics).diagnostics;
const lines = (text: string, pattern: RegExp): number => text.split('\n').filter((line) => pattern.test(line)).length;

/** Inputs this large take tens of seconds on a loaded 2-core machine; the bound still catches a hang. */
const SCALE_TIMEOUT = 180_000;

describe('a pagemap of a million entries', { timeout: SCALE_TIMEOUT }, () => {
  let dir = '';
  beforeAll(() => {
    dir = checkpointWith(
      'pagemap',
      new Map([
        // With its head entry, exactly criuEntries entries: all of them are read.
        ['pagemap-1.img', bulkPagemap(1, ENTRIES - 1, PRESENT_EVERY)],
        ['pages-1.img', pagesFile(1, ENTRIES / PRESENT_EVERY, 4096)],
      ]),
    );
  });

  it('info counts every entry and page, and lists 50,000 records (CRIU_TOO_MANY_RECORDS)', async () => {
    const result = await cli(['info', '--json', join(dir)]);
    expect(result.code).toBe(0);
    const cut = diagnosticsOf(result.stdout).filter((d) => d.code === 'CRIU_TOO_MANY_RECORDS');
    expect(cut.map((d) => d.message)).toEqual([
      'pagemap-1.img has 1000000 entries; only the first 50000 are listed as records (limit criuRecords)',
    ]);
    const pagemap = await cli(['info', '--json', `${dir}:processes/1 init/pagemap`]);
    expect(pagemap.stdout).toContain('"present_pages": 1000');
    expect(pagemap.stdout).toContain('"entries": 999999');
  });

  it('ls -R lists the kept records of the pagemap and of the image', async () => {
    const result = await cli(['ls', '-R', dir]);
    expect(result.code).toBe(0);
    expect([
      lines(result.stdout, /^processes\/1 init\/pagemap\/0x/),
      lines(result.stdout, /^pagemap-1\.img\/\d/),
    ]).toEqual([50_000, 50_000]);
  });

  it('hash writes a manifest of the kept records', async () => {
    const result = await cli(['hash', dir]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout, /pagemap-1\.img\/\d/)).toBe(50_000);
  });

  it('diff of the folder with itself finishes and finds it the same', async () => {
    const result = await cli(['diff', dir, dir]);
    expect([result.code, result.stdout.trimEnd().split('\n').at(-1)]).toEqual([0, 'Result: same']);
  });
});

describe('a pstree of a million tasks', { timeout: SCALE_TIMEOUT }, () => {
  let dir = '';
  beforeAll(() => {
    dir = checkpointWith('pstree', new Map([['pstree.img', bulkPstree(ENTRIES)]]));
  });

  const cut = 'pstree.img lists 1000000 tasks; only the first 32768 are decoded (limit criuTasks)';

  it('info decodes 32,768 tasks and says so (CRIU_TOO_MANY_TASKS)', async () => {
    const result = await cli(['info', '--json', dir]);
    expect(result.code).toBe(0);
    const found = diagnosticsOf(result.stdout);
    expect(found.filter((d) => d.code === 'CRIU_TOO_MANY_TASKS').map((d) => d.message)).toEqual([cut]);
    expect(result.stdout).toContain('"processes": 32768');
  });

  it('verify reports the cut and the missing images, exit 1', async () => {
    const result = await cli(['verify', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`CRIU_TOO_MANY_TASKS pstree.img: ${cut}`);
    // core-1.img, core-2.img and core-3.img are the example checkpoint's.
    expect(lines(result.stdout, /CRIU_MISSING_IMAGE core-\d+\.img/)).toBe(32_768 - 3);
  });

  it('cat pstree.img gives every byte', async () => {
    const result = await cli(['cat', `${dir}:pstree.img`]);
    expect([result.code, result.bytes.length]).toEqual([0, bulkPstree(ENTRIES).length]);
  });

  it('diff of the folder with itself finishes and finds it the same', async () => {
    const result = await cli(['diff', dir, dir]);
    expect([result.code, result.stdout.trimEnd().split('\n').at(-1)]).toEqual([0, 'Result: same']);
  });
});

describe('a task of 300,000 thread ids without their core images', { timeout: SCALE_TIMEOUT }, () => {
  it('is one CRIU_MISSING_IMAGE naming the first and counting the rest', async () => {
    const dir = checkpointWith('threads', new Map([['pstree.img', bulkThreads(300_000)]]));
    const result = await cli(['verify', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').filter((line) => line.includes('CRIU_MISSING_IMAGE'))).toEqual([
      'error   CRIU_MISSING_IMAGE core-1000.img: pstree.img names task 1, but core-1000.img is missing (and 299999 more core images of its threads)',
    ]);
    const threads = await cli(['info', '--json', `${dir}:processes/1 init`]);
    expect(threads.code).toBe(0);
    expect(threads.stdout).toContain('"threads": [');
  });
});
