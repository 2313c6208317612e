import type { Shell } from './commands.js';
import { bashScript } from './completion-bash.js';
import { fishScript } from './completion-fish.js';
import { completionModel } from './completion-model.js';
import { zshScript } from './completion-zsh.js';

/** The completion script for `shell`; `formats` are the reader ids `--format` accepts. */
export function completionScript(shell: Shell, formats: readonly string[]): string {
  const render = { bash: bashScript, zsh: zshScript, fish: fishScript }[shell];
  return render(completionModel(formats));
}
