import { Instant, type MetaRecord } from '../../../../model/metadata.js';
import { featureNames, fsType } from './features.js';
import type { Superblock } from './superblock.js';

const STATE_VALID = 0x1;
const STATE_ERRORS = 0x2;

/** What dumpe2fs -h shows first, as partition folder facts. */
export function filesystemAttrs(sb: Superblock): MetaRecord {
  return {
    type: fsType(sb),
    label: sb.label,
    uuid: uuidText(sb.uuid),
    'block size': sb.blockSize,
    'inode size': sb.inodeSize,
    features: featureNames(sb),
    state: stateText(sb.state),
    'last mounted': timeOrNull(sb.mountTime),
    'last written': timeOrNull(sb.writeTime),
    created: timeOrNull(sb.createdTime),
    inodes: sb.inodesCount,
    blocks: sb.blocksCount,
    'free inodes': sb.freeInodes,
    'free blocks': sb.freeBlocks,
  };
}

/** dumpe2fs's wording: `clean`, `not clean`, and `with errors` when the error flag is set. */
export function stateText(state: number): string {
  const base = state & STATE_VALID ? 'clean' : 'not clean';
  return state & STATE_ERRORS ? `${base} with errors` : base;
}

export function hasErrors(state: number): boolean {
  return (state & STATE_ERRORS) !== 0;
}

function timeOrNull(seconds: number): Instant | null {
  return seconds === 0 ? null : new Instant(BigInt(seconds) * 1_000_000_000n);
}

function uuidText(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
