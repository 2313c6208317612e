import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { Qcow2SnapshotEntry } from '../qcow2/index.js';
import type { SnapshotDescription } from './description.js';
import type { MultipassInstance } from './instance.js';
import { maxOf, pushAll } from '../../model/arrays.js';

/** The QEMU backend tags each disk snapshot `@s<index>`, unpadded (docs/formats/containers.md, Multipass). */
const TAG = /^@s([1-9]\d*)$/;

export function tagName(index: number): string {
  return `@s${index}`;
}

const tagCache = new WeakMap<MultipassInstance, Map<number, Qcow2SnapshotEntry>>();
const indexCache = new WeakMap<MultipassInstance, Map<number, SnapshotDescription>>();

/** qcow2 snapshot entries by the Multipass index their tag names; the first entry wins when a tag repeats. */
export function tagsByIndex(instance: MultipassInstance): Map<number, Qcow2SnapshotEntry> {
  let tags = tagCache.get(instance);
  if (tags) return tags;
  tags = new Map();
  for (const entry of instance.image?.snapshots ?? []) {
    const match = TAG.exec(entry.name);
    const index = match ? Number(match[1]) : null;
    if (index !== null && !tags.has(index)) tags.set(index, entry);
  }
  tagCache.set(instance, tags);
  return tags;
}

/** Descriptions by index; the first (by file name) wins when an index repeats. */
function descriptionsByIndex(instance: MultipassInstance): Map<number, SnapshotDescription> {
  let indexes = indexCache.get(instance);
  if (indexes) return indexes;
  indexes = new Map();
  for (const description of instance.descriptions)
    if (description.index !== null && !indexes.has(description.index)) indexes.set(description.index, description);
  indexCache.set(instance, indexes);
  return indexes;
}

/** Name of the snapshot with this index, or null. */
export function nameOf(instance: MultipassInstance, index: number | null): string | null {
  if (index === null || index === 0) return null;
  return descriptionsByIndex(instance).get(index)?.name ?? null;
}

/**
 * The JSON side against itself and against the qcow2 tags: what Multipass would trip over when
 * listing, restoring or taking the next snapshot.
 */
export function joinChecks(instance: MultipassInstance): Diagnostic[] {
  const findings: Diagnostic[] = [];
  const add = (code: string, message: string, path: string, severity: Diagnostic['severity'] = 'error'): void =>
    void findings.push(diagnostic(severity, code, message, instance.prefix + path));
  const indexes = descriptionsByIndex(instance);
  const names = new Map<string, SnapshotDescription>();
  for (const description of instance.descriptions) {
    const { index, name, file, parent } = description;
    const first = index === null ? undefined : indexes.get(index);
    if (first && first !== description)
      add('MULTIPASS_DUPLICATE_INDEX', `${file} and ${first.file} both hold index ${index}`, file);
    const sameName = name === null ? undefined : names.get(name);
    if (sameName) add('MULTIPASS_DUPLICATE_NAME', `${file} and ${sameName.file} are both named ${name}`, file);
    else if (name !== null) names.set(name, description);
    if (parent !== null && parent !== 0 && !indexes.has(parent))
      add(
        'MULTIPASS_PARENT_MISSING',
        `${name ?? file}: parent index ${parent} has no snapshot description`,
        file,
        'warning',
      );
  }
  pushAll(findings, tagChecks(instance, indexes));
  pushAll(findings, counterChecks(instance, indexes));
  return findings;
}

function tagChecks(instance: MultipassInstance, indexes: Map<number, SnapshotDescription>): Diagnostic[] {
  const image = instance.image;
  if (!image || instance.imageName === null) return [];
  const findings: Diagnostic[] = [];
  const tags = tagsByIndex(instance);
  for (const [index, description] of indexes) {
    if (tags.has(index)) continue;
    const message = `snapshot ${description.name ?? description.file} (index ${index}) has no qcow2 snapshot tagged ${tagName(index)} in ${instance.imageName}: its disk state is gone and restoring it would fail`;
    findings.push(diagnostic('error', 'MULTIPASS_TAG_MISSING', message, instance.prefix + description.file));
  }
  for (const entry of image.snapshots) {
    const match = TAG.exec(entry.name);
    if (match && indexes.has(Number(match[1])) && tags.get(Number(match[1])) === entry) continue;
    const why = match
      ? `no ${String(match[1]).padStart(4, '0')}.snapshot.json describes it`
      : 'Multipass tags its snapshots @s<index>, so it did not make this one';
    const message = `qcow2 snapshot ${entry.name} (id ${entry.id}) in ${instance.imageName} is unknown to Multipass: ${why}; it only takes space`;
    findings.push(diagnostic('warning', 'MULTIPASS_ORPHAN_TAG', message, instance.prefix + instance.imageName));
  }
  return findings;
}

function counterChecks(instance: MultipassInstance, indexes: Map<number, SnapshotDescription>): Diagnostic[] {
  const findings: Diagnostic[] = [];
  const { head, count } = instance;
  if (head !== null && head !== 0 && !indexes.has(head)) {
    findings.push(
      diagnostic(
        'error',
        'MULTIPASS_HEAD_MISSING',
        `snapshot-head is ${head} but no snapshot has that index: the next snapshot's parent would dangle`,
        `${instance.prefix}snapshot-head`,
      ),
    );
  }
  const highest = maxOf([0, ...indexes.keys()]);
  if (count !== null && count < highest) {
    const message = `snapshot-count is ${count} but index ${highest} exists: the next snapshot would take index ${count + 1} and its default name snapshot${count + 1}, which may already be used`;
    findings.push(diagnostic('error', 'MULTIPASS_COUNT_LOW', message, `${instance.prefix}snapshot-count`));
  }
  return findings;
}
