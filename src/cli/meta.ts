import type { Io } from '../app/io.js';
import { SnapinspectError } from '../model/errors.js';
import { commandNames, commandSpec, isCommandName, shells, type Shell } from './commands.js';
import { completionScript } from './completion.js';
import { commandHelp, helpText } from './help.js';
import type { Invocation } from './parse.js';
import { closest } from './suggest.js';

/** Words that need no snapshot: nothing at all (the overview), help and completion. */
export function isAboutCommand(command: Invocation['command']): command is 'none' | 'help' | 'completion' {
  return command === 'none' || command === 'help' || command === 'completion';
}

/**
 * The commands about snapinspect itself rather than a snapshot: --version, --help (of a command
 * when one is given), help and completion.
 */
export function aboutCommand(
  { command, operands, options }: Invocation,
  io: Io,
  version: string,
  formats: readonly string[],
): Promise<number> {
  if (options.version) return io.stdout.write(`${version}\n`).then(() => 0);
  if (options.help && command !== 'none' && command !== 'browse') {
    return io.stdout.write(`${commandHelp(commandSpec(command))}\n`).then(() => 0);
  }
  if (command === 'help') return helpCommand(operands, io, version);
  if (command === 'completion') return completionCommand(operands, io, formats);
  // The overview: asked for with --help, or printed as a usage error when nothing was asked.
  return io.stdout.write(`${helpText(version)}\n`).then(() => (options.help ? 0 : 2));
}

async function helpCommand(operands: readonly string[], io: Io, version: string): Promise<number> {
  const [name, ...extra] = operands;
  if (extra.length > 0) throw new SnapinspectError('USAGE', `unexpected argument ${extra[0]}`);
  if (name === undefined) return io.stdout.write(`${helpText(version)}\n`).then(() => 0);
  if (!isCommandName(name)) {
    const suggestion = closest(name, commandNames);
    const hint = suggestion ? `did you mean ${suggestion}?` : 'see snapinspect help';
    throw new SnapinspectError('USAGE', `unknown command ${name}; ${hint}`);
  }
  await io.stdout.write(`${commandHelp(commandSpec(name))}\n`);
  return 0;
}

function isShell(word: string): word is Shell {
  return (shells as readonly string[]).includes(word);
}

/** `completion SHELL` prints the script; `formats` are the reader ids `--format` accepts. */
async function completionCommand(operands: readonly string[], io: Io, formats: readonly string[]): Promise<number> {
  const [shell, ...extra] = operands;
  if (shell === undefined || !isShell(shell)) {
    const what = shell === undefined ? 'completion needs a shell' : `unknown shell ${shell}`;
    throw new SnapinspectError('USAGE', `${what}: ${shells.join(', ')}`);
  }
  if (extra.length > 0) throw new SnapinspectError('USAGE', `unexpected argument ${extra[0]}`);
  await io.stdout.write(completionScript(shell, formats));
  return 0;
}
