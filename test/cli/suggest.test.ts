import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/parse.js';
import { closest, editDistance } from '../../src/cli/suggest.js';
import { SnapinspectError } from '../../src/model/errors.js';
import { cli, repoRoot, tempDir } from '../helpers/cli.js';

const nothingExists = (): boolean => false;

function usageMessage(argv: string[], exists: (path: string) => boolean = nothingExists): string {
  try {
    parseArgs(argv, exists);
  } catch (error) {
    if (error instanceof SnapinspectError && error.code === 'USAGE') return error.message;
    throw error;
  }
  throw new Error(`parseArgs(${JSON.stringify(argv)}) did not throw`);
}

describe('editDistance (Damerau–Levenshtein, optimal string alignment)', () => {
  it.each<[string, string, number]>([
    ['verify', 'verify', 0],
    ['verfy', 'verify', 1],
    ['vreify', 'verify', 1],
    ['vreiyf', 'verify', 2],
    ['dif', 'diff', 1],
    ['', 'ls', 2],
    ['ca', 'ac', 1],
    ['hsah', 'hash', 1],
    ['kitten', 'sitting', 3],
  ])('%j to %j is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });

  it('suggests only within two edits and less than half of a short word', () => {
    const names = ['info', 'ls', 'cat', 'verify', 'diff', 'hash', 'help', 'completion'];
    expect(closest('verfy', names)).toBe('verify');
    expect(closest('INFO', names)).toBe('info');
    expect(closest('l', names)).toBe('ls');
    expect(closest('x', names)).toBeUndefined();
    expect(closest('snap', names)).toBeUndefined();
    expect(closest('completon', names)).toBe('completion');
    expect(closest('complete', names)).toBeUndefined();
    expect(closest('verifyyy', names)).toBe('verify');
    expect(closest('verifyyyy', names)).toBeUndefined();
  });
});

describe('did you mean', () => {
  it.each<[string[], string]>([
    [['verfy', 'X'], 'unknown command verfy; did you mean verify?'],
    [['dif', 'a', 'b'], 'unknown command dif; did you mean diff?'],
    [['INFO', 'x'], 'unknown command INFO; did you mean info?'],
    [['--json', 'lss', 'x'], 'unknown command lss; did you mean ls?'],
    [['completoin', 'bash'], 'unknown command completoin; did you mean completion?'],
    [['ls', '--jsn', 'x'], 'unknown option --jsn; did you mean --json?'],
    [['diff', 'a', 'b', '--ignore-mtimes'], 'unknown option --ignore-mtimes; did you mean --ignore-mtime?'],
    [['diff', 'a', 'b', '--exlude=x'], 'unknown option --exlude; did you mean --exclude?'],
    [['ls', '--bogus'], 'unknown option --bogus; see snapinspect --help'],
    [['ls', '-x'], 'unknown option -x; see snapinspect --help'],
  ])('%j: %s', (argv, message) => {
    expect(usageMessage(argv)).toBe(message);
  });

  it('opens a path of that name when one exists, and never guesses for path-like words', () => {
    expect(parseArgs(['verfy'], (path) => path === 'verfy')).toMatchObject({ command: 'browse', operands: ['verfy'] });
    for (const word of ['./verfy', 'verfy.tar', 'verfy:etc', 'verfy#1', 'dif/']) {
      expect(parseArgs([word], nothingExists)).toMatchObject({ command: 'browse', operands: [word] });
    }
    // Too far from every command: an ordinary missing path.
    expect(parseArgs(['snapshot'], nothingExists)).toMatchObject({ command: 'browse' });
  });

  it('exits 2 with the suggestion on stderr', async () => {
    expect(await cli(['verfy', 'X'])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'snapinspect: unknown command verfy; did you mean verify? (USAGE)\n',
    });
    expect(await cli(['ls', '--jsn', 'x'])).toMatchObject({
      code: 2,
      stderr: 'snapinspect: unknown option --jsn; did you mean --json? (USAGE)\n',
    });
  });

  const built = existsSync(join(repoRoot, 'dist/snapinspect.mjs'));
  if (!built) console.warn('SKIPPED did-you-mean binary test: dist/ is missing (npm test builds it first)');
  it.skipIf(!built)('the binary opens ./verfy when it exists in the working folder', () => {
    const dir = tempDir('snapinspect-verfy-');
    const run = (): { status: number | null; stderr: string } =>
      spawnSync(process.execPath, [join(repoRoot, 'bin/snapinspect.js'), 'verfy'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 20_000,
      });
    expect(run()).toMatchObject({
      status: 2,
      stderr: 'snapinspect: unknown command verfy; did you mean verify? (USAGE)\n',
    });
    writeFileSync(join(dir, 'verfy'), 'not a snapshot');
    const opened = run();
    expect(opened.status).toBe(2);
    expect(opened.stderr).toMatch(/^snapinspect: .*verfy.* \(UNKNOWN_FORMAT\)\n$/);
  });
});
