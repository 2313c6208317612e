import { basename, dirname } from 'node:path';
import type { Diagnostic } from '../../model/diagnostics.js';
import { SnapinspectError } from '../../model/errors.js';
import { limits } from '../shared/limits.js';
import type { Snapshot } from '../../model/snapshot.js';
import { dirNode } from '../../model/tree.js';
import type { Probe, Reader } from '../reader.js';
import { listDir, readableNode } from '../shared/fs-tree.js';
import { parseJson } from '../shared/json.js';
import { instancesFolder, isInstanceFolder, openDataRoot } from './data-root.js';
import { DESCRIPTION_NAME, isDescription, parseDescription, type SnapshotDescription } from './description.js';
import { readDescriptionFiles, readInstance } from './instance.js';
import { snapshotDetailsLines } from './listing.js';
import { descriptionRecord } from './records.js';
import { qcow2Limits } from '../qcow2/index.js';
import { instanceSnapshot } from './snapshots.js';

export { snapshotsTable, type SnapshotListRow } from './listing.js';
export { joinChecks } from './join.js';

/** A Multipass instance folder (docs/formats/containers.md, Multipass), or a data root holding `vault/instances/*`. */
export const multipassReader: Reader = {
  id: 'multipass',
  limits: qcow2Limits,
  label: 'Multipass instance folder or data root',
  async detect(probe: Probe): Promise<string | null> {
    if (!probe.isDirectory) return null;
    if (await isInstanceFolder(probe.path, probe.entries)) return 'instance';
    return (await instancesFolder(probe.path, probe.entries)) ? 'data-root' : null;
  },
  async open(probe: Probe, variant: string | null): Promise<Snapshot> {
    if (!probe.isDirectory)
      throw new SnapinspectError('UNREADABLE', `${probe.path} is a file; a Multipass instance is a folder`);
    return variant === 'data-root' ? openDataRoot(probe.path) : instanceSnapshot(await readInstance(probe.path));
  },
};

/** Rule 18: one `NNNN.snapshot.json` on its own, `{"snapshot": {… "index" …}}`. */
export const multipassSnapshotReader: Reader = {
  id: 'multipass-snapshot',
  label: 'Multipass snapshot description (NNNN.snapshot.json)',
  async detect(probe: Probe): Promise<string | null> {
    if (
      probe.isDirectory ||
      probe.size > limits.leftoverBytes ||
      !/^\s*\{/.test(new TextDecoder().decode(probe.head.subarray(0, 64)))
    )
      return null;
    if (!new TextDecoder().decode(probe.head).includes('"snapshot"')) return null;
    const parsed = parseJson((await probe.readSmallFile()) ?? '');
    return parsed.ok && isDescription(parsed.value) ? 'description' : null;
  },
  async open(probe: Probe): Promise<Snapshot> {
    const file = basename(probe.path);
    const { description, diagnostics } = parseDescription(await probe.readSmallFile(), file, file);
    const node = await readableNode({ name: file, path: Buffer.from(probe.path) }, diagnostics, file);
    const root = dirNode('', node ? [{ ...node, note: 'Multipass snapshot description' }] : []);
    if (!description)
      return {
        format: 'multipass-snapshot',
        variant: 'description',
        title: file,
        metadata: {},
        root,
        children: [],
        diagnostics,
      };
    const family = await relatives(probe.path, description);
    const info = snapshotDetailsLines(
      basename(dirname(probe.path)),
      description,
      family.parent ?? (description.parent ? `index ${description.parent}` : ''),
      family.children,
    );
    const metadata = { ...descriptionRecord(description, family.parent), info: info.join('\n') };
    return {
      format: 'multipass-snapshot',
      variant: 'description',
      title: description.name ?? file,
      metadata,
      root,
      children: [],
      diagnostics,
    };
  },
};

/** Parent and children by name, from the other descriptions beside this one (none when it sits alone). */
async function relatives(
  path: string,
  description: SnapshotDescription,
): Promise<{ parent: string | null; children: string[] }> {
  if (!DESCRIPTION_NAME.test(basename(path))) return { parent: null, children: [] };
  const ignored: Diagnostic[] = [];
  const entries = await listDir(dirname(path), ignored, '').catch(() => []);
  const siblings = await readDescriptionFiles(entries, '', ignored);
  const parent = siblings.find((sibling) => description.parent && sibling.index === description.parent);
  const children = siblings.filter((sibling) => description.index !== null && sibling.parent === description.index);
  return { parent: parent?.name ?? null, children: children.map((child) => child.name ?? child.file) };
}
