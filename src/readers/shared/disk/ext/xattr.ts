import { decodeName } from '../../../../model/display.js';
import { u16le, u32le, u8 } from '../../bytes.js';

export const XATTR_MAGIC = 0xea020000;
const BLOCK_HEADER = 32;
const ENTRY_HEADER = 16;

const prefixes: Record<number, string> = {
  1: 'user.',
  2: 'system.posix_acl_access',
  3: 'system.posix_acl_default',
  4: 'trusted.',
  6: 'security.',
  7: 'system.',
  8: 'system.richacl',
};

export interface Xattrs {
  values: Map<string, Uint8Array>;
  /** ea_inode: values too large for the inode or block, kept as the content of an inode of their own. */
  inInodes: { name: string; inode: number; size: number }[];
  problems: string[];
}

/** The attributes after the inode's extra fields (`region` starts at the magic). */
export function inodeXattrs(region: Uint8Array, into: Xattrs): void {
  if (region.length < 4 || u32le(region, 0) !== XATTR_MAGIC) return;
  const entries = region.subarray(4);
  readEntries(entries, 0, entries, into, 'in the inode');
}

/** The attributes of a shared xattr block; values are placed relative to the block. */
export function blockXattrs(block: Uint8Array, number: number, into: Xattrs): void {
  if (u32le(block, 0) !== XATTR_MAGIC) {
    into.problems.push(`xattr block ${number} has no xattr magic`);
    return;
  }
  readEntries(block, BLOCK_HEADER, block, into, `in block ${number}`);
}

/** Entries run until four zero bytes; each is padded to 4 bytes, and its value lives in `values`. */
function readEntries(area: Uint8Array, start: number, values: Uint8Array, into: Xattrs, where: string): void {
  for (let at = start; at + ENTRY_HEADER <= area.length && u32le(area, at) !== 0;) {
    const nameLength = u8(area, at);
    const prefix = prefixes[u8(area, at + 1)] ?? `index${u8(area, at + 1)}.`;
    const valueAt = u16le(area, at + 2);
    const valueInode = u32le(area, at + 4);
    const valueSize = u32le(area, at + 8);
    const nameEnd = at + ENTRY_HEADER + nameLength;
    if (nameEnd > area.length) {
      into.problems.push(`an xattr entry ${where} runs past its area`);
      return;
    }
    const name = prefix + decodeName(area.subarray(at + ENTRY_HEADER, nameEnd));
    if (valueInode !== 0) into.inInodes.push({ name, inode: valueInode, size: valueSize });
    else if (valueAt + valueSize > values.length)
      into.problems.push(`xattr ${name} ${where} has its value past its area`);
    else into.values.set(name, new Uint8Array(values.subarray(valueAt, valueAt + valueSize)));
    at = (nameEnd + 3) & ~3;
  }
}

const ACL_USER_OBJ = 0x1;
const ACL_USER = 0x2;
const ACL_GROUP_OBJ = 0x4;
const ACL_GROUP = 0x8;
const ACL_MASK = 0x10;
const ACL_OTHER = 0x20;
const tagNames: Record<number, string> = {
  [ACL_USER_OBJ]: 'user',
  [ACL_USER]: 'user',
  [ACL_GROUP_OBJ]: 'group',
  [ACL_GROUP]: 'group',
  [ACL_MASK]: 'mask',
  [ACL_OTHER]: 'other',
};

/**
 * An ext4 POSIX ACL (version 1; short entries without an id, long ones for named users and groups)
 * in getfacl's short form, `user::rw-,user:1000:r--,group::r--,mask::r--,other::r--`; null when the
 * bytes are not such an ACL (the raw value is then shown).
 */
export function aclText(value: Uint8Array): string | null {
  if (value.length < 4 || u32le(value, 0) !== 1) return null;
  const parts: string[] = [];
  for (let at = 4; at < value.length;) {
    const tag = u16le(value, at);
    const perm = u16le(value, at + 2);
    const named = tag === ACL_USER || tag === ACL_GROUP;
    const size = named ? 8 : 4;
    const name = tagNames[tag];
    if (name === undefined || at + size > value.length) return null;
    const id = named ? String(u32le(value, at + 4)) : '';
    parts.push(`${name}:${id}:${perm & 4 ? 'r' : '-'}${perm & 2 ? 'w' : '-'}${perm & 1 ? 'x' : '-'}`);
    at += size;
  }
  return parts.join(',');
}
