/** Feature bits by the names e2fsprogs (dumpe2fs, tune2fs -O) gives them, in its listing order. */
const compatNames: Record<number, string> = {
  0x1: 'dir_prealloc',
  0x2: 'imagic_inodes',
  0x4: 'has_journal',
  0x8: 'ext_attr',
  0x10: 'resize_inode',
  0x20: 'dir_index',
  0x40: 'lazy_bg',
  0x80: 'snapshot_bitmap',
  0x100: 'sparse_super2',
  0x200: 'fast_commit',
  0x400: 'stable_inodes',
  0x800: 'orphan_file',
};

const incompatNames: Record<number, string> = {
  0x1: 'compression',
  0x2: 'filetype',
  0x4: 'needs_recovery',
  0x8: 'journal_dev',
  0x10: 'meta_bg',
  0x40: 'extent',
  0x80: '64bit',
  0x100: 'mmp',
  0x200: 'flex_bg',
  0x400: 'ea_inode',
  0x1000: 'dirdata',
  0x2000: 'metadata_csum_seed',
  0x4000: 'large_dir',
  0x8000: 'inline_data',
  0x10000: 'encrypt',
  0x20000: 'casefold',
};

const roCompatNames: Record<number, string> = {
  0x1: 'sparse_super',
  0x2: 'large_file',
  0x4: 'btree_dir',
  0x8: 'huge_file',
  0x10: 'uninit_bg',
  0x20: 'dir_nlink',
  0x40: 'extra_isize',
  0x80: 'snapshot',
  0x100: 'quota',
  0x200: 'bigalloc',
  0x400: 'metadata_csum',
  0x800: 'replica',
  0x1000: 'read-only',
  0x2000: 'project',
  0x4000: 'shared_blocks',
  0x8000: 'verity',
  0x10000: 'orphan_present',
};

export const COMPAT_HAS_JOURNAL = 0x4;
export const INCOMPAT_FILETYPE = 0x2;
export const INCOMPAT_RECOVER = 0x4;
export const INCOMPAT_META_BG = 0x10;
export const INCOMPAT_64BIT = 0x80;
export const INCOMPAT_CSUM_SEED = 0x2000;
export const INCOMPAT_INLINE_DATA = 0x8000;
export const RO_COMPAT_METADATA_CSUM = 0x400;

/**
 * Incompatible features this reader understands well enough to list files and read content. Anything
 * else (compression, journal_dev, dirdata, encrypt) may hide or scramble data, so it is reported.
 */
const READABLE_INCOMPAT = 0x2 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x2000 | 0x4000 | 0x8000 | 0x20000;

/** What blkid calls ext2 and ext3 may use; any other feature makes the filesystem ext4. */
const EXT3_INCOMPAT = INCOMPAT_FILETYPE | INCOMPAT_RECOVER | INCOMPAT_META_BG;
const EXT3_RO_COMPAT = 0x1 | 0x2 | 0x4;

export interface FeatureSet {
  compat: number;
  incompat: number;
  roCompat: number;
}

export function featureNames({ compat, incompat, roCompat }: FeatureSet): string[] {
  return [
    ...namesOf(compat, compatNames, 'C'),
    ...namesOf(incompat, incompatNames, 'I'),
    ...namesOf(roCompat, roCompatNames, 'R'),
  ];
}

/** Unnamed bits are shown as e2fsprogs shows them: FEATURE_C12, FEATURE_I20, FEATURE_R17. */
function namesOf(bits: number, names: Record<number, string>, letter: string): string[] {
  const found: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    const mask = 2 ** bit;
    if (Math.floor(bits / mask) % 2 === 1) found.push(names[mask] ?? `FEATURE_${letter}${bit}`);
  }
  return found;
}

/** Incompatible features that are set but neither known nor readable here, by name. */
export function unreadableFeatures(features: FeatureSet): string[] {
  const unreadable = (features.incompat & ~READABLE_INCOMPAT) >>> 0;
  return namesOf(unreadable, incompatNames, 'I');
}

/** The type blkid reports: a journal makes ext3, anything beyond ext3's features makes ext4. */
export function fsType({ compat, incompat, roCompat }: FeatureSet): 'ext2' | 'ext3' | 'ext4' {
  if ((incompat & ~EXT3_INCOMPAT) >>> 0 !== 0 || (roCompat & ~EXT3_RO_COMPAT) >>> 0 !== 0) return 'ext4';
  return compat & COMPAT_HAS_JOURNAL ? 'ext3' : 'ext2';
}
