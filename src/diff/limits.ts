import { maxOf } from '../model/arrays.js';
import { SnapinspectError } from '../model/errors.js';
import { limitGroup } from '../model/limits.js';
import { FileSource, type Source } from '../model/source.js';

/** Limits of comparing memories. */
export const diffLimits = limitGroup({
  memoryScanBytes: {
    value: 64 * 1024 ** 3,
    help: 'memory images info and diff read page by page when the reader has no page map (a qcow2 disk can claim any size)',
  },
});

/** The values in force, read where each limit applies. */
export const limits = diffLimits.values;

/**
 * Bytes that are not a file on disk (a qcow2 disk's guest view, say) can claim any size in a few
 * header bytes; reading them all page by page is refused above `memoryScanBytes` instead of running
 * for days or allocating a page table no machine has.
 */
export function refusePageScan(path: string, doing: string, ...sources: (Source | undefined)[]): void {
  const virtual = sources.filter((source) => source !== undefined && !(source instanceof FileSource));
  const largest = maxOf(virtual.map((source) => source?.size ?? 0));
  if (largest <= limits.memoryScanBytes) return;
  const message = `${path}: ${doing} all ${largest} bytes is over the memoryScanBytes limit of ${limits.memoryScanBytes}; raise it with --limit memoryScanBytes=N or leave memory out with --only files,metadata`;
  throw new SnapinspectError('LIMIT', message);
}
