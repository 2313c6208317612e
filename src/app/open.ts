import { SnapinspectError, errorMessage } from '../model/errors.js';
import { splitPath } from '../model/paths.js';
import type { Snapshot } from '../model/snapshot.js';
import { FileSource, type Source } from '../model/source.js';
import { childrenOf, dirNode, type TreeNode } from '../model/tree.js';
import { probePath } from '../readers/probe.js';
import { detectReader } from '../readers/registry.js';
import type { Probe, Reader } from '../readers/reader.js';
import { openTarArchive, type TarArchive } from '../readers/shared/tar-archive.js';
import { parseAddress } from './address.js';

export interface OpenRequest {
  format?: string;
  showSecrets: boolean;
  /**
   * Awaited before each read of a tar archive: files are read synchronously, so indexing a large
   * archive would otherwise hold the event loop until it is done and a UI could neither draw
   * progress nor take a key.
   */
  pace?: () => Promise<void>;
  /** The readers to detect with; the built-in ones unless given. */
  readers?: readonly Reader[];
}

export interface Opened {
  snapshot: Snapshot;
  /** The reader that opened it, whose deep checks `verify` runs. */
  reader: Reader;
  /** Segments of the `:INNER` path, empty for the root. */
  inner: string[];
}

export async function openAddress(text: string, request: OpenRequest): Promise<Opened> {
  const address = parseAddress(text);
  const probe = paced(await probePath(address.path), request.pace);
  const { reader, variant } = await detectReader(probe, request.format, request.readers);
  const opening = reader.open(probe, variant, { showSecrets: request.showSecrets });
  // A forced format on input it did not recognise may fail in any way; say so in one line.
  const top =
    variant === null
      ? await opening.catch((error: unknown) => rethrowAsUnreadable(error, probe.path, reader.id))
      : await opening;
  if (address.fragment === undefined) return { snapshot: top, reader, inner: splitPath(address.inner ?? '') };
  return { ...(await selectChild(top, address.fragment)), reader };
}

/** The probe with its tar archive read through `pace`. */
function paced(probe: Probe, pace: (() => Promise<void>) | undefined): Probe {
  if (!pace || probe.isDirectory) return probe;
  const file = new FileSource(probe.path, probe.size);
  const source: Source = {
    size: file.size,
    read: async (offset, length) => {
      await pace();
      return file.read(offset, length);
    },
  };
  let tar: Promise<TarArchive | null> | undefined;
  return { ...probe, tar: () => (tar ??= openTarArchive(source)) };
}

function rethrowAsUnreadable(error: unknown, path: string, format: string): never {
  if (error instanceof SnapinspectError) throw error;
  throw new SnapinspectError('UNREADABLE', `${path} cannot be read as ${format}: ${errorMessage(error)}`);
}

/** The longest selector that names a child wins, so `image.tar#layer:2:etc` finds `layer:2`. */
async function selectChild(top: Snapshot, fragment: string): Promise<Omit<Opened, 'reader'>> {
  const candidates = [fragment, ...colonPrefixes(fragment)];
  for (const candidate of candidates) {
    const child = top.children.find((c) => c.selector === candidate);
    if (!child) continue;
    return { snapshot: await child.open(), inner: splitPath(fragment.slice(candidate.length + 1)) };
  }
  const available = top.children.map((c) => `#${c.selector}`).join(', ');
  throw new SnapinspectError(
    'BAD_SELECTOR',
    `${top.title} has no child snapshot #${fragment}${available ? `; available: ${available}` : ' (it has no child snapshots)'}`,
  );
}

function colonPrefixes(fragment: string): string[] {
  const prefixes: string[] = [];
  for (let i = fragment.lastIndexOf(':'); i > 0; i = fragment.lastIndexOf(':', i - 1))
    prefixes.push(fragment.slice(0, i));
  return prefixes;
}

export async function resolveInner(opened: Opened): Promise<TreeNode> {
  return (await resolveInnerTrail(opened)).node;
}

/** The `:INNER` entry with the nodes from the root down to it, whose loading reached it. */
export async function resolveInnerTrail(opened: Opened): Promise<{ node: TreeNode; trail: TreeNode[] }> {
  const trail = [opened.snapshot.root];
  for (const segment of opened.inner) {
    const parent = trail[trail.length - 1] as TreeNode;
    const child = (await childrenOf(parent)).find((candidate) => candidate.name === segment);
    if (!child)
      throw new SnapinspectError('NO_SUCH_ENTRY', `no entry ${opened.inner.join('/')} in ${opened.snapshot.title}`);
    trail.push(child);
  }
  return { node: trail[trail.length - 1] as TreeNode, trail };
}

/** The snapshot narrowed to its `:INNER` entry, so `diff a.tar:etc b.tar:etc` compares just those. */
export async function subtree(opened: Opened): Promise<Snapshot> {
  if (opened.inner.length === 0) return opened.snapshot;
  const node = await resolveInner(opened);
  return { ...opened.snapshot, root: node.children ? node : dirNode('', [node]) };
}
