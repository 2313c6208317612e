import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../src/app/address.js';
import { BARE_PATH, commands } from '../../src/cli/commands.js';
import { helpText } from '../../src/cli/help.js';
import { HELP_WIDTH } from '../../src/cli/wrap.js';
import { optionSpecs, type ParsedOptions } from '../../src/cli/options.js';
import { parseArgs } from '../../src/cli/parse.js';
import { SnapinspectError } from '../../src/model/errors.js';

const defaults: ParsedOptions = {
  json: false,
  recursive: false,
  long: false,
  raw: false,
  showSecrets: false,
  ignoreMtime: false,
  dirMtimes: false,
  textDiff: false,
  exclude: [],
  limit: [],
  help: false,
  version: false,
};

function usageError(argv: string[]): SnapinspectError {
  try {
    parseArgs(argv);
  } catch (error) {
    if (error instanceof SnapinspectError) return error;
    throw error;
  }
  throw new Error(`parseArgs(${JSON.stringify(argv)}) did not throw`);
}

describe('parseArgs', () => {
  it('no arguments', () => {
    expect(parseArgs([])).toStrictEqual({ command: 'none', operands: [], options: defaults });
  });

  it.each(['info', 'ls', 'cat', 'verify'] as const)('recognises the %s command', (name) => {
    expect(parseArgs([name, 'snap'])).toStrictEqual({ command: name, operands: ['snap'], options: defaults });
  });

  it('a bare path is browse; only the first operand can be a command', () => {
    expect(parseArgs(['snap'])).toStrictEqual({ command: 'browse', operands: ['snap'], options: defaults });
    expect(parseArgs(['snap', 'info'])).toStrictEqual({
      command: 'browse',
      operands: ['snap', 'info'],
      options: defaults,
    });
    expect(parseArgs(['info', 'ls'])).toStrictEqual({ command: 'info', operands: ['ls'], options: defaults });
    expect(parseArgs(['-'])).toStrictEqual({ command: 'browse', operands: ['-'], options: defaults });
    // Commands are lower case; a file named INFO is opened (without one, INFO is a mistyped info).
    expect(parseArgs(['INFO'], () => true)).toMatchObject({ command: 'browse', operands: ['INFO'] });
  });

  it('browse accepts the options of info', () => {
    expect(parseArgs(['snap', '--json'])).toStrictEqual({
      command: 'browse',
      operands: ['snap'],
      options: { ...defaults, json: true },
    });
  });

  it('expands combined short flags', () => {
    const expected = { command: 'ls', operands: ['snap:dir'], options: { ...defaults, long: true, recursive: true } };
    expect(parseArgs(['ls', 'snap:dir', '-lR'])).toStrictEqual(expected);
    expect(parseArgs(['ls', '-Rl', 'snap:dir'])).toStrictEqual(expected);
    expect(parseArgs(['-l', 'ls', '-R', 'snap:dir'])).toStrictEqual(expected);
    expect(parseArgs(['ls', 'x', '--long', '--recursive'])).toStrictEqual({ ...expected, operands: ['x'] });
  });

  it('options may come before or after the command', () => {
    expect(parseArgs(['--json', 'verify', 'snap'])).toStrictEqual({
      command: 'verify',
      operands: ['snap'],
      options: { ...defaults, json: true },
    });
    expect(parseArgs(['cat', 'snap:f', '--raw'])).toStrictEqual({
      command: 'cat',
      operands: ['snap:f'],
      options: { ...defaults, raw: true },
    });
  });

  it('--format takes a separate or inline value', () => {
    expect(parseArgs(['--format', 'icp-snapshot', 'info', 'x'])).toStrictEqual({
      command: 'info',
      operands: ['x'],
      options: { ...defaults, format: 'icp-snapshot' },
    });
    expect(parseArgs(['info', 'x', '--format=icp-snapshot'])).toStrictEqual({
      command: 'info',
      operands: ['x'],
      options: { ...defaults, format: 'icp-snapshot' },
    });
    expect(parseArgs(['x', '--format=a=b']).options.format).toBe('a=b');
    expect(parseArgs(['ls', 'x', '--format', 'second', '--format', 'last']).options.format).toBe('last');
  });

  it('help and version', () => {
    expect(parseArgs(['--help'])).toStrictEqual({
      command: 'none',
      operands: [],
      options: { ...defaults, help: true },
    });
    expect(parseArgs(['-h']).options.help).toBe(true);
    expect(parseArgs(['-V'])).toStrictEqual({ command: 'none', operands: [], options: { ...defaults, version: true } });
    expect(parseArgs(['--version']).options.version).toBe(true);
    expect(parseArgs(['ls', '-h']).options.help).toBe(true);
  });

  it('-- ends options', () => {
    expect(parseArgs(['cat', '--', '-weird:file', '--raw'])).toStrictEqual({
      command: 'cat',
      operands: ['-weird:file', '--raw'],
      options: defaults,
    });
    expect(parseArgs(['ls', '-l', '--', '-R'])).toStrictEqual({
      command: 'ls',
      operands: ['-R'],
      options: { ...defaults, long: true },
    });
    expect(parseArgs(['--', '--json'])).toStrictEqual({ command: 'browse', operands: ['--json'], options: defaults });
  });

  it.each<[string[], string]>([
    [['info', '--bogus'], 'unknown option --bogus; see snapinspect --help'],
    [['info', 'x', '--bogus=1'], 'unknown option --bogus; see snapinspect --help'],
    [['ls', '-lx'], 'unknown option -x; see snapinspect --help'],
    [['-q'], 'unknown option -q; see snapinspect --help'],
    [['ls', '-l=1'], 'unknown option -=; see snapinspect --help'],
    [['ls', 'x', '--raw'], '--raw does not apply to ls'],
    [['info', 'x', '-R'], '--recursive does not apply to info'],
    [['x', '-l'], '--long does not apply to info'],
    [['cat', 'x:f', '--json'], '--json does not apply to cat'],
    [['verify', 'x', '-Rl'], '--recursive does not apply to verify'],
    [['info', 'x', '--format'], '--format needs a value (ID)'],
    [['--format'], '--format needs a value (ID)'],
    [['info', 'x', '--json=yes'], '--json takes no value'],
    [['ls', '--long='], '--long takes no value'],
  ])('%j is a usage error: %s', (argv, message) => {
    const error = usageError(argv);
    expect(error.code).toBe('USAGE');
    expect(error.message).toBe(message);
  });
});

