import { isMetaRecord, type MetaValue } from '../../model/metadata.js';
import type { SnapshotDescription } from './description.js';
import { maxOf, pushAll } from '../../model/arrays.js';

/** One row of `multipass list --snapshots`: empty parent and comment print as `--`. */
export interface SnapshotListRow {
  instance: string;
  snapshot: string;
  parent: string;
  comment: string;
  /** Sort key within an instance (creation time in ns), as Multipass sorts. */
  created: bigint;
}

const COLUMN_GAP = 3;
const MAX_COMMENT = 50;

/**
 * The table of `multipass list --snapshots` (TableFormatter: columns as wide as their longest
 * value plus 3, rows by instance then creation time, comments cut at 50 characters or the first
 * line break with `…`).
 */
export function snapshotsTable(rows: readonly SnapshotListRow[]): string[] {
  if (rows.length === 0) return ['No snapshots found.'];
  const width = (header: string, values: string[]): number =>
    maxOf([header.length, ...values.map((value) => value.length)]) + COLUMN_GAP;
  const instanceWidth = width(
    'Instance',
    rows.map((row) => row.instance),
  );
  const snapshotWidth = width(
    'Snapshot',
    rows.map((row) => row.snapshot),
  );
  const parentWidth = width(
    'Parent',
    rows.map((row) => orDashes(row.parent)),
  );
  const line = (instance: string, snapshot: string, parent: string, comment: string): string =>
    `${instance.padEnd(instanceWidth)}${snapshot.padEnd(snapshotWidth)}${parent.padEnd(parentWidth)}${comment}`;
  const sorted = [...rows].sort((a, b) =>
    a.instance === b.instance ? compare(a.created, b.created) : a.instance < b.instance ? -1 : 1,
  );
  return [
    line('Instance', 'Snapshot', 'Parent', 'Comment'),
    ...sorted.map((row) => line(row.instance, row.snapshot, orDashes(row.parent), shortComment(row.comment))),
  ];
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function orDashes(text: string): string {
  return text === '' ? '--' : text;
}

function shortComment(comment: string): string {
  if (comment === '') return '--';
  const newline = comment.search(/\r?\n/);
  const limit = newline >= 0 ? Math.min(newline + 1, MAX_COMMENT) : MAX_COMMENT;
  return comment.length > limit ? `${comment.slice(0, limit - 1)}…` : comment;
}

/** Multipass's MemorySize::human_readable: one decimal, no space (`1.0GiB`, `256.0MiB`, `512B`). */
export function multipassSize(bytes: bigint): string {
  const units: [number, string][] = [
    [1024 ** 3, 'GiB'],
    [1024 ** 2, 'MiB'],
    [1024, 'KiB'],
  ];
  for (const [unit, suffix] of units)
    if (Number(bytes) / unit >= 1) return `${(Number(bytes) / unit).toFixed(1)}${suffix}`;
  return `${bytes}B`;
}

/** The block `multipass info INSTANCE.SNAPSHOT` prints for one snapshot. */
export function snapshotDetailsLines(
  instance: string,
  description: SnapshotDescription,
  parent: string,
  children: string[],
): string[] {
  const row = (label: string, value: string): string => `${label.padEnd(16)}${value}`;
  const mounts = description.mounts.map(mountText);
  const lines = [
    row('Snapshot:', description.name ?? '--'),
    row('Instance:', instance),
    row('CPU(s):', description.cores?.toString() ?? '--'),
    row('Disk space:', description.disk === null ? '--' : multipassSize(description.disk)),
    row('Memory size:', description.memory === null ? '--' : multipassSize(description.memory)),
    ...(mounts.length
      ? mounts.map((mount, index) => row(index === 0 ? 'Mounts:' : '', mount))
      : [row('Mounts:', '--')]),
    row('Created:', description.created?.toISOString() ?? '--'),
    row('Parent:', orDashes(parent)),
    ...(children.length
      ? children.map((child, index) => row(index === 0 ? 'Children:' : '', child))
      : [row('Children:', '--')]),
  ];
  const comment = description.comment === '' ? ['--'] : description.comment.split(/\r?\n/);
  pushAll(
    lines,
    comment.map((text, index) => row(index === 0 ? 'Comment:' : '', text)),
  );
  return lines;
}

function mountText(mount: MetaValue): string {
  if (!isMetaRecord(mount)) return String(mount);
  return `${String(mount.source_path ?? '?')} => ${String(mount.target_path ?? '?')}`;
}
