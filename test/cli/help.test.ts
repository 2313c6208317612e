import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands.js';
import { commandHelp, globalOptions, helpText, optionLabel, ownOptions } from '../../src/cli/help.js';
import { optionSpecs } from '../../src/cli/options.js';
import { parseArgs } from '../../src/cli/parse.js';
import { cli } from '../helpers/cli.js';

/** Help text with line breaks and indentation undone, to find a wrapped phrase. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

/** The words of a one-line example as a shell would split it (the examples quote only with "). */
function shellWords(example: string): string[] {
  return [...example.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
}

describe('every help text', () => {
  const texts = [['overview', helpText('0.1.0')], ...commands.map((command) => [command.name, commandHelp(command)])];

  it.each(texts)('%s: every line fits 80 columns and breaks only between words', (_name, text) => {
    const lines = (text ?? '').split('\n');
    expect(lines.filter((line) => line.length > 80)).toEqual([]);
    // A line ending in a bracket group's middle would leave an unmatched "[" behind.
    const usage = lines.filter((line) => line.includes('snapinspect'));
    for (const line of usage) expect(line.split('[').length, line).toBe(line.split(']').length);
    expect(lines.filter((line) => line !== line.trimEnd())).toEqual([]);
  });
});

describe('a command help', () => {
  it.each(commands.map((command) => [command.name, command] as const))('%s', (_name, command) => {
    const text = commandHelp(command);
    const lines = text.split('\n');
    expect(flat(lines.slice(0, lines.indexOf('')).join(' '))).toBe(`Usage: snapinspect ${command.usage}`);
    expect(flat(text)).toContain(command.about);
    for (const spec of [...ownOptions(command), ...globalOptions(command)]) {
      const at = lines.findIndex((line) => line.startsWith(`  ${optionLabel(spec)} `));
      expect(at, spec.long).toBeGreaterThan(0);
      if (spec.defaultText) expect(flat(text)).toContain(`(default: ${spec.defaultText})`);
    }
    const exits = flat(lines.slice(lines.indexOf('Exit status:') + 1, lines.indexOf('Examples:') - 1).join(' '));
    expect(exits.trim()).toBe(command.exits.map(([code, meaning]) => `${code} ${meaning}`).join(' '));
    const examples = lines.slice(lines.indexOf('Examples:') + 1);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    expect(examples.length).toBeLessThanOrEqual(3);
    expect(examples).toEqual(command.examples.map((example) => `  ${example}`));
  });

  it('lists only the options a command takes, with --version left to the overview', () => {
    const diff = commandHelp(commands.find((command) => command.name === 'diff') ?? commands[0]);
    expect(diff).toContain('      --only LIST ');
    expect(flat(diff)).toContain('(default: files,memory,metadata)');
    expect(diff).not.toContain('--recursive');
    expect(diff).not.toContain('--version');
    const help = commandHelp(commands.find((command) => command.name === 'help') ?? commands[0]);
    expect(help.split('\n').filter((line) => line.startsWith('  -'))).toEqual([
      '  -h, --help  show help; after a command, the help of that command',
    ]);
  });

  it('shows addresses in their real PATH#SELECTOR:INNER forms, with options the parser accepts', () => {
    const paths = commands.filter((command) => command.operands === 'paths');
    for (const command of paths) {
      expect(
        command.examples.some((example) => /[#:]/.test(example)),
        command.name,
      ).toBe(true);
    }
    for (const command of commands) {
      for (const example of command.examples) {
        const argv = shellWords(example.replace(/^source <\((.*)\)$/, '$1').replace(/ >.*$/, ''));
        expect(argv[0]).toBe('snapinspect');
        // Throws on an option the command does not take or an unknown one.
        const parsed = parseArgs(argv.slice(1), () => true);
        expect(['help', 'diff', command.name], example).toContain(parsed.command);
      }
    }
  });

  it('every option appears in some command help or the overview', () => {
    const all = [helpText('0'), ...commands.map(commandHelp)].join('\n');
    for (const spec of optionSpecs) expect(all).toContain(optionLabel(spec));
  });
});

describe('help on the command line', () => {
  it('help, help COMMAND and COMMAND --help', async () => {
    const overview = await cli(['help']);
    expect(overview).toMatchObject({ code: 0, stderr: '' });
    expect(overview.stdout).toBe((await cli(['--help'])).stdout);
    expect(overview.stdout).toContain('Run snapinspect help COMMAND for its options, exit status and examples.');
    for (const command of commands) {
      const expected = { code: 0, stdout: `${commandHelp(command)}\n`, stderr: '' };
      expect(await cli(['help', command.name])).toMatchObject(expected);
      expect(await cli([command.name, '--help'])).toMatchObject(expected);
      expect(await cli(['-h', command.name])).toMatchObject(expected);
    }
  });

  it('an unknown command after help is a usage error, with a suggestion when one is close', async () => {
    expect(await cli(['help', 'verfy'])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'snapinspect: unknown command verfy; did you mean verify? (USAGE)\n',
    });
    expect(await cli(['help', 'frobnicate'])).toMatchObject({
      code: 2,
      stderr: 'snapinspect: unknown command frobnicate; see snapinspect help (USAGE)\n',
    });
    expect(await cli(['help', 'ls', 'cat'])).toMatchObject({
      code: 2,
      stderr: 'snapinspect: unexpected argument cat (USAGE)\n',
    });
    expect(await cli(['help', '--json'])).toMatchObject({
      code: 2,
      stderr: 'snapinspect: --json does not apply to help (USAGE)\n',
    });
  });
});
