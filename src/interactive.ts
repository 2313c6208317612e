import type { Invocation } from './cli/parse.js';

/**
 * The bare `snapinspect PATH` and `diff A B` open the terminal UI when both ends are a terminal
 * and no text form was asked for; everything else stays a plain command.
 */
export function wantsTui({ command, options }: Invocation, stdinIsTTY: boolean, stdoutIsTTY: boolean): boolean {
  if (!stdinIsTTY || !stdoutIsTTY || options.json || options.help || options.version) return false;
  return command === 'browse' || (command === 'diff' && !options.textDiff);
}
