import { volumePath } from '../volume-path.js';
import { diagnostic, type Diagnostic } from '../../../../model/diagnostics.js';
import { decodeName } from '../../../../model/display.js';
import { limits } from '../limits.js';
import {
  checksumSeed,
  descriptorChecksumOk,
  directoryBlockChecksumOk,
  extentBlockChecksumOk,
  hasDirectoryTail,
  inodeChecksumOk,
  inodeSeed,
  superblockChecksumOk,
  xattrBlockChecksumOk,
} from './checksums.js';
import { isDotEntry } from './directory.js';
import { RO_COMPAT_METADATA_CSUM } from './features.js';
import { IndirectMapping, type BlockMapping } from './mapping.js';
import type { ExtFs } from './fs.js';
import { indexBlocks, indexChecksumOk } from './htree.js';
import { FLAG_INDEX, ROOT_INODE, S_IFDIR, type Inode } from './inode.js';
import { fatalProblems } from './superblock.js';

/**
 * Superblock sanity, block maps pointing outside the volume and, with metadata_csum, the crc32c of
 * the superblock, every group descriptor and every inode reachable from the root with its extent,
 * directory leaf and xattr blocks. Each mismatch is reported once; the walk stops after
 * `extVerifyInodes` inodes.
 */
export async function verifyExt(fs: ExtFs, where: string): Promise<Diagnostic[]> {
  const sb = fs.volume.sb;
  const found = fatalProblems(sb, where);
  if (found.length > 0) return found;
  const expectedInodes = sb.inodesPerGroup * fs.volume.groups;
  if (sb.inodesCount !== expectedInodes)
    found.push(
      diagnostic(
        'error',
        'EXT_BAD_SUPERBLOCK',
        `${where}: the superblock counts ${sb.inodesCount} inodes, its groups hold ${expectedInodes}`,
        where,
      ),
    );
  const checksums = (sb.roCompat & RO_COMPAT_METADATA_CSUM) !== 0;
  const walk = new VerifyWalk(fs, where, found, checksums);
  if (checksums && !superblockChecksumOk(sb)) walk.mismatch('the superblock', '');
  if (checksums) await walk.descriptors();
  await walk.inodes();
  return found;
}

/** Logical blocks of a block map resolved per step, so a damaged map cannot fill memory with runs. */
const MAP_CHUNK = 65536;

class VerifyWalk {
  private readonly seed: number;
  private readonly reported = new Set<string>();
  /** Shared xattr blocks are checked once, whichever inode reaches them first. */
  private readonly xattrBlocks = new Set<number>();

  constructor(
    private readonly fs: ExtFs,
    private readonly where: string,
    private readonly found: Diagnostic[],
    private readonly checksums: boolean,
  ) {
    this.seed = checksumSeed(fs.volume.sb);
  }

  mismatch(what: string, path: string): void {
    if (this.reported.has(what)) return;
    this.reported.add(what);
    const message = `the metadata checksum of ${what} does not match`;
    this.found.push(diagnostic('error', 'EXT_BAD_CHECKSUM', message, volumePath(this.where, path)));
  }

  async descriptors(): Promise<void> {
    const groups = Math.min(this.fs.volume.groups, limits.extVerifyInodes);
    for (let group = 0; group < groups; group++) {
      const descriptor = await this.fs.volume.descriptor(group);
      if (descriptor && !descriptorChecksumOk(this.seed, group, descriptor.bytes))
        this.mismatch(`group descriptor ${group} (block ${descriptor.block})`, '');
    }
  }

  /** Every inode reachable from the root, each once, with an explicit stack. */
  async inodes(): Promise<void> {
    const seen = new Set<number>([ROOT_INODE]);
    const pending: { number: number; path: string }[] = [{ number: ROOT_INODE, path: '' }];
    for (let top = pending.pop(); top; top = pending.pop()) {
      if (seen.size > limits.extVerifyInodes) {
        this.found.push(
          diagnostic(
            'info',
            'EXT_VERIFY_LIMIT',
            `${this.where}: checksums checked for the first ${limits.extVerifyInodes} inodes (limit extVerifyInodes)`,
            this.where,
          ),
        );
        return;
      }
      const inode = await this.fs.inode(top.number);
      if (!inode || inode.type === 0) continue;
      await this.inode(inode, top.path);
      if (inode.type !== S_IFDIR) continue;
      for (const entry of (await this.fs.entries(inode)).entries) {
        if (isDotEntry(entry.name) || seen.has(entry.inode)) continue;
        seen.add(entry.inode);
        const name = decodeName(entry.name);
        pending.push({ number: entry.inode, path: top.path ? `${top.path}/${name}` : name });
      }
    }
  }

