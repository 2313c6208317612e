import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands, commandSpec } from '../../src/cli/commands.js';
import { globalOptions, ownOptions } from '../../src/cli/help.js';
import { optionSpecs } from '../../src/cli/options.js';
import { readers } from '../../src/readers/registry.js';
import { tempDir } from '../helpers/cli.js';
import { hasTool, script } from './completion-helpers.js';

const names = commands.map((command) => command.name);
const diff = commandSpec('diff');
const diffOptions = [...ownOptions(diff), ...globalOptions(diff)];

it.each(['zsh', 'fish'])('the %s script names every command and every option', async (shell) => {
  const text = await script(shell);
  for (const name of names) expect(text, name).toContain(name);
  for (const spec of optionSpecs) {
    expect(text, spec.long).toContain(shell === 'fish' ? `-l ${spec.long.slice(2)}` : spec.long);
  }
  expect(text).toContain('qcow2');
});

const zsh = hasTool('zsh');
if (!zsh) console.warn('SKIPPED zsh completion tests: zsh is not installed');

/**
 * The zsh function run with the completion system's builtins replaced by stubs that print what
 * they were offered (the real ones need an interactive line editor); zsh itself filters by prefix.
 */
const ZSH_DRIVER = `
compdef() { print "compdef $*" }
source "$1"; shift
_describe() { local -a items; items=("\${(@P)\${@[-1]}}"); print -l -- "$3:" \${items%%:*} }
compadd() { print -l -- "compadd:" \${@:2} }
_files() { print "files" }
_message() { print "message $*" }
_sequence() { print "sequence $*" }
words=("$@"); CURRENT=\${#words}
_snapinspect
`;

describe.skipIf(!zsh)('zsh completion, run in a zsh subshell', async () => {
  const dir = tempDir('snapinspect-zsh-');
  const scriptFile = join(dir, '_snapinspect');
  writeFileSync(scriptFile, await script('zsh'));
  const complete = (...words: string[]): string[] => {
    const result = spawnSync('zsh', ['-f', '-c', ZSH_DRIVER, 'zsh', scriptFile, ...words], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    // The first line is the compdef call a sourced script makes.
    return result.stdout.split('\n').filter(Boolean).slice(1);
  };

  it('parses, declares itself for compinit, and registers when sourced', async () => {
    expect(spawnSync('zsh', ['-n', scriptFile]).status).toBe(0);
    expect((await script('zsh')).split('\n')[0]).toBe('#compdef snapinspect');
    const sourced = spawnSync('zsh', ['-f', '-c', ZSH_DRIVER, 'zsh', scriptFile, 'snapinspect', ''], {
      encoding: 'utf8',
    });
    expect(sourced.stdout.split('\n')[0]).toBe('compdef _snapinspect snapinspect');
  });

  it('offers commands and paths first, then the options of the command given', () => {
    expect(complete('snapinspect', 'di')).toEqual(['command:', ...names, 'files']);
    expect(complete('snapinspect', '--format', 'tar', 'di')).toEqual(['command:', ...names, 'files']);
    expect(complete('snapinspect', 'diff', '--ig')).toEqual(['option:', ...diffOptions.flatMap(spellings)]);
    expect(complete('snapinspect', 'diff', 'a.tar', '')).toEqual(['files']);
    expect(complete('snapinspect', 'help', '')).toEqual(['command:', ...names]);
  });

  it('offers option values', () => {
    expect(complete('snapinspect', '--format', '')).toEqual(['compadd:', ...readers.map((reader) => reader.id)]);
    expect(complete('snapinspect', 'diff', '--only', 'm')).toEqual(['sequence compadd - files memory metadata']);
    expect(complete('snapinspect', 'hash', 'x', '-o', '')).toEqual(['files']);
    expect(complete('snapinspect', 'completion', '')).toEqual(['compadd:', 'bash', 'zsh', 'fish']);
  });
});

function spellings(spec: { short?: string; long: string }): string[] {
  return spec.short ? [spec.short, spec.long] : [spec.long];
}

const fish = hasTool('fish');
if (!fish) console.warn('SKIPPED fish completion tests: fish is not installed');

describe.skipIf(!fish)('fish completion, asked with complete -C', async () => {
  const dir = tempDir('snapinspect-fish-');
  const scriptFile = join(dir, 'snapinspect.fish');
  writeFileSync(scriptFile, await script('fish'));
  writeFileSync(join(dir, 'diff-a.tar'), '');
  /** Candidates fish offers for `line`, without their descriptions. */
  const complete = (line: string): string[] => {
    const result = spawnSync('fish', ['--no-config', '-c', `source ${scriptFile}; complete -C '${line}'`], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    return result.stdout
      .split('\n')
      .filter(Boolean)
      .map((candidate) => candidate.split('\t')[0] ?? '');
  };

  it('parses', () => {
    expect(spawnSync('fish', ['--no-config', '-n', scriptFile]).status).toBe(0);
  });

  it('completes commands and paths, then the options of the command given', () => {
    expect(complete('snapinspect di')).toEqual(['diff', 'diff-a.tar']);
    expect(complete('snapinspect diff --').sort()).toEqual(diffOptions.map((spec) => spec.long).sort());
    expect(complete('snapinspect diff d')).toEqual(['diff-a.tar']);
    expect(complete('snapinspect --j')).toEqual(['--json']);
    expect(complete('snapinspect ls --r')).toEqual(['--recursive']);
    expect(complete('snapinspect help ve')).toEqual(['verify']);
    expect(complete('snapinspect completion ')).toEqual(['bash', 'fish', 'zsh']);
    expect(complete('snapinspect --format qc')).toEqual(['qcow2']);
  });
});
