import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { PageTokens, TreeNode } from '../../model/tree.js';
import { exactInteger } from '../../model/metadata.js';
import { fileOffset } from './bytes.js';
import { ClusterMap, geometryOf, type MapScan } from './cluster-map.js';
import { Qcow2DiskSource, type DiskParts, type ReadProblem } from './disk-source.js';
import type { Source } from '../../model/source.js';
import { hasFeature, INCOMPATIBLE } from './header.js';
import { MAX_L1_ENTRIES, type Qcow2Image } from './image.js';
import type { Qcow2SnapshotEntry } from './snapshot-table.js';
import { pushAll } from '../../model/arrays.js';

/** 16 Mi clusters (a 1 TiB disk of 64 KiB clusters) take 128 MiB of tokens; beyond that diff reads data instead. */
const MAX_TOKEN_CLUSTERS = 16 * 1024 * 1024;

/** One guest disk state: the active L1 table, or a snapshot's. */
export interface DiskView {
  label: string;
  l1TableOffset: bigint;
  l1Size: number;
  virtualSize: bigint;
}

export function activeView(image: Qcow2Image): DiskView {
  const header = image.header;
  return {
    label: 'current',
    l1TableOffset: header?.l1TableOffset ?? 0n,
    l1Size: header?.l1Size ?? 0,
    virtualSize: header?.size ?? 0n,
  };
}

export function snapshotView(entry: Qcow2SnapshotEntry): DiskView {
  return {
    label: `snapshot ${entry.name}`,
    l1TableOffset: entry.l1TableOffset,
    l1Size: entry.l1Size,
    virtualSize: entry.diskSize,
  };
}

/** The cluster map of one view, or null when the header leaves nothing to map. */
export async function clusterMap(image: Qcow2Image, view: DiskView): Promise<ClusterMap | null> {
  const header = image.header;
  if (!header || !image.mappable) return null;
  const extendedL2 = hasFeature(header.incompatibleFeatures, INCOMPATIBLE.extendedL2);
  const geometry = geometryOf(
    header.clusterBits,
    extendedL2,
    Math.min(Number(view.virtualSize), Number.MAX_SAFE_INTEGER),
    image.file.size,
    // Data clusters of an image with an external data file are offsets into that file, which is not read.
    hasFeature(header.incompatibleFeatures, INCOMPATIBLE.externalData) ? Number.POSITIVE_INFINITY : image.file.size,
  );
  // Only the entries the disk size needs are read, and never more than the file holds: l1_size is not trusted.
  const wanted = Math.min(view.l1Size, MAX_L1_ENTRIES, Math.ceil(geometry.guestClusters / geometry.l2Entries));
  const bytes = await image.file.read(fileOffset(view.l1TableOffset), wanted * 8);
  const whole = bytes.length - (bytes.length % 8);
  return new ClusterMap(image.file, geometry, new DataView(bytes.buffer, bytes.byteOffset, whole));
}

/**
 * The `disk` memory node of one view: pages are clusters, content reads guest bytes through
 * L1/L2, and page tokens (host offsets) let diff compare two views without reading data.
 * Findings of the cluster scan go to `diagnostics`; those of reads later on stay with the node.
 */
export async function diskNode(image: Qcow2Image, view: DiskView, diagnostics: Diagnostic[]): Promise<TreeNode> {
  const map = await clusterMap(image, view);
  const node: TreeNode = {
    name: 'disk',
    kind: 'memory',
    size: Math.min(Number(view.virtualSize), Number.MAX_SAFE_INTEGER),
    attrs: {},
    note: `guest disk, ${view.label}`,
  };
  if (!map) {
    node.note += ` (not readable: ${image.unreadable ?? 'no header'})`;
    return node;
  }
  const scan = await scanView(map, image, view);
  pushAll(diagnostics, scan.findings);
  node.pageSize = map.geometry.clusterSize;
  node.attrs = {
    allocated_clusters: scan.allocated,
    zero_clusters: scan.zero,
    compressed_clusters: scan.compressed,
    guest_clusters: map.geometry.guestClusters,
    l2_tables: scan.l2Tables,
    l1_table_offset: exactInteger(view.l1TableOffset),
    l1_size: view.l1Size,
  };
  const readProblems: Diagnostic[] = [];
  node.raised = readProblems;
  if (image.unreadable === null) {
    const report = onceEach(readProblems, image.where);
    node.content = new Qcow2DiskSource({ ...partsOf(image, map, report), backing: await backingSource(image, report) });
  } else node.note += ` (contents not readable: ${image.unreadable})`;
  node.pageTokens = tokensOf(image, map, view, diagnostics);
  return node;
}

function partsOf(image: Qcow2Image, map: ClusterMap, report: ReadProblem): Omit<DiskParts, 'backing'> {
  return { map, file: image.file, codec: image.codec, scope: image.scope, report };
}

/** The backing chain's active state (never its snapshots, as in QEMU), built from the bottom up so each file reads through the one below. */
async function backingSource(image: Qcow2Image, report: ReadProblem): Promise<Source | null> {
  let below: Source | null = null;
  for (let index = image.backing.length - 1; index >= 0; index--) {
    const link = image.backing[index];
    if (link?.format === 'raw') below = link.file;
    else if (link) {
      const map = await clusterMap(link.image, activeView(link.image));
      const named: ReadProblem = (code, message) => report(code, `backing file ${link.name}: ${message}`);
      below = map && new Qcow2DiskSource({ ...partsOf(link.image, map, named), backing: below });
    }
  }
  return below;
}

/** The cluster scan with each finding naming the view it was found in. */
export async function scanView(
  map: ClusterMap,
  image: Qcow2Image,
  view: DiskView,
  skip?: Set<number>,
): Promise<MapScan> {
  const scan = await map.scan(image.where, skip);
  return {
    ...scan,
    findings: scan.findings.map((finding) => ({ ...finding, message: `${view.label}: ${finding.message}` })),
  };
}

function tokensOf(
  image: Qcow2Image,
  map: ClusterMap,
  view: DiskView,
  diagnostics: Diagnostic[],
): TreeNode['pageTokens'] {
  const clusters = map.geometry.guestClusters;
  if (clusters > MAX_TOKEN_CLUSTERS) {
    const message = `${view.label} has ${clusters} clusters; cluster-by-cluster comparison stops at ${MAX_TOKEN_CLUSTERS}, so diff reads its data instead`;
    diagnostics.push(diagnostic('info', 'QCOW2_TABLE_TOO_LARGE', message, image.where));
    return undefined;
  }
  let pending: Promise<PageTokens> | undefined;
  return () => (pending ??= map.tokens(image.backing.length > 0).then((tokens) => ({ scope: image.scope, tokens })));
}

function onceEach(diagnostics: Diagnostic[], where: string | undefined): ReadProblem {
  const reported = new Set<string>();
  return (code, message) => {
    if (reported.has(code)) return;
    reported.add(code);
    diagnostics.push(diagnostic('error', code, message, where));
  };
}
