import { diagnostic, type Diagnostic } from '../../../model/diagnostics.js';
import { errorMessage } from '../../../model/errors.js';
import { limits } from '../limits.js';
import { BytesSource, readAll, type Source } from '../../../model/source.js';
import { childrenOf, lazyFolder, type TreeNode } from '../../../model/tree.js';
import { openTarArchive } from '../tar-archive.js';
import { buildTarTree } from '../tar-tree.js';
import { indexZip } from './central.js';
import { ZipMemberSource } from './member.js';
import { buildZipTree } from './tree.js';
import { looksLikeZip } from './types.js';
import { pushAll } from '../../../model/arrays.js';

const NESTED_NAME = /\.(zip|b64zip|tar|tar\.gz|tgz|wgn)$/i;

/**
 * Lets archives inside an archive be browsed like folders: a matching file gets children that
 * open it on first expansion, to `limits.archiveDepth` levels. Deflated members are read into
 * memory once (random access into a deflate stream would re-inflate it for every seek).
 */
export async function attachNestedArchives(
  root: TreeNode,
  diagnostics: Diagnostic[],
  depth: number,
  where = '',
  budget: NestedBudget = { opened: 0 },
): Promise<void> {
  const folders: [TreeNode, string][] = [[root, '']];
  for (let next = folders.pop(); next; next = folders.pop()) {
    const [folder, path] = next;
    for (const child of await childrenOf(folder)) {
      const childPath = path ? `${path}/${child.name}` : child.name;
      if (child.kind === 'dir') folders.push([child, childPath]);
      else if (child.content && NESTED_NAME.test(child.name))
        lazyFolder(child, (raised) => nestedChildren(child, raised, depth + 1, where + childPath, budget));
    }
  }
}

/** Archives opened so far below one snapshot: each is held in memory, so their number is bounded (42.zip fans out to 65,536). */
interface NestedBudget {
  opened: number;
}

async function nestedChildren(
  node: TreeNode,
  diagnostics: Diagnostic[],
  depth: number,
  path: string,
  budget: NestedBudget,
): Promise<TreeNode[]> {
  if (budget.opened >= limits.nestedArchives) {
    const message = `${path} is not opened: ${limits.nestedArchives} nested archives are open already (limit nestedArchives)`;
    diagnostics.push(diagnostic('warning', 'ARCHIVE_COUNT_LIMIT', message, path));
    return [];
  }
  if (depth > limits.archiveDepth) {
    diagnostics.push(
      diagnostic(
        'warning',
        'ARCHIVE_DEPTH_LIMIT',
        `${path} is an archive nested ${depth} levels deep; the limit is ${limits.archiveDepth}, so it is not opened`,
        path,
      ),
    );
    return [];
  }
  try {
    const bytes = await nestedBytes(node, path);
    if (!bytes) {
      diagnostics.push(
        diagnostic(
          'info',
          'ARCHIVE_TOO_LARGE',
          `${path} is larger than ${limits.nestedArchiveBytes} bytes; it is not browsed inside`,
          path,
        ),
      );
      return [];
    }
    budget.opened++;
    return await openNested(bytes, diagnostics, depth, path, budget);
  } catch (error) {
    diagnostics.push(
      diagnostic(
        'warning',
        'ARCHIVE_UNREADABLE',
        `${path} cannot be opened as an archive: ${errorMessage(error)}`,
        path,
      ),
    );
    return [];
  }
}

async function nestedBytes(node: TreeNode, path: string): Promise<Source | null> {
  const content = node.content as Source;
  if (path.toLowerCase().endsWith('.b64zip')) {
    const text = await readAll(content, limits.nestedArchiveBytes);
    return text && new BytesSource(Buffer.from(Buffer.from(text).toString('latin1').replace(/\s+/g, ''), 'base64'));
  }
  const stored = content instanceof ZipMemberSource && content.entry.method === 0;
  if (stored) return content;
  const bytes = await readAll(content, limits.nestedArchiveBytes);
  return bytes && new BytesSource(bytes);
}

async function openNested(
  source: Source,
  diagnostics: Diagnostic[],
  depth: number,
  path: string,
  budget: NestedBudget,
): Promise<TreeNode[]> {
  const head = await source.read(0, 4);
  if (looksLikeZip(head)) {
    const index = await indexZip(source);
    pushAll(diagnostics, [
      ...index.diagnostics.map((found) => ({ ...found, path: found.path ? `${path}/${found.path}` : path })),
    ]);
    const tree = buildZipTree(index.entries, source, diagnostics, `${path}/`);
    await attachNestedArchives(tree.root, diagnostics, depth, `${path}/`, budget);
    return childrenOf(tree.root);
  }
  const tar = await openTarArchive(source);
  if (!tar) {
    diagnostics.push(
      diagnostic('info', 'ARCHIVE_UNKNOWN', `${path} is neither a zip nor a tar; shown as a file`, path),
    );
    return [];
  }
  pushAll(
    diagnostics,
    [tar.diagnostics, tar.index.diagnostics].flat().map((found) => ({ ...found, path })),
  );
  const tree = buildTarTree(tar.index.entries, tar.source);
  pushAll(diagnostics, tree.diagnostics);
  await attachNestedArchives(tree.root, diagnostics, depth, `${path}/`, budget);
  return childrenOf(tree.root);
}
