import type { Diagnostic } from '../../model/diagnostics.js';
import { activeView, clusterMap, scanView, snapshotView } from './disk.js';
import type { Qcow2Image } from './image.js';
import { pushAll } from '../../model/arrays.js';

/**
 * Header sanity (dirty and corrupt bits, tables past the end of the file, sizes beyond QEMU's
 * limits) and a scan of every L1 table, active and per snapshot, for L2 tables and clusters
 * that point past the end of the file. The scan reads each L2 table once, however many snapshots
 * share it, so its cost is bounded by the file size even when L1 tables are hostile.
 */
export async function checkQcow2Image(image: Qcow2Image): Promise<Diagnostic[]> {
  const findings = [...image.diagnostics];
  const views = [activeView(image), ...image.snapshots.map(snapshotView)];
  const scanned = new Set<number>();
  for (const view of views) {
    const map = await clusterMap(image, view);
    if (map) pushAll(findings, (await scanView(map, image, view, scanned)).findings);
  }
  return findings;
}
