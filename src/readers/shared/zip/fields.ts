import { diagnostic, type Diagnostic } from '../../../model/diagnostics.js';
import { Instant } from '../../../model/metadata.js';
import { isSaturated, type ZipEntry } from './types.js';

/** Saturated 32-bit fields take their real values from the zip64 extra field, in its fixed order. */
export function applyZip64Extra(
  entry: ZipEntry,
  extra: Uint8Array,
  diskSaturated: boolean,
  diagnostics: Diagnostic[],
): void {
  const wanted = (['size', 'compressedSize', 'localOffset'] as const).filter((field) => isSaturated(entry[field], 4));
  if (wanted.length === 0) return;
  const view = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
  for (let at = 0; at + 4 <= extra.length;) {
    const id = view.getUint16(at, true);
    const length = view.getUint16(at + 2, true);
    if (id === 0x0001 && at + 4 + length <= extra.length && length >= wanted.length * 8) {
      wanted.forEach((field, index) => (entry[field] = Number(view.getBigUint64(at + 4 + index * 8, true))));
      entry.zip64 = true;
      return;
    }
    at += 4 + length;
  }
  if (!diskSaturated)
    diagnostics.push(
      diagnostic(
        'error',
        'ZIP64_EXTRA_MISSING',
        `${entry.name} has 32-bit sizes at their maximum but no zip64 extra field`,
        entry.name,
      ),
    );
}

export function dosTime(date: number, time: number): Instant {
  const ms = Date.UTC(
    ((date >> 9) & 0x7f) + 1980,
    Math.max(0, ((date >> 5) & 0xf) - 1),
    date & 0x1f || 1,
    time >> 11,
    (time >> 5) & 0x3f,
    (time & 0x1f) * 2,
  );
  return new Instant(BigInt(ms) * 1_000_000n);
}
