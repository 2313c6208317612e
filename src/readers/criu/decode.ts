import type { MetaRecord, MetaValue } from '../../model/metadata.js';
import type { ProtoMessage } from './protobuf.js';
import {
  enumName,
  exact,
  FD_TYPES,
  flagNames,
  hex,
  LSM_TYPES,
  MACHINES,
  NETWORK_LOCK_METHODS,
  PAGEMAP_FLAGS,
  PRE_DUMP_MODES,
  protection,
  TASK_STATES,
  VMA_FLAGS,
  VMA_STATUS,
} from './names.js';

/** Decoders of the CRIU messages snapinspect shows, by the field numbers of docs/formats/containers.md, CRIU. */

/** Keeps a record free of absent fields, so listings show only what the image holds. */
function record(entries: [string, MetaValue | undefined][]): MetaRecord {
  const result: MetaRecord = {};
  for (const [key, value] of entries) if (value !== undefined) result[key] = value;
  return result;
}

const big = (value: bigint | undefined): number | bigint | undefined =>
  value === undefined ? undefined : exact(value);
const hexOf = (value: bigint | undefined): string | undefined => (value === undefined ? undefined : hex(value));
const named = (names: Record<number, string>, value: number | undefined): string | undefined =>
  value === undefined ? undefined : enumName(names, value);

export function decodeInventory(message: ProtoMessage): MetaRecord {
  return record([
    ['img_version', message.uint32(1)],
    ['fdinfo_per_id', message.bool(2)],
    ['ns_per_id', message.bool(4)],
    ['root_cg_set', message.uint32(5)],
    ['lsm_type', named(LSM_TYPES, message.uint32(6))],
    // criu/proc_parse.c parse_uptime(): seconds × 10^6 + centiseconds × 10^4.
    ['dump_uptime_us', big(message.uint64(8))],
    ['pre_dump_mode', named(PRE_DUMP_MODES, message.uint32(9))],
    ['tcp_close', message.bool(10)],
    ['network_lock_method', named(NETWORK_LOCK_METHODS, message.uint32(11))],
    ['criu_run_id', message.string(13)],
    ['allow_uprobes', message.bool(14)],
  ]);
}

export function decodeStats(message: ProtoMessage): MetaRecord {
  const dump = message.message(1);
  const restore = message.message(2);
  return record([
    [
      'dump',
      dump &&
        record([
          ['freezing_time_us', dump.uint32(1)],
          ['frozen_time_us', dump.uint32(2)],
          ['memdump_time_us', dump.uint32(3)],
          ['memwrite_time_us', dump.uint32(4)],
          ['pages_scanned', big(dump.uint64(5))],
          ['pages_skipped_parent', big(dump.uint64(6))],
          ['pages_written', big(dump.uint64(7))],
          ['irmap_resolve_us', dump.uint32(8)],
          ['pages_lazy', big(dump.uint64(9))],
        ]),
    ],
    [
      'restore',
      restore &&
        record([
          ['pages_compared', big(restore.uint64(1))],
          ['pages_skipped_cow', big(restore.uint64(2))],
          ['forking_time_us', restore.uint32(3)],
          ['restore_time_us', restore.uint32(4)],
          ['pages_restored', big(restore.uint64(5))],
        ]),
    ],
  ]);
}

export interface PstreeEntry {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  threads: number[];
}

export function decodePstree(message: ProtoMessage): PstreeEntry {
  return {
    pid: message.uint32(1) ?? 0,
    ppid: message.uint32(2) ?? 0,
    pgid: message.uint32(3) ?? 0,
    sid: message.uint32(4) ?? 0,
    threads: message.varints(5).map((tid) => Number(BigInt.asUintN(32, tid))),
  };
}

export interface TaskIds {
  vm?: number;
  files?: number;
}

export function decodeIds(message: ProtoMessage): TaskIds {
  return { vm: message.uint32(1), files: message.uint32(2) };
}

export interface CoreInfo {
  state?: number;
  comm?: string;
  ids?: TaskIds;
  attrs: MetaRecord;
}

export function decodeCore(message: ProtoMessage): CoreInfo {
  const task = message.message(3);
  const thread = message.message(5);
  const creds = thread?.message(10);
  const ids = message.message(4);
  const state = task?.uint32(1);
  const comm = task?.string(6) ?? thread?.string(13);
  const attrs = record([
    ['comm', comm],
    ['state', named(TASK_STATES, state)],
    ['exit_code', task?.uint32(2)],
    ['arch', named(MACHINES, message.uint32(1))],
    ['personality', hexOf(task?.uint64(3))],
    ['flags', hexOf(task?.uint64(4))],
    ['loginuid', task?.uint32(13)],
    ['oom_score_adj', task?.int32(14)],
    ['child_subreaper', task?.bool(18)],
    ['sched_nice', thread === undefined ? undefined : big(thread.sint64(3))],
    ['uid', creds?.uint32(1)],
    ['gid', creds?.uint32(2)],
  ]);
  return { state, comm, ids: ids && decodeIds(ids), attrs };
}

