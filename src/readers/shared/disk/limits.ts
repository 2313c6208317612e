import { limitGroup } from '../../../model/limits.js';

/**
 * Limits of disk images and the filesystems inside them (partition tables, ext2/3/4, FAT), shared by
 * every reader that opens a disk (qcow2, raw images, Multipass, LXD virtual machines).
 */
export const diskLimits = limitGroup({
  diskPartitions: {
    value: 1024,
    help: 'partition table entries read from one disk (GPT disks usually hold 128, an MBR chain a few logical ones)',
  },
  fsDirectoryEntries: {
    value: 1_000_000,
    help: 'entries read from one directory of an ext or FAT filesystem',
  },
  extExtents: {
    value: 1_000_000,
    help: 'extents and extent-tree entries read for one ext4 file (a 1 GiB file fragmented into 4 KiB pieces has 262,144)',
  },
  extDirectoryBytes: {
    value: 256 * 1024 * 1024,
    help: 'bytes of one ext directory read for its entries (a million long names fit in a quarter of this)',
  },
  extVerifyInodes: {
    value: 1_000_000,
    help: 'inodes whose metadata checksums verify checks on one ext4 filesystem',
  },
  fatVerifyEntries: {
    value: 1_000_000,
    help: 'files and folders of one FAT filesystem whose cluster chains verify follows',
  },
});

/** The values in force, read where each limit applies. */
export const limits = diskLimits.values;
