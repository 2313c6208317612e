import { basename } from 'node:path';
import type { Diagnostic } from '../../model/diagnostics.js';
import type { Snapshot, ChildSnapshot } from '../../model/snapshot.js';
import type { Probe, Reader } from '../reader.js';
import { exactInteger } from '../../model/metadata.js';
import { u32be } from '../shared/bytes.js';
import { activeView, snapshotView } from './disk.js';
import { hasQcow2Magic } from './header.js';
import { openQcow2Image, type Qcow2Image } from './image.js';
import { qemuDate } from './listing.js';
import { imageMetadata, snapshotDetails } from './metadata.js';
import type { Qcow2SnapshotEntry } from './snapshot-table.js';
import { qcow2Limits } from './limits.js';
import { diskTree, withImageChecks, type DiskTree } from './views.js';

export { openQcow2Image, type Qcow2Image } from './image.js';
export { activeView, clusterMap, diskNode, scanView, snapshotView } from './disk.js';
export { checkQcow2Image } from './checks.js';
export { diskTree, type DiskTree } from './views.js';
export { qcow2Limits } from './limits.js';
export { snapshotDetails } from './metadata.js';
export type { Qcow2SnapshotEntry } from './snapshot-table.js';

/**
 * A qcow2 disk image (docs/formats/containers.md, qcow2): header and snapshot table as metadata, the
 * current guest disk as the `disk` memory node, each internal snapshot as `#<tag>`, and `#current`.
 */
export const qcow2Reader: Reader = {
  id: 'qcow2',
  limits: qcow2Limits,
  label: 'qcow2 disk image (internal snapshots)',
  async detect(probe: Probe): Promise<string | null> {
    return !probe.isDirectory && hasQcow2Magic(probe.head) ? variantOf(u32be(probe.head, 4)) : null;
  },
  open(probe: Probe): Promise<Snapshot> {
    return openQcow2Snapshot(probe.path);
  },
};

function variantOf(version: number | undefined): string {
  return version === 2 || version === 3 ? `v${version}` : `version ${version ?? '?'}`;
}

async function openQcow2Snapshot(path: string): Promise<Snapshot> {
  const image = await openQcow2Image(path);
  const title = basename(path);
  const diagnostics = [...image.diagnostics];
  const tree = await diskTree(image, activeView(image), diagnostics);
  const snapshot: Snapshot = {
    format: 'qcow2',
    variant: variantOf(image.header?.version),
    title,
    metadata: imageMetadata(image),
    root: tree.root,
    children: [...qcow2Children(image, title), currentChild(image, title, tree, diagnostics)],
    diagnostics,
  };
  return withImageChecks(snapshot, image, tree.contents);
}

/** Tags are the selectors; an empty or repeated tag (or one named `current`) falls back to `id:<id>`, then `entry:<n>`. */
function snapshotSelectors(entries: readonly Qcow2SnapshotEntry[]): string[] {
  const used = new Set(['current']);
  return entries.map((entry, index) => {
    const selector =
      [entry.name, `id:${entry.id}`, `entry:${index + 1}`].find(
        (candidate) => candidate !== '' && candidate !== 'id:' && !used.has(candidate),
      ) ?? `entry:${index + 1}`;
    used.add(selector);
    return selector;
  });
}

function qcow2Children(image: Qcow2Image, title: string): ChildSnapshot[] {
  const selectors = snapshotSelectors(image.snapshots);
  return image.snapshots.map((entry, index) => {
    const selector = selectors[index] ?? entry.name;
    return {
      selector,
      title: `${entry.name} (id ${entry.id}, ${qemuDate(entry.dateSec)} UTC)`,
      summary: snapshotDetails(entry),
      open: () => openEntry(image, entry, `${title}#${selector}`),
    };
  });
}

export async function openEntry(image: Qcow2Image, entry: Qcow2SnapshotEntry, title: string): Promise<Snapshot> {
  const diagnostics = [...image.diagnostics];
  const tree = await diskTree(image, snapshotView(entry), diagnostics);
  return withImageChecks(
    {
      format: 'qcow2',
      variant: variantOf(image.header?.version),
      title,
      metadata: snapshotDetails(entry),
      root: tree.root,
      children: [],
      diagnostics,
    },
    image,
    tree.contents,
  );
}

function currentChild(image: Qcow2Image, title: string, tree: DiskTree, diagnostics: Diagnostic[]): ChildSnapshot {
  const view = activeView(image);
  const summary = {
    l1_table_offset: exactInteger(view.l1TableOffset),
    l1_size: view.l1Size,
    disk_size: exactInteger(view.virtualSize),
  };
  const open = async (): Promise<Snapshot> => {
    const snapshot: Snapshot = {
      format: 'qcow2',
      variant: variantOf(image.header?.version),
      title: `${title}#current`,
      metadata: summary,
      root: tree.root,
      children: [],
      diagnostics,
    };
    return withImageChecks(snapshot, image, tree.contents);
  };
  return { selector: 'current', title: 'current state (the active L1 table)', summary, open };
}
