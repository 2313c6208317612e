import { SnapinspectError } from '../model/errors.js';
import { commands, optionSpecs, type CommandName, type OptionSpec, type ParsedOptions } from './options.js';
import { pushAll } from '../model/arrays.js';

export interface Invocation {
  /** `browse` is the bare `snapinspect PATH` form. */
  command: CommandName | 'browse' | 'none';
  operands: string[];
  options: ParsedOptions;
}

const commandNames: readonly string[] = commands.map((command) => command.name);

export function parseArgs(argv: readonly string[]): Invocation {
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
  const first = operands[0];
  const command = first === undefined ? 'none' : commandNames.includes(first) ? (first as CommandName) : 'browse';
  if (command !== 'none' && command !== 'browse') operands.shift();
  checkApplicable(used, command);
  return { command, operands, options };
}

function splitInline(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}

function findSpec(flag: string): OptionSpec {
  const spec = optionSpecs.find((candidate) => candidate.long === flag || candidate.short === flag);
  if (!spec) throw new SnapinspectError('USAGE', `unknown option ${flag}; see snapinspect --help`);
  return spec;
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
