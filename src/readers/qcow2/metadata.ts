import { exactInteger, type MetaRecord } from '../../model/metadata.js';
import { hex } from './bytes.js';
import { featureList } from './extensions.js';
import type { Qcow2Header } from './header.js';
import { cryptName, type Qcow2Image } from './image.js';
import { snapshotListLines, vmClock } from './listing.js';
import { snapshotDate, type Qcow2SnapshotEntry } from './snapshot-table.js';

/** Header fields by their spec names, then the snapshot table as rows and as `qemu-img snapshot -l` prints it. */
export function imageMetadata(image: Qcow2Image): MetaRecord {
  const header = image.header;
  if (!header) return { file_size: image.file.size };
  return {
    ...headerFields(header, image),
    file_size: image.file.size,
    snapshots: image.snapshots.map(snapshotRow),
    info: image.snapshots.length > 0 ? snapshotListLines(image.snapshots).join('\n') : 'No internal snapshots.',
  };
}

function headerFields(header: Qcow2Header, image: Qcow2Image): MetaRecord {
  const names = image.extensions?.featureNames ?? new Map<string, string>();
  const record: MetaRecord = {
    version: header.version,
    compat: header.version === 2 ? '0.10' : '1.1',
    virtual_size: exactInteger(header.size),
    cluster_size: 2 ** Math.min(header.clusterBits, 63),
    cluster_bits: header.clusterBits,
    backing_file: image.backingFile,
    backing_format: image.extensions?.backingFormat ?? null,
    ...(image.backingName === null ? {} : { backing_chain: backingChain(image) }),
    crypt_method: cryptName(header.cryptMethod),
    l1_size: header.l1Size,
    l1_table_offset: exactInteger(header.l1TableOffset),
    refcount_table_offset: exactInteger(header.refcountTableOffset),
    refcount_table_clusters: header.refcountTableClusters,
    nb_snapshots: header.nbSnapshots,
    snapshots_offset: exactInteger(header.snapshotsOffset),
    incompatible_features: featureList(header.incompatibleFeatures, 'incompatible', names),
    compatible_features: featureList(header.compatibleFeatures, 'compatible', names),
    autoclear_features: featureList(header.autoclearFeatures, 'autoclear', names),
    refcount_order: header.refcountOrder,
    refcount_bits: 2 ** Math.min(header.refcountOrder, 63),
    header_length: header.headerLength,
    compression_type: ['zlib', 'zstd'][header.compressionType] ?? `unknown (${header.compressionType})`,
    header_extensions: (image.extensions?.list ?? []).map((extension) => ({
      type: hex(extension.type),
      name: extension.name,
      length: extension.length,
    })),
  };
  return { ...record, ...extensionFields(image) };
}

/** Each file the chain could open, nearest first, with the format it is read as. */
function backingChain(image: Qcow2Image): MetaRecord[] {
  return image.backing.map((link) => ({ name: link.name, format: link.format }));
}

function extensionFields(image: Qcow2Image): MetaRecord {
  const record: MetaRecord = {};
  const extensions = image.extensions;
  if (extensions?.externalDataFile != null) record.external_data_file = extensions.externalDataFile;
  if (extensions?.bitmaps) {
    const { count, directoryOffset, directorySize } = extensions.bitmaps;
    record.bitmaps = {
      count,
      directory_offset: exactInteger(directoryOffset),
      directory_size: exactInteger(directorySize),
    };
  }
  if (extensions?.encryption)
    record.encryption_header = {
      offset: exactInteger(extensions.encryption.offset),
      length: exactInteger(extensions.encryption.length),
    };
  return record;
}

/** The columns of `qemu-img snapshot -l`, typed: sizes in bytes, the date as an instant, icount null when disabled. */
export function snapshotRow(entry: Qcow2SnapshotEntry): MetaRecord {
  return {
    id: entry.id,
    tag: entry.name,
    vm_size: exactInteger(entry.vmStateSize),
    date: snapshotDate(entry),
    vm_clock: vmClock(entry.vmClockNsec),
    icount: entry.icount === null ? null : exactInteger(entry.icount),
  };
}

/** Everything about one snapshot entry: the row plus where its L1 table is and how large its disk was. */
export function snapshotDetails(entry: Qcow2SnapshotEntry): MetaRecord {
  return {
    ...snapshotRow(entry),
    disk_size: exactInteger(entry.diskSize),
    l1_table_offset: exactInteger(entry.l1TableOffset),
    l1_size: entry.l1Size,
    extra_data_size: entry.extraDataSize,
  };
}
