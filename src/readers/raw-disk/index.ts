import { basename } from 'node:path';
import { FileSource } from '../../model/source.js';
import type { Snapshot } from '../../model/snapshot.js';
import { dirNode, type TreeNode } from '../../model/tree.js';
import type { Probe, Reader } from '../reader.js';
import {
  detectedDriver,
  diskLimits,
  openDiskContents,
  partitionSchemeOf,
  type DiskContents,
} from '../shared/disk/index.js';
import { diskMetadata } from './metadata.js';

/** Pages of the whole-disk memory node: large, as a raw disk may be hundreds of GiB. */
const DISK_PAGE = 64 * 1024;

/**
 * A raw disk image (`dd` of a disk, `qemu-img convert -O raw`, a bare filesystem image): the whole
 * disk as the `disk` memory node, then one entry per partition (`p1`, `p15`, logical `p5`…), each
 * a folder of its filesystem when one is read, or `fs` for an image that is one filesystem.
 */
export const rawDiskReader: Reader = {
  id: 'raw-disk',
  label: 'raw disk image (MBR/GPT partitions, ext2/3/4, FAT)',
  limits: diskLimits,
  async detect(probe: Probe): Promise<string | null> {
    if (probe.isDirectory || probe.size < 1024) return null;
    return partitionSchemeOf(probe.head) ?? bareFilesystemId(probe);
  },
  open(probe: Probe): Promise<Snapshot> {
    return openRawDisk(probe.path, probe.size);
  },
};

async function bareFilesystemId(probe: Probe): Promise<string | null> {
  return (await detectedDriver(new FileSource(probe.path, probe.size)))?.id ?? null;
}

async function openRawDisk(path: string, size: number): Promise<Snapshot> {
  const file = new FileSource(path, size);
  const contents = await openDiskContents(file);
  const root = dirNode('', [wholeDisk(file, contents), ...contents.nodes]);
  return {
    format: 'raw-disk',
    variant: contents.table.scheme,
    title: basename(path),
    metadata: diskMetadata(contents, size),
    root,
    children: [],
    diagnostics: contents.diagnostics,
    verify: () => contents.verify(),
  };
}

function wholeDisk(file: FileSource, contents: DiskContents): TreeNode {
  const scheme = contents.table.scheme;
  return {
    name: 'disk',
    kind: 'memory',
    size: file.size,
    attrs: {},
    content: file,
    pageSize: DISK_PAGE,
    note: scheme === 'none' ? 'the whole disk image' : `the whole disk image (${scheme.toUpperCase()} partition table)`,
  };
}
