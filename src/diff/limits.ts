import { limitGroup } from '../model/limits.js';

/** Limits of comparing memories. */
export const diffLimits = limitGroup({
  memoryScanBytes: {
    value: 64 * 1024 ** 3,
    help: 'memory images info and diff read page by page when the reader has no page map (a qcow2 disk can claim any size)',
  },
});

/** The values in force, read where each limit applies. */
export const limits = diffLimits.values;
