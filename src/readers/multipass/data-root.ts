import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Diagnostic } from '../../model/diagnostics.js';
import type { ChildSnapshot, Snapshot } from '../../model/snapshot.js';
import { dirNode } from '../../model/tree.js';
import { diskChildren, listDir } from '../shared/fs-tree.js';
import { isCounterOrDescription, isQcow2File, readInstance, type MultipassInstance } from './instance.js';
import { nameOf } from './join.js';
import { snapshotsTable } from './listing.js';
import { listRows } from './records.js';
import { instanceSnapshot } from './snapshots.js';
import { verifyMultipass } from './checks.js';
import { pushAll } from '../../model/arrays.js';

/** A daemon hosts a handful of instances; a folder with hundreds of candidates is not a data root. */
const MAX_INSTANCES = 256;

/** Rule 14: snapshot bookkeeping files beside a qcow2 `*.img`. */
export async function isInstanceFolder(dir: string, names: readonly string[]): Promise<boolean> {
  if (!names.some(isCounterOrDescription)) return false;
  for (const name of names) if (name.endsWith('.img') && (await isQcow2File(join(dir, name)))) return true;
  return false;
}

/** `vault/instances` below a data root (or `instances` below `vault`), when at least one instance folder is in it. */
export async function instancesFolder(
  dir: string,
  names: readonly string[],
): Promise<{ path: string; prefix: string } | null> {
  const candidates = [
    { present: names.includes('vault'), path: join(dir, 'vault', 'instances'), prefix: 'vault/instances/' },
    {
      present: names.includes('instances') && basename(dir) === 'vault',
      path: join(dir, 'instances'),
      prefix: 'instances/',
    },
  ];
  for (const candidate of candidates) {
    if (candidate.present && (await instanceFolders(candidate.path)).length > 0) return candidate;
  }
  return null;
}

async function instanceFolders(path: string): Promise<string[]> {
  const names = await readdir(path).catch(() => [] as string[]);
  const found: string[] = [];
  for (const name of names.sort().slice(0, MAX_INSTANCES)) {
    const dir = join(path, name);
    const isDir = await stat(dir).then(
      (stats) => stats.isDirectory(),
      () => false,
    );
    if (isDir && (await isInstanceFolder(dir, await readdir(dir).catch(() => [])))) found.push(name);
  }
  return found;
}

/** Every instance as `#<instance>`, and each instance's own children as `#<instance>:<selector>`. */
export async function openDataRoot(dir: string): Promise<Snapshot> {
  const diagnostics: Diagnostic[] = [];
  const folder = await instancesFolder(
    dir,
    (await listDir(dir, diagnostics, '')).map((entry) => entry.name),
  );
  const instances: MultipassInstance[] = [];
  if (folder)
    for (const name of await instanceFolders(folder.path))
      instances.push(await readInstance(join(folder.path, name), `${folder.prefix}${name}/`));
  const opened = await Promise.all(instances.map(instanceSnapshot));
  const children: ChildSnapshot[] = [];
  opened.forEach((snapshot, index) => {
    const instance = instances[index];
    if (!instance) return;
    pushAll(diagnostics, snapshot.diagnostics);
    const summary = { snapshots: instance.descriptions.length, head: nameOf(instance, instance.head) };
    children.push({ selector: instance.name, title: `instance ${instance.name}`, summary, open: async () => snapshot });
    for (const child of snapshot.children) children.push({ ...child, selector: `${instance.name}:${child.selector}` });
  });
  const snapshot: Snapshot = {
    format: 'multipass',
    variant: 'data-root',
    title: basename(dir),
    metadata: {
      instances: instances.map((instance) => instance.name),
      info: snapshotsTable(instances.flatMap(listRows)).join('\n'),
      instance_details: Object.fromEntries(opened.map((instanceView) => [instanceView.title, instanceView.metadata])),
    },
    root: dirNode('', await diskChildren(dir, diagnostics, '')),
    children,
    diagnostics,
  };
  snapshot.verify = () => verifyMultipass(instances);
  return snapshot;
}
