/**
 * Every command's output for the hostile fixtures, checked as a terminal would receive it: no raw
 * C0 (other than newline and tab), no carriage return, no C1 (as UTF-8 or as a raw byte), no bidi
 * override or isolate, and no planted secret unless --show-secrets asks for it. Each fixture runs
 * info, ls, verify, hash, cat and info of every file, diff against a copy with its secret changed,
 * the child snapshots, and the error paths that echo names (a missing entry, a mistyped selector).
 */
import { describe, expect, it } from 'vitest';
import { cli, type CliResult } from '../helpers/cli.js';
import { leakedSecrets, rawByteProblems } from '../helpers/terminal-safety.js';
import { PLANTED, sweepFixtures, type SweepFixture } from '../helpers/sweep-fixtures.js';

interface Listed {
  path: string;
  kind: string;
}

/** The problems of one run; cat on a pipe writes raw bytes by design, so only its secrets and stderr count. */
function problemsOf(args: string[], result: CliResult, tty: boolean): string[] {
  const label = `${tty ? '[tty] ' : ''}${args.join(' ')}`;
  const rawStdoutAllowed = args[0] === 'cat' && !tty;
  const problems = [
    ...(result.stderr.includes('(INTERNAL)') ? [`INTERNAL: ${result.stderr.trim()}`] : []),
    ...(rawStdoutAllowed ? [] : rawByteProblems(result.bytes).map((problem) => `stdout: ${problem}`)),
    ...rawByteProblems(result.errorBytes ?? Buffer.from(result.stderr)).map((problem) => `stderr: ${problem}`),
    ...leakedSecrets(result.stdout + result.stderr, PLANTED).map((secret) => `leaks ${secret}`),
  ];
  return problems.map((problem) => `${label}: ${problem}`);
}

async function sweep(fixture: SweepFixture): Promise<string[]> {
  const problems: string[] = [];
  const run = async (args: string[], tty = false): Promise<CliResult> => {
    const result = await cli(args, { tty });
    problems.push(...problemsOf(args, result, tty));
    return result;
  };
  const { path, changed } = fixture;
  for (const args of [['info'], ['info', '--json'], ['ls', '-R', '-l'], ['verify'], ['verify', '--json'], ['hash']])
    await run([...args, path]);
  const listing = await run(['ls', '--json', '-R', path]);
  const files = (JSON.parse(listing.stdout) as Listed[]).filter((entry) => entry.kind === 'file');
  for (const { path: inner } of files) {
    await run(['cat', `${path}:${inner}`]);
    await run(['cat', `${path}:${inner}`], true);
    await run(['info', `${path}:${inner}`]);
  }
  for (const args of [[], ['--json'], ['--text-diff']]) await run(['diff', ...args, path, changed]);
  const info = JSON.parse((await cli(['info', '--json', path])).stdout) as { children?: { selector: string }[] };
  for (const { selector } of (info.children ?? []).slice(0, 3)) {
    await run(['info', `${path}#${selector}`]);
    await run(['ls', '-R', '-l', `${path}#${selector}`]);
  }
  await run(['cat', `${path}:missing-name`]);
  await run(['ls', `${path}:missing-dir/`]);
  await run(['info', `${path}#mistyped`]);
  await run(['ls', `${path}#mistyped:x`]);
  return problems;
}

describe('no raw control, bidi or secret reaches the terminal from any command', () => {
  const fixtures = sweepFixtures();

  it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s', async (_name, fixture) => {
    expect(await sweep(fixture)).toEqual([]);
  });

  it('the fixtures do hold the hostile names, and the check sees each kind of raw character', async () => {
    const names = fixtures.find((fixture) => fixture.name === 'names')?.path ?? '';
    expect((await cli(['ls', '-R', names])).stdout.split('\n')).toEqual([
      'c1-\\x9b31m',
      'etc/',
      'etc/\\x1b[2Jclear.txt',
      'etc/\\x1b]52;c;QQ==\\x07clip.txt',
      'etc/bidi-\\u202etxt.exe',
      'etc/c1-\\x85\\x9b31m.txt',
      'etc/isolates-\\u2066\\u2067\\u2068\\u2069.txt',
      'etc/link',
      'f\\xff\\xfe',
      'root/',
      'root/.ssh/',
      'root/.ssh/id_ed25519',
      'srv/',
      'srv/app/',
      'srv/app/.env',
      'srv/app/settings.yaml',
      '',
    ]);
    for (const raw of ['\u001b]52;c;QQ==\u0007', 'a\rb', '\u0085', '\u202e', '\u2068'])
      expect(rawByteProblems(Buffer.from(raw)), JSON.stringify(raw)).not.toEqual([]);
    expect(rawByteProblems(Uint8Array.of(0x9b))).toEqual(['bytes that are not UTF-8']);
    expect(rawByteProblems(Buffer.from('tab\tand newline\n'))).toEqual([]);
  });

  it('--show-secrets does reveal the planted values, so the sweep can see a leak', async () => {
    const byName = new Map(fixtures.map((fixture) => [fixture.name, fixture.path]));
    const image = await cli(['info', '--json', '--show-secrets', byName.get('docker-image') ?? '']);
    expect(leakedSecrets(image.stdout, PLANTED)).toEqual(['hunter2-planted', 'pw-planted', 'label-pw-planted']);
    const cloudify = byName.get('cloudify') ?? '';
    const config = await cli(['cat', '--show-secrets', `${cloudify}:composer/backend/conf/conf_example.js`]);
    expect(leakedSecrets(config.stdout, PLANTED)).toEqual(['pw-planted', 'js-secret-planted']);
  });
});
