import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { MetaRecord } from '../../model/metadata.js';
import {
  decodeCore,
  decodeFdinfo,
  decodeFileEntry,
  decodeIds,
  decodeInventory,
  decodeMm,
  decodePagemapEntry,
  decodePstree,
  decodeRegFile,
  decodeStats,
  decodeVma,
  PAGE_PRESENT,
  type CoreInfo,
  type FdInfo,
  type MmInfo,
  type OpenFile,
  type PstreeEntry,
  type TaskIds,
  type Vma,
} from './decode.js';
import type { ByteOrder, ImageEntry } from './image.js';
import { CORE, FDINFO, FILES, IDS, INVENTORY, MM, PAGEMAP, PSTREE, REG_FILES, STATS, VMAS } from './magic.js';
import { countPagemapEntry, emptyPagemap, type Pagemap, type PagesFile } from './pages.js';
import { limits } from './limits.js';
import { DecodeError } from '../shared/byte-cursor.js';
import { ProtoMessage } from './protobuf.js';

/** What the images of one checkpoint folder say, gathered in one pass over the files. */
export interface Checkpoint {
  byteOrder?: ByteOrder;
  inventory?: MetaRecord;
  stats?: MetaRecord;
  /** The first `criuTasks` tasks of pstree.img, with at most `criuThreads` thread ids among them. */
  pstree: PstreeEntry[];
  /** Tasks and thread ids of pstree.img past those limits: counted, never kept. */
  tasksLeftOut: number;
  threadsKept: number;
  threadsLeftOut: number;
  /** By thread id: every thread has its own core image. */
  cores: Map<number, CoreInfo>;
  ids: Map<number, TaskIds>;
  mms: Map<number, MmInfo>;
  /** vmas-<pid>.img of old images, written before the VMAs moved into mm_entry. */
  vmas: Map<number, Vma[]>;
  pagemaps: Map<number, Pagemap>;
  fdinfos: Map<number, FdInfo[]>;
  files: Map<number, OpenFile>;
  pages: Map<number, PagesFile>;
  /** Present pages of every pagemap, shared memory included: what stats-dump calls pages_written. */
  presentTotal: bigint;
  /** Every name in the folder, to tell a missing image from an undecodable one. */
  names: Set<string>;
}

export function emptyCheckpoint(): Checkpoint {
  return {
    pstree: [],
    tasksLeftOut: 0,
    threadsKept: 0,
    threadsLeftOut: 0,
    cores: new Map(),
    ids: new Map(),
    mms: new Map(),
    vmas: new Map(),
    pagemaps: new Map(),
    fdinfos: new Map(),
    files: new Map(),
    pages: new Map(),
    presentTotal: 0n,
    names: new Set(),
  };
}

type Collect = (checkpoint: Checkpoint, id: number, index: number, message: ProtoMessage, file: string) => void;

const push = <K, V>(map: Map<K, V[]>, key: K, value: V): void => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

const first =
  (collect: Collect): Collect =>
  (checkpoint, id, index, message, file) => {
    if (index === 0) collect(checkpoint, id, index, message, file);
  };

function collectPagemap(
  checkpoint: Checkpoint,
  id: number,
  index: number,
  message: ProtoMessage,
  file: string,
  shared: boolean,
): void {
  if (index === 0) {
    if (!shared) checkpoint.pagemaps.set(id, emptyPagemap(file, message.uint32(1)));
    return;
  }
  const entry = decodePagemapEntry(message);
  if (entry.flags & PAGE_PRESENT) checkpoint.presentTotal += entry.pages;
  const pagemap = shared ? undefined : checkpoint.pagemaps.get(id);
  if (pagemap) countPagemapEntry(pagemap, entry, limits.criuRecords);
}

/**
 * Keeps a task of pstree.img while the task and thread budgets last. Past them the rest is
 * only counted, so that a pstree of millions costs memory for the limits, not for the input.
 */
function collectTask(checkpoint: Checkpoint, message: ProtoMessage): void {
  if (checkpoint.pstree.length >= limits.criuTasks) {
    checkpoint.tasksLeftOut++;
    return;
  }
  const task = decodePstree(message);
  const room = Math.max(0, limits.criuThreads - checkpoint.threadsKept);
  if (task.threads.length > room) {
    checkpoint.threadsLeftOut += task.threads.length - room;
    task.threads.length = room;
  }
  checkpoint.threadsKept += task.threads.length;
  checkpoint.pstree.push(task);
}

