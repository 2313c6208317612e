import { commands, optionSpecs } from './options.js';
import { maxOf } from '../model/arrays.js';

/** The bare form: `cli.ts` opens the terminal UI when stdin and stdout are terminals. */
export const BARE_PATH = {
  usage: 'PATH[#SEL][:DIR]',
  summary: 'on a terminal: browse it in the terminal UI; otherwise the same as info',
};

/** Help fits an 80-column terminal. */
export const HELP_WIDTH = 80;

/** Indent of a command's summary under its usage line. */
const SUMMARY_INDENT = 6;
const PROGRAM = '  snapinspect ';

/**
 * `text` broken at spaces into lines of at most `width` columns: the first starts with `first`,
 * the others with `indent` spaces (a single word longer than the room left stays whole).
 */
function wrap(text: string, first: string, indent: number, width = HELP_WIDTH): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/ +/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' '.repeat(indent);
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

export function helpText(version: string): string {
  const usages = [BARE_PATH, ...commands];
  const optionLabel = (spec: (typeof optionSpecs)[number]): string =>
    `${spec.short ? `${spec.short}, ` : '    '}${spec.long}${spec.value ? ` ${spec.value}` : ''}`;
  const optionWidth = maxOf(optionSpecs.map((spec) => optionLabel(spec).length)) + 2;
  return [
    `snapinspect ${version} — inspect, diff and verify snapshots`,
    '',
    'Usage:',
    ...usages.flatMap((command) => [
      ...wrap(command.usage, PROGRAM, PROGRAM.length),
      ...wrap(command.summary, ' '.repeat(SUMMARY_INDENT), SUMMARY_INDENT),
    ]),
    '',
    'Options:',
    ...optionSpecs.flatMap((spec) =>
      wrap(
        `${spec.help}${spec.only ? ` (${spec.only.join(', ')})` : ''}`,
        `  ${optionLabel(spec).padEnd(optionWidth)}`,
        2 + optionWidth,
      ),
    ),
    '',
    ...wrap(
      'Addresses: PATH is a file or folder; #SEL picks a child snapshot; :INNER a path inside the snapshot.',
      '',
      2,
    ),
    ...wrap(
      'Exit status: 0 success / checks passed, 1 checks failed, 2 trouble (bad arguments, unreadable input).',
      '',
      2,
    ),
  ].join('\n');
}
