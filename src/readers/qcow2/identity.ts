import { createHash } from 'node:crypto';
import type { Source } from '../../model/source.js';
import type { ClusterMap } from './cluster-map.js';
import { guestRuns, type Run } from './runs.js';

/**
 * A key for guest bytes `offset..end` of one view, from the cluster map alone: each run named by
 * where its bytes live (host offset in the image file `scope`, compressed cluster, zeros, or the
 * backing file's own key for the same guest range), with its length. Host clusters are never
 * rewritten in place while a snapshot refers to them (QEMU copies a cluster whose refcount is over 1
 * before writing), so equal keys mean equal bytes, across views and snapshots of one image.
 * Null when a backing file has no key of its own. A short key is kept as written (a diff asks for
 * one per file, and a digest costs more than the lookups); a long one becomes a digest, so it stays small.
 */
export async function identityKey(
  map: ClusterMap,
  scope: string,
  backing: Source | null,
  offset: number,
  end: number,
): Promise<string | null> {
  let key = `${JSON.stringify(scope)}\n`;
  for await (const run of guestRuns(map, offset, end)) {
    const name = await runName(run, backing);
    if (name === null) return null;
    key += `${name}\n`;
  }
  return key.length <= MAX_PLAIN_KEY ? `qcow2:${key}` : `qcow2#${createHash('sha256').update(key).digest('hex')}`;
}

const MAX_PLAIN_KEY = 1024;

async function runName(run: Run, backing: Source | null): Promise<string | null> {
  switch (run.kind) {
    case 'file':
      return `F${run.host}+${run.length}`;
    case 'zero':
      return `Z${run.length}`;
    case 'compressed':
      return `C${run.cluster.offset},${run.cluster.length}@${run.within}+${run.length}`;
    case 'backing':
      return backing ? backingName(backing, run.guest, run.length) : `Z${run.length}`;
  }
}

/** A backing file smaller than the overlay reads as zeros past its end. */
async function backingName(backing: Source, guest: number, length: number): Promise<string | null> {
  const inside = Math.max(0, Math.min(length, backing.size - guest));
  if (inside === 0) return `Z${length}`;
  const key = backing.identity ? await backing.identity(guest, inside) : null;
  if (key === null) return null;
  return `B${inside}:${key.length}:${key}|Z${length - inside}`;
}