describe('helpText', () => {
  const text = helpText('9.8.7');
  const lines = text.split('\n');
  /** The help with its line breaks and indentation undone, to find a wrapped phrase. */
  const flat = text.replace(/\s+/g, ' ');
  const optionLabel = (spec: (typeof optionSpecs)[number]): string =>
    `${spec.short ? `${spec.short}, ` : '    '}${spec.long}${spec.value ? ` ${spec.value}` : ''}`;

  it('fits an 80-column terminal: no line is wider', () => {
    expect(HELP_WIDTH).toBe(80);
    expect(lines.filter((line) => line.length > 80)).toEqual([]);
    // The long lines were wrapped, not cut: their last words are still there.
    expect(flat).toContain('[--exclude GLOB] [--text-diff]');
    expect(flat).toContain('(exit 1 when different)');
    expect(flat).toContain('(repeatable; names in the README)');
  });

  it('says what the bare PATH form does now that the terminal UI exists', () => {
    expect(text).not.toMatch(/not built yet/);
    expect(text).not.toMatch(/terminal browser is not/);
    expect(lines).toContain(`  snapinspect ${BARE_PATH.usage}`);
    expect(flat).toContain('on a terminal: browse it in the terminal UI; otherwise the same as info');
  });

  it('names the version and every command usage with its summary below it', () => {
    expect(lines[0]).toBe('snapinspect 9.8.7 — inspect, diff and verify snapshots');
    for (const command of [BARE_PATH, ...commands]) {
      const at = lines.findIndex((line) => line.startsWith(`  snapinspect ${command.usage.split(' ')[0]}`));
      expect(at, command.usage).toBeGreaterThan(0);
      // The usage, then its summary indented by six, each possibly over several lines.
      let end = at + 1;
      while (lines[end]?.startsWith('              ')) end++;
      expect(lines.slice(at, end).join(' ').replace(/\s+/g, ' ').trim()).toBe(`snapinspect ${command.usage}`);
      let after = end;
      while (lines[after]?.startsWith('      ') && !lines[after]?.startsWith('  snapinspect')) after++;
      expect(after, command.usage).toBeGreaterThan(end);
      expect(lines.slice(end, after).join(' ').replace(/\s+/g, ' ').trim()).toBe(command.summary);
    }
  });

  it('names every option, its short form, value and the commands it applies to', () => {
    for (const spec of optionSpecs) {
      const at = lines.findIndex((candidate) => candidate.startsWith(`  ${optionLabel(spec)} `));
      expect(at, spec.long).toBeGreaterThan(0);
      let end = at + 1;
      while (lines[end]?.startsWith(' '.repeat(10))) end++;
      const suffix = spec.only ? ` (${spec.only.join(', ')})` : '';
      expect(
        lines
          .slice(at, end)
          .join(' ')
          .slice(2 + optionLabel(spec).length)
          .replace(/\s+/g, ' ')
          .trim(),
        spec.long,
      ).toBe(`${spec.help}${suffix}`);
    }
    expect(text).toContain('  -R, --recursive');
    expect(text).toContain('      --format ID');
    expect(flat).toContain('(info, ls, verify, diff)');
  });

  it('aligns the option descriptions in one column, continuation lines included', () => {
    const options = lines.slice(lines.indexOf('Options:') + 1, lines.indexOf('', lines.indexOf('Options:')));
    expect(options.length).toBeGreaterThan(optionSpecs.length);
    const columns = new Set(
      options.map((line) => {
        const label = optionSpecs.find((spec) => line.startsWith(`  ${optionLabel(spec)} `));
        const rest = label ? line.slice(2 + optionLabel(label).length) : line;
        return line.length - rest.trimStart().length;
      }),
    );
    expect(columns.size).toBe(1);
    expect([...columns][0]).toBeGreaterThan(0);
  });

  it('documents addresses and exit status', () => {
    expect(flat).toContain('#SEL picks a child snapshot; :INNER a path inside the snapshot');
    expect(flat).toContain('Exit status: 0 success / checks passed, 1 checks failed, 2 trouble');
  });
});

