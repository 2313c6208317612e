import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { CompressedCluster } from './runs.js';
import { inflateCluster } from './inflate.js';
import { activeView, clusterMap, scanView, snapshotView, type DiskView } from './disk.js';
import type { Qcow2Image } from './image.js';
import { pushAll } from '../../model/arrays.js';

/**
 * Header sanity (dirty and corrupt bits, tables past the end of the file, sizes beyond QEMU's
 * limits) and a scan of every L1 table, active and per snapshot (and the active one of each qcow2
 * backing file), for L2 tables and clusters that point past the end of the file. The scan reads
 * each L2 table once, however many snapshots share it, so its cost is bounded by the file size
 * even when L1 tables are hostile.
 */
export async function checkQcow2Image(image: Qcow2Image): Promise<Diagnostic[]> {
  const findings = [...image.diagnostics];
  pushAll(findings, await viewFindings(image, [activeView(image), ...image.snapshots.map(snapshotView)]));
  // The guest reads each qcow2 base through its active state only, so that is what is checked of it.
  for (const link of image.backing) {
    if (link.format !== 'qcow2') continue;
    const below = await viewFindings(link.image, [activeView(link.image)]);
    pushAll(
      findings,
      below.map((finding) => ({ ...finding, message: `backing file ${link.name}: ${finding.message}` })),
    );
  }
  return findings;
}

async function viewFindings(image: Qcow2Image, views: DiskView[]): Promise<Diagnostic[]> {
  const findings: Diagnostic[] = [];
  const scanned = new Set<number>();
  const compressed = new Map<number, CompressedCluster>();
  for (const view of views) {
    const map = await clusterMap(image, view);
    if (!map) continue;
    pushAll(findings, (await scanView(map, image, view, scanned)).findings);
    await map.eachCluster((_, cluster) => {
      if (cluster.type === 'compressed') compressed.set(cluster.offset, cluster);
    });
  }
  const broken = await brokenCompressed(image, compressed.values());
  if (broken) findings.push(broken);
  return findings;
}

/**
 * Every compressed cluster (each host cluster once, however many views share it) inflated to a whole
 * cluster, as QEMU must when the guest reads it; one that cannot is an I/O error in the guest.
 */
async function brokenCompressed(
  image: Qcow2Image,
  clusters: Iterable<CompressedCluster>,
): Promise<Diagnostic | undefined> {
  const { codec, header } = image;
  if (!header) return undefined;
  const clusterSize = 2 ** header.clusterBits;
  let count = 0;
  let first: string | undefined;
  for (const cluster of clusters) {
    const result =
      codec === null
        ? 'unknown compression type'
        : await inflateCluster(await image.file.read(cluster.offset, cluster.length), codec, clusterSize);
    if (typeof result !== 'string') continue;
    count++;
    first ??= `the first at host offset 0x${cluster.offset.toString(16)}: ${result}`;
  }
  if (count === 0) return undefined;
  const message = `${count} compressed cluster${count === 1 ? '' : 's'} cannot be inflated (${first}); the guest reads an I/O error there, as qemu-img convert does (qemu-img check does not inflate data)`;
  return diagnostic('error', 'QCOW2_BAD_COMPRESSED', message, image.where);
}
