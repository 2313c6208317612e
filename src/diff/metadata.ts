import { Instant, isMetaRecord, type MetaRecord, type MetaValue } from '../model/metadata.js';
import type { MetadataChange } from './types.js';
import { pushAll } from '../model/arrays.js';

/**
 * Field-by-field differences of two typed records: records by key, lists by index (so a changed
 * global is `globals[1].value`), bigints, bytes and times compared exactly.
 */
export function diffMetadata(before: MetaRecord, after: MetaRecord, prefix = ''): MetadataChange[] {
  const changes: MetadataChange[] = [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  for (const key of keys) pushAll(changes, diffValue(before[key], after[key], prefix ? `${prefix}.${key}` : key));
  return changes;
}

function diffValue(before: MetaValue | undefined, after: MetaValue | undefined, key: string): MetadataChange[] {
  if (isMetaRecord(before) && isMetaRecord(after)) return diffMetadata(before, after, key);
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((element, index) => diffValue(element, after[index], `${key}[${index}]`));
  }
  return sameValue(before, after) ? [] : [{ key, before, after }];
}

/** One text per value whatever its typed or JSON form (a manifest reads integers back as bigints): bytes as hex, times as ISO. */
export function canonical(value: MetaValue | undefined): string {
  // The holder's own value, not `inner`: a Buffer's toJSON has already turned `inner` into {type, data}.
  return JSON.stringify(value ?? null, function (this: Record<string, unknown>, key: string, inner: unknown) {
    const raw = this[key];
    if (raw instanceof Uint8Array) return Buffer.from(raw).toString('hex');
    if (typeof inner === 'bigint') return Number.isSafeInteger(Number(inner)) ? Number(inner) : inner.toString();
    if (inner instanceof Instant) return inner.toISOString();
    return inner;
  });
}

export function sameValue(a: MetaValue | undefined, b: MetaValue | undefined): boolean {
  if (a instanceof Uint8Array || b instanceof Uint8Array)
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  if (a instanceof Instant || b instanceof Instant)
    return a instanceof Instant && b instanceof Instant && a.epochNs === b.epochNs;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((element, index) => sameValue(element, b[index]))
    );
  }
  if (isMetaRecord(a) || isMetaRecord(b)) {
    if (!isMetaRecord(a) || !isMetaRecord(b)) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => sameValue(a[key], b[key]));
  }
  return a === b;
}