  private async inode(inode: Inode, path: string): Promise<void> {
    const label = path || '/';
    const content = await this.fs.content(inode);
    await this.blockMap(inode, content.mapping, label, path);
    if (!this.checksums) return;
    if (!inodeChecksumOk(this.seed, inode)) this.mismatch(`inode ${inode.number} (${label})`, path);
    await this.xattrBlock(inode, label, path);
    for (const block of content.treeBlocks) {
      const bytes = await this.fs.volume.block(block);
      if (bytes && !extentBlockChecksumOk(this.seed, inode, bytes))
        this.mismatch(`extent block ${block} of inode ${inode.number} (${label})`, path);
    }
    if (inode.type !== S_IFDIR || content.inline) return;
    const blocks = Math.ceil(Math.min(inode.size, limits.extDirectoryBytes) / this.fs.volume.blockSize);
    if (inode.flags & FLAG_INDEX) await this.indexBlocks(inode, content.mapping, blocks, label, path);
    for (const run of await content.mapping.runs(0, blocks)) {
      for (let i = 0; run.physical !== null && i < run.count; i++) {
        const bytes = await this.fs.volume.block(run.physical + i);
        if (bytes && hasDirectoryTail(bytes) && !directoryBlockChecksumOk(this.seed, inode, bytes))
          this.mismatch(`directory block ${run.physical + i} of inode ${inode.number} (${label})`, path);
      }
    }
  }

  private async xattrBlock(inode: Inode, label: string, path: string): Promise<void> {
    if (inode.xattrBlock === 0 || this.xattrBlocks.has(inode.xattrBlock)) return;
    this.xattrBlocks.add(inode.xattrBlock);
    const bytes = await this.fs.volume.block(inode.xattrBlock);
    if (bytes && !xattrBlockChecksumOk(this.seed, inode.xattrBlock, bytes))
      this.mismatch(`xattr block ${inode.xattrBlock} of inode ${inode.number} (${label})`, path);
  }

  /**
   * Walks an ext2/ext3 block map to the end of the file, a chunk at a time: pointers past the volume
   * read as zeros, and a map naming more blocks than the filesystem has (pointers repeated by
   * damage) is reported instead of walked on.
   */
  private async blockMap(inode: Inode, mapping: BlockMapping, label: string, path: string): Promise<void> {
    if (!(mapping instanceof IndirectMapping)) return;
    const blocks = Math.min(Math.ceil(inode.size / this.fs.volume.blockSize), mapping.addressable);
    let mapped = 0;
    for (let first = 0; first < blocks && mapped <= this.fs.volume.sb.blocksCount; first += MAP_CHUNK)
      for (const run of await mapping.runs(first, Math.min(MAP_CHUNK, blocks - first)))
        if (run.physical !== null) mapped += run.count;
    const problems: string[] = [];
    if (mapping.outOfRange > 0) problems.push(`${mapping.outOfRange} block pointers outside the volume, read as zeros`);
    if (mapped > this.fs.volume.sb.blocksCount) problems.push('more mapped blocks than the filesystem holds');
    if (problems.length === 0) return;
    const message = `inode ${inode.number} (${label}) has ${problems.join(' and ')}`;
    this.found.push(diagnostic('error', 'EXT_BAD_BLOCK_MAP', message, volumePath(this.where, path)));
  }

  private async indexBlocks(
    inode: Inode,
    mapping: BlockMapping,
    blocks: number,
    label: string,
    path: string,
  ): Promise<void> {
    const seed = inodeSeed(this.seed, inode);
    for (const node of await indexBlocks(this.fs.volume, mapping, blocks))
      if (!indexChecksumOk(seed, node))
        this.mismatch(`directory index block ${node.physical} of inode ${inode.number} (${label})`, path);
  }
}
