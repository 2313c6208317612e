import { render } from 'ink';
import { openAddress, subtree } from '../app/open.js';
import { secretsPolicy } from '../app/printed.js';
import { openDiffSides, singleOperand, type CommandRequest } from '../app/request.js';
import { applyLimits } from '../app/limits.js';
import { comparer, type CompareOutcome } from './compare.js';
import { browseModel } from './model.js';
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
export async function startTui(invocation: CommandRequest, color: boolean): Promise<number> {
  // As in the text commands, a bad --limit is a usage error before anything is shown.
  applyLimits(invocation.options.limit);
  const outcome: CompareOutcome = { same: invocation.command === 'diff' ? undefined : true };
  const prepare = invocation.command === 'diff' ? prepareDiff(invocation, outcome) : prepareBrowse(invocation);
  const restore = enterAlternateScreen(process.stdout);
  try {
    // Two child snapshots picked in the UI are compared as the command line asked `diff` to compare.
    const compare = comparer(invocation.options, new Set(['files', 'memory', 'metadata']));
    const instance = render(<Shell prepare={prepare} color={color} compare={compare} />, inkOptions);
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
    browseModel(
      await withOpeningProgress([target], report, async () => subtree(await openAddress(target, request))),
      secretsPolicy(options.showSecrets),
    );
}

function prepareDiff(invocation: CommandRequest, outcome: CompareOutcome): Prepare {
  return async (report) => {
    const { before, after, only } = await withOpeningProgress(invocation.operands.slice(0, 2), report, () =>
      openDiffSides(invocation, framePace()),
    );
    return comparer(invocation.options, only, outcome)(before, after, report);
  };
}
