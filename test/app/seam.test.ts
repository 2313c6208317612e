import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { limitRows } from '../../src/app/limits.js';
import { openAddress } from '../../src/app/open.js';
import { walk } from '../../src/model/tree.js';
import { readers } from '../../src/readers/registry.js';
import { verifySnapshot } from '../../src/verify/index.js';
import { cli, repoRoot, tempDir } from '../helpers/cli.js';
import { toyReader } from './toy-format/index.js';

const withToy = [...readers, toyReader];

describe('a new format is one folder and one registry line', () => {
  const dir = tempDir();
  const small = join(dir, 'small.toy');
  const large = join(dir, 'large.toy');
  writeFileSync(small, 'TOY1 tiny');
  writeFileSync(large, `TOY1 ${'x'.repeat(40)}`);

  it('runs its own check in verify', async () => {
    expect(await cli(['verify', small], { readers: withToy })).toMatchObject({
      code: 0,
      stdout: 'OK: small.toy passes all toy checks\n',
    });
    const failed = await cli(['verify', large], { readers: withToy });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe(
      'error   TOY_TOO_LARGE: 45 bytes; a toy holds at most 16\nFAILED: 1 problem in large.toy\n',
    );
  });

  it('takes --limit for its own limit, for one command only', async () => {
    expect((await cli(['verify', large, '--limit', 'toyBytes=64'], { readers: withToy })).code).toBe(0);
    expect((await cli(['verify', large], { readers: withToy })).code).toBe(1);
  });

  it('appears in the limits table, and not without its registry line', async () => {
    expect(limitRows(withToy).find((row) => row.name === 'toyBytes')?.spec).toEqual({
      value: 16,
      help: 'size of a toy file; a larger one fails its check',
    });
    expect(limitRows().some((row) => row.name === 'toyBytes')).toBe(false);
    const unknown = await cli(['info', small, '--limit', 'toyBytes=64']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^snapinspect: --limit takes NAME=VALUE with NAME one of .*; not toyBytes=64 \(USAGE\)\n$/,
    );
  });
});

describe('verify of a page-hash manifest checks it as a manifest', () => {
  const dir = tempDir();
  it.each(['icp-cli-snapshot', 'dfx-snapshot', 'broken-snapshot'])(
    '%s: the manifest verifies, whatever its source',
    async (name) => {
      const manifest = join(dir, `${name}.json`);
      expect((await cli(['hash', join(repoRoot, 'fixtures/icp', name), '-o', manifest])).code).toBe(0);
      const verified = await cli(['verify', manifest]);
      expect(verified).toMatchObject({
        code: 0,
        stdout: `OK: ${name} (manifest ${name}.json) passes all manifest checks\n`,
      });
    },
  );

  it('reports page hashes that do not fit the memory they describe', async () => {
    const manifest = join(dir, 'bad.json');
    await cli(['hash', join(repoRoot, 'fixtures/icp/icp-cli-snapshot'), '-o', manifest]);
    const text = readFileSync(manifest, 'utf8').replace(/"xxh64": "([0-9a-f]{16})/, '"xxh64": "');
    writeFileSync(manifest, text);
    const verified = await cli(['verify', manifest, '--json']);
    expect(verified.code).toBe(1);
    expect(JSON.parse(verified.stdout).findings.map((f: any) => f.code)).toEqual(['MANIFEST_PAGE_COUNT']);
  });
});

describe('what a command reports does not depend on what was loaded before', () => {
  const dir = tempDir();
  const snapshot = join(dir, 'snap');
  cpSync(join(repoRoot, 'fixtures/icp/icp-cli-snapshot'), snapshot, { recursive: true });
  mkdirSync(join(snapshot, 'extra/deeper'), { recursive: true });
  symlinkSync('b', join(snapshot, 'extra/deeper/a'));
  symlinkSync('a', join(snapshot, 'extra/deeper/b'));

  it('verify finds a loop deep in the tree whether or not ls -R walked it first', async () => {
    const fresh = await verifySnapshot((await openAddress(snapshot, { showSecrets: false })).snapshot);
    const walked = (await openAddress(snapshot, { showSecrets: false })).snapshot;
    let listed = 0;
    for await (const entry of walk(walked.root)) listed += entry.segments.length > 0 ? 1 : 0;
    expect(listed).toBeGreaterThan(8);
    expect((await verifySnapshot(walked)).findings).toEqual(fresh.findings);
    expect(fresh.findings.filter((f) => f.code === 'SYMLINK_LOOP').map((f) => f.path)).toEqual(['extra/deeper/a']);
    expect(walked.diagnostics.some((f) => f.code === 'SYMLINK_LOOP')).toBe(false);
  });

  it('gives the same verify output after ls -R in the same process', async () => {
    const before = await cli(['verify', snapshot, '--json']);
    await cli(['ls', '-R', snapshot]);
    expect(await cli(['verify', snapshot, '--json'])).toEqual(before);
  });
});
