import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const bin = join(repoRoot, 'bin/snapinspect.js');
const built = existsSync(join(repoRoot, 'dist/snapinspect.mjs'));
if (!built) console.warn('SKIPPED binary tests: dist/ is missing (npm test builds it first)');

function snapinspect(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(!built)('the installed binary', () => {
  it('prints the version from package.json', () => {
    const { status, stdout } = snapinspect('--version');
    expect(status).toBe(0);
    expect(stdout).toBe(
      `${(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version}\n`,
    );
  });

  it('treats a bare PATH on a pipe as info', () => {
    const { status, stdout } = snapinspect('fixtures/icp/icp-cli-snapshot');
    expect(status).toBe(0);
    expect(stdout.startsWith('Format:   icp-snapshot (standard)\nTitle:    icp-cli-snapshot\n')).toBe(true);
  });

  it('sets exit codes 0, 1 and 2 and never prints a stack trace', () => {
    expect(snapinspect('verify', 'fixtures/icp/icp-cli-snapshot').status).toBe(0);
    expect(snapinspect('verify', 'fixtures/icp/broken-snapshot').status).toBe(1);
    const missing = snapinspect('ls', 'fixtures/icp/nope');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('snapinspect: no such file or folder: fixtures/icp/nope (NOT_FOUND)\n');
    const usage = snapinspect('ls', '--bogus', 'x');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toBe('snapinspect: unknown option --bogus; see snapinspect --help (USAGE)\n');
    const notFile = snapinspect('cat', 'fixtures/icp/icp-cli-snapshot:wasm_chunk_store');
    expect(notFile.status).toBe(2);
    expect(notFile.stderr).toBe('snapinspect: wasm_chunk_store is a folder; use ls to list it (NOT_A_FILE)\n');
    expect(snapinspect().status).toBe(2);
  });
});
