import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands, commandSpec } from '../../src/cli/commands.js';
import { globalOptions, ownOptions } from '../../src/cli/help.js';
import { readers } from '../../src/readers/registry.js';
import { cli, tempDir } from '../helpers/cli.js';
import { hasTool, script } from './completion-helpers.js';

const bash = hasTool('bash');
if (!bash) console.warn('SKIPPED bash completion tests: bash is not installed');

describe.skipIf(!bash)('bash completion, loaded in a bash subshell', async () => {
  const dir = tempDir('snapinspect-completion-');
  const scriptFile = join(dir, 'snapinspect.bash');
  writeFileSync(scriptFile, await script('bash'));
  const empty = join(dir, 'empty');
  const files = join(dir, 'files');
  mkdirSync(empty);
  mkdirSync(join(files, 'dump-folder'), { recursive: true });
  writeFileSync(join(files, 'diff-a.tar'), '');
  writeFileSync(join(files, 'other.tar'), '');

  /** COMPREPLY for the command line `words`, the last being the word under the cursor. */
  function complete(words: string[], cwd = empty): string[] {
    const driver = [
      'source "$1"; shift',
      'COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()',
      '_snapinspect',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const result = spawnSync('bash', ['--norc', '--noprofile', '-c', driver, 'bash', scriptFile, ...words], {
      cwd,
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    return result.stdout.split('\n').filter(Boolean);
  }

  it('registers the function for snapinspect', () => {
    const result = spawnSync(
      'bash',
      ['--norc', '--noprofile', '-c', 'source "$1"; complete -p snapinspect', 'bash', scriptFile],
      {
        encoding: 'utf8',
      },
    );
    expect(result.stdout).toBe('complete -o filenames -F _snapinspect snapinspect\n');
  });

  it('completes command words, and paths beside them', () => {
    expect(complete(['snapinspect', 'di'])).toEqual(['diff']);
    expect(complete(['snapinspect', 'c'])).toEqual(['cat', 'completion']);
    expect(complete(['snapinspect', ''])).toEqual(commands.map((command) => command.name));
    expect(complete(['snapinspect', 'di'], files)).toEqual(['diff', 'diff-a.tar']);
    expect(complete(['snapinspect', '--json', 've'])).toEqual(['verify']);
  });

  it('completes the options of the command given, and only those', () => {
    const diff = commandSpec('diff');
    const expected = [...ownOptions(diff), ...globalOptions(diff)].map((spec) => spec.long);
    expect(complete(['snapinspect', 'diff', '--'])).toEqual(expected);
    expect(expected).toContain('--ignore-mtime');
    expect(expected).not.toContain('--recursive');
    expect(complete(['snapinspect', 'ls', 'x', '--r'])).toEqual(['--recursive']);
    expect(complete(['snapinspect', 'cat', '--r'])).toEqual(['--raw']);
    expect(complete(['snapinspect', 'hash', 'x', '-'])).toContain('-o');
    // Before a command or after a bare PATH: the options of info and the global ones.
    expect(complete(['snapinspect', 'snap', '--j'])).toEqual(['--json']);
    expect(complete(['snapinspect', '--v'])).toEqual(['--version']);
  });

  it('completes paths after a command, and option values', () => {
    expect(complete(['snapinspect', 'diff', 'o'], files)).toEqual(['other.tar']);
    expect(complete(['snapinspect', 'ls', 'dump'], files)).toEqual(['dump-folder']);
    expect(complete(['snapinspect', 'diff', 'diff-a.tar', ''], files).sort()).toEqual([
      'diff-a.tar',
      'dump-folder',
      'other.tar',
    ]);
    expect(complete(['snapinspect', '--format', 'do'])).toEqual(
      readers.map((reader) => reader.id).filter((id) => id.startsWith('do')),
    );
    expect(complete(['snapinspect', 'info', '--format', '=', 'q'])).toEqual(['qcow2']);
    expect(complete(['snapinspect', 'diff', '--only', 'me'])).toEqual(['memory', 'metadata']);
    expect(complete(['snapinspect', 'hash', 'x', '-o', 'ot'], files)).toEqual(['other.tar']);
    // An option's value is not the command: after `--format tar`, `d` is still a command word.
    expect(complete(['snapinspect', '--format', 'tar', 'di'])).toEqual(['diff']);
    expect(complete(['snapinspect', 'help', 've'])).toEqual(['verify']);
    expect(complete(['snapinspect', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
  });
});

describe('completion on the command line', () => {
  it.each<[string[], string]>([
    [['completion'], 'completion needs a shell: bash, zsh, fish'],
    [['completion', 'tcsh'], 'unknown shell tcsh: bash, zsh, fish'],
    [['completion', 'bash', 'zsh'], 'unexpected argument zsh'],
  ])('%j is a usage error', async (argv, message) => {
    expect(await cli(argv)).toMatchObject({ code: 2, stdout: '', stderr: `snapinspect: ${message} (USAGE)\n` });
  });
});
