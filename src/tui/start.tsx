import { render } from 'ink';
import { computeDiff } from '../app/diff.js';
import { openAddress, subtree } from '../app/open.js';
import { openDiffSides } from '../cli/main.js';
import type { Invocation } from '../cli/parse.js';
import { SnapinspectError } from '../model/errors.js';
import { browseModel, diffModel, type ViewModel } from './model.js';
import { enterAlternateScreen } from './screen.js';
import { Shell } from './shell.js';

/** Ctrl-C is a key like q (so the screen is restored); 60 frames a second keeps key → frame latency low. */
export const inkOptions = { exitOnCtrlC: false, patchConsole: false, maxFps: 60 };

/** `snapinspect PATH` and `snapinspect diff A B` on a terminal; the exit status follows the text commands. */
export async function startTui({ command, operands, options }: Invocation): Promise<number> {
  const request = { format: options.format, showSecrets: options.showSecrets };
  let same: boolean | undefined = true;
  let prepare: (progress: (fraction: number) => void) => Promise<ViewModel>;
  if (command === 'diff') {
    same = undefined;
    const { before, after, only } = await openDiffSides(operands, options);
    prepare = async (progress) => {
      const result = await computeDiff(before, after, { ignoreMtime: options.ignoreMtime, dirMtimes: options.dirMtimes, exclude: options.exclude, only, progress: (done, total) => progress(total ? done / total : 0) });
      same = result.same;
      return diffModel(before, after, result);
    };
  } else {
    const [target, ...extra] = operands;
    if (target === undefined) throw new SnapinspectError('USAGE', 'browse needs a PATH; see snapinspect --help');
    if (extra.length > 0) throw new SnapinspectError('USAGE', `unexpected argument ${extra[0]}`);
    const model = browseModel(await subtree(await openAddress(target, request)));
    prepare = () => Promise.resolve(model);
  }
  const restore = enterAlternateScreen(process.stdout);
  try {
    const instance = render(<Shell prepare={prepare} color={!process.env['NO_COLOR']} />, inkOptions);
    await instance.waitUntilExit();
  } finally {
    restore();
  }
  // A diff view left before the comparison finished has no answer: that is trouble, as in diff(1).
  return same === undefined ? 2 : same ? 0 : 1;
}
