import { computeDiff } from '../app/diff.js';
import { secretsPolicy } from '../app/printed.js';
import type { DiffSection } from '../diff/types.js';
import type { Snapshot } from '../model/snapshot.js';
import type { RequestOptions } from '../app/request.js';
import { diffModel, type ViewModel } from './model.js';

/** Compares two open snapshots for the diff view, reporting memory progress as a status line. */
export type Compare = (before: Snapshot, after: Snapshot, report: (status: string) => void) => Promise<ViewModel>;

export interface CompareOutcome {
  same: boolean | undefined;
}

/** The comparison the command line asked for, used by `diff A B` and by a diff of two child snapshots. */
export function comparer(
  options: Pick<RequestOptions, 'ignoreMtime' | 'dirMtimes' | 'exclude' | 'showSecrets'>,
  only: Set<DiffSection>,
  outcome?: CompareOutcome,
): Compare {
  return async (before, after, report) => {
    const progress = (done: number, total: number): void =>
      report(`comparing memory… ${Math.round(total ? (done / total) * 100 : 0)}%`);
    const result = await computeDiff(before, after, {
      ignoreMtime: options.ignoreMtime,
      dirMtimes: options.dirMtimes,
      exclude: options.exclude,
      only,
      progress,
    });
    if (outcome) outcome.same = result.same;
    return diffModel(before, after, result, secretsPolicy(options.showSecrets));
  };
}
