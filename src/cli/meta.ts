import type { Io } from '../app/io.js';
import { SnapinspectError } from '../model/errors.js';
import { commandNames, commandSpec, isCommandName, shells, type Shell } from './commands.js';
import { completionScript } from './completion.js';
import { commandHelp, helpText } from './help.js';
import { closest } from './suggest.js';

/** `help` prints the overview; `help COMMAND` that command's help. */
export async function helpCommand(operands: readonly string[], io: Io, version: string): Promise<number> {
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
export async function completionCommand(
  operands: readonly string[],
  io: Io,
  formats: readonly string[],
): Promise<number> {
  const [shell, ...extra] = operands;
  if (shell === undefined || !isShell(shell)) {
    const what = shell === undefined ? 'completion needs a shell' : `unknown shell ${shell}`;
    throw new SnapinspectError('USAGE', `${what}: ${shells.join(', ')}`);
  }
  if (extra.length > 0) throw new SnapinspectError('USAGE', `unexpected argument ${extra[0]}`);
  await io.stdout.write(completionScript(shell, formats));
  return 0;
}