/** What was left out of pstree.img by criuTasks and criuThreads, as warnings. */
export function pstreeLimitDiagnostics(checkpoint: Checkpoint): Diagnostic[] {
  const found: Diagnostic[] = [];
  if (checkpoint.tasksLeftOut > 0) {
    const message = `pstree.img lists ${checkpoint.pstree.length + checkpoint.tasksLeftOut} tasks; only the first ${checkpoint.pstree.length} are decoded (limit criuTasks)`;
    found.push(diagnostic('warning', 'CRIU_TOO_MANY_TASKS', message, 'pstree.img'));
  }
  if (checkpoint.threadsLeftOut > 0) {
    const message = `pstree.img lists more than ${checkpoint.threadsKept} thread ids; ${checkpoint.threadsLeftOut} more are left out (limit criuThreads)`;
    found.push(diagnostic('warning', 'CRIU_TOO_MANY_TASKS', message, 'pstree.img'));
  }
  return found;
}

/** Which images are decoded, by file name and the magic that name requires. */
const COLLECTORS: [RegExp, number, Collect][] = [
  [/^inventory\.img$/, INVENTORY, first((c, _id, _i, m) => (c.inventory = decodeInventory(m)))],
  [/^stats-dump$/, STATS, first((c, _id, _i, m) => (c.stats = decodeStats(m)))],
  [/^pstree\.img$/, PSTREE, (c, _id, _i, m) => collectTask(c, m)],
  [/^core-(\d+)\.img$/, CORE, first((c, id, _i, m) => c.cores.set(id, decodeCore(m)))],
  [/^ids-(\d+)\.img$/, IDS, first((c, id, _i, m) => c.ids.set(id, decodeIds(m)))],
  [/^mm-(\d+)\.img$/, MM, first((c, id, _i, m) => c.mms.set(id, decodeMm(m)))],
  [/^vmas-(\d+)\.img$/, VMAS, (c, id, _i, m) => push(c.vmas, id, decodeVma(m))],
  [/^pagemap-(\d+)\.img$/, PAGEMAP, (c, id, i, m, file) => collectPagemap(c, id, i, m, file, false)],
  [/^pagemap-shmem-(\d+)\.img$/, PAGEMAP, (c, id, i, m, file) => collectPagemap(c, id, i, m, file, true)],
  [/^fdinfo-(\d+)\.img$/, FDINFO, (c, id, _i, m) => push(c.fdinfos, id, decodeFdinfo(m))],
  [/^files\.img$/, FILES, (c, _id, _i, m) => addFile(c, decodeFileEntry(m))],
  [/^reg-files\.img$/, REG_FILES, (c, _id, _i, m) => addFile(c, decodeRegFile(m))],
];

function addFile(checkpoint: Checkpoint, file: OpenFile): void {
  if (!checkpoint.files.has(file.id)) checkpoint.files.set(file.id, file);
}

export interface EntrySink {
  visit(entry: ImageEntry): void;
  /** The first decode error with a count of the rest, once the walk is over. */
  finish(): Diagnostic[];
}

/** Decodes the entries of `file` into the checkpoint when it is an image snapinspect understands. */
export function entrySink(checkpoint: Checkpoint, file: string, magic: number): EntrySink | undefined {
  for (const [pattern, expected, collect] of COLLECTORS) {
    const match = pattern.exec(file);
    if (!match || magic !== expected) continue;
    const id = Number(match[1] ?? 0);
    let firstError: string | undefined;
    let errors = 0;
    return {
      visit: ({ index, payload }) => {
        try {
          collect(checkpoint, id, index, ProtoMessage.decode(payload), file);
        } catch (error) {
          if (!(error instanceof DecodeError)) throw error;
          firstError ??= `entry ${index}: ${error.message}`;
          errors++;
        }
      },
      finish: () => {
        if (firstError === undefined) return [];
        const more = errors > 1 ? ` (and ${errors - 1} more entries)` : '';
        return [diagnostic('error', 'CRIU_DECODE_ERROR', `${file}: ${firstError}${more}`, file)];
      },
    };
  }
  return undefined;
}
