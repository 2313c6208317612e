import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { childrenOf, fixedChildren, type TreeNode } from '../../model/tree.js';
import { buildTarTree, type TarNode, type TarTree } from '../shared/tar-tree.js';
import type { TarArchive } from '../shared/tar-archive.js';
import { symlinkLoopsIn } from '../shared/symlink-loops.js';
import { inLayer } from './layers.js';
import { invalidWhiteout } from './layer-view.js';
import { classifyName, OPAQUE_MARKER } from './whiteout.js';
import { sortByName, splitPath } from '../../model/paths.js';
import { pushAll } from '../../model/arrays.js';

/** A node of the merged tree while layers are applied; children stay a map until the end. */
interface Slot {
  node: TarNode;
  children: Map<string, Slot> | null;
}

interface LayerPass {
  number: number;
  diagnostics: Diagnostic[];
  /** Hard links this layer added whose target is not in the layer itself. */
  links: { node: TarNode; path: string }[];
}

const JUDGED_ON_MERGED_TREE = new Set(['TAR_HARDLINK_MISSING', 'TAR_SYMLINK_LOOP']);

export interface MergedTree {
  root: TreeNode;
  diagnostics: Diagnostic[];
}

/**
 * The filesystem a container of this image starts from: layers applied bottom to top with the OCI
 * whiteout rules (docs/formats/containers.md, Whiteouts). Every node carries `attrs.layer`, the 1-based number
 * of the layer it came from (`#layer:N`). Unreadable layers (null) contribute nothing.
 */
export async function mergeLayers(layers: readonly (TarArchive | null)[]): Promise<MergedTree> {
  const root: Slot = { node: { name: '', kind: 'dir', size: 0, attrs: {} }, children: new Map() };
  const diagnostics: Diagnostic[] = [];
  // A blob the manifest names again is indexed into a tree once; its own problems are reported once.
  const trees = new Map<TarArchive, TarTree>();
  for (const [index, archive] of layers.entries()) {
    // The same blob right above itself changes nothing: its whiteouts find their targets gone and it
    // adds what is already there. Skipping it keeps a blob named a thousand times to one pass.
    if (!archive || archive === layers[index - 1]) continue;
    const pass: LayerPass = { number: index + 1, diagnostics: [], links: [] };
    let tree = trees.get(archive);
    if (!tree) {
      trees.set(archive, (tree = buildTarTree(archive.index.entries, archive.source)));
      // Links to lower layers are legitimate here, and loops may span layers: both are judged on the merged tree below.
      pushAll(diagnostics, [
        ...tree.diagnostics
          .filter((found) => !JUDGED_ON_MERGED_TREE.has(found.code))
          .map((found) => inLayer(pass.number, found)),
      ]);
    }
    if (tree.root.entry) takeAttributes(root.node, tree.root, pass.number);
    await applyDir(root, tree.root, '', pass);
    for (const link of pass.links) resolveLink(root, link, pass);
    pushAll(diagnostics, pass.diagnostics);
  }
  finish(root);
  pushAll(diagnostics, await symlinkLoopsIn(root.node));
  return { root: root.node, diagnostics };
}

/**
 * Whiteouts and an opaque marker act on what lower layers left in this directory, before the
 * layer's own entries go in: so they never hide what the same layer adds, whatever the tar order.
 */
async function applyDir(target: Slot, dir: TreeNode, path: string, pass: LayerPass): Promise<void> {
  const lower = target.children ?? new Map<string, Slot>();
  const entries = await childrenOf(dir);
  for (const entry of entries) {
    const name = classifyName(entry.name);
    if (name.kind === 'whiteout') hide(lower, name.target, join(path, name.target), pass);
    if (name.kind === 'invalid') pass.diagnostics.push(inLayer(pass.number, invalidWhiteout(join(path, entry.name))));
  }
  if (entries.some((entry) => entry.name === OPAQUE_MARKER)) lower.clear();
  for (const entry of entries) {
    if (classifyName(entry.name).kind !== 'entry') continue;
    const entryPath = join(path, entry.name);
    const slot = place(lower, entry as TarNode, entryPath, pass);
    if (entry.kind === 'dir') await applyDir(slot, entry, entryPath, pass);
  }
}

function hide(lower: Map<string, Slot>, name: string, path: string, pass: LayerPass): void {
  if (lower.delete(name)) return;
  const message = `layer ${pass.number} deletes ${path}, which no lower layer has`;
  pass.diagnostics.push(diagnostic('info', 'IMAGE_WHITEOUT_MISSING_TARGET', message, `layer:${pass.number}:${path}`));
}

/** A directory over a directory takes the new attributes and keeps its children; anything else replaces the whole subtree. */
function place(lower: Map<string, Slot>, entry: TarNode, path: string, pass: LayerPass): Slot {
  const existing = lower.get(entry.name);
  if (existing?.node.kind === 'dir' && entry.kind === 'dir') {
    // A parent the layer only implies (`var/cache/z` without `var/cache/`) changes nothing.
    if (entry.entry) takeAttributes(existing.node, entry, pass.number);
    return existing;
  }
  const { children: _children, ...fields } = entry;
  const slot: Slot = {
    node: { ...fields, attrs: { ...entry.attrs, layer: pass.number } },
    children: entry.kind === 'dir' ? new Map() : null,
  };
  lower.set(entry.name, slot);
  if (entry.kind === 'hardlink' && !entry.content) pass.links.push({ node: slot.node, path });
  return slot;
}

function takeAttributes(node: TarNode, from: TarNode, layer: number): void {
  Object.assign(node, {
    mode: from.mode,
    uid: from.uid,
    gid: from.gid,
    mtime: from.mtime,
    attrs: { ...from.attrs, layer },
    entry: from.entry,
  });
}

/** A hard link to a file of a lower layer shares that file's data, as the extracted filesystem would. */
function resolveLink(root: Slot, link: { node: TarNode; path: string }, pass: LayerPass): void {
  let slot: Slot | undefined = root;
  const target = splitPath(link.node.linkTarget ?? '');
  for (const segment of target) slot = slot?.children?.get(segment);
  if (slot?.node.content && slot.node !== link.node) {
    link.node.content = slot.node.content;
    return;
  }
  const message = `hard link ${link.path} points at ${target.join('/') || '/'}, which is not a file in this or a lower layer`;
  pass.diagnostics.push(
    diagnostic(
      'warning',
      'TAR_HARDLINK_MISSING',
      `layer ${pass.number}: ${message}`,
      `layer:${pass.number}:${link.path}`,
    ),
  );
}

/** Turns the maps into sorted child lists; iterative, since hostile paths can nest very deep. */
function finish(root: Slot): void {
  const pending = [root];
  for (let slot = pending.pop(); slot; slot = pending.pop()) {
    if (!slot.children) continue;
    const children = [...slot.children.values()];
    slot.node.children = fixedChildren(sortByName(children.map((child) => child.node)));
    pushAll(pending, children);
  }
}

function join(parent: string, name: string): string {
  return parent ? `${parent}/${name}` : name;
}
