import { commands, commandSpec, shells, type CommandSpec, type Shell } from './commands.js';
import { globalOptions, ownOptions } from './help.js';
import { optionSpecs, type OptionSpec } from './options.js';

/** Everything a completion script offers, taken from the command and option tables. */
export interface CompletionModel {
  commands: readonly CommandSpec[];
  /** The options offered after each command. */
  optionsOf: (command: CommandSpec) => OptionSpec[];
  /** The options offered before any command word, or after a bare PATH (the options of info). */
  topOptions: OptionSpec[];
  /** Options whose next word is their value, not a command or path. */
  valued: OptionSpec[];
  /** Values completed for options whose `valueKind` names a list. */
  formats: readonly string[];
  sections: readonly string[];
  shells: readonly Shell[];
}

export const DIFF_SECTIONS = ['files', 'memory', 'metadata'] as const;

export function completionModel(formats: readonly string[]): CompletionModel {
  const info = commandSpec('info');
  return {
    commands,
    optionsOf: (command) => [...ownOptions(command), ...globalOptions(command)],
    topOptions: [...ownOptions(info), ...optionSpecs.filter((spec) => !spec.only)],
    valued: optionSpecs.filter((spec) => spec.value !== undefined),
    formats,
    sections: DIFF_SECTIONS,
    shells,
  };
}

/** The spellings of an option: `-o --output`. */
export function optionWords(spec: OptionSpec): string[] {
  return spec.short ? [spec.short, spec.long] : [spec.long];
}

/** `text` inside single quotes for a POSIX shell (bash, zsh). */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
