import type { Diagnostic } from '../../model/diagnostics.js';
import type { ChildSnapshot, Snapshot } from '../../model/snapshot.js';
import { dirNode, type TreeNode } from '../../model/tree.js';
import { activeView, diskTree, openEntry, snapshotDetails, snapshotView, type DiskTree } from '../qcow2/index.js';
import { readableNode } from '../shared/fs-tree.js';
import { fileIndex, type SnapshotDescription } from './description.js';
import type { MultipassInstance } from './instance.js';
import { joinChecks, nameOf, tagName, tagsByIndex } from './join.js';
import { snapshotDetailsLines } from './listing.js';
import { childNames, instanceMetadata, parentName, snapshotRecord } from './records.js';
import { verifyMultipass } from './checks.js';

/**
 * An instance folder: its files as the tree, the snapshot descriptions joined to the qcow2 tags
 * as metadata, and each snapshot's disk as `#<name>` and `#@s<index>`, the live disk as `#current`.
 */
export async function instanceSnapshot(instance: MultipassInstance): Promise<Snapshot> {
  const diagnostics = [...instance.diagnostics, ...joinChecks(instance)];
  const snapshot: Snapshot = {
    format: 'multipass',
    variant: 'instance',
    title: instance.name,
    metadata: instanceMetadata(instance),
    root: dirNode('', await folderNodes(instance, diagnostics)),
    children: instanceChildren(instance),
    diagnostics,
  };
  snapshot.verify = () => verifyMultipass([instance]);
  return snapshot;
}

async function folderNodes(instance: MultipassInstance, diagnostics: Diagnostic[]): Promise<TreeNode[]> {
  const nodes: TreeNode[] = [];
  for (const entry of instance.entries) {
    const node = await readableNode(entry, diagnostics, instance.prefix + entry.name);
    if (!node) continue;
    const note = noteFor(instance, entry.name);
    nodes.push(note ? { ...node, note } : node);
  }
  return nodes;
}

function noteFor(instance: MultipassInstance, name: string): string | undefined {
  const index = fileIndex(name);
  if (index !== null) return `snapshot description${nameOf(instance, index) ? `: ${nameOf(instance, index)}` : ''}`;
  if (name === 'snapshot-head')
    return instance.head ? `head: ${nameOf(instance, instance.head) ?? '?'} (index ${instance.head})` : 'head: none';
  if (name === 'snapshot-count')
    return instance.count === null ? undefined : `${instance.count} snapshots taken so far`;
  if (name === instance.imageName)
    return `qcow2 disk, ${instance.image?.snapshots.length ?? 0} internal snapshots (see #current and #@s<index>)`;
  return name === 'cloud-init-config.iso' ? 'cloud-init seed ISO' : undefined;
}

function instanceChildren(instance: MultipassInstance): ChildSnapshot[] {
  const children: ChildSnapshot[] = [];
  const used = new Set(['current']);
  const add = (child: ChildSnapshot): void => {
    if (used.has(child.selector)) return;
    used.add(child.selector);
    children.push(child);
  };
  for (const description of instance.descriptions) {
    const open = (): Promise<Snapshot> => descriptionSnapshot(instance, description);
    const summary = {
      index: description.index,
      parent: parentName(instance, description),
      comment: description.comment,
      created: description.created,
      head: description.index === instance.head,
    };
    const title = `${instance.name}.${description.name ?? description.file}`;
    if (description.name !== null) add({ selector: description.name, title, summary, open });
    if (description.index !== null)
      add({
        selector: tagName(description.index),
        title: `${title} (qcow2 tag ${tagName(description.index)})`,
        summary,
        open,
      });
  }
  for (const entry of instance.image?.snapshots ?? []) {
    const image = instance.image;
    if (!image || used.has(entry.name) || entry.name === '') continue;
    add({
      selector: entry.name,
      title: `qcow2 snapshot ${entry.name} (not a Multipass snapshot)`,
      summary: snapshotDetails(entry),
      open: () => openEntry(image, entry, `${instance.name}#${entry.name}`),
    });
  }
  children.push({
    selector: 'current',
    title: `${instance.name}: current disk state`,
    summary: { parent: nameOf(instance, instance.head) },
    open: () => currentSnapshot(instance),
  });
  return children;
}

async function descriptionSnapshot(instance: MultipassInstance, description: SnapshotDescription): Promise<Snapshot> {
  const own = new Set([instance.prefix + description.file, instance.prefix + (instance.imageName ?? '')]);
  const diagnostics = [...instance.diagnostics, ...joinChecks(instance)].filter(
    (finding) => finding.path !== undefined && own.has(finding.path),
  );
  const tag = description.index === null ? undefined : tagsByIndex(instance).get(description.index);
  const image = instance.image;
  const tree = tag && image ? await diskTree(image, snapshotView(tag), diagnostics) : null;
  const details = snapshotDetailsLines(
    instance.name,
    description,
    parentName(instance, description) ?? '',
    childNames(instance, description),
  );
  const snapshot: Snapshot = {
    format: 'multipass',
    variant: 'snapshot',
    title: `${instance.name}.${description.name ?? description.file}`,
    metadata: {
      ...snapshotRecord(instance, description),
      qcow2: tag ? snapshotDetails(tag) : null,
      info: details.join('\n'),
    },
    root: tree?.root ?? dirNode('', []),
    children: [],
    diagnostics,
  };
  snapshot.verify = () => verifyWithDisk(instance, tree);
  return snapshot;
}

/** The instance's own checks, plus those of the partitions and filesystems of the disk state shown. */
async function verifyWithDisk(instance: MultipassInstance, tree: DiskTree | null): Promise<Diagnostic[]> {
  const findings = await verifyMultipass([instance]);
  for (const finding of (await tree?.contents?.verify()) ?? []) findings.push(finding);
  return findings;
}

async function currentSnapshot(instance: MultipassInstance): Promise<Snapshot> {
  const diagnostics = instance.diagnostics.filter(
    (finding) => finding.path === instance.prefix + (instance.imageName ?? ''),
  );
  const image = instance.image;
  const tree = image ? await diskTree(image, activeView(image), diagnostics) : null;
  const snapshot: Snapshot = {
    format: 'multipass',
    variant: 'current',
    title: `${instance.name} (current)`,
    // The live disk's parent is the head, as for the next snapshot Multipass takes.
    metadata: { instance: instance.name, parent: nameOf(instance, instance.head), image: instance.imageName },
    root: tree?.root ?? dirNode('', []),
    children: [],
    diagnostics,
  };
  snapshot.verify = () => verifyWithDisk(instance, tree);
  return snapshot;
}
