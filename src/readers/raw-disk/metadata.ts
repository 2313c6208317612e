import type { MetaRecord } from '../../model/metadata.js';
import type { DiskContents } from '../shared/disk/index.js';

/** What `info` shows of a raw disk: its table's scheme and identity, then the table's own fields. */
export function diskMetadata(contents: DiskContents, size: number): MetaRecord {
  const table = contents.table;
  const metadata: MetaRecord = { scheme: table.scheme, size, sector_size: table.sectorSize };
  const identity = table.attrs.disk_guid ?? table.attrs.label_id;
  if (identity !== undefined) metadata[table.scheme === 'gpt' ? 'disk_guid' : 'label_id'] = identity;
  metadata.partitions = table.partitions.length;
  if (table.scheme !== 'none') metadata.table = table.attrs;
  const bare = contents.nodes.find((node) => node.name === 'fs');
  if (bare) metadata.filesystem = bare.attrs.filesystem ?? null;
  return metadata;
}
