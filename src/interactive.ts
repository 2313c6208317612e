import type { Invocation } from './cli/parse.js';

/**
 * The bare `snapinspect PATH` and `diff A B` open the terminal UI when both ends are a terminal
 * and no text form was asked for; everything else stays a plain command.
 */
export function wantsTui({ command, options }: Invocation, stdinIsTTY: boolean, stdoutIsTTY: boolean): boolean {
  if (!stdinIsTTY || !stdoutIsTTY || options.json || options.help || options.version) return false;
  return command === 'browse' || (command === 'diff' && !options.textDiff);
}

/** Colours a terminal takes, as chalk counts them: none, 16, 256, 16 million. */
export type ColorLevel = 0 | 1 | 2 | 3;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * FORCE_COLOR wins (as in Node itself: `0`/`false` off, `2`/`3` more colours, anything else 16),
 * then a non-empty NO_COLOR turns colour off (no-color.org), then the terminal decides: none when
 * not a terminal or TERM is unset or `dumb`. A CI variable plays no part: a person is watching.
 */
export function colorLevel(env: Env, isTTY: boolean): ColorLevel {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    return force === '2' ? 2 : force === '3' ? 3 : 1;
  }
  if (env['NO_COLOR']) return 0;
  const term = env['TERM'] ?? '';
  if (!isTTY || term === '' || term === 'dumb') return 0;
  if (env['COLORTERM'] === 'truecolor' || env['COLORTERM'] === '24bit') return 3;
  return /-256(colou?r)?$/i.test(term) ? 2 : 1;
}

/**
 * The variables to set before Ink loads. Ink draws only the last frame when a CI or
 * CONTINUOUS_INTEGRATION variable is set, and the chalk bundled with it drops every colour as soon as
 * `CI` exists, whatever its value. So a CI variable is neutralised for Ink and FORCE_COLOR carries the
 * level decided here, which chalk reads before anything else.
 */
export function tuiEnvironment(env: Env, isTTY: boolean): Record<string, string> {
  const settings: Record<string, string> = { FORCE_COLOR: String(colorLevel(env, isTTY)) };
  for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) if (env[name] !== undefined) settings[name] = 'false';
  return settings;
}
