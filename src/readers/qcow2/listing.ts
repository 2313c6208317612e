import type { Qcow2SnapshotEntry } from './snapshot-table.js';

const SIZE_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/**
 * QEMU's `size_to_str`: three significant digits, switching unit once the value would reach
 * 1000 (so 1000 bytes is `0.977 KiB`, not `1000 B`).
 */
export function qemuSize(bytes: bigint): string {
  const value = Number(bytes);
  if (value === 0) return '0 B';
  // frexp(value / (1000 / 1024)) gives the binary exponent; every 10 of it is one unit.
  const exponent = Math.floor(Math.log2(value / (1000 / 1024))) + 1;
  const unit = Math.min(SIZE_SUFFIXES.length - 1, Math.max(0, Math.floor((exponent - 1) / 10)));
  const scaled = value / 2 ** (unit * 10);
  return `${Number(scaled.toPrecision(3))} ${SIZE_SUFFIXES[unit]}B`;
}

/** `HH:MM:SS.mmm` as `qemu-img snapshot -l` prints the VM clock (hours keep growing past 99). */
export function vmClock(nanoseconds: bigint): string {
  const seconds = nanoseconds / 1_000_000_000n;
  const two = (value: bigint): string => value.toString().padStart(2, '0');
  const millis = (nanoseconds / 1_000_000n) % 1000n;
  return `${two(seconds / 3600n)}:${two((seconds / 60n) % 60n)}:${two(seconds % 60n)}.${millis.toString().padStart(3, '0')}`;
}

/** QEMU prints local time; snapinspect prints UTC so that output does not depend on the machine (run qemu-img with TZ=UTC to compare). */
export function qemuDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

/** The table of `qemu-img snapshot -l` (QEMU 7.2 `bdrv_snapshot_dump` column widths), one string per line. */
export function snapshotListLines(entries: readonly Qcow2SnapshotEntry[]): string[] {
  const header = `${'ID'.padEnd(10)}${'TAG'.padEnd(17)}${'VM SIZE'.padStart(8)}${'DATE'.padStart(20)}${'VM CLOCK'.padStart(13)}${'ICOUNT'.padStart(11)}`;
  const rows = entries.map(
    (entry) =>
      `${entry.id.padEnd(9)} ${entry.name.padEnd(16)} ${qemuSize(entry.vmStateSize).padStart(8)}${qemuDate(entry.dateSec).padStart(20)}` +
      `${vmClock(entry.vmClockNsec).padStart(13)}${(entry.icount === null ? '' : entry.icount.toString()).padStart(11)}`,
  );
  return ['Snapshot list:', header, ...rows];
}
