import { BARE_PATH, commands, type CommandSpec } from './commands.js';
import { optionSpecs, type OptionSpec } from './options.js';
import { maxOf } from '../model/arrays.js';
import { HELP_WIDTH, usageWords, wrap, wrapWords } from './wrap.js';

/** Indent of a command's summary under its usage line. */
const SUMMARY_INDENT = 6;
const PROGRAM = '  snapinspect ';

export const ADDRESSES = 'PATH is a file or folder; #SEL picks a child snapshot; :INNER a path inside the snapshot.';
export const EXIT_STATUS =
  'Exit status: 0 success / checks passed, 1 checks failed, 2 trouble (bad arguments, unreadable input).';

export function optionLabel(spec: OptionSpec): string {
  return `${spec.short ? `${spec.short}, ` : '    '}${spec.long}${spec.value ? ` ${spec.value}` : ''}`;
}

/** The options a command takes besides the global ones. */
export function ownOptions(command: CommandSpec): OptionSpec[] {
  return optionSpecs.filter((spec) => spec.only?.some((name) => name === command.name));
}

/** The global options worth listing in a command's help: those about reading input only where it reads any. */
export function globalOptions(command: CommandSpec): OptionSpec[] {
  return optionSpecs.filter(
    (spec) => !spec.only && !spec.topLevel && (command.operands === 'paths' || spec.key === 'help'),
  );
}

/** Option lines with their descriptions aligned in one column after the longest label of `specs`. */
function optionLines(specs: readonly OptionSpec[], describe: (spec: OptionSpec) => string, width: number): string[] {
  return specs.flatMap((spec) => wrap(describe(spec), `  ${optionLabel(spec).padEnd(width)}`, 2 + width));
}

function labelWidth(specs: readonly OptionSpec[]): number {
  return maxOf(specs.map((spec) => optionLabel(spec).length)) + 2;
}

export function helpText(version: string): string {
  const width = labelWidth(optionSpecs);
  return [
    `snapinspect ${version} — inspect, diff and verify snapshots`,
    '',
    'Usage:',
    ...[BARE_PATH, ...commands].flatMap((command) => [
      ...wrapWords(usageWords(command.usage), PROGRAM, PROGRAM.length),
      ...wrap(command.summary, ' '.repeat(SUMMARY_INDENT), SUMMARY_INDENT),
    ]),
    '',
    'Options:',
    ...optionLines(optionSpecs, (spec) => `${spec.help}${spec.only ? ` (${spec.only.join(', ')})` : ''}`, width),
    '',
    ...wrap(`Addresses: ${ADDRESSES}`, '', 2),
    ...wrap(EXIT_STATUS, '', 2),
    ...wrap('Run snapinspect help COMMAND for its options, exit status and examples.', '', 2),
  ].join('\n');
}

export function describeOption(spec: OptionSpec): string {
  return `${spec.help}${spec.defaultText ? ` (default: ${spec.defaultText})` : ''}`;
}

/** One command's help: usage, what it does, its options with defaults, exit status, examples. */
export function commandHelp(command: CommandSpec): string {
  const own = ownOptions(command);
  const global = globalOptions(command);
  const width = labelWidth([...own, ...global]);
  const codeWidth = maxOf(command.exits.map(([code]) => String(code).length)) + 2;
  return [
    ...wrapWords(usageWords(command.usage), 'Usage: snapinspect ', 'Usage: snapinspect '.length),
    '',
    ...wrap(command.about, '', 0),
    ...(command.operands === 'paths' ? ['', ...wrap(`Addresses: ${ADDRESSES}`, '', 2)] : []),
    ...(own.length > 0 ? ['', 'Options:', ...optionLines(own, describeOption, width)] : []),
    '',
    own.length > 0 ? 'Global options:' : 'Options:',
    ...optionLines(global, describeOption, width),
    '',
    'Exit status:',
    ...command.exits.flatMap(([code, meaning]) =>
      wrap(meaning, `  ${String(code).padEnd(codeWidth)}`, 2 + codeWidth, HELP_WIDTH),
    ),
    '',
    'Examples:',
    ...command.examples.map((example) => `  ${example}`),
  ].join('\n');
}
