import { BytesSource, type Source } from '../../../../model/source.js';
import { limits } from '../limits.js';
import { parseEntries, type DirEntry } from './directory.js';
import { readExtentTree, ExtentMapping } from './extents.js';
import { INCOMPAT_FILETYPE } from './features.js';
import { ExtFileSource } from './file-source.js';
import {
  BLOCK_AREA_SIZE,
  blockArea,
  FLAG_EA_INODE,
  FLAG_EXTENTS,
  FLAG_INLINE_DATA,
  parseInode,
  S_IFDIR,
  S_IFLNK,
  S_IFREG,
  type Inode,
} from './inode.js';
import { IndirectMapping, NO_BLOCKS, type BlockMapping } from './mapping.js';
import { blockXattrs, inodeXattrs, type Xattrs } from './xattr.js';
import type { ExtVolume } from './volume.js';

/** An inode's bytes as a Source, with what reading its block map found wrong. */
export interface Content {
  source: Source;
  mapping: BlockMapping;
  /** Extent index and leaf blocks below the inode (for verify). */
  treeBlocks: number[];
  /** Held in the inode itself (inline data, a fast symlink): no blocks to read or verify. */
  inline: boolean;
  problems: string[];
}

const MAX_XATTR_VALUE = 65536;

/** Symlinks under 60 bytes keep their target in i_block instead of block pointers. */
function isFastSymlink(inode: Inode): boolean {
  return inode.type === S_IFLNK && (inode.flags & FLAG_INLINE_DATA) === 0 && inode.size < BLOCK_AREA_SIZE;
}

function fixedContent(bytes: Uint8Array): Content {
  return { source: new BytesSource(bytes), mapping: NO_BLOCKS, treeBlocks: [], inline: true, problems: [] };
}

/** Inodes, contents, attributes and directory entries of one opened ext filesystem, read on demand. */
export class ExtFs {
  private readonly contents = new Map<number, Promise<Content>>();
  readonly hasFileType: boolean;

  constructor(readonly volume: ExtVolume) {
    this.hasFileType = (volume.sb.incompat & INCOMPAT_FILETYPE) !== 0;
  }

  async inode(number: number): Promise<Inode | null> {
    const raw = await this.volume.inode(number);
    return raw ? parseInode(number, raw) : null;
  }

  /** The inode's content, read once per inode, so hard links share one Source. */
  content(inode: Inode): Promise<Content> {
    let found = this.contents.get(inode.number);
    if (!found) {
      found = this.loadContent(inode);
      this.contents.set(inode.number, found);
    }
    return found;
  }

  private async loadContent(inode: Inode): Promise<Content> {
    if (inode.flags & FLAG_INLINE_DATA) return this.inlineContent(inode);
    if (isFastSymlink(inode)) return fixedContent(blockArea(inode).subarray(0, inode.size));
    // Devices keep their numbers in i_block; FIFOs and sockets have no data at all.
    if (inode.type !== S_IFREG && inode.type !== S_IFDIR && inode.type !== S_IFLNK)
      return fixedContent(new Uint8Array(0));
    if (inode.flags & FLAG_EXTENTS) {
      const tree = await readExtentTree(this.volume, blockArea(inode), limits.extExtents);
      const mapping = new ExtentMapping(tree.extents);
      const source = new ExtFileSource(this.volume, mapping, inode.size);
      return { source, mapping, treeBlocks: tree.treeBlocks, inline: false, problems: tree.problems };
    }
    const mapping = inode.size === 0 ? NO_BLOCKS : new IndirectMapping(this.volume, blockArea(inode));
    const source = new ExtFileSource(this.volume, mapping, inode.size);
    return { source, mapping, treeBlocks: [], inline: false, problems: [] };
  }

  /** inline_data: the first 60 bytes live in i_block, the rest in the `system.data` attribute. */
  private async inlineContent(inode: Inode): Promise<Content> {
    const rest = (await this.xattrs(inode)).values.get('system.data') ?? new Uint8Array(0);
    const stored = new Uint8Array(blockArea(inode).length + rest.length);
    stored.set(blockArea(inode));
    stored.set(rest, blockArea(inode).length);
    const problems =
      inode.size > stored.length ? [`inline data holds ${stored.length} bytes, the inode says ${inode.size}`] : [];
    const source = new BytesSource(stored.subarray(0, Math.min(inode.size, stored.length)));
    return { source, mapping: NO_BLOCKS, treeBlocks: [], inline: true, problems };
  }

  /** Extended attributes in the inode's spare space and in its shared xattr block. */
  async xattrs(inode: Inode): Promise<Xattrs> {
    const found: Xattrs = { values: new Map(), inInodes: [], problems: [] };
    inodeXattrs(inode.raw.subarray(inode.extraEnd), found);
    if (inode.xattrBlock !== 0) {
      const block = await this.volume.block(inode.xattrBlock);
      if (block) blockXattrs(block, inode.xattrBlock, found);
      else found.problems.push(`xattr block ${inode.xattrBlock} is outside the volume`);
    }
    for (const { name, inode: number, size } of found.inInodes) await this.xattrFromInode(name, number, size, found);
    return found;
  }

  /** Linux caps an xattr value at 64 KiB; a larger claim is damage, not a value to read. */
  private async xattrFromInode(name: string, number: number, size: number, into: Xattrs): Promise<void> {
    const holder = number === 0 ? null : await this.inode(number);
    if (!holder || (holder.flags & FLAG_EA_INODE) === 0 || holder.type !== S_IFREG || size > MAX_XATTR_VALUE) {
      into.problems.push(`xattr ${name} names inode ${number} for its ${size}-byte value, which does not hold it`);
      return;
    }
    const value = await (await this.content(holder)).source.read(0, size);
    if (value.length < size)
      into.problems.push(`xattr ${name} has ${value.length} of its ${size} bytes in inode ${number}`);
    into.values.set(name, value);
  }

  /** A directory's live entries, `.` and `..` included, in on-disk order. */
  async entries(inode: Inode): Promise<{ entries: DirEntry[]; problems: string[] }> {
    const entries: DirEntry[] = [];
    const problems: string[] = [];
    const content = await this.content(inode);
    for (const problem of content.problems) problems.push(problem);
    if (content.inline) {
      const stored = await content.source.read(0, content.source.size);
      parseEntries(stored.subarray(4, 60), this.hasFileType, entries, problems);
      parseEntries(stored.subarray(60), this.hasFileType, entries, problems);
      return { entries, problems };
    }
    const blockSize = this.volume.blockSize;
    const size = Math.min(content.source.size, limits.extDirectoryBytes);
    if (size < content.source.size)
      problems.push(`directory of ${content.source.size} bytes read up to ${size} (limit extDirectoryBytes)`);
    for (let offset = 0; offset < size && entries.length <= limits.fsDirectoryEntries; offset += blockSize) {
      const block = await content.source.read(offset, blockSize);
      const blockProblems: string[] = [];
      parseEntries(block, this.hasFileType, entries, blockProblems);
      for (const problem of blockProblems) problems.push(`block ${offset / blockSize}: ${problem}`);
    }
    if (entries.length > limits.fsDirectoryEntries) {
      entries.length = limits.fsDirectoryEntries;
      problems.push(
        `more than ${limits.fsDirectoryEntries} entries (limit fsDirectoryEntries); the rest are not listed`,
      );
    }
    return { entries, problems };
  }
}
