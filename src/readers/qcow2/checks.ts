import type { Diagnostic } from '../../model/diagnostics.js';
import type { Snapshot } from '../../model/snapshot.js';
import { activeView, clusterMap, qcow2ImageOf, scanView, snapshotView, type Qcow2Image } from './index.js';

/**
 * Header sanity (dirty and corrupt bits, tables past the end of the file, sizes beyond QEMU's
 * limits) and a scan of every L1 table, active and per snapshot, for L2 tables and clusters
 * that point past the end of the file. Only what the reader has not already reported is returned.
 */
export async function verifyQcow2(snapshot: Snapshot): Promise<Diagnostic[]> {
  const image = qcow2ImageOf(snapshot);
  return image ? unreported(await checkQcow2Image(image), snapshot.diagnostics) : [];
}

/**
 * Every finding about one image. The scan reads each L2 table once, however many snapshots share
 * it, so its cost is bounded by the file size even when L1 tables are hostile.
 */
export async function checkQcow2Image(image: Qcow2Image): Promise<Diagnostic[]> {
  const findings = [...image.diagnostics];
  const views = [activeView(image), ...image.snapshots.map(snapshotView)];
  const scanned = new Set<number>();
  for (const view of views) {
    const map = await clusterMap(image, view);
    if (map) findings.push(...(await scanView(map, image, view, scanned)).findings);
  }
  return findings;
}

/** Findings not already among the reader's diagnostics, each once. */
export function unreported(findings: readonly Diagnostic[], known: readonly Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic): string => `${d.severity}\u0000${d.code}\u0000${d.path ?? ''}\u0000${d.message}`;
  const seen = new Set(known.map(key));
  return findings.filter((finding) => {
    const fresh = !seen.has(key(finding));
    seen.add(key(finding));
    return fresh;
  });
}
