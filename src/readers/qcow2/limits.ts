import { limitGroup } from '../../model/limits.js';

/** Limits of qcow2 disk images. */
export const qcow2Limits = limitGroup({
  qcow2Snapshots: { value: 65_536, help: "qcow2 snapshot table entries (QEMU's own limit)" },
  qcow2SnapshotTableBytes: { value: 64 * 1024 * 1024, help: 'bytes of the qcow2 snapshot table' },
  qcow2RefcountTableBytes: {
    value: 8 * 1024 * 1024,
    help: "bytes of the qcow2 refcount table (QEMU's QCOW_MAX_REFTABLE_SIZE)",
  },
  qcow2BackingChain: { value: 16, help: 'backing files followed below a qcow2 image' },
});

/** The values in force, read where each limit applies. */
export const limits = qcow2Limits.values;
