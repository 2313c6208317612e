import { existsSync } from 'node:fs';
import { SnapinspectError } from '../model/errors.js';
import { commandNames, isCommandName, type CommandName } from './commands.js';
import { optionSpecs, type OptionSpec, type ParsedOptions } from './options.js';
import { pushAll } from '../model/arrays.js';
import { closest } from './suggest.js';

export interface Invocation {
  /** `browse` is the bare `snapinspect PATH` form. */
  command: CommandName | 'browse' | 'none';
  operands: string[];
  options: ParsedOptions;
}

/**
 * `exists` tells a path on disk from a mistyped command: `snapinspect verfy` opens a file named
 * `verfy` when there is one, and otherwise suggests `verify`.
 */
export function parseArgs(argv: readonly string[], exists: (path: string) => boolean = existsSync): Invocation {
  const options: ParsedOptions = {
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
  const operands: string[] = [];
  const used: OptionSpec[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      pushAll(operands, argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      operands.push(arg);
      continue;
    }
    const [flag, inlineValue] = arg.startsWith('--') ? splitInline(arg) : [arg, undefined];
    const specs = flag.startsWith('--') ? [findSpec(flag)] : expandShort(flag);
    for (const spec of specs) {
      used.push(spec);
      if (spec.value === undefined) {
        if (inlineValue !== undefined) throw new SnapinspectError('USAGE', `${spec.long} takes no value`);
        (options[spec.key] as boolean) = true;
        continue;
      }
      const value = inlineValue ?? argv[++i];
      if (value === undefined) throw new SnapinspectError('USAGE', `${spec.long} needs a value (${spec.value})`);
      if (spec.repeatable) (options[spec.key] as string[]).push(value);
      else (options[spec.key] as string) = value;
    }
  }
  const command = commandOf(operands[0], exists);
  if (command !== 'none' && command !== 'browse') operands.shift();
  checkApplicable(used, command);
  return { command, operands, options };
}

function commandOf(first: string | undefined, exists: (path: string) => boolean): Invocation['command'] {
  if (first === undefined) return 'none';
  if (isCommandName(first)) return first;
  // Only a bare word can be a mistyped command; anything with a path or address character is a path.
  if (!/^[A-Za-z][A-Za-z-]*$/.test(first) || exists(first)) return 'browse';
  const suggestion = closest(first, commandNames);
  if (suggestion) throw new SnapinspectError('USAGE', `unknown command ${first}; did you mean ${suggestion}?`);
  return 'browse';
}

function splitInline(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}

function findSpec(flag: string): OptionSpec {
  const spec = optionSpecs.find((candidate) => candidate.long === flag || candidate.short === flag);
  if (!spec) throw new SnapinspectError('USAGE', `unknown option ${flag}; ${optionHint(flag)}`);
  return spec;
}

function optionHint(flag: string): string {
  const longNames = optionSpecs.map((spec) => spec.long.slice(2));
  const suggestion = flag.startsWith('--') ? closest(flag.slice(2), longNames) : undefined;
  return suggestion ? `did you mean --${suggestion}?` : 'see snapinspect --help';
}

/** `-lR` is `-l -R`. */
function expandShort(flag: string): OptionSpec[] {
  return [...flag.slice(1)].map((letter) => findSpec(`-${letter}`));
}

function checkApplicable(used: OptionSpec[], command: Invocation['command']): void {
  const effective = command === 'browse' ? 'info' : command;
  for (const spec of used) {
    if (spec.only && effective !== 'none' && !spec.only.includes(effective)) {
      throw new SnapinspectError('USAGE', `${spec.long} does not apply to ${effective}`);
    }
  }
}
