/**
 * Issue 14 (6b): a secret that changed between two snapshots is a change in `diff`, shown by a keyed
 * fingerprint of each side and never by its value; the same secret on both sides is no change.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cli, repoRoot } from '../helpers/cli.js';
import { PLANTED, sweepFixtures } from '../helpers/sweep-fixtures.js';

const fixtures = sweepFixtures().filter((fixture) => ['docker-inspect', 'docker-image', 'lxd'].includes(fixture.name));

describe('diff of snapshots whose only metadata change is a secret', () => {
  it.each(fixtures)('$name: reports the change by fingerprint, without either value', async ({ path, changed }) => {
    const result = await cli(['diff', '--only', 'metadata', path, changed]);
    expect(result.code, result.stdout).toBe(1);
    // The two sides' fingerprints differ; how the change is drawn (one field, or a text diff) is the format's.
    const fingerprints = new Set(result.stdout.match(/<redacted #[0-9a-f]{12}:/g));
    expect(fingerprints.size).toBeGreaterThanOrEqual(2);
    for (const secret of PLANTED) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it.each(fixtures)('$name: the same secret on both sides is no change', async ({ path }) => {
    const result = await cli(['diff', '--only', 'metadata', path, path]);
    expect([result.code, result.stdout.split('\n').at(-2)]).toEqual([0, 'Result: same']);
  });

  it('info, in a process of its own, keeps the plain marker: fingerprints exist only while diffing', () => {
    const bin = join(repoRoot, 'bin/snapinspect.js');
    const { stdout } = spawnSync(process.execPath, [bin, 'info', fixtures[0]?.path ?? ''], { encoding: 'utf8' });
    expect(stdout).toContain('<redacted: --show-secrets reveals it>');
    expect(stdout).not.toContain('<redacted #');
  });
});
