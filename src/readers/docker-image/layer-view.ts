import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { parentPath as parentOf, sortByName } from '../../model/paths.js';
import { childrenOf, fixedChildren, type TreeNode } from '../../model/tree.js';
import { buildTarTree, type TarNode } from '../shared/tar-tree.js';
import type { OpenedLayer } from './layers.js';
import { classifyName } from './whiteout.js';

export interface LayerView {
  root: TreeNode;
  diagnostics: Diagnostic[];
}

/**
 * One layer's own tree, as its tar lists it, except that whiteout markers become `whiteout` nodes
 * named after what they hide, so a listing reads "deleted os-release" rather than ".wh.os-release".
 */
export async function layerView(layer: OpenedLayer | null): Promise<LayerView> {
  if (!layer?.archive)
    return { root: { name: '', kind: 'dir', size: 0, attrs: {}, children: fixedChildren([]) }, diagnostics: [] };
  const tree = buildTarTree(layer.archive.index.entries, layer.archive.source);
  const diagnostics = [...tree.diagnostics];
  const touched = new Set<TreeNode>();
  for (const [path, node] of tree.byPath) {
    const parentPath = parentOf(path);
    const parent = tree.byPath.get(parentPath);
    if (path === '' || !parent || !markWhiteout(node, parentPath, diagnostics, path)) continue;
    touched.add(parent);
  }
  // Renamed markers no longer sort where the tar put them.
  for (const parent of touched) parent.children = fixedChildren(sortByName(await childrenOf(parent)));
  return { root: tree.root, diagnostics };
}

function markWhiteout(node: TarNode, parentPath: string, diagnostics: Diagnostic[], path: string): boolean {
  const name = classifyName(node.name);
  if (name.kind === 'invalid') diagnostics.push(invalidWhiteout(path));
  if (name.kind !== 'whiteout' && name.kind !== 'opaque') return false;
  const marker = node.name;
  const hidden = name.kind === 'whiteout' ? `${parentPath ? `${parentPath}/` : ''}${name.target}` : parentPath || '/';
  Object.assign(node, {
    kind: 'whiteout',
    name: name.kind === 'whiteout' ? name.target : marker,
    size: 0,
    attrs: { ...node.attrs, whiteout: marker },
    note:
      name.kind === 'whiteout' ? `deletes ${hidden} from lower layers` : `opaque: hides lower contents of ${hidden}`,
  });
  delete node.content;
  return true;
}

export function invalidWhiteout(path: string): Diagnostic {
  return diagnostic(
    'warning',
    'IMAGE_INVALID_WHITEOUT',
    `${path} is not a valid whiteout (it names no file) and is ignored`,
    path,
  );
}
