/**
 * `docker inspect` output carries credentials in the command line, labels, health check and URLs in
 * the environment, not only under secret-named variables: every planted secret must stay out of
 * every output unless --show-secrets, and every one must be shown with it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../../helpers/cli.js';

const root = tempDir('snapinspect-inspect-');
const REDACTED = '<redacted: --show-secrets reveals it>';
const planted = [
  'cmd-Secret-1',
  'arg-Secret-2',
  'ep-Secret-3',
  'label-Secret-4',
  'hc-Secret-5',
  'url-Secret-6',
  'path-Secret-7',
];

const container = {
  Id: 'c0ffee00',
  Name: '/web',
  Created: '2026-11-22T01:11:18.2638591Z',
  Image: 'sha256:base',
  State: { Status: 'running', Running: true, ExitCode: 0 },
  Path: '/bin/sh -c DB_PASSWORD=path-Secret-7',
  Args: ['serve', '--api-token=arg-Secret-2', '--port=80'],
  Config: {
    Image: 'web:1',
    Env: ['PATH=/bin', 'DATABASE_URL=postgres://app:url-Secret-6@db:5432/app'],
    Cmd: ['serve', '--db-password=cmd-Secret-1'],
    Entrypoint: ['/entry', 'SECRET_KEY=ep-Secret-3'],
    Labels: { 'com.example.db.password': 'label-Secret-4', maintainer: 'ops' },
    Healthcheck: { Test: ['CMD', 'curl', 'https://probe:hc-Secret-5@localhost/health'] },
  },
  Mounts: [],
};
const path = join(root, 'inspect.json');
writeFileSync(path, JSON.stringify([container], null, 2));

const outputs = (extra: string[]): string[][] => [
  ['info', ...extra, path],
  ['info', '--json', ...extra, path],
  ['ls', '-R', '-l', ...extra, path],
  // Inspect output has no file contents (`cat` refuses records with NOT_A_FILE): a record's value shows in `info`.
  ['info', ...extra, `${path}:env/DATABASE_URL`],
];

describe('docker inspect secrets', () => {
  it('no planted secret appears in info, info --json, ls -l or the info of a record without --show-secrets', async () => {
    for (const args of outputs([])) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(0);
      expect(
        planted.filter((secret) => `${result.stdout}${result.stderr}`.includes(secret)),
        args.join(' '),
      ).toEqual([]);
    }
  });

  it('redacts only the secret parts: commands keep their other words, URLs their user and host', async () => {
    const info = JSON.parse((await cli(['info', '--json', path])).stdout);
    expect(info.metadata.args).toEqual(['serve', `--api-token=${REDACTED}`, '--port=80']);
    expect(info.metadata.path).toBe(`/bin/sh -c DB_PASSWORD=${REDACTED}`);
    expect(info.metadata.config.Cmd).toEqual(['serve', `--db-password=${REDACTED}`]);
    expect(info.metadata.config.Entrypoint).toEqual(['/entry', `SECRET_KEY=${REDACTED}`]);
    expect(info.metadata.config.Labels).toEqual({ 'com.example.db.password': REDACTED, maintainer: 'ops' });
    expect(info.metadata.config.Healthcheck).toEqual({
      Test: ['CMD', 'curl', `https://probe:${REDACTED}@localhost/health`],
    });
    expect(info.metadata.config.Env).toEqual(['PATH=/bin', `DATABASE_URL=postgres://app:${REDACTED}@db:5432/app`]);
    expect((await cli(['ls', '-l', `${path}:env`])).stdout).toMatch(/DATABASE_URL {2}\[secret\]\n/);
  });

  it('every planted secret is shown with --show-secrets', async () => {
    const seen = (await Promise.all(outputs(['--show-secrets']).map((args) => cli(args))))
      .map((r) => r.stdout)
      .join('\n');
    expect(planted.filter((secret) => !seen.includes(secret))).toEqual([]);
  });
});