export interface Vma {
  start: bigint;
  end: bigint;
  status: bigint;
  shmid: bigint;
  attrs: MetaRecord;
}

export function decodeVma(message: ProtoMessage): Vma {
  const start = message.uint64(1) ?? 0n;
  const end = message.uint64(2) ?? 0n;
  const status = message.uint64(7) ?? 0n;
  const shmid = message.uint64(4) ?? 0n;
  const fd = message.sint64(8);
  const attrs = record([
    ['start', hex(start)],
    ['end', hex(end)],
    ['size', end >= start ? exact(end - start) : undefined],
    ['prot', protection(message.uint64(5) ?? 0n)],
    ['flags', flagNames(VMA_FLAGS, message.uint64(6) ?? 0n)],
    ['status', flagNames(VMA_STATUS, status)],
    ['pgoff', hexOf(message.uint64(3))],
    ['shmid', big(message.uint64(4))],
    ['fd', fd === undefined ? undefined : exact(fd)],
    ['madv', hexOf(message.uint64(9))],
  ]);
  return { start, end, status, shmid, attrs };
}

export interface MmInfo {
  vmas: Vma[];
  attrs: MetaRecord;
}

const MM_FIELDS = [
  'start_code',
  'end_code',
  'start_data',
  'end_data',
  'start_stack',
  'start_brk',
  'brk',
  'arg_start',
  'arg_end',
  'env_start',
  'env_end',
];

export function decodeMm(message: ProtoMessage): MmInfo {
  const vmas = message.messages(14).map(decodeVma);
  const attrs = record([
    ...MM_FIELDS.map((name, index): [string, MetaValue | undefined] => [name, hexOf(message.uint64(index + 1))]),
    ['exe_file_id', message.uint32(12)],
    ['dumpable', message.uint32(15)],
    ['thp_disabled', message.bool(17)],
    ['vmas', vmas.length],
  ]);
  return { vmas, attrs };
}

export interface PagemapEntry {
  vaddr: bigint;
  pages: bigint;
  flags: bigint;
}

export const PAGE_PARENT = 1n;
export const PAGE_LAZY = 2n;
export const PAGE_PRESENT = 4n;

export function decodePagemapEntry(message: ProtoMessage): PagemapEntry {
  const vaddr = message.uint64(1) ?? 0n;
  const pages = message.uint64(5) ?? message.uint64(2) ?? 0n;
  // Images older than the flags field say only whether the pages are in the parent.
  const flags = message.uint64(4) ?? (message.bool(3) ? PAGE_PARENT : PAGE_PRESENT);
  return { vaddr, pages, flags };
}

export function pagemapAttrs(entry: PagemapEntry): MetaRecord {
  return { vaddr: hex(entry.vaddr), nr_pages: exact(entry.pages), flags: flagNames(PAGEMAP_FLAGS, entry.flags) };
}

export interface OpenFile {
  id: number;
  type: number;
  /** What a path or `pipe:[inode]` says about the file, when the image tells. */
  name?: string;
  attrs: MetaRecord;
}

export function decodeRegFile(message: ProtoMessage): OpenFile {
  const name = message.string(6);
  const attrs = record([
    ['id', message.uint32(1)],
    ['type', 'REG'],
    ['name', name],
    ['flags', hexOf(message.uint64(2))],
    ['pos', big(message.uint64(3))],
    ['mnt_id', message.int32(7)],
    ['size', big(message.uint64(8))],
    ['mode', message.uint32(10)],
  ]);
  return { id: message.uint32(1) ?? 0, type: 1, name, attrs };
}

/** An entry of files.img: the file's kind, and for regular files and pipes what they are. */
export function decodeFileEntry(message: ProtoMessage): OpenFile {
  const id = message.uint32(2) ?? 0;
  const type = message.uint32(1) ?? 0;
  const reg = message.message(3);
  if (reg) return { ...decodeRegFile(reg), id, type };
  const pipeId = message.message(18)?.uint32(2);
  const name = pipeId === undefined ? undefined : `pipe:[${pipeId}]`;
  return {
    id,
    type,
    name,
    attrs: record([
      ['id', id],
      ['type', enumName(FD_TYPES, type)],
      ['name', name],
    ]),
  };
}

export interface FdInfo {
  fd: number;
  id: number;
  type: number;
  flags: number;
}

export function decodeFdinfo(message: ProtoMessage): FdInfo {
  return {
    id: message.uint32(1) ?? 0,
    flags: message.uint32(2) ?? 0,
    type: message.uint32(3) ?? 0,
    fd: message.uint32(4) ?? 0,
  };
}
