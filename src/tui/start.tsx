import { render } from 'ink';
import { computeDiff } from '../app/diff.js';
import { openAddress, subtree } from '../app/open.js';
import { openDiffSides, singleOperand, type CommandRequest } from '../app/request.js';
import { applyLimits } from '../app/limits.js';
import { browseModel, diffModel } from './model.js';
import { framePace, withOpeningProgress } from './opening.js';
import { enterAlternateScreen } from './screen.js';
import { Shell, type Prepare } from './shell.js';

/** Ctrl-C is a key like q (so the screen is restored); up to 250 frames a second keeps key → frame latency low. */
export const inkOptions = { exitOnCtrlC: false, patchConsole: false, maxFps: 250 };

/**
 * `snapinspect PATH` and `snapinspect diff A B` on a terminal; the exit status follows the text
 * commands. The UI starts first and opens the snapshots inside, so a long indexing shows progress
 * and q or Ctrl-C leaves it; an error while opening ends the UI and is reported after it.
 */
export async function startTui(invocation: CommandRequest): Promise<number> {
  // As in the text commands, a bad --limit is a usage error before anything is shown.
  applyLimits(invocation.options.limit);
  const outcome: { same: boolean | undefined } = { same: invocation.command === 'diff' ? undefined : true };
  const prepare = invocation.command === 'diff' ? prepareDiff(invocation, outcome) : prepareBrowse(invocation);
  const restore = enterAlternateScreen(process.stdout);
  try {
    const instance = render(<Shell prepare={prepare} color={!process.env['NO_COLOR']} />, inkOptions);
    await instance.waitUntilExit();
  } finally {
    restore();
  }
  // A diff view left before the comparison finished has no answer: that is trouble, as in diff(1).
  return outcome.same === undefined ? 2 : outcome.same ? 0 : 1;
}

/** Usage errors are found before the UI starts; opening happens inside it. */
function prepareBrowse(invocation: CommandRequest): Prepare {
  const target = singleOperand(invocation);
  const { options } = invocation;
  const request = { format: options.format, showSecrets: options.showSecrets, pace: framePace() };
  return async (report) =>
    browseModel(await withOpeningProgress([target], report, async () => subtree(await openAddress(target, request))));
}

function prepareDiff(invocation: CommandRequest, outcome: { same: boolean | undefined }): Prepare {
  const { operands, options } = invocation;
  return async (report) => {
    const { before, after, only } = await withOpeningProgress(operands.slice(0, 2), report, () =>
      openDiffSides(invocation, framePace()),
    );
    const progress = (done: number, total: number): void =>
      report(`comparing memory… ${Math.round(total ? (done / total) * 100 : 0)}%`);
    const result = await computeDiff(before, after, {
      ignoreMtime: options.ignoreMtime,
      dirMtimes: options.dirMtimes,
      exclude: options.exclude,
      only,
      progress,
    });
    outcome.same = result.same;
    return diffModel(before, after, result);
  };
}
