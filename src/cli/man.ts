import { BARE_PATH, commands, shells, type CommandSpec } from './commands.js';
import { ADDRESSES, describeOption, optionLabel, ownOptions } from './help.js';
import { optionSpecs, type OptionSpec } from './options.js';
import { usageWords } from './wrap.js';

/** Text as roff reads it literally: backslashes and hyphens escaped, no line taken for a request. */
export function roffText(text: string): string {
  return text
    .replaceAll('\\', '\\e')
    .replaceAll('-', '\\-')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

/** A usage with its bracket groups kept on one line (`\\~` is a space roff never breaks at). */
function roffUsage(usage: string): string {
  return usageWords(usage)
    .map((word) => roffText(word).replaceAll(' ', '\\~'))
    .join(' ');
}

/** Items of a list without blank lines between them. */
function tightItems(items: readonly (readonly [label: string, text: string])[]): string[] {
  return ['.PD 0', ...items.flatMap(([label, text]) => [`.IP ${label} 4`, roffText(text)]), '.PD'];
}

function optionItems(specs: readonly OptionSpec[], describe: (spec: OptionSpec) => string): string[] {
  return specs.flatMap((spec) => ['.TP', `.B ${roffText(optionLabel(spec).trim())}`, roffText(describe(spec))]);
}

function commandSection(command: CommandSpec): string[] {
  const own = ownOptions(command);
  return [
    `.SS ${roffText(command.name)}`,
    `\\fBsnapinspect\\fR ${roffUsage(command.usage)}`,
    '.PP',
    roffText(command.about),
    ...(own.length > 0 ? ['.PP', 'Options:', '.RS', ...optionItems(own, describeOption), '.RE'] : []),
    '.PP',
    'Exit status:',
    '.RS',
    ...tightItems(command.exits.map(([code, meaning]) => [String(code), meaning])),
    '.RE',
    '.PP',
    'Examples:',
    '.PP',
    '.RS',
    '.nf',
    ...command.examples.map(roffText),
    '.fi',
    '.RE',
  ];
}

/** The whole manual page, snapinspect(1), from the command and option tables. */
export function manPage(version: string): string {
  const globals = optionSpecs.filter((spec) => !spec.only);
  const paths = commands.filter((command) => command.operands === 'paths');
  return [
    `.TH SNAPINSPECT 1 "" "snapinspect ${roffText(version)}" "User Commands"`,
    // Left-aligned and unhyphenated: option names and addresses must stay whole and copyable.
    '.ad l',
    '.nh',
    '.SH NAME',
    'snapinspect \\- inspect, diff and verify snapshots of running systems',
    '.SH SYNOPSIS',
    // Each usage on its own lines, its continuation indented under the command.
    '.in +4n',
    ...[BARE_PATH, ...commands].flatMap((command) => [
      '.ti -4n',
      `\\fBsnapinspect\\fR ${roffUsage(command.usage)}`,
      '.br',
    ]),
    '.in',
    '.SH DESCRIPTION',
    roffText(
      'snapinspect opens snapshots of running systems offline and read-only: ICP canister snapshots, ' +
        'Docker saves and exports, LXD exports, qcow2 and Multipass disks, Cloudify snapshots and CRIU ' +
        'checkpoints, all as one tree that its commands list, print, diff and verify.',
    ),
    '.PP',
    roffText(`snapinspect ${BARE_PATH.usage}: ${BARE_PATH.summary}.`),
    '.SH COMMANDS',
    ...commands.flatMap(commandSection),
    '.SH GLOBAL OPTIONS',
    roffText(`These apply to ${paths.map((command) => command.name).join(', ')} and the bare PATH form.`),
    ...optionItems(globals, (spec) => (spec.topLevel ? spec.help : describeOption(spec))),
    '.SH ADDRESSES',
    roffText(ADDRESSES),
    'A path on disk that itself contains : or # still works: the longest existing prefix is the path.',
    '.SH EXIT STATUS',
    ...tightItems([
      ['0', 'success: the snapshots are the same, all checks passed'],
      ['1', 'diff found differences, verify found problems, or cat could not write all of an entry'],
      ['2', 'trouble: bad arguments or unreadable input, reported as one line on stderr'],
    ]),
    '.SH SHELL COMPLETION',
    roffText(`snapinspect completion ${shells.join('|')} prints a completion script; see the examples of completion.`),
    '.SH SEE ALSO',
    'The README of the snapinspect package: formats, JSON shapes and safety limits.',
    '',
  ].join('\n');
}
