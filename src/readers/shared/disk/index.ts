export { filesystemDrivers } from './drivers.js';
export { diskLimits } from './limits.js';
export { partitionSchemeOf, readPartitionTable } from './partitions/index.js';
export type { FilesystemDriver, OpenedFilesystem, Partition, PartitionTable } from './types.js';
export { detectedDriver, openDiskContents, type DiskContents } from './volumes.js';
export { browseDiskImage } from './disk-file.js';
