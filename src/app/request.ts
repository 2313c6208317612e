import { SnapinspectError } from '../model/errors.js';
import type { Snapshot } from '../model/snapshot.js';
import type { DiffSection } from '../diff/types.js';
import type { Reader } from '../readers/reader.js';
import { openAddress, subtree } from './open.js';
import { fingerprintRedactions } from '../readers/shared/secrets.js';

/** The options app reads, whoever gathered them: the command line or the terminal UI. */
export interface RequestOptions {
  format?: string;
  showSecrets: boolean;
  limit: readonly string[];
  only?: string;
  ignoreMtime: boolean;
  dirMtimes: boolean;
  exclude: string[];
}

/** One command with its operands; `browse` is the bare `snapinspect PATH` form. */
export interface CommandRequest {
  command: string;
  operands: readonly string[];
  options: RequestOptions;
}

/** The one PATH a single-snapshot command takes. */
export function singleOperand({ command, operands }: CommandRequest): string {
  const [target, ...extra] = operands;
  if (target === undefined) throw new SnapinspectError('USAGE', `${command} needs a PATH; see snapinspect --help`);
  if (extra.length > 0) throw new SnapinspectError('USAGE', `unexpected argument ${extra[0]}`);
  return target;
}

const SECTIONS = ['files', 'memory', 'metadata'] as const;

export interface DiffSides {
  before: Snapshot;
  after: Snapshot;
  only: Set<DiffSection>;
}

/**
 * Checks `diff A B` operands and opens both sides; the text report and the terminal UI share it.
 * `pace` lets a caller that draws frames (the terminal UI) keep them coming while the sides are indexed.
 */
export async function openDiffSides(
  { operands, options }: CommandRequest,
  pace?: () => Promise<void>,
  readers?: readonly Reader[],
): Promise<DiffSides> {
  const [first, second, ...extra] = operands;
  if (first === undefined || second === undefined)
    throw new SnapinspectError('USAGE', 'diff needs two snapshots: snapinspect diff A B');
  if (extra.length > 0) throw new SnapinspectError('USAGE', `unexpected argument ${extra[0]}`);
  const only = diffSections(options.only);
  const request = {
    format: options.format,
    showSecrets: options.showSecrets,
    ...(pace ? { pace } : {}),
    ...(readers ? { readers } : {}),
  };
  // Both sides' redacted values carry keyed fingerprints, so a changed secret is a change in the report.
  fingerprintRedactions(true);
  const [before, after] = await Promise.all([openAddress(first, request), openAddress(second, request)]);
  return { before: await subtree(before), after: await subtree(after), only };
}

/** Ends what `openDiffSides` began: later commands in this process print the plain redaction marker. */
export function closeDiffSides(): void {
  fingerprintRedactions(false);
}

function diffSections(list: string | undefined): Set<DiffSection> {
  const only = new Set(list === undefined ? SECTIONS : list.split(',').map((part) => part.trim()));
  const unknown = [...only].find((part) => !(SECTIONS as readonly string[]).includes(part));
  if (unknown !== undefined) throw new SnapinspectError('USAGE', `--only takes ${SECTIONS.join(', ')}; not ${unknown}`);
  return only as Set<DiffSection>;
}
