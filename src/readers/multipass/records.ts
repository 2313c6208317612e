import { exactInteger, type MetaRecord, type MetaValue } from '../../model/metadata.js';
import { stateName, type SnapshotDescription } from './description.js';
import type { MultipassInstance } from './instance.js';
import { nameOf, tagsByIndex } from './join.js';
import { multipassSize, snapshotsTable, type SnapshotListRow } from './listing.js';

const MAX_INDENT = 32;

/** One snapshot as metadata: sizes as numbers and as Multipass prints them, the parent by name, the head marked. */
export function snapshotRecord(instance: MultipassInstance, description: SnapshotDescription): MetaRecord {
  const tag = description.index === null ? undefined : tagsByIndex(instance).get(description.index);
  const { file: _file, ...fields } = descriptionRecord(description, parentName(instance, description));
  return {
    ...fields,
    head: description.index !== null && description.index === instance.head,
    qcow2_tag: tag ? tag.name : null,
    file: description.file,
  };
}

/** The fields one description holds by itself; `parent` is the parent's name when the caller knows it. */
export function descriptionRecord(description: SnapshotDescription, parent: string | null): MetaRecord {
  return {
    name: description.name,
    index: description.index,
    parent,
    comment: description.comment,
    created: description.created,
    cores: description.cores,
    memory: description.memory === null ? null : exactInteger(description.memory),
    memory_human: description.memory === null ? null : multipassSize(description.memory),
    disk: description.disk === null ? null : exactInteger(description.disk),
    disk_human: description.disk === null ? null : multipassSize(description.disk),
    mounts: description.mounts,
    state: description.state === null ? null : stateName(description.state),
    extra_interfaces: description.extraInterfaces,
    cloud_init_instance_id: description.cloudInitInstanceId,
    file: description.file,
  };
}

/** The parent's name; a parent index without a description shows as `index N (missing)`. */
export function parentName(instance: MultipassInstance, description: SnapshotDescription): string | null {
  if (description.parent === null || description.parent === 0) return null;
  return nameOf(instance, description.parent) ?? `index ${description.parent} (missing)`;
}

export function childNames(instance: MultipassInstance, description: SnapshotDescription): string[] {
  if (description.index === null) return [];
  return instance.descriptions.filter((other) => other.parent === description.index).map(label);
}

function label(description: SnapshotDescription): string {
  return description.name ?? description.file;
}

/**
 * Parent/child lines, two spaces per level, the head marked. Walked with an explicit stack: a chain
 * of thousands of snapshots must not overflow the call stack. Snapshots caught in a parent cycle come last.
 */
function treeLines(instance: MultipassInstance): string[] {
  const known = new Set(instance.descriptions.map((description) => description.index));
  const children = new Map<number, SnapshotDescription[]>();
  const roots: SnapshotDescription[] = [];
  for (const description of instance.descriptions) {
    const parent = description.parent;
    if (!parent || !known.has(parent) || parent === description.index) roots.push(description);
    else if (children.has(parent)) children.get(parent)?.push(description);
    else children.set(parent, [description]);
  }
  const lines: string[] = [];
  const placed = new Set<SnapshotDescription>();
  for (const start of [...roots, ...instance.descriptions]) {
    const stack: [SnapshotDescription, number][] = [[start, 0]];
    for (let next = stack.pop(); next; next = stack.pop()) {
      const [description, depth] = next;
      if (placed.has(description)) continue;
      placed.add(description);
      const head = description.index !== null && description.index === instance.head ? '  [head]' : '';
      lines.push(`${indent(depth)}${label(description)}${head}`);
      const below = description.index === null ? [] : (children.get(description.index) ?? []);
      for (let i = below.length - 1; i >= 0; i--) stack.push([below[i] as SnapshotDescription, depth + 1]);
    }
  }
  return lines;
}

/** Beyond 32 levels the depth is written out, so a long chain cannot make the text quadratic in size. */
function indent(depth: number): string {
  return depth <= MAX_INDENT ? '  '.repeat(depth) : `${'  '.repeat(MAX_INDENT)}[depth ${depth}] `;
}

export function listRows(instance: MultipassInstance): SnapshotListRow[] {
  return instance.descriptions.map((description) => ({
    instance: instance.name,
    snapshot: label(description),
    parent: parentName(instance, description) ?? '',
    comment: description.comment,
    created: description.created?.epochNs ?? 0n,
  }));
}

export function instanceMetadata(instance: MultipassInstance): MetaRecord {
  const image = instance.image;
  const header = image?.header;
  const disk: MetaValue = header
    ? {
        file: instance.imageName,
        format: 'qcow2',
        version: header.version,
        virtual_size: exactInteger(header.size),
        cluster_size: 2 ** Math.min(header.clusterBits, 63),
        internal_snapshots: image.snapshots.map((entry) => entry.name),
      }
    : null;
  return {
    instance: instance.name,
    snapshot_count: instance.count,
    snapshot_head: instance.head,
    head: nameOf(instance, instance.head),
    disk,
    snapshots: instance.descriptions.map((description) => snapshotRecord(instance, description)),
    tree: instance.descriptions.length ? treeLines(instance).join('\n') : '(no snapshots)',
    info: snapshotsTable(listRows(instance)).join('\n'),
  };
}
