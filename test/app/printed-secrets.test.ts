/**
 * Issue 14 (6): configuration and key files that no reader knows as secret (a docker export's YAML and
 * .env, an SSH key, an LXD rootfs .conf, a Cloudify blueprint's inputs) are judged by their text when
 * printed: cat, text diffs and the viewer show them redacted; --show-secrets and hash see the real bytes.
 */
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { sweepFixtures } from '../helpers/sweep-fixtures.js';

const byName = new Map(sweepFixtures().map((fixture) => [fixture.name, fixture]));
const names = byName.get('names');
const marker = '<redacted: --show-secrets reveals it>';

describe('config files redacted when printed', () => {
  it.each([
    ['names', 'srv/app/settings.yaml', `listen: 8080\ndatabase:\n  password: ${marker}\n`],
    ['names', 'srv/app/.env', `PORT=8080\nAPI_TOKEN=${marker}\n`],
    ['names', 'root/.ssh/id_ed25519', `${marker}\n`],
    ['lxd', 'etc/app.conf', `[db]\npassword = ${marker}\n`],
    ['cloudify', 'blueprints/app/inputs.yaml', `db_password: ${marker}\n`],
  ])('%s: cat %s', async (fixture, inner, expected) => {
    const path = byName.get(fixture)?.path ?? '';
    expect(await cli(['cat', `${path}:${inner}`])).toMatchObject({ code: 0, stdout: expected, stderr: '' });
  });

  it('--show-secrets prints the real bytes', async () => {
    const result = await cli(['cat', '--show-secrets', `${names?.path}:srv/app/.env`]);
    expect(result.stdout).toBe('PORT=8080\nAPI_TOKEN=env-token-planted\n');
  });

  it('a file not named like configuration is printed as it is', async () => {
    const other = await cli(['cat', `${names?.path}:etc/\u001b[2Jclear.txt`]);
    expect(other.stdout.startsWith('planted\n')).toBe(true);
  });

  it('diff --text-diff shows the changed secret as two fingerprints, never the values', async () => {
    const result = await cli(['diff', '--text-diff', names?.path ?? '', names?.changed ?? '']);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    const changed = lines.filter((line) => /^[-+] {2}password: <redacted #[0-9a-f]{12}:/.test(line));
    expect(changed).toHaveLength(2);
    expect(new Set(changed.map((line) => line.slice(1))).size).toBe(2);
    expect(result.stdout).not.toMatch(/yaml-pw|env-token|pem-body/);
  });

  it('hash reads the real bytes: a rotated secret changes the digest', async () => {
    const digest = async (path: string): Promise<string | undefined> => {
      const manifest = JSON.parse((await cli(['hash', path])).stdout) as { files: { path: string; sha256?: string }[] };
      return manifest.files.find((entry) => entry.path === 'srv/app/.env')?.sha256;
    };
    const [before, after] = [await digest(names?.path ?? ''), await digest(names?.changed ?? '')];
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(before).not.toBe(after);
  });
});