describe('parseAddress', () => {
  const existing = (...paths: string[]) => {
    const set = new Set(paths);
    return (path: string) => set.has(path);
  };

  it.each<[string, string[], object]>([
    ['snap', ['snap'], { path: 'snap' }],
    ['snap:inner/dir', ['snap'], { path: 'snap', inner: 'inner/dir' }],
    ['snap:a:b', ['snap'], { path: 'snap', inner: 'a:b' }],
    ['snap#sel', ['snap'], { path: 'snap', fragment: 'sel' }],
    ['snap#layer:2:etc/x', ['snap'], { path: 'snap', fragment: 'layer:2:etc/x' }],
    ['snap#a#b', ['snap'], { path: 'snap', fragment: 'a#b' }],
    ['snap:', ['snap'], { path: 'snap', inner: '' }],
    ['dir/a:b#c', ['dir/a:b#c'], { path: 'dir/a:b#c' }],
    ['dir/a:b#c:etc/x', ['dir/a:b#c'], { path: 'dir/a:b#c', inner: 'etc/x' }],
    ['dir/a:b#c#child', ['dir/a:b#c'], { path: 'dir/a:b#c', fragment: 'child' }],
    // The longest existing prefix wins.
    ['snap:x:y', ['snap', 'snap:x'], { path: 'snap:x', inner: 'y' }],
    ['snap#1:y', ['snap', 'snap#1'], { path: 'snap#1', inner: 'y' }],
    ['missing:inner#sel', [], { path: 'missing:inner#sel' }],
    ['missing', [], { path: 'missing' }],
    [':x', [''], { path: ':x' }],
  ])('%j with %j existing', (text, paths, expected) => {
    expect(parseAddress(text, existing(...paths))).toStrictEqual(expected);
  });

  it('checks the real file system by default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snapinspect-address-'));
    try {
      const file = join(dir, 'backup:1#x');
      writeFileSync(file, '');
      mkdirSync(join(dir, 'snap'));
      expect(parseAddress(file)).toStrictEqual({ path: file });
      expect(parseAddress(`${file}:etc/passwd`)).toStrictEqual({ path: file, inner: 'etc/passwd' });
      expect(parseAddress(`${join(dir, 'snap')}#0:a`)).toStrictEqual({ path: join(dir, 'snap'), fragment: '0:a' });
      expect(parseAddress(join(dir, 'nope:x'))).toStrictEqual({ path: join(dir, 'nope:x') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
