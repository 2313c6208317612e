import { diagnostic, type Diagnostic } from '../../../../model/diagnostics.js';
import type { Source } from '../../../../model/source.js';
import type { TreeNode } from '../../../../model/tree.js';
import type { FilesystemDriver, OpenedFilesystem } from '../types.js';
import { filesystemAttrs, hasErrors } from './attrs.js';
import { fsType, INCOMPAT_RECOVER, unreadableFeatures } from './features.js';
import { ExtFs } from './fs.js';
import { ROOT_INODE, S_IFDIR } from './inode.js';
import {
  fatalProblems,
  looksLikeSuperblock,
  parseSuperblock,
  SUPERBLOCK_OFFSET,
  SUPERBLOCK_SIZE,
  type Superblock,
} from './superblock.js';
import { ExtTree } from './tree.js';
import { verifyExt } from './verify.js';
import { ExtVolume } from './volume.js';

export const extDriver: FilesystemDriver = {
  id: 'ext',
  detect: (head) => looksLikeSuperblock(head.subarray(SUPERBLOCK_OFFSET, SUPERBLOCK_OFFSET + SUPERBLOCK_SIZE)),
  open: openExt,
};

async function openExt(volume: Source, where: string): Promise<OpenedFilesystem> {
  const raw = await volume.read(SUPERBLOCK_OFFSET, SUPERBLOCK_SIZE);
  if (raw.length < SUPERBLOCK_SIZE) {
    const message = `${where}: the volume ends at byte ${volume.size}, before the end of the ext superblock`;
    return unreadable('ext2', [diagnostic('error', 'EXT_TRUNCATED', message, where)]);
  }
  const sb = parseSuperblock(raw);
  const fatal = fatalProblems(sb, where);
  if (fatal.length > 0) return unreadable(fsType(sb), fatal);
  const diagnostics = openingDiagnostics(sb, volume, where);
  const fs = new ExtFs(new ExtVolume(volume, sb));
  const rootInode = await fs.inode(ROOT_INODE);
  let root: TreeNode = emptyRoot();
  if (rootInode && rootInode.type === S_IFDIR) root = new ExtTree(fs, where).root(rootInode);
  else
    diagnostics.push(diagnostic('error', 'EXT_BAD_ROOT', `${where}: inode 2 is not a readable root directory`, where));
  return {
    type: fsType(sb),
    attrs: filesystemAttrs(sb),
    root,
    diagnostics,
    verify: () => verifyExt(fs, where),
  };
}

/** What a user should know before trusting the listing: unreplayed journal, unknown features, damage. */
function openingDiagnostics(sb: Superblock, volume: Source, where: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  if (sb.incompat & INCOMPAT_RECOVER)
    found.push(
      diagnostic(
        'warning',
        'EXT_NEEDS_RECOVERY',
        `${where}: the journal was not replayed (the filesystem was not cleanly unmounted); recent changes may be missing`,
        where,
      ),
    );
  const unknown = unreadableFeatures(sb);
  if (unknown.length > 0)
    found.push(
      diagnostic(
        'warning',
        'EXT_UNKNOWN_FEATURES',
        `${where}: incompatible features ${unknown.join(', ')} are not understood; some files may read wrongly`,
        where,
      ),
    );
  if (hasErrors(sb.state))
    found.push(
      diagnostic('warning', 'EXT_HAS_ERRORS', `${where}: the kernel marked this filesystem as having errors`, where),
    );
  const needed = sb.blocksCount * sb.blockSize;
  if (needed > volume.size)
    found.push(
      diagnostic(
        'error',
        'EXT_TRUNCATED',
        `${where}: the filesystem needs ${needed} bytes, the volume holds ${volume.size}; files past the end read as zeros`,
        where,
      ),
    );
  return found;
}

function emptyRoot(): TreeNode {
  return { name: '', kind: 'dir', size: 0, attrs: {}, children: () => Promise.resolve([]) };
}

function unreadable(type: string, diagnostics: Diagnostic[]): OpenedFilesystem {
  return { type, attrs: { type }, root: emptyRoot(), diagnostics, verify: () => Promise.resolve(diagnostics) };
}
