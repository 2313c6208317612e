import { basename } from 'node:path';
import type { Snapshot } from '../../model/snapshot.js';
import { FileSource } from '../../model/source.js';
import { dirNode, type TreeNode } from '../../model/tree.js';
import { readImage } from './image-node.js';

/** One CRIU image on its own (rule 2 of docs/formats/README.md, Detection order): its header facts and entries. */
export async function openImageFile(path: string, size: number): Promise<Snapshot> {
  const name = basename(path);
  const view = await readImage(new FileSource(path, size), name);
  const root: TreeNode = dirNode('', []);
  if (view.children) root.children = view.children;
  return {
    format: 'criu',
    variant: 'image',
    title: name,
    metadata: { image: name, ...view.attrs },
    root,
    children: [],
    diagnostics: view.diagnostics,
  };
}
